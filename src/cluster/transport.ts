/**
 * How we reach the machine that holds the experiment and runs the scheduler's commands.
 * Local (child processes, this filesystem) and SSH (ssh2 exec + SFTP) implement it identically,
 * so everything above runs unchanged over both.
 *
 * Commands are argv arrays, never shell strings: an implementation that needs a shell (SSH)
 * quotes every argument itself (see quote.ts). Paths are absolute paths on the target machine.
 */

export interface ExecOptions {
  /** Working directory on the target. */
  cwd?: string
  /** Extra environment variables (set inside the command, not through the SSH protocol). */
  env?: Record<string, string>
  /** Bytes fed to stdin. */
  stdin?: string
  /** Kill the command after this many milliseconds (the result then has code 124). */
  timeoutMs?: number
  /**
   * False for commands that must not run twice (sbatch): a transport that loses its connection
   * mid-command then answers code -1 ("may or may not have run") instead of running it again.
   */
  idempotent?: boolean
}

export interface ExecResult {
  /** Exit status; 124 on timeout, 127 when the program does not exist, -1 when the transport failed. */
  code: number
  stdout: string
  stderr: string
}

export interface FileStat {
  isDirectory: boolean
  size: number
  mtimeMs: number
  /** The inode number, where the transport can tell it (local, SSH over exec; SFTP cannot). */
  ino?: number
}

export interface WriteOptions {
  /** Permission bits of the written file (e.g. 0o755); default: the umask's. */
  mode?: number
}

export interface DirEntry {
  name: string
  isDirectory: boolean
}

export interface Transport {
  /** `local` or `ssh:user@host:port`, for logs. */
  readonly description: string
  /** Runs argv[0] with arguments argv[1..]. Never throws for a non-zero exit. */
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>
  /** The file's bytes, or null when it does not exist. Whole files: use it for small files only. */
  readFile(path: string): Promise<Buffer | null>
  /**
   * Up to `length` bytes from byte `start` (fewer at the end of the file), or null when it does not exist.
   * Job outputs and logs can be gigabytes: read them in bounded ranges (see cluster/read.ts).
   */
  readRange(path: string, start: number, length: number): Promise<Buffer | null>
  /** Writes via a temporary file, fsync and rename, creating parent directories. */
  writeFileAtomic(path: string, data: string | Buffer, options?: WriteOptions): Promise<void>
  /** Appends, creating the file and its parent directories when missing. */
  appendFile(path: string, data: string): Promise<void>
  /** Creates the file only if it does not exist (O_EXCL). Returns false when it already existed. */
  createExclusive(path: string, data: string): Promise<boolean>
  stat(path: string): Promise<FileStat | null>
  /** The absolute path with every symbolic link, `.` and `..` resolved; null when it does not exist. */
  realpath(path: string): Promise<string | null>
  /** Entries of a directory, or null when it does not exist. */
  list(path: string): Promise<DirEntry[] | null>
  mkdirp(path: string): Promise<void>
  /** Removes a file or an empty directory; missing is fine. */
  remove(path: string): Promise<void>
  close(): Promise<void>
}
