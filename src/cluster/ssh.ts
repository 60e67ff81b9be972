/**
 * Transport over ONE SSH connection (ssh2) to the cluster's login node, for a whole action run:
 * - exec channels for commands: every argument quoted, the environment set inside the command
 *   (`commandLine` from quote.ts), a remote `timeout` for `timeoutMs`;
 * - one SFTP session, reused, for files (atomic writes via posix-rename@openssh.com);
 * - the host key pinned against known_hosts text (`[host]:port`, plain and wildcard patterns,
 *   negations, hashed `|1|salt|hash` entries, `@revoked`); an unknown or changed key is refused
 *   with the host and the offered key's SHA256 fingerprint;
 * - at most `maxChannels` (4) channels open at once, the SFTP session included (OpenSSH allows
 *   10 sessions per connection), and retry with back-off on "Channel open failure";
 * - keepalive every 15 s; a dropped connection is reopened with exponential back-off and the
 *   operation is retried, so an outage never surfaces as a job failure. Only when the server
 *   stays unreachable for `reconnectForMs` (2 minutes) does an operation fail: exec with code -1
 *   and a clear message, file operations by throwing.
 *
 * Exec retries a command whose connection dropped while it ran (it may run twice): right for
 * squeue/sacct/scancel/mkdir. Pass `{ idempotent: false }` (SshExecOptions) for commands that must
 * not run twice, such as sbatch: a drop then returns code -1 with "may or may not have run".
 */
import { createHash, createHmac, randomBytes } from 'node:crypto'
import { constants as osConstants } from 'node:os'
import ssh2 from 'ssh2'
import type { Client, ClientChannel, ConnectConfig, ServerHostKeyAlgorithm, SFTPWrapper, Stats } from 'ssh2'
import { err, ok, messageOf, type Problem, type Result } from '../result.js'
import { commandLine, shellJoin } from './quote.js'
import type { DirEntry, ExecOptions, ExecResult, FileStat, Transport, WriteOptions } from './transport.js'

export interface SshConnectOptions {
  host: string
  /** Default 22. */
  port?: number
  username: string
  /** OpenSSH or PEM private key text. */
  privateKey: string | Buffer
  passphrase?: string
  /** known_hosts text; the server's key must match an entry for this host and port. */
  knownHosts: string
  /** Default 15 000 ms. The connection is declared dead after keepaliveCountMax unanswered ones. */
  keepaliveIntervalMs?: number
  /** Default 4. */
  keepaliveCountMax?: number
  /** Handshake timeout, default 20 000 ms. */
  readyTimeoutMs?: number
  /** Channels open at once, the SFTP session included. Default 4 (OpenSSH MaxSessions is 10). */
  maxChannels?: number
  /** How long an operation keeps trying to reconnect before it fails. Default 120 000 ms. */
  reconnectForMs?: number
  /** Attempts for the very first connection (a wrong host should fail fast). Default 3. */
  connectAttempts?: number
  /** Progress messages (reconnects), e.g. core.info. */
  log?: (message: string) => void
}
/** Kept for callers written against the first version. */
export type SshOptions = SshConnectOptions

export interface SshExecOptions extends ExecOptions {
  /**
   * Default true: when the connection drops while the command runs, reconnect and run it again.
   * false: report code -1 instead, because the command may already have had its effect.
   */
  idempotent?: boolean
}

/** SFTP status codes (draft-ietf-secsh-filexfer-02). */
const SFTP_NO_SUCH_FILE = 2
const SFTP_NO_CONNECTION = 6
const SFTP_CONNECTION_LOST = 7

/** Refused for good: retrying cannot help (host key, authentication). */
class FatalSshError extends Error {}

interface Conn {
  client: Client
  id: number
}

interface SftpHandle {
  conn: Conn
  sftp: SFTPWrapper
  release: () => void
  /** Settles when the session or its connection closes: requests in flight then never answer. */
  lost: Promise<'lost'>
}

type Attempt =
  | { kind: 'done'; result: ExecResult }
  /** The channel never opened: the command did not run. */
  | { kind: 'not-started'; message: string; channelLimit: boolean }
  /** The connection went away while the command ran. */
  | { kind: 'dropped'; stdout: string; stderr: string }

export class SshTransport implements Transport {
  /** Connections opened by all SshTransports of this process (for benchmarks). */
  static connectionsOpenedTotal = 0

  readonly description: string
  /** Connections this transport opened (1 unless the connection dropped). */
  connectionsOpened = 0
  /** Commands this transport ran (attempts, retries included). */
  execCount = 0
  /** Channel opens the server refused (MaxSessions) and that were retried. */
  channelRetries = 0

  private readonly o: Required<Omit<SshConnectOptions, 'passphrase' | 'log'>> &
    Pick<SshConnectOptions, 'passphrase' | 'log'>
  private readonly known: KnownHostEntry[]
  private readonly sem: Semaphore
  private conn: Conn | undefined
  private connecting: Promise<Conn> | undefined
  private downSince: number | undefined
  private lastError = ''
  private nextId = 0
  private sftpSession: SftpHandle | undefined
  private sftpOpening: Promise<SftpHandle> | undefined
  private closed = false

  private constructor(options: SshConnectOptions) {
    this.o = {
      port: 22,
      keepaliveIntervalMs: 15_000,
      keepaliveCountMax: 4,
      readyTimeoutMs: 20_000,
      maxChannels: 4,
      reconnectForMs: 120_000,
      connectAttempts: 3,
      ...options,
    }
    this.description = `ssh:${this.o.username}@${this.o.host}:${this.o.port}`
    this.known = parseKnownHosts(this.o.knownHosts)
    this.sem = new Semaphore(Math.max(1, this.o.maxChannels))
  }

  /**
   * Validates the options and opens the connection. A malformed key, an unknown or changed host
   * key, a refused login or an unreachable host come back as a Problem, never thrown.
   */
  static async connect(options: SshConnectOptions): Promise<Result<SshTransport, Problem>> {
    const where = `${options.username}@${options.host}:${options.port ?? 22}`
    if (!options.host) return err({ message: 'no SSH host given', field: 'ssh-host' })
    if (!options.username) return err({ message: 'no SSH user given', field: 'ssh-user' })
    const parsed = ssh2.utils.parseKey(options.privateKey, options.passphrase)
    const key = Array.isArray(parsed) ? parsed[0] : parsed
    if (!key || key instanceof Error) {
      return err({
        message: `the SSH private key cannot be used: ${key instanceof Error ? key.message : 'no key found'}`,
        field: 'ssh-private-key',
        hint: 'an unencrypted OpenSSH or PEM private key (or give its passphrase)',
      })
    }
    if (!key.isPrivateKey()) return err({ message: 'the SSH private key is a public key', field: 'ssh-private-key' })
    const t = new SshTransport(options)
    let delay = 500
    for (let attempt = 1; ; attempt++) {
      try {
        await t.open()
        return ok(t)
      } catch (e) {
        if (e instanceof FatalSshError || attempt >= t.o.connectAttempts) {
          return err({
            message: `cannot connect to ${where}: ${messageOf(e)}`,
            ...(e instanceof FatalSshError && /host key/i.test(e.message)
              ? {
                  field: 'ssh-known-hosts',
                  hint: /unknown/.test(e.message)
                    ? `add the host's line, e.g. from: ssh-keyscan -p ${t.o.port} ${t.o.host} (and check its fingerprint)`
                    : 'the host key is pinned by ssh-known-hosts: change that input only if the key really changed',
                }
              : { hint: 'check ssh-host, ssh-port, ssh-user and ssh-private-key' }),
          })
        }
        await sleep(delay)
        delay *= 2
      }
    }
  }

  // ------------------------------------------------------------------ connection

  /** One connection attempt. Resolves when authenticated. */
  private open(): Promise<Conn> {
    return new Promise((resolve, reject) => {
      const client = new ssh2.Client()
      const id = ++this.nextId
      let hostKeyProblem: string | undefined
      let ready = false
      let settled = false
      const fail = (e: Error): void => {
        if (settled) return
        settled = true
        client.removeAllListeners('ready')
        client.end()
        reject(e)
      }
      client.on('ready', () => {
        if (settled) return
        settled = true
        ready = true
        // Without ssh2's native crypto binding (never shipped in dist/) each packet goes out in pieces:
        // with Nagle's algorithm on, every SFTP round trip then waits for a delayed ACK (~100x slower).
        client.setNoDelay(true)
        const conn: Conn = { client, id }
        this.conn = conn
        this.connectionsOpened++
        SshTransport.connectionsOpenedTotal++
        this.downSince = undefined
        resolve(conn)
      })
      client.on('error', (e: Error & { level?: string }) => {
        this.lastError = e.message
        if (!ready) {
          if (hostKeyProblem) fail(new FatalSshError(hostKeyProblem))
          else if (e.level === 'client-authentication')
            fail(new FatalSshError(`the server refused the key for ${this.o.username} (${e.message})`))
          else fail(e)
        }
      })
      // each open channel and the SFTP session watch the connection's close: maxChannels of them
      client.setMaxListeners(this.o.maxChannels + 10)
      client.on('close', () => {
        if (!ready) fail(new Error(hostKeyProblem ?? 'the connection closed during the handshake'))
        else this.dropped(id, 'the connection closed')
      })
      const config: ConnectConfig = {
        host: this.o.host,
        port: this.o.port,
        username: this.o.username,
        privateKey: this.o.privateKey,
        ...(this.o.passphrase !== undefined ? { passphrase: this.o.passphrase } : {}),
        keepaliveInterval: this.o.keepaliveIntervalMs,
        keepaliveCountMax: this.o.keepaliveCountMax,
        readyTimeout: this.o.readyTimeoutMs,
        hostVerifier: (key: Buffer): boolean => {
          const verdict = verifyHostKey(this.known, this.o.host, this.o.port, key)
          if (verdict !== true) hostKeyProblem = verdict
          return verdict === true
        },
      }
      // Offer only the host key types known_hosts pins, so the server cannot pick another type
      // (e.g. ed25519 when only the RSA key is pinned) and fail verification.
      const algorithms = hostKeyAlgorithms(this.known, this.o.host, this.o.port)
      if (algorithms.length > 0) config.algorithms = { serverHostKey: algorithms }
      try {
        client.connect(config)
      } catch (e) {
        fail(e instanceof Error ? e : new Error(messageOf(e)))
      }
    })
  }

  private dropped(id: number, why: string): void {
    if (this.conn?.id !== id) return
    this.conn = undefined
    this.downSince ??= Date.now()
    this.lastError = why
    const s = this.sftpSession
    this.sftpSession = undefined
    s?.release()
    if (!this.closed) this.o.log?.(`ssh: connection to ${this.description} lost (${why}); reconnecting on next use`)
  }

  /** The live connection; reconnects with exponential back-off while it is down. */
  private async live(): Promise<Conn> {
    if (this.closed) throw new FatalSshError('the SSH transport is closed')
    if (this.conn) return this.conn
    this.connecting ??= this.reconnect().finally(() => {
      this.connecting = undefined
    })
    return this.connecting
  }

  private async reconnect(): Promise<Conn> {
    this.downSince ??= Date.now()
    let delay = 250
    for (let attempt = 1; ; attempt++) {
      try {
        const conn = await this.open()
        this.o.log?.(`ssh: reconnected to ${this.description} (attempt ${attempt})`)
        return conn
      } catch (e) {
        if (e instanceof FatalSshError) throw e
        this.lastError = messageOf(e)
        const downFor = Date.now() - (this.downSince ?? Date.now())
        // Past the deadline every operation still makes one attempt of its own, then fails.
        if (downFor >= this.o.reconnectForMs) {
          throw new Error(
            `cannot reach ${this.description}: down for ${Math.round(downFor / 1000)} s (last error: ${this.lastError})`,
          )
        }
        await sleep(Math.min(delay, this.o.reconnectForMs - downFor) * (0.8 + Math.random() * 0.4))
        delay = Math.min(delay * 2, 10_000)
      }
    }
  }

  private isLive(conn: Conn): boolean {
    return this.conn?.id === conn.id
  }

  // ------------------------------------------------------------------ exec

  async exec(argv: readonly string[], options: SshExecOptions = {}): Promise<ExecResult> {
    let line: string
    try {
      line = commandLine(argv, options.cwd, options.env)
    } catch (e) {
      return { code: -1, stdout: '', stderr: `ssh: ${messageOf(e)}` }
    }
    if (argv.length === 0) return { code: -1, stdout: '', stderr: 'empty command' }
    if (options.timeoutMs !== undefined) {
      // The remote process is not killed when its channel closes: let the remote side time it out.
      const secs = Math.max(1, Math.ceil(options.timeoutMs / 1000))
      line = shellJoin(['timeout', '-k', '5', String(secs), 'sh', '-c', line])
    }
    const idempotent = options.idempotent ?? true
    const started = Date.now()
    let openDelay = 100
    for (;;) {
      let conn: Conn
      try {
        conn = await this.live()
      } catch (e) {
        return { code: -1, stdout: '', stderr: `ssh: ${messageOf(e)}` }
      }
      const release = await this.sem.acquire()
      let attempt: Attempt
      try {
        if (!this.isLive(conn)) continue
        this.execCount++
        attempt = await this.runOnce(conn, line, options)
      } finally {
        release()
      }
      if (attempt.kind === 'done') return attempt.result
      if (attempt.kind === 'dropped') {
        this.dropped(conn.id, 'the connection dropped while a command ran')
        if (!idempotent) {
          return {
            code: -1,
            stdout: attempt.stdout,
            stderr: `${attempt.stderr}ssh: the connection to ${this.description} dropped while the command ran; it may or may not have run`,
          }
        }
        continue
      }
      // not started: the server refused a channel (too many sessions), or the connection is gone
      if (attempt.channelLimit && this.isLive(conn)) {
        if (Date.now() - started > this.o.reconnectForMs) {
          return {
            code: -1,
            stdout: '',
            stderr: `ssh: ${attempt.message} (for ${Math.round((Date.now() - started) / 1000)} s)`,
          }
        }
        this.channelRetries++
        await sleep(openDelay * (0.5 + Math.random()))
        openDelay = Math.min(openDelay * 2, 3000)
        continue
      }
      this.dropped(conn.id, attempt.message)
    }
  }

  private runOnce(conn: Conn, line: string, options: ExecOptions): Promise<Attempt> {
    return new Promise<Attempt>((resolve) => {
      const out: Buffer[] = []
      const errs: Buffer[] = []
      let channel: ClientChannel | undefined
      let exitCode: number | undefined
      let timedOut = false
      let settled = false
      let timer: NodeJS.Timeout | undefined
      const finish = (a: Attempt): void => {
        if (settled) return
        settled = true
        if (timer) clearTimeout(timer)
        conn.client.removeListener('close', onConnClose)
        resolve(a)
      }
      const text = (bufs: Buffer[]): string => Buffer.concat(bufs).toString('utf8')
      const onConnClose = (): void => {
        if (channel) finish({ kind: 'dropped', stdout: text(out), stderr: text(errs) })
        else finish({ kind: 'not-started', message: 'the connection closed', channelLimit: false })
      }
      conn.client.on('close', onConnClose)
      try {
        conn.client.exec(line, (e, stream) => {
          if (e) {
            finish({
              kind: 'not-started',
              message: e.message,
              channelLimit: /Channel open failure/i.test(e.message) && this.isLive(conn),
            })
            return
          }
          channel = stream
          if (options.timeoutMs !== undefined) {
            // backstop in case the remote `timeout` is missing or hangs
            timer = setTimeout(() => {
              timedOut = true
              stream.close()
            }, options.timeoutMs + 15_000)
          }
          stream.on('data', (d: Buffer) => out.push(d))
          stream.stderr.on('data', (d: Buffer) => errs.push(d))
          stream.on('exit', (code: number | null, signal?: string) => {
            if (typeof code === 'number') exitCode = code
            else if (signal)
              exitCode =
                128 +
                (osConstants.signals[
                  (signal.startsWith('SIG') ? signal : `SIG${signal}`) as keyof typeof osConstants.signals
                ] ?? 0)
          })
          stream.on('close', () => {
            if (timedOut)
              return finish({
                kind: 'done',
                result: { code: 124, stdout: text(out), stderr: `${text(errs)}ssh: timed out` },
              })
            if (exitCode !== undefined)
              return finish({ kind: 'done', result: { code: exitCode, stdout: text(out), stderr: text(errs) } })
            // closed without an exit status: the connection is going away
            setTimeout(() => {
              if (this.isLive(conn) && !settled)
                finish({
                  kind: 'done',
                  result: {
                    code: -1,
                    stdout: text(out),
                    stderr: `${text(errs)}ssh: the channel closed without an exit status`,
                  },
                })
              else finish({ kind: 'dropped', stdout: text(out), stderr: text(errs) })
            }, 200)
          })
          stream.on('error', () => undefined)
          stream.end(options.stdin ?? '')
        })
      } catch (e) {
        finish({ kind: 'not-started', message: messageOf(e), channelLimit: false })
      }
    })
  }

  // ------------------------------------------------------------------ SFTP

  /** The shared SFTP session (opened on first use, reopened after a reconnect). */
  private async sftpHandle(): Promise<SftpHandle> {
    const current = this.sftpSession
    if (current && this.isLive(current.conn)) return current
    this.sftpOpening ??= this.openSftp().finally(() => {
      this.sftpOpening = undefined
    })
    return this.sftpOpening
  }

  private async openSftp(): Promise<SftpHandle> {
    const started = Date.now()
    let delay = 100
    for (;;) {
      const conn = await this.live()
      const release = await this.sem.acquire()
      let released = false
      const releaseOnce = (): void => {
        if (!released) {
          released = true
          release()
        }
      }
      const opened = await new Promise<SFTPWrapper | Error>((resolve) => {
        try {
          conn.client.sftp((e, s) => resolve(e ?? s))
        } catch (e) {
          resolve(e instanceof Error ? e : new Error(messageOf(e)))
        }
      })
      if (!(opened instanceof Error)) {
        const lost = new Promise<'lost'>((res) => {
          opened.once('close', () => res('lost'))
          conn.client.once('close', () => res('lost'))
        })
        const handle: SftpHandle = { conn, sftp: opened, release: releaseOnce, lost }
        opened.on('close', () => {
          if (this.sftpSession === handle) this.sftpSession = undefined
          releaseOnce()
        })
        opened.on('error', () => undefined)
        if (!this.isLive(conn)) {
          releaseOnce()
          continue
        }
        this.sftpSession = handle
        return handle
      }
      releaseOnce()
      if (/Unable to start subsystem/i.test(opened.message))
        throw new Error(`SFTP is not available on ${this.description}: ${opened.message}`)
      if (
        /Channel open failure/i.test(opened.message) &&
        this.isLive(conn) &&
        Date.now() - started < this.o.reconnectForMs
      ) {
        this.channelRetries++
        await sleep(delay * (0.5 + Math.random()))
        delay = Math.min(delay * 2, 3000)
        continue
      }
      if (!this.isLive(conn)) continue
      throw new Error(`cannot open SFTP on ${this.description}: ${opened.message}`)
    }
  }

  /**
   * Runs an SFTP operation; when the connection drops meanwhile, reconnects and calls `retry`
   * (default: the operation again). Real SFTP errors (no such file, permission) are thrown.
   */
  private async withSftp<T>(op: (s: SFTPWrapper) => Promise<T>, retry?: (s: SFTPWrapper) => Promise<T>): Promise<T> {
    let interrupted = false
    let sessionLosses = 0
    for (;;) {
      const h = await this.sftpHandle()
      try {
        const pending = interrupted && retry ? retry(h.sftp) : op(h.sftp)
        pending.catch(() => undefined)
        const outcome = await Promise.race([pending.then((value) => ({ value })), h.lost])
        if (outcome !== 'lost') return outcome.value
        throw new Error('the SFTP session closed with requests in flight')
      } catch (e) {
        const code = (e as { code?: unknown }).code
        const statusError = typeof code === 'number' && code !== SFTP_NO_CONNECTION && code !== SFTP_CONNECTION_LOST
        if (statusError) throw e
        // give the client's 'close' a moment to arrive, then decide
        if (this.isLive(h.conn)) await sleep(200)
        if (this.isLive(h.conn)) {
          // the connection is fine: a local error, or only the SFTP session ended (reopen it)
          if (this.sftpSession === h || ++sessionLosses > 5) throw e
        }
        interrupted = true
      }
    }
  }

  async readFile(path: string): Promise<Buffer | null> {
    return this.withSftp((s) =>
      call<Buffer | null>((cb) =>
        s.readFile(path, (e: Error | null | undefined, data: Buffer) =>
          e && isMissing(e) ? cb(null, null) : cb(e, data),
        ),
      ),
    )
  }

  async readRange(path: string, start: number, length: number): Promise<Buffer | null> {
    return this.withSftp(async (s) => {
      if (!(await statOf(s, path))) return null
      return readRange(s, path, start, Math.max(0, length))
    })
  }

  async writeFileAtomic(path: string, data: string | Buffer, options: WriteOptions = {}): Promise<void> {
    await this.mkdirp(parentOf(path))
    const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data
    await this.withSftp(async (s) => {
      await writeWhole(s, tmp, 'w', bytes)
      if (options.mode !== undefined) {
        const mode = options.mode
        await call<void>((cb) => s.chmod(tmp, mode, (e) => cb(e)))
      }
      await renameOver(s, tmp, path)
    })
  }

  async appendFile(path: string, data: string): Promise<void> {
    await this.mkdirp(parentOf(path))
    const bytes = Buffer.from(data, 'utf8')
    // A retry after a drop must not append twice: compare with the size before.
    let sizeBefore = -1
    await this.withSftp(
      async (s) => {
        sizeBefore = (await statOf(s, path))?.size ?? 0
        await writeWhole(s, path, 'a', bytes)
      },
      async (s) => {
        const now = (await statOf(s, path))?.size ?? 0
        if (sizeBefore >= 0 && now === sizeBefore + bytes.length) {
          const tail = await readRange(s, path, sizeBefore, bytes.length)
          if (tail.equals(bytes)) return
        }
        if (sizeBefore >= 0 && now !== sizeBefore)
          throw new Error(`append to ${path} was interrupted by a dropped connection and the file changed meanwhile`)
        await writeWhole(s, path, 'a', bytes)
      },
    )
  }

  async createExclusive(path: string, data: string): Promise<boolean> {
    await this.mkdirp(parentOf(path))
    const bytes = Buffer.from(data, 'utf8')
    const attempt = async (s: SFTPWrapper): Promise<boolean> => {
      try {
        await writeWhole(s, path, 'wx', bytes)
        return true
      } catch (e) {
        // OpenSSH reports an existing file as a generic failure: look before concluding
        if (typeof (e as { code?: unknown }).code === 'number' && (await statOf(s, path))) return false
        throw e
      }
    }
    return this.withSftp(attempt, async (s) => {
      // After a drop the file may be ours: same content means our create went through.
      const existing = await statOf(s, path)
      if (existing && existing.size === bytes.length && (await readRange(s, path, 0, bytes.length)).equals(bytes))
        return true
      return attempt(s)
    })
  }

  async stat(path: string): Promise<FileStat | null> {
    const st = await this.withSftp((s) => statOf(s, path))
    return st ? { isDirectory: st.isDirectory(), size: st.size, mtimeMs: st.mtime * 1000 } : null
  }

  async list(path: string): Promise<DirEntry[] | null> {
    const entries = await this.withSftp((s) =>
      call<{ filename: string; attrs: Stats }[] | null>((cb) =>
        s.readdir(path, (e, list) => {
          if (e && (isMissing(e) || (e as { code?: unknown }).code === 4)) cb(null, null)
          else cb(e, list as unknown as { filename: string; attrs: Stats }[])
        }),
      ),
    )
    if (!entries) return null
    const result: DirEntry[] = []
    for (const e of entries) {
      if (e.filename === '.' || e.filename === '..') continue
      let isDirectory = e.attrs.isDirectory()
      if (e.attrs.isSymbolicLink())
        isDirectory = (await this.stat(`${path.replace(/\/+$/, '')}/${e.filename}`))?.isDirectory ?? false
      result.push({ name: e.filename, isDirectory })
    }
    return result.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }

  async mkdirp(path: string): Promise<void> {
    await this.withSftp(async (s) => {
      const parts = path.split('/').filter(Boolean)
      // find the deepest existing ancestor, then create downwards
      let i = parts.length
      for (; i > 0; i--) {
        const st = await statOf(s, `/${parts.slice(0, i).join('/')}`)
        if (st) {
          if (!st.isDirectory()) throw new Error(`mkdirp ${path}: /${parts.slice(0, i).join('/')} is not a directory`)
          break
        }
      }
      for (i = i + 1; i <= parts.length; i++) {
        const dir = `/${parts.slice(0, i).join('/')}`
        try {
          await call<void>((cb) => s.mkdir(dir, (e) => cb(e)))
        } catch (e) {
          if (!(await statOf(s, dir))?.isDirectory()) throw e
        }
      }
    })
  }

  async remove(path: string): Promise<void> {
    await this.withSftp(async (s) => {
      const st = await call<Stats | null>((cb) =>
        s.lstat(path, (e, a) => (e && isMissing(e) ? cb(null, null) : cb(e, a))),
      )
      if (!st) return
      await call<void>((cb) => {
        const done = (e: Error | null | undefined): void => cb(e && isMissing(e) ? null : e)
        if (st.isDirectory()) s.rmdir(path, done)
        else s.unlink(path, done)
      })
    })
  }

  async close(): Promise<void> {
    this.closed = true
    const s = this.sftpSession
    this.sftpSession = undefined
    if (s) {
      s.sftp.end()
      s.release()
    }
    const c = this.conn
    this.conn = undefined
    c?.client.end()
  }
}

// ------------------------------------------------------------------ SFTP helpers

function call<T>(fn: (cb: (e: Error | null | undefined, v?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    try {
      fn((e, v) => (e ? reject(e) : resolve(v as T)))
    } catch (e) {
      reject(e instanceof Error ? e : new Error(messageOf(e)))
    }
  })
}

function statOf(s: SFTPWrapper, path: string): Promise<Stats | null> {
  return call<Stats | null>((cb) => s.stat(path, (e, st) => (e && isMissing(e) ? cb(null, null) : cb(e, st))))
}

/** open with flags, write every byte, fsync when the server offers fsync@openssh.com, close. */
async function writeWhole(s: SFTPWrapper, path: string, flags: 'w' | 'a' | 'wx', data: Buffer): Promise<void> {
  const handle = await call<Buffer>((cb) => s.open(path, flags, (e, h) => cb(e, h)))
  try {
    let offset = 0
    while (offset < data.length) {
      const n = Math.min(32 * 1024, data.length - offset)
      await call<void>((cb) => s.write(handle, data, offset, n, offset, (e) => cb(e)))
      offset += n
    }
    await call<void>((cb) => {
      try {
        s.ext_openssh_fsync(handle, (e) => cb(e))
      } catch {
        cb(null) // server without fsync@openssh.com
      }
    })
  } finally {
    await call<void>((cb) => s.close(handle, (e) => cb(e))).catch(() => undefined)
  }
}

async function readRange(s: SFTPWrapper, path: string, position: number, length: number): Promise<Buffer> {
  const handle = await call<Buffer>((cb) => s.open(path, 'r', (e, h) => cb(e, h)))
  try {
    const buf = Buffer.alloc(length)
    let got = 0
    while (got < length) {
      const n = await call<number>((cb) =>
        s.read(handle, buf, got, length - got, position + got, (e, bytesRead) => cb(e, bytesRead)),
      )
      if (n <= 0) break
      got += n
    }
    return buf.subarray(0, got)
  } finally {
    await call<void>((cb) => s.close(handle, (e) => cb(e))).catch(() => undefined)
  }
}

/** posix-rename@openssh.com (atomic replace) when offered, else remove + rename. */
async function renameOver(s: SFTPWrapper, from: string, to: string): Promise<void> {
  let supported = true
  try {
    await call<void>((cb) => {
      try {
        s.ext_openssh_rename(from, to, (e) => cb(e))
      } catch (e) {
        supported = false
        cb(e instanceof Error ? e : new Error(messageOf(e)))
      }
    })
    return
  } catch (e) {
    if (supported) throw e
  }
  await call<void>((cb) => s.unlink(to, (e) => cb(e && isMissing(e) ? null : e)))
  await call<void>((cb) => s.rename(from, to, (e) => cb(e)))
}

function isMissing(e: unknown): boolean {
  return (e as { code?: unknown }).code === SFTP_NO_SUCH_FILE
}

function parentOf(path: string): string {
  return path.replace(/\/+[^/]*\/*$/, '') || '/'
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)))
}

class Semaphore {
  private active = 0
  private readonly waiting: (() => void)[] = []
  constructor(private readonly max: number) {}

  async acquire(): Promise<() => void> {
    if (this.active >= this.max) await new Promise<void>((r) => this.waiting.push(r))
    else this.active++
    let done = false
    return () => {
      if (done) return
      done = true
      const next = this.waiting.shift()
      if (next)
        next() // the permit passes straight to the next waiter
      else this.active--
    }
  }
}

// ------------------------------------------------------------------ known_hosts

/** One known_hosts line. */
export interface KnownHostEntry {
  marker?: 'revoked' | 'cert-authority'
  keyType: string
  key: Buffer
  /** Whether the entry's host patterns cover host:port (as OpenSSH matches them). */
  matches(host: string, port: number): boolean
}

/** Parses known_hosts text; malformed lines are skipped, as OpenSSH does. */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = []
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (!line || line.startsWith('#')) continue
    const fields = line.split(/\s+/)
    let marker: KnownHostEntry['marker']
    if (fields[0]?.startsWith('@')) {
      const m = fields.shift()
      if (m === '@revoked') marker = 'revoked'
      else if (m === '@cert-authority') marker = 'cert-authority'
      else continue
    }
    const [patterns, keyType, b64] = fields
    if (!patterns || !keyType || !b64 || !/^[A-Za-z0-9+/]+=*$/.test(b64)) continue
    const key = Buffer.from(b64, 'base64')
    const list = patterns.split(',').filter(Boolean)
    entries.push({
      ...(marker ? { marker } : {}),
      keyType,
      key,
      matches: (host, port) => hostMatches(list, host, port),
    })
  }
  return entries
}

/** The name known_hosts uses for host:port: `host` for port 22, else `[host]:port`. */
function hostLabel(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`
}

function hostMatches(patterns: readonly string[], host: string, port: number): boolean {
  const name = hostLabel(host, port).toLowerCase()
  let matched = false
  for (const p of patterns) {
    const negated = p.startsWith('!')
    const pattern = negated ? p.slice(1) : p
    let hit: boolean
    if (pattern.startsWith('|1|')) {
      const [, , salt, hash] = pattern.split('|')
      hit =
        !!salt &&
        !!hash &&
        createHmac('sha1', Buffer.from(salt, 'base64')).update(hostLabel(host, port)).digest('base64') === hash
    } else {
      hit = globToRegExp(pattern.toLowerCase()).test(name)
    }
    if (hit && negated) return false
    if (hit) matched = true
  }
  return matched
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')
  return new RegExp(`^${body}$`)
}

/** `SHA256:…` as ssh-keygen -l prints it. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`
}

/** The key type inside an SSH public key blob (its first string). */
function blobType(key: Buffer): string {
  if (key.length < 4) return 'unknown'
  const n = key.readUInt32BE(0)
  return n > 0 && n < 64 && key.length >= 4 + n ? key.subarray(4, 4 + n).toString('latin1') : 'unknown'
}

/** true, or why the key is refused (naming the host and the key's fingerprint). */
export function verifyHostKey(
  entries: readonly KnownHostEntry[],
  host: string,
  port: number,
  key: Buffer,
): true | string {
  const who = hostLabel(host, port)
  const fp = `${blobType(key)} ${fingerprint(key)}`
  const mine = entries.filter((e) => e.marker !== 'cert-authority' && e.matches(host, port))
  if (mine.some((e) => e.marker === 'revoked' && e.key.equals(key)))
    return `the host key of ${who} (${fp}) is marked @revoked in known_hosts; refusing to connect`
  if (mine.some((e) => e.marker === undefined && e.key.equals(key))) return true
  const pinned = mine.filter((e) => e.marker === undefined)
  if (pinned.length === 0)
    return `the host key of ${who} (${fp}) is unknown: known_hosts has no entry for ${who}; refusing to connect`
  return `the host key of ${who} has CHANGED or does not match known_hosts: the server offered ${fp}, known_hosts pins ${pinned.map((e) => `${e.keyType} ${fingerprint(e.key)}`).join(', ')}; refusing to connect (possible man-in-the-middle)`
}

const HOST_KEY_ALGORITHMS: Record<string, readonly ServerHostKeyAlgorithm[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
  'ssh-dss': ['ssh-dss'],
}

function hostKeyAlgorithms(entries: readonly KnownHostEntry[], host: string, port: number): ServerHostKeyAlgorithm[] {
  const out: ServerHostKeyAlgorithm[] = []
  for (const e of entries) {
    if (e.marker !== undefined || !e.matches(host, port)) continue
    for (const a of HOST_KEY_ALGORITHMS[blobType(e.key)] ?? []) if (!out.includes(a)) out.push(a)
  }
  return out
}
