/**
 * ONE SSH connection (ssh2) to the cluster's login node, for a whole action run:
 * - the host key pinned against known_hosts text (known-hosts.ts);
 * - keepalive every 15 s; a dropped connection is reopened with exponential back-off on next use. Only when
 *   the server stays unreachable for `reconnectForMs` (2 minutes) does an operation fail;
 * - at most `maxChannels` (4) channels open at once, the SFTP session included (OpenSSH allows 10 sessions
 *   per connection), and retry with back-off on "Channel open failure";
 * - exec channels (`run`): a command line in, exit status and raw stdout/stderr bytes out.
 *
 * sshd runs every exec request through the user's login shell (`$SHELL -c LINE`), and Debian's bash then
 * reads ~/.bashrc even though the shell is not interactive. We cannot stop that (nor the time it takes), but
 * its output must not reach results: `run` sends `exec /bin/sh -c 'MARKERS; LINE'`, where MARKERS print a
 * random marker on stdout and stderr, and drops whatever came before them. The login shell itself only
 * parses `exec /bin/sh -c '…'`, so LINE is POSIX sh whatever the user's shell (csh, fish) is.
 */
import { randomBytes } from 'node:crypto'
import { constants as osConstants } from 'node:os'
import ssh2 from 'ssh2'
import type { Client, ClientChannel, ConnectConfig, ParsedKey } from 'ssh2'
import { err, ok, messageOf, type Result } from '../../result.js'
import { shellQuote } from '../quote.js'
import { hostKeyAlgorithms, parseKnownHosts, verifyHostKey, type KnownHostEntry } from './known-hosts.js'

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
  /** Progress messages (reconnects, the file channel chosen), e.g. core.info. */
  log?: (message: string) => void
  /** Observer of connection events (benchmarks and tests count them: see counting.ts). */
  onEvent?: (event: SshEvent) => void
}

export type SshEvent =
  /** A connection was established: the first one and every reconnection. */
  | { kind: 'connected' }
  /** The live connection went away. */
  | { kind: 'dropped'; why: string }
  /** The server refused to open a channel (MaxSessions); the open is retried after a pause. */
  | { kind: 'channel-refused' }

/** Refused for good: retrying cannot help (host key, authentication, closed transport). */
export class FatalSshError extends Error {}

export interface Conn {
  client: Client
  id: number
}

export interface RunOptions {
  stdin?: string | Buffer
  /** Closes the channel this long after it opened (a backstop: remote `timeout` does the real work). */
  backstopMs?: number
  /** Run the line again when the connection drops while it runs (true), or report `dropped` (false). */
  retryOnDrop: boolean
}

export type RunOutcome =
  /** The command ran to an exit status (124 when the backstop closed it, -1 when no status came). */
  | { kind: 'done'; code: number; stdout: Buffer; stderr: Buffer }
  /** The connection went away while the command ran (only with retryOnDrop false): it may have had effects. */
  | { kind: 'dropped'; stdout: Buffer; stderr: Buffer }
  /** The command did not run: the server is unreachable, or refused channels for too long. */
  | { kind: 'failed'; message: string }

type Attempt =
  | { kind: 'done'; code: number; stdout: Buffer; stderr: Buffer }
  /** The channel never opened: the command did not run. */
  | { kind: 'not-started'; message: string; channelLimit: boolean }
  /** The connection went away while the command ran. */
  | { kind: 'dropped'; stdout: Buffer; stderr: Buffer }

type Resolved = Required<Omit<SshConnectOptions, 'passphrase' | 'log' | 'onEvent'>> &
  Pick<SshConnectOptions, 'passphrase' | 'log' | 'onEvent'>

export class SshConnection {
  /** `ssh:user@host:port`, for logs. */
  readonly description: string
  readonly options: Resolved
  private readonly known: KnownHostEntry[]
  private readonly sem: Semaphore
  private readonly dropListeners: ((connId: number) => void)[] = []
  private conn: Conn | undefined
  private connecting: Promise<Conn> | undefined
  private downSince: number | undefined
  private lastError = ''
  private nextId = 0
  private closed = false

  private constructor(options: SshConnectOptions) {
    this.options = {
      port: 22,
      keepaliveIntervalMs: 15_000,
      keepaliveCountMax: 4,
      readyTimeoutMs: 20_000,
      maxChannels: 4,
      reconnectForMs: 120_000,
      connectAttempts: 3,
      ...options,
    }
    this.description = `ssh:${this.options.username}@${this.options.host}:${this.options.port}`
    this.known = parseKnownHosts(this.options.knownHosts)
    this.sem = new Semaphore(Math.max(1, this.options.maxChannels))
  }

  /**
   * Validates the options and opens the connection. A malformed key, an unknown or changed host
   * key, a refused login or an unreachable host come back as a Problem, never thrown.
   */
  static async open(options: SshConnectOptions): Promise<Result<SshConnection>> {
    const where = `${options.username}@${options.host}:${options.port ?? 22}`
    if (!options.host) return err({ message: 'no SSH host given', field: 'ssh-host' })
    if (!options.username) return err({ message: 'no SSH user given', field: 'ssh-user' })
    // typed as one key, but a file with several keys gives an array
    const parsed = ssh2.utils.parseKey(options.privateKey, options.passphrase) as ParsedKey | Error | ParsedKey[]
    const key = Array.isArray(parsed) ? parsed[0] : parsed
    if (!key || key instanceof Error) {
      return err({
        message: `the SSH private key cannot be used: ${key instanceof Error ? key.message : 'no key found'}`,
        field: 'ssh-private-key',
        hint: 'an unencrypted OpenSSH or PEM private key (or give its passphrase)',
      })
    }
    if (!key.isPrivateKey()) return err({ message: 'the SSH private key is a public key', field: 'ssh-private-key' })
    const c = new SshConnection(options)
    const { host, port } = c.options
    let delay = 500
    for (let attempt = 1; ; attempt++) {
      try {
        await c.connectOnce()
        return ok(c)
      } catch (e) {
        if (e instanceof FatalSshError || attempt >= c.options.connectAttempts) {
          return err({
            message: `cannot connect to ${where}: ${messageOf(e)}`,
            ...(e instanceof FatalSshError && /host key/i.test(e.message)
              ? {
                  field: 'ssh-known-hosts',
                  hint: /unknown/.test(e.message)
                    ? `add the host's line, e.g. from: ssh-keyscan -p ${port} ${host} (and check its fingerprint)`
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

  /** One connection attempt. Resolves when authenticated. */
  private connectOnce(): Promise<Conn> {
    const o = this.options
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
        this.downSince = undefined
        o.onEvent?.({ kind: 'connected' })
        resolve(conn)
      })
      client.on('error', (e: Error & { level?: string }) => {
        this.lastError = e.message
        if (!ready) {
          if (hostKeyProblem) fail(new FatalSshError(hostKeyProblem))
          else if (e.level === 'client-authentication')
            fail(new FatalSshError(`the server refused the key for ${o.username} (${e.message})`))
          else fail(e)
        }
      })
      // each open channel and the SFTP session watch the connection's close: maxChannels of them
      client.setMaxListeners(o.maxChannels + 10)
      client.on('close', () => {
        if (!ready) fail(new Error(hostKeyProblem ?? 'the connection closed during the handshake'))
        else this.dropped(id, 'the connection closed')
      })
      const config: ConnectConfig = {
        host: o.host,
        port: o.port,
        username: o.username,
        privateKey: o.privateKey,
        ...(o.passphrase !== undefined ? { passphrase: o.passphrase } : {}),
        keepaliveInterval: o.keepaliveIntervalMs,
        keepaliveCountMax: o.keepaliveCountMax,
        readyTimeout: o.readyTimeoutMs,
        hostVerifier: (key: Buffer): boolean => {
          const verdict = verifyHostKey(this.known, o.host, o.port, key)
          if (verdict !== true) hostKeyProblem = verdict
          return verdict === true
        },
      }
      // Offer only the host key types known_hosts pins, so the server cannot pick another type
      // (e.g. ed25519 when only the RSA key is pinned) and fail verification.
      const algorithms = hostKeyAlgorithms(this.known, o.host, o.port)
      if (algorithms.length > 0) config.algorithms = { serverHostKey: algorithms }
      try {
        client.connect(config)
      } catch (e) {
        fail(e instanceof Error ? e : new Error(messageOf(e)))
      }
    })
  }

  /** Forgets connection `id` (if it is the live one); the next use reconnects. */
  dropped(id: number, why: string): void {
    if (this.conn?.id !== id) return
    this.conn = undefined
    this.downSince ??= Date.now()
    this.lastError = why
    this.options.onEvent?.({ kind: 'dropped', why })
    for (const listener of this.dropListeners) listener(id)
    if (!this.closed) this.log(`connection to ${this.description} lost (${why}); reconnecting on next use`)
  }

  /** Calls `listener` with the id of every connection that drops. */
  onDrop(listener: (connId: number) => void): void {
    this.dropListeners.push(listener)
  }

  log(message: string): void {
    this.options.log?.(`ssh: ${message}`)
  }

  /** The back-off of one operation whose channel the server may refuse, started now. */
  channelBackoff(): ChannelBackoff {
    return new ChannelBackoff(this.options.reconnectForMs, () => this.options.onEvent?.({ kind: 'channel-refused' }))
  }

  /** The live connection; reconnects with exponential back-off while it is down. */
  async live(): Promise<Conn> {
    if (this.closed) throw new FatalSshError('the SSH transport is closed')
    if (this.conn) return this.conn
    this.connecting ??= this.reconnect().finally(() => {
      this.connecting = undefined
    })
    return this.connecting
  }

  private async reconnect(): Promise<Conn> {
    const since = (this.downSince ??= Date.now())
    const deadline = this.options.reconnectForMs
    let delay = 250
    for (let attempt = 1; ; attempt++) {
      try {
        const conn = await this.connectOnce()
        this.log(`reconnected to ${this.description} (attempt ${attempt})`)
        return conn
      } catch (e) {
        if (e instanceof FatalSshError) throw e
        this.lastError = messageOf(e)
        const downFor = Date.now() - since
        // Past the deadline every operation still makes one attempt of its own, then fails.
        if (downFor >= deadline) {
          const secs = Math.round(downFor / 1000)
          const message = `cannot reach ${this.description}: down for ${secs} s (last error: ${this.lastError})`
          throw new Error(message, { cause: e })
        }
        await sleep(Math.min(delay, deadline - downFor) * (0.8 + Math.random() * 0.4))
        delay = Math.min(delay * 2, 10_000)
      }
    }
  }

  isLive(conn: Conn): boolean {
    return this.conn?.id === conn.id
  }

  /** A channel permit (maxChannels at once); call the returned function to give it back. */
  acquire(): Promise<() => void> {
    return this.sem.acquire()
  }

  /**
   * Runs one command line on an exec channel. Reconnects while the server is down (up to reconnectForMs),
   * retries channels the server refuses, and, with retryOnDrop, runs the line again when the connection
   * drops while it runs (it may then run twice).
   */
  async run(line: string, options: RunOptions): Promise<RunOutcome> {
    const nonce = randomBytes(8).toString('hex')
    const marker = `RE-${nonce}`
    // printed as two words, so that the marker itself never appears in the command line (rc files with `set -x`)
    const markers = `printf '%s-%s\\n' RE ${nonce}; printf '%s-%s\\n' RE ${nonce} >&2`
    const framed = `exec /bin/sh -c ${shellQuote(`${markers}; ${line}`)}`
    const backoff = this.channelBackoff()
    for (;;) {
      let conn: Conn
      try {
        conn = await this.live()
      } catch (e) {
        return { kind: 'failed', message: messageOf(e) }
      }
      const release = await this.sem.acquire()
      let attempt: Attempt
      try {
        if (!this.isLive(conn)) continue
        attempt = await this.runOnce(conn, framed, options)
      } finally {
        release()
      }
      if (attempt.kind === 'done') {
        const { code } = attempt
        return {
          kind: 'done',
          code,
          stdout: afterMarker(attempt.stdout, marker),
          stderr: afterMarker(attempt.stderr, marker),
        }
      }
      if (attempt.kind === 'dropped') {
        this.dropped(conn.id, 'the connection dropped while a command ran')
        if (!options.retryOnDrop)
          return {
            kind: 'dropped',
            stdout: afterMarker(attempt.stdout, marker),
            stderr: afterMarker(attempt.stderr, marker),
          }
        continue
      }
      // not started: the server refused a channel (too many sessions), or the connection is gone
      if (attempt.channelLimit && this.isLive(conn)) {
        if (backoff.expired)
          return { kind: 'failed', message: `${attempt.message} (for ${Math.round(backoff.elapsedMs / 1000)} s)` }
        await backoff.wait()
        continue
      }
      this.dropped(conn.id, attempt.message)
    }
  }

  private runOnce(conn: Conn, line: string, options: RunOptions): Promise<Attempt> {
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
      const outputs = (): { stdout: Buffer; stderr: Buffer } => ({
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(errs),
      })
      const onConnClose = (): void => {
        if (channel) finish({ kind: 'dropped', ...outputs() })
        else finish({ kind: 'not-started', message: 'the connection closed', channelLimit: false })
      }
      conn.client.on('close', onConnClose)
      try {
        conn.client.exec(line, (e, stream) => {
          if (e) {
            finish({
              kind: 'not-started',
              message: e.message,
              channelLimit: isChannelRefused(e) && this.isLive(conn),
            })
            return
          }
          channel = stream
          if (options.backstopMs !== undefined) {
            timer = setTimeout(() => {
              timedOut = true
              stream.close()
            }, options.backstopMs)
          }
          stream.on('data', (d: Buffer) => out.push(d))
          stream.stderr.on('data', (d: Buffer) => errs.push(d))
          stream.on('exit', (code: number | null, signal?: string) => {
            if (typeof code === 'number') exitCode = code
            else if (signal) exitCode = 128 + signalNumber(signal)
          })
          stream.on('close', () => {
            if (timedOut) {
              const o = outputs()
              finish({ kind: 'done', code: 124, stdout: o.stdout, stderr: Buffer.concat([o.stderr, TIMED_OUT]) })
              return
            }
            if (exitCode !== undefined) {
              finish({ kind: 'done', code: exitCode, ...outputs() })
              return
            }
            // closed without an exit status: the connection is going away
            setTimeout(() => {
              if (this.isLive(conn) && !settled) {
                const o = outputs()
                const stderr = Buffer.concat([o.stderr, NO_STATUS])
                finish({ kind: 'done', code: -1, stdout: o.stdout, stderr })
              } else finish({ kind: 'dropped', ...outputs() })
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

  close(): void {
    this.closed = true
    const c = this.conn
    this.conn = undefined
    c?.client.end()
  }
}

const TIMED_OUT = Buffer.from('ssh: timed out')
const NO_STATUS = Buffer.from('ssh: the channel closed without an exit status')

function signalNumber(signal: string): number {
  const name = (signal.startsWith('SIG') ? signal : `SIG${signal}`) as keyof typeof osConstants.signals
  return (osConstants.signals as Partial<Record<string, number>>)[name] ?? 0
}

/** What follows the first `marker\n` line (rc-file output comes before it); everything when it is missing. */
function afterMarker(data: Buffer, marker: string): Buffer {
  const at = data.indexOf(`${marker}\n`)
  return at < 0 ? data : data.subarray(at + marker.length + 1)
}

/** The server refused to open a channel (too many sessions: MaxSessions). */
export function isChannelRefused(e: Error): boolean {
  return /Channel open failure/i.test(e.message)
}

/**
 * Waits between tries of a channel the server refuses: 100 ms doubling up to 3 s, each with jitter and told to
 * the observer; an operation gives up once its tries have gone on for longer than reconnectForMs.
 */
export class ChannelBackoff {
  private readonly started = Date.now()
  private delay = 100

  constructor(
    private readonly forMs: number,
    private readonly onWait: () => void,
  ) {}

  /** Milliseconds since the back-off started. */
  get elapsedMs(): number {
    return Date.now() - this.started
  }

  /** Whether the tries have gone on for longer than reconnectForMs. */
  get expired(): boolean {
    return this.elapsedMs > this.forMs
  }

  /** Tells the observer, then waits before the next try. */
  async wait(): Promise<void> {
    this.onWait()
    await sleep(this.delay * (0.5 + Math.random()))
    this.delay = Math.min(this.delay * 2, 3000)
  }
}

export function sleep(ms: number): Promise<void> {
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
