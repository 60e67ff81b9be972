/**
 * Transport over ONE SSH connection to the cluster's login node, for a whole action run. The rooms:
 * - ssh/connection.ts: the connection (host key pinned by ssh/known-hosts.ts, keepalive, reconnect with
 *   back-off, a channel budget under the server's MaxSessions);
 * - ssh/exec-channel.ts: one command line on an exec channel, the login shell's rc-file output cut off;
 * - ssh/sftp.ts: file operations over one reused SFTP session;
 * - ssh/exec-files.ts: the same file operations over plain exec channels, for servers without SFTP.
 *
 * Commands: every argument quoted, the environment set inside the command (`commandLine` from quote.ts),
 * a remote `timeout` for `timeoutMs`, started with `exec` (the program, never a function of that name that
 * the login shell's rc file defined). An outage never surfaces as a job failure: the connection is reopened
 * and the operation retried; only when the server stays unreachable for `reconnectForMs` (2 minutes) does an
 * operation fail: exec with code -1 and a clear message, file operations by throwing.
 *
 * Exec retries a command whose connection dropped while it ran (it may run twice): right for
 * squeue/sacct/scancel/mkdir. Pass `{ idempotent: false }` (SshExecOptions) for commands that must
 * not run twice, such as sbatch: a drop then returns code -1 with "may or may not have run".
 *
 * Files go over SFTP when the server offers it. A login node without the SFTP subsystem is detected when
 * connecting (or on a later reconnect); file work then goes over exec channels, said once in the log. Where
 * neither can work, connect returns a Problem naming the cause.
 */
import { err, ok, messageOf, type Result } from '../result.js'
import { commandLine, shellJoin, shellQuote } from './quote.js'
import { SshConnection, type SshConnectOptions as ConnectionOptions } from './ssh/connection.js'
import { runCommand } from './ssh/exec-channel.js'
import { ExecFiles } from './ssh/exec-files.js'
import type { FileOps } from './ssh/files.js'
import { SftpFiles, SftpUnavailableError } from './ssh/sftp.js'
import type { DirEntry, ExecOptions, ExecResult, FileStat, Transport, WriteOptions } from './transport.js'

export interface SshConnectOptions extends ConnectionOptions {
  /**
   * How file operations reach the server. Default: SFTP when the server offers it, else exec channels.
   * 'exec' uses exec channels even where SFTP exists (tests, benchmarks, a site whose SFTP misbehaves).
   */
  files?: 'exec'
}

export interface SshExecOptions extends ExecOptions {
  /**
   * Default true: when the connection drops while the command runs, reconnect and run it again.
   * false: report code -1 instead, because the command may already have had its effect.
   */
  idempotent?: boolean
}

export class SshTransport implements Transport {
  readonly description: string
  private readonly sftp: SftpFiles
  private readonly overExec: ExecFiles
  private files: FileOps
  private switching: Promise<Result<undefined>> | undefined

  private constructor(private readonly ssh: SshConnection) {
    this.description = ssh.description
    this.sftp = new SftpFiles(ssh)
    this.overExec = new ExecFiles(ssh)
    this.files = this.sftp
  }

  /**
   * Validates the options, opens the connection and finds how to reach files. A malformed key, an unknown or
   * changed host key, a refused login, an unreachable host, or a server where file operations cannot work
   * come back as a Problem, never thrown.
   */
  static async connect(options: SshConnectOptions): Promise<Result<SshTransport>> {
    const opened = await SshConnection.open(options)
    if (!opened.ok) return opened
    const t = new SshTransport(opened.value)
    let reason: string | undefined = options.files === 'exec' ? 'exec channels were asked for' : undefined
    if (reason === undefined) {
      try {
        await t.sftp.open()
      } catch (e) {
        // other failures surface (or recover) at the first file operation, as before
        if (e instanceof SftpUnavailableError) reason = e.message
      }
    }
    if (reason !== undefined) {
      const switched = await t.useExec(reason)
      if (!switched.ok) {
        await t.close()
        return err(switched.error)
      }
    }
    return ok(t)
  }

  /** How file operations reach the server now. */
  get fileChannel(): 'sftp' | 'exec' {
    return this.files === this.sftp ? 'sftp' : 'exec'
  }

  /** Moves file work to exec channels, once, after checking that the server has what they need. */
  private useExec(why: string): Promise<Result<undefined>> {
    this.switching ??= (async (): Promise<Result<undefined>> => {
      const unusable = await this.overExec.unusable()
      if (unusable !== undefined) {
        return err({
          message: `${why}, and file operations over exec channels cannot work there either: ${unusable}`,
          field: 'ssh-host',
          hint: 'enable the SFTP subsystem in sshd_config (Subsystem sftp ...), or install bash and GNU coreutils',
        })
      }
      this.files = this.overExec
      this.ssh.log(`${why}: file operations go over exec channels (bash --norc --noprofile, GNU coreutils)`)
      return ok(undefined)
    })()
    return this.switching
  }

  /** Runs a file operation where files are reached now; moves to exec channels when SFTP goes away. */
  private async onFiles<T>(op: (files: FileOps) => Promise<T>): Promise<T> {
    if (this.files === this.sftp) {
      try {
        return await op(this.sftp)
      } catch (e) {
        if (!(e instanceof SftpUnavailableError)) throw e
        const switched = await this.useExec(e.message)
        if (!switched.ok) throw new Error(switched.error.message, { cause: e })
      }
    }
    return op(this.files)
  }

  async exec(argv: readonly string[], options: SshExecOptions = {}): Promise<ExecResult> {
    // `exec`: the program found on PATH, even where the login shell's rc file defines a function of that name
    let command: string
    try {
      command = `exec ${commandLine(argv, undefined, options.env)}`
    } catch (e) {
      return { code: -1, stdout: '', stderr: `ssh: ${messageOf(e)}` }
    }
    if (argv.length === 0) return { code: -1, stdout: '', stderr: 'empty command' }
    let backstopMs: number | undefined
    if (options.timeoutMs !== undefined) {
      // The remote process is not killed when its channel closes: let the remote side time it out.
      const secs = Math.max(1, Math.ceil(options.timeoutMs / 1000))
      command = `exec ${shellJoin(['timeout', '-k', '5', String(secs), 'sh', '-c', command])}`
      // backstop in case the remote `timeout` is missing or hangs
      backstopMs = options.timeoutMs + 15_000
    }
    // `command cd`: the shell's own cd, even where an rc file wraps it in a function (rvm, autoenv)
    const line = options.cwd ? `command cd -- ${shellQuote(options.cwd)} && ${command}` : command
    const r = await runCommand(this.ssh, line, {
      retryOnDrop: options.idempotent ?? true,
      ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
      ...(backstopMs !== undefined ? { backstopMs } : {}),
    })
    if (r.kind === 'failed') return { code: -1, stdout: '', stderr: `ssh: ${r.message}` }
    const stdout = r.stdout.toString('utf8')
    const stderr = r.stderr.toString('utf8')
    if (r.kind === 'done') return { code: r.code, stdout, stderr }
    const lost = `ssh: the connection to ${this.description} dropped while the command ran; it may or may not have run`
    return { code: -1, stdout, stderr: `${stderr}${lost}` }
  }

  readFile(path: string): Promise<Buffer | null> {
    return this.onFiles((f) => f.readFile(path))
  }

  readRange(path: string, start: number, length: number): Promise<Buffer | null> {
    return this.onFiles((f) => f.readRange(path, start, length))
  }

  writeFileAtomic(path: string, data: string | Buffer, options?: WriteOptions): Promise<void> {
    return this.onFiles((f) => f.writeFileAtomic(path, data, options))
  }

  appendFile(path: string, data: string): Promise<void> {
    return this.onFiles((f) => f.appendFile(path, data))
  }

  createExclusive(path: string, data: string): Promise<boolean> {
    return this.onFiles((f) => f.createExclusive(path, data))
  }

  stat(path: string): Promise<FileStat | null> {
    return this.onFiles((f) => f.stat(path))
  }

  realpath(path: string): Promise<string | null> {
    return this.onFiles((f) => f.realpath(path))
  }

  list(path: string): Promise<DirEntry[] | null> {
    return this.onFiles((f) => f.list(path))
  }

  mkdirp(path: string): Promise<void> {
    return this.onFiles((f) => f.mkdirp(path))
  }

  remove(path: string): Promise<void> {
    return this.onFiles((f) => f.remove(path))
  }

  async close(): Promise<void> {
    await this.sftp.close()
    this.ssh.close()
  }
}
