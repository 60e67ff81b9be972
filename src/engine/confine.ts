/**
 * Reads are confined. The content of a job's output file, its `.eval` logs, its checkpoints' logs and
 * the files put in the artifact is read only when its real path lies inside the run directory or a path
 * the job's own scripts name (a log directory, an output directory, `#SBATCH --output`), and, with the
 * `allowed-roots` input, under one of those too. Anything else — a state entry pointing `output_file` at
 * ~/.ssh/id_rsa, a symlink in a log directory to a secret — reads as absent. Symlinks are resolved
 * before the check, so none leads out. Metadata (stat, list) is not content and passes through.
 */
import { isWithin } from '../cluster/paths.js'
import type { DirEntry, ExecOptions, ExecResult, FileStat, Transport, WriteOptions } from '../cluster/transport.js'

export class ConfinedTransport implements Transport {
  /** Real paths of the roots, resolved once (a root that does not exist yet is taken as written). */
  private realRoots: Promise<string[]> | undefined
  private readonly verdicts = new Map<string, Promise<boolean>>()
  private readonly roots: string[]

  constructor(
    readonly inner: Transport,
    roots: readonly string[],
    /** When non-empty, a path must also lie under one of these (the allowed-roots input). */
    private readonly allowed: readonly string[] = [],
  ) {
    this.roots = [...roots]
  }

  get description(): string {
    return this.inner.description
  }

  /** More paths the jobs' scripts name (their outputs may be read). */
  allow(paths: readonly string[]): void {
    const fresh = paths.filter((p) => !this.roots.includes(p))
    if (fresh.length === 0) return
    this.roots.push(...fresh)
    this.realRoots = undefined
    this.verdicts.clear()
  }

  /** Whether the content at `path` may be read (false also when it does not exist). */
  permits(path: string): Promise<boolean> {
    let verdict = this.verdicts.get(path)
    if (!verdict) {
      verdict = this.check(path)
      this.verdicts.set(path, verdict)
    }
    return verdict
  }

  private async check(path: string): Promise<boolean> {
    const real = await this.inner.realpath(path)
    if (real === null) return false
    this.realRoots ??= Promise.all(this.roots.map(async (r) => (await this.inner.realpath(r)) ?? r))
    const roots = await this.realRoots
    const inRoots = roots.some((r) => isWithin(r, real))
    return inRoots && (this.allowed.length === 0 || this.allowed.some((a) => isWithin(a, real)))
  }

  async readFile(path: string): Promise<Buffer | null> {
    return (await this.permits(path)) ? this.inner.readFile(path) : null
  }

  async readRange(path: string, start: number, length: number): Promise<Buffer | null> {
    return (await this.permits(path)) ? this.inner.readRange(path, start, length) : null
  }

  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult> {
    return this.inner.exec(argv, options)
  }
  writeFileAtomic(path: string, data: string | Buffer, options?: WriteOptions): Promise<void> {
    return this.inner.writeFileAtomic(path, data, options)
  }
  appendFile(path: string, data: string): Promise<void> {
    return this.inner.appendFile(path, data)
  }
  createExclusive(path: string, data: string): Promise<boolean> {
    return this.inner.createExclusive(path, data)
  }
  stat(path: string): Promise<FileStat | null> {
    return this.inner.stat(path)
  }
  realpath(path: string): Promise<string | null> {
    return this.inner.realpath(path)
  }
  list(path: string): Promise<DirEntry[] | null> {
    return this.inner.list(path)
  }
  mkdirp(path: string): Promise<void> {
    return this.inner.mkdirp(path)
  }
  remove(path: string): Promise<void> {
    return this.inner.remove(path)
  }
  close(): Promise<void> {
    return this.inner.close()
  }
}
