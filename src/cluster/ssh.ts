/**
 * Transport over one SSH connection (ssh2) to the cluster's login node: exec channels for commands
 * (every argument quoted, environment set inside the command), SFTP for files. The host key is
 * pinned against known_hosts text; keepalive is on; at most a few channels at once; a dropped
 * connection is re-opened with back-off and never surfaces as a job failure unless it stays down.
 */
import { createHash, createHmac } from 'node:crypto'
import { Client, type ClientChannel, type SFTPWrapper } from 'ssh2'
import { err, ok, messageOf, type Problem, type Result } from '../result.js'
import { commandLine } from './quote.js'
import type { DirEntry, ExecOptions, ExecResult, FileStat, Transport } from './transport.js'

export interface SshOptions {
  host: string
  port: number
  username: string
  privateKey: string
  /** known_hosts lines; the server's key must match one for this host. */
  knownHosts: string
  passphrase?: string
  keepaliveIntervalMs?: number
  /** Concurrent exec channels (OpenSSH allows 10 sessions per connection; SFTP holds one more). */
  maxChannels?: number
  /** How long to keep trying to reconnect before an operation fails. */
  reconnectForMs?: number
  readyTimeoutMs?: number
}

/** SFTP status codes. */
const NO_SUCH_FILE = 2

/** Connections opened by this process (for benchmarks). */
let connectionsOpened = 0

export class SshTransport implements Transport {
  readonly description: string
  private client: Client | undefined
  private sftpSession: SFTPWrapper | undefined
  private connecting: Promise<void> | undefined
  private active = 0
  private readonly waiting: (() => void)[] = []
  private closed = false

  private constructor(private readonly o: SshOptions) {
    this.description = `ssh:${o.username}@${o.host}:${o.port}`
  }

  get connectionsOpened(): number {
    return connectionsOpened
  }

  /** Opens the connection; an unknown or changed host key, or a refused login, is an error value. */
  static async connect(o: SshOptions): Promise<Result<SshTransport, Problem>> {
    const t = new SshTransport(o)
    try {
      await t.open()
      return ok(t)
    } catch (e) {
      return err({ message: `cannot connect to ${o.username}@${o.host}:${o.port}: ${messageOf(e)}`, hint: /host key/i.test(messageOf(e)) ? 'check ssh-known-hosts: the host key is pinned' : 'check ssh-host, ssh-port, ssh-user and ssh-private-key' })
    }
  }

  private open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const client = new Client()
      let rejection: Error | undefined
      const keys = knownKeysFor(this.o.knownHosts, this.o.host, this.o.port)
      client.on('ready', () => {
        this.client = client
        resolve()
      })
      client.on('error', (e) => {
        if (this.client === client) this.dropped(client)
        reject(rejection ?? e)
      })
      client.on('close', () => {
        if (this.client === client) this.dropped(client)
        reject(rejection ?? new Error('connection closed during the handshake'))
      })
      connectionsOpened++
      client.connect({
        host: this.o.host,
        port: this.o.port,
        username: this.o.username,
        privateKey: this.o.privateKey,
        ...(this.o.passphrase ? { passphrase: this.o.passphrase } : {}),
        keepaliveInterval: this.o.keepaliveIntervalMs ?? 15_000,
        keepaliveCountMax: 4,
        readyTimeout: this.o.readyTimeoutMs ?? 20_000,
        hostVerifier: (key: Buffer) => {
          if (keys.length > 0 && keys.some((k) => k.equals(key))) return true
          const fp = `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`
          rejection = new Error(keys.length === 0
            ? `host key of ${this.o.host}:${this.o.port} is not in ssh-known-hosts (the server offered ${fp}); refusing to connect`
            : `host key of ${this.o.host}:${this.o.port} has CHANGED: the server offered ${fp}, which matches no pinned key; refusing to connect`)
          return false
        },
      })
    })
  }

  private dropped(client: Client): void {
    if (this.client === client) {
      this.client = undefined
      this.sftpSession = undefined
    }
  }

  /** The live client, reconnecting with back-off while the connection is down. */
  private async live(): Promise<Client> {
    if (this.closed) throw new Error('the SSH transport is closed')
    if (this.client) return this.client
    this.connecting ??= (async () => {
      const deadline = Date.now() + (this.o.reconnectForMs ?? 120_000)
      let delay = 500
      for (;;) {
        try {
          await this.open()
          return
        } catch (e) {
          if (/host key/i.test(messageOf(e)) || Date.now() > deadline) throw e
          await sleep(delay)
          delay = Math.min(delay * 2, 10_000)
        }
      }
    })().finally(() => {
      this.connecting = undefined
    })
    await this.connecting
    if (!this.client) throw new Error('not connected')
    return this.client
  }

  private async slot<T>(fn: () => Promise<T>): Promise<T> {
    const max = this.o.maxChannels ?? 3
    if (this.active >= max) await new Promise<void>((r) => this.waiting.push(r))
    this.active++
    try {
      return await fn()
    } finally {
      this.active--
      this.waiting.shift()?.()
    }
  }

  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const command = commandLine(argv, options.cwd, options.env)
    return this.slot(async () => {
      for (let attempt = 0; ; attempt++) {
        let client: Client
        try {
          client = await this.live()
        } catch (e) {
          return { code: -1, stdout: '', stderr: `ssh: ${messageOf(e)}` }
        }
        const channel = await openExec(client, command).catch((e: unknown) => e as Error)
        if (channel instanceof Error) {
          // The command never started: safe to try again (channel limit, or the connection dropped).
          if (attempt < 8) {
            if (!/Channel open failure|open failed|ADMINISTRATIVELY_PROHIBITED/i.test(channel.message)) this.dropped(client)
            await sleep(Math.min(200 * 2 ** attempt, 5000))
            continue
          }
          return { code: -1, stdout: '', stderr: `ssh: ${channel.message}` }
        }
        return runChannel(channel, options)
      }
    })
  }

  private async sftp(): Promise<SFTPWrapper> {
    const client = await this.live()
    if (this.sftpSession) return this.sftpSession
    const session = await new Promise<SFTPWrapper>((resolve, reject) => client.sftp((e, s) => (e ? reject(e) : resolve(s))))
    session.on('close', () => {
      if (this.sftpSession === session) this.sftpSession = undefined
    })
    this.sftpSession = session
    return session
  }

  /** Runs an SFTP operation, retrying once the connection is back when it dropped meanwhile. */
  private async withSftp<T>(fn: (s: SFTPWrapper) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const s = await this.sftp()
      try {
        return await fn(s)
      } catch (e) {
        const connectionLost = !this.client || /No response|not connected|Connection lost|ECONNRESET|channel|closed/i.test(messageOf(e))
        if (!connectionLost || attempt >= 5) throw e
        this.sftpSession = undefined
        await sleep(500 * (attempt + 1))
      }
    }
  }

  async readFile(path: string): Promise<Buffer | null> {
    return this.withSftp((s) => new Promise((resolve, reject) => s.readFile(path, (e: NodeJS.ErrnoException | null | undefined, data: Buffer) => (e ? (isMissing(e) ? resolve(null) : reject(e)) : resolve(data)))))
  }

  async writeFileAtomic(path: string, data: string | Buffer): Promise<void> {
    await this.mkdirp(parent(path))
    const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(16).slice(2, 10)}`
    await this.withSftp((s) => new Promise<void>((resolve, reject) => s.writeFile(tmp, data, (e) => (e ? reject(e) : resolve()))))
    await this.withSftp((s) => new Promise<void>((resolve, reject) => s.ext_openssh_rename(tmp, path, (e) => {
      if (!e) return resolve()
      // Servers without posix-rename: remove, then rename.
      s.unlink(path, () => s.rename(tmp, path, (e2) => (e2 ? reject(e2) : resolve())))
    })))
  }

  async appendFile(path: string, data: string): Promise<void> {
    await this.mkdirp(parent(path))
    await this.withSftp((s) => new Promise<void>((resolve, reject) => s.appendFile(path, data, (e) => (e ? reject(e) : resolve()))))
  }

  async createExclusive(path: string, data: string): Promise<boolean> {
    await this.mkdirp(parent(path))
    return this.withSftp((s) => new Promise<boolean>((resolve, reject) => {
      s.open(path, 'wx', (e, handle) => {
        if (e) {
          void this.stat(path).then((st) => (st ? resolve(false) : reject(e)), reject)
          return
        }
        s.write(handle, Buffer.from(data), 0, Buffer.byteLength(data), 0, (we) => {
          s.close(handle, () => (we ? reject(we) : resolve(true)))
        })
      })
    }))
  }

  async stat(path: string): Promise<FileStat | null> {
    return this.withSftp((s) => new Promise((resolve, reject) => s.stat(path, (e, st) => {
      if (e) return isMissing(e) ? resolve(null) : reject(e)
      resolve({ isDirectory: st.isDirectory(), size: st.size, mtimeMs: st.mtime * 1000 })
    })))
  }

  async list(path: string): Promise<DirEntry[] | null> {
    const entries = await this.withSftp((s) => new Promise<{ filename: string; attrs: { isDirectory(): boolean; isSymbolicLink(): boolean } }[] | null>((resolve, reject) =>
      s.readdir(path, (e, list) => (e ? (isMissing(e) || /not a directory/i.test(e.message) ? resolve(null) : reject(e)) : resolve(list)))))
    if (!entries) return null
    const out: DirEntry[] = []
    for (const e of entries) {
      if (e.filename === '.' || e.filename === '..') continue
      const isDirectory = e.attrs.isSymbolicLink() ? ((await this.stat(`${path}/${e.filename}`))?.isDirectory ?? false) : e.attrs.isDirectory()
      out.push({ name: e.filename, isDirectory })
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }

  async mkdirp(path: string): Promise<void> {
    const parts = path.split('/').filter(Boolean)
    let cur = ''
    for (const p of parts) {
      cur += `/${p}`
      const st = await this.stat(cur)
      if (st?.isDirectory) continue
      await this.withSftp((s) => new Promise<void>((resolve, reject) => s.mkdir(cur, (e) => {
        if (!e) return resolve()
        void this.stat(cur).then((again) => (again?.isDirectory ? resolve() : reject(e)), reject)
      })))
    }
  }

  async remove(path: string): Promise<void> {
    const st = await this.stat(path)
    if (!st) return
    await this.withSftp((s) => new Promise<void>((resolve, reject) => {
      const done = (e: Error | null | undefined): void => (e && !isMissing(e) ? reject(e) : resolve())
      if (st.isDirectory) s.rmdir(path, done)
      else s.unlink(path, done)
    }))
  }

  async close(): Promise<void> {
    this.closed = true
    this.sftpSession?.end()
    this.client?.end()
    this.client = undefined
  }
}

function openExec(client: Client, command: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    try {
      client.exec(command, (e, stream) => (e ? reject(e) : resolve(stream)))
    } catch (e) {
      reject(e as Error)
    }
  })
}

function runChannel(channel: ClientChannel, options: ExecOptions): Promise<ExecResult> {
  return new Promise((resolve) => {
    const out: Buffer[] = []
    const errs: Buffer[] = []
    let exit: number | undefined
    let timedOut = false
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true
          channel.signal('KILL')
          channel.close()
        }, options.timeoutMs)
      : undefined
    channel.on('data', (d: Buffer) => out.push(d))
    channel.stderr.on('data', (d: Buffer) => errs.push(d))
    channel.on('exit', (code: number | null) => {
      if (typeof code === 'number') exit = code
    })
    channel.on('close', (code: number | null) => {
      if (timer) clearTimeout(timer)
      const finalCode = timedOut ? 124 : typeof code === 'number' ? code : (exit ?? -1)
      resolve({ code: finalCode, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(errs).toString('utf8') + (finalCode === -1 ? '\nssh: the connection dropped while the command ran' : '') })
    })
    channel.end(options.stdin ?? '')
  })
}

/** The keys known_hosts pins for host:port (plain, [host]:port, comma lists, hashed |1|salt|hash). */
export function knownKeysFor(knownHosts: string, host: string, port: number): Buffer[] {
  const names = port === 22 ? [host, `[${host}]:22`] : [`[${host}]:${port}`]
  const keys: Buffer[] = []
  for (const raw of knownHosts.split('\n')) {
    const line = raw.trim()
    if (!line || line.startsWith('#')) continue
    const fields = line.split(/\s+/)
    if (fields[0]?.startsWith('@')) continue // @cert-authority / @revoked: not supported, never trusted
    const [patterns, , b64] = fields
    if (!patterns || !b64) continue
    const matches = patterns.split(',').some((p) => {
      if (p.startsWith('|1|')) {
        const [, , salt, hash] = p.split('|')
        if (!salt || !hash) return false
        return names.some((n) => createHmac('sha1', Buffer.from(salt, 'base64')).update(n).digest('base64') === hash)
      }
      return names.includes(p)
    })
    if (matches) keys.push(Buffer.from(b64, 'base64'))
  }
  return keys
}

function parent(path: string): string {
  return path.replace(/\/[^/]*$/, '') || '/'
}

function isMissing(e: unknown): boolean {
  const code = (e as { code?: unknown }).code
  return code === NO_SUCH_FILE || code === 'ENOENT' || /No such file/i.test(messageOf(e))
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}
