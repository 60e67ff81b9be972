/**
 * ONE SSH connection (ssh2) to the cluster's login node, for a whole action run:
 * - the host key pinned against known_hosts text (known-hosts.ts);
 * - keepalive every 15 s; a dropped connection is reopened with back-off (RECONNECT) on next use. Only when
 *   the server stays unreachable for `reconnectForMs` (2 minutes) does an operation fail;
 * - at most `maxChannels` (4) channels open at once, the SFTP session included (OpenSSH allows 10 sessions
 *   per connection), and retry with back-off (CHANNEL_REFUSED) on "Channel open failure".
 * Its exec channels are exec-channel.ts's, its files sftp.ts's or exec-files.ts's.
 */
import ssh2 from 'ssh2'
import type { Client, ConnectConfig, ParsedKey } from 'ssh2'
import { err, ok, messageOf, type Result } from '../../result.js'
import { Backoff, retry, type BackoffPolicy } from '../backoff.js'
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

type ConnectSettings = Required<Omit<SshConnectOptions, 'passphrase' | 'log' | 'onEvent'>> &
  Pick<SshConnectOptions, 'passphrase' | 'log' | 'onEvent'>

/** The first connection: a few quick tries (a wrong host should fail fast); `attempts` is connectAttempts. */
const FIRST_CONNECT: BackoffPolicy = { initialMs: 500, factor: 2 }
/** Reconnecting: 250 ms doubling up to 10 s, ±20 %; `deadlineMs` is reconnectForMs from when it went down. */
const RECONNECT: BackoffPolicy = { initialMs: 250, factor: 2, maxMs: 10_000, jitter: 0.2 }
/** A channel the server refuses: 100 ms doubling up to 3 s, ±50 %; `deadlineMs` is reconnectForMs. */
const CHANNEL_REFUSED: BackoffPolicy = { initialMs: 100, factor: 2, maxMs: 3000, jitter: 0.5 }

export class SshConnection {
  /** `ssh:user@host:port`, for logs. */
  readonly description: string
  readonly options: ConnectSettings
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
    const connected = await retry({ ...FIRST_CONNECT, attempts: c.options.connectAttempts }, () => c.tryConnect(), {
      retryable: (e) => !(e instanceof FatalSshError),
    })
    if (connected.ok) return ok(c)
    const e = connected.error
    return err({
      message: `cannot connect to ${where}: ${e.message}`,
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

  /** One connection attempt, its failure as a value. */
  private async tryConnect(): Promise<Result<Conn, Error>> {
    try {
      return ok(await this.connectOnce())
    } catch (e) {
      return err(e instanceof Error ? e : new Error(messageOf(e)))
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

  /** The back-off of one operation whose channel the server may refuse, started now; each wait is an event. */
  channelBackoff(): Backoff {
    const policy = { ...CHANNEL_REFUSED, deadlineMs: this.options.reconnectForMs }
    return new Backoff(policy, Date.now(), () => this.options.onEvent?.({ kind: 'channel-refused' }))
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

  /** Past the deadline every operation still makes one attempt of its own, then fails. */
  private async reconnect(): Promise<Conn> {
    const since = (this.downSince ??= Date.now())
    const policy = { ...RECONNECT, deadlineMs: this.options.reconnectForMs }
    const r = await retry(
      policy,
      async (attempt) => {
        const conn = await this.tryConnect()
        if (conn.ok) this.log(`reconnected to ${this.description} (attempt ${attempt})`)
        else if (!(conn.error instanceof FatalSshError)) this.lastError = conn.error.message
        return conn
      },
      { retryable: (e) => !(e instanceof FatalSshError), since },
    )
    if (r.ok) return r.value
    if (r.error instanceof FatalSshError) throw r.error
    const secs = Math.round((Date.now() - since) / 1000)
    const message = `cannot reach ${this.description}: down for ${secs} s (last error: ${this.lastError})`
    throw new Error(message, { cause: r.error })
  }

  isLive(conn: Conn): boolean {
    return this.conn?.id === conn.id
  }

  /** A channel permit (maxChannels at once); call the returned function to give it back. */
  acquire(): Promise<() => void> {
    return this.sem.acquire()
  }

  close(): void {
    this.closed = true
    const c = this.conn
    this.conn = undefined
    c?.client.end()
  }
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

/** The server refused to open a channel (too many sessions: MaxSessions). */
export function isChannelRefused(e: Error): boolean {
  return /Channel open failure/i.test(e.message)
}
