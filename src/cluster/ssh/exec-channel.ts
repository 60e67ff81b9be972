/**
 * Exec channels on the SSH connection: a command line in, exit status and raw stdout/stderr bytes out.
 *
 * sshd runs every exec request through the user's login shell (`$SHELL -c LINE`), and Debian's bash then
 * reads ~/.bashrc even though the shell is not interactive. We cannot stop that (nor the time it takes), but
 * its output must not reach results: `runCommand` sends `exec /bin/sh -c 'MARKERS; LINE'`, where MARKERS
 * print a random marker on stdout and stderr, and drops whatever came before them. The login shell itself
 * only parses `exec /bin/sh -c '…'`, so LINE is POSIX sh whatever the user's shell (csh, fish) is.
 */
import { randomBytes } from 'node:crypto'
import { constants as osConstants } from 'node:os'
import type { ClientChannel } from 'ssh2'
import { messageOf } from '../../result.js'
import { shellQuote } from '../quote.js'
import { isChannelRefused, type Conn, type SshConnection } from './connection.js'

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

type ChannelTry =
  | { kind: 'done'; code: number; stdout: Buffer; stderr: Buffer }
  /** The channel never opened: the command did not run. */
  | { kind: 'not-started'; message: string; channelLimit: boolean }
  /** The connection went away while the command ran. */
  | { kind: 'dropped'; stdout: Buffer; stderr: Buffer }

/**
 * Runs one command line on an exec channel. Reconnects while the server is down (up to reconnectForMs),
 * retries channels the server refuses, and, with retryOnDrop, runs the line again when the connection
 * drops while it runs (it may then run twice).
 */
export async function runCommand(ssh: SshConnection, line: string, options: RunOptions): Promise<RunOutcome> {
  const nonce = randomBytes(8).toString('hex')
  const marker = `RE-${nonce}`
  // printed as two words, so that the marker itself never appears in the command line (rc files with `set -x`)
  const markers = `printf '%s-%s\\n' RE ${nonce}; printf '%s-%s\\n' RE ${nonce} >&2`
  const framed = `exec /bin/sh -c ${shellQuote(`${markers}; ${line}`)}`
  const backoff = ssh.channelBackoff()
  for (;;) {
    let conn: Conn
    try {
      conn = await ssh.live()
    } catch (e) {
      return { kind: 'failed', message: messageOf(e) }
    }
    const release = await ssh.acquire()
    let attempt: ChannelTry
    try {
      if (!ssh.isLive(conn)) continue
      attempt = await runOnce(ssh, conn, framed, options)
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
      ssh.dropped(conn.id, 'the connection dropped while a command ran')
      if (!options.retryOnDrop)
        return {
          kind: 'dropped',
          stdout: afterMarker(attempt.stdout, marker),
          stderr: afterMarker(attempt.stderr, marker),
        }
      continue
    }
    // not started: the server refused a channel (too many sessions), or the connection is gone
    if (attempt.channelLimit && ssh.isLive(conn)) {
      if (backoff.exhausted)
        return { kind: 'failed', message: `${attempt.message} (for ${Math.round(backoff.elapsedMs / 1000)} s)` }
      await backoff.wait()
      continue
    }
    ssh.dropped(conn.id, attempt.message)
  }
}

function runOnce(ssh: SshConnection, conn: Conn, line: string, options: RunOptions): Promise<ChannelTry> {
  return new Promise<ChannelTry>((resolve) => {
    const out: Buffer[] = []
    const errs: Buffer[] = []
    let channel: ClientChannel | undefined
    let exitCode: number | undefined
    let timedOut = false
    let settled = false
    let timer: NodeJS.Timeout | undefined
    const finish = (a: ChannelTry): void => {
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
            channelLimit: isChannelRefused(e) && ssh.isLive(conn),
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
            if (ssh.isLive(conn) && !settled) {
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
