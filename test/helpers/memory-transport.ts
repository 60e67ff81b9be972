/**
 * A Transport over an in-memory filesystem, for the fast test tier: the engine, the tool modules and
 * the report run against it without processes, SLURM or SSH. Files carry an mtime the test can set
 * (to make a checkpoint "older than the attempt"). exec answers through handlers the test registers.
 */
import type {
  DirEntry,
  ExecOptions,
  ExecResult,
  FileStat,
  Transport,
  WriteOptions,
} from '../../src/cluster/transport.ts'
import { resolvePath } from '../../src/cluster/paths.ts'

interface Node {
  data: Buffer
  mtimeMs: number
  /** A fresh number each time the file is created or replaced (a rename into place is a new inode). */
  ino: number
  mode?: number
}

let inodes = 0

export type ExecHandler = (argv: readonly string[], options: ExecOptions) => ExecResult | undefined

export class MemoryTransport implements Transport {
  readonly description = 'memory'
  readonly files = new Map<string, Node>()
  readonly dirs = new Set<string>(['/'])
  readonly execs: string[][] = []
  private readonly handlers: ExecHandler[] = []
  /** The clock files are stamped with (ms); tests may move it. */
  now: () => number = () => Date.now()

  onExec(handler: ExecHandler): void {
    this.handlers.push(handler)
  }

  exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    this.execs.push([...argv])
    for (const h of this.handlers) {
      const r = h(argv, options)
      if (r) return Promise.resolve(r)
    }
    return Promise.resolve({ code: 127, stdout: '', stderr: `${argv[0] ?? ''}: not found (memory transport)` })
  }

  /** Writes a file directly (test set-up), optionally with a given mtime. */
  put(path: string, data: string | Buffer, mtimeMs = this.now()): void {
    this.mkdirs(parent(path))
    this.files.set(path, { data: Buffer.from(data), mtimeMs, ino: ++inodes })
  }

  text(path: string): string | undefined {
    return this.files.get(path)?.data.toString('utf8')
  }

  readFile(path: string): Promise<Buffer | null> {
    const n = this.files.get(path)
    return Promise.resolve(n ? Buffer.from(n.data) : null)
  }

  readRange(path: string, start: number, length: number): Promise<Buffer | null> {
    const n = this.files.get(path)
    return Promise.resolve(n ? Buffer.from(n.data.subarray(start, start + Math.max(0, length))) : null)
  }

  writeFileAtomic(path: string, data: string | Buffer, options: WriteOptions = {}): Promise<void> {
    this.mkdirs(parent(path))
    this.files.set(path, {
      data: Buffer.from(data),
      mtimeMs: this.now(),
      ino: ++inodes,
      ...(options.mode ? { mode: options.mode } : {}),
    })
    return Promise.resolve()
  }

  appendFile(path: string, data: string): Promise<void> {
    this.mkdirs(parent(path))
    const old = this.files.get(path)
    this.files.set(path, {
      data: Buffer.concat([old?.data ?? Buffer.alloc(0), Buffer.from(data)]),
      mtimeMs: this.now(),
      ino: old?.ino ?? ++inodes,
    })
    return Promise.resolve()
  }

  createExclusive(path: string, data: string): Promise<boolean> {
    if (this.files.has(path)) return Promise.resolve(false)
    this.put(path, data)
    return Promise.resolve(true)
  }

  stat(path: string): Promise<FileStat | null> {
    const n = this.files.get(path)
    if (n) return Promise.resolve({ isDirectory: false, size: n.data.length, mtimeMs: n.mtimeMs, ino: n.ino })
    return Promise.resolve(this.dirs.has(path) ? { isDirectory: true, size: 0, mtimeMs: 0 } : null)
  }

  /** The normalised path (this filesystem has no symbolic links), or null when nothing is there. */
  realpath(path: string): Promise<string | null> {
    const p = resolvePath('/', path)
    return Promise.resolve(this.files.has(p) || this.dirs.has(p) ? p : null)
  }

  list(path: string): Promise<DirEntry[] | null> {
    if (!this.dirs.has(path)) return Promise.resolve(null)
    const prefix = path === '/' ? '/' : `${path}/`
    const names = new Map<string, boolean>()
    for (const f of this.files.keys())
      if (f.startsWith(prefix)) names.set(f.slice(prefix.length).split('/')[0] ?? '', false)
    for (const d of this.dirs)
      if (d.startsWith(prefix) && d !== path) names.set(d.slice(prefix.length).split('/')[0] ?? '', true)
    for (const [name] of names) if (this.dirs.has(prefix + name)) names.set(name, true)
    return Promise.resolve(
      [...names]
        .filter(([n]) => n)
        .map(([name, isDirectory]) => ({ name, isDirectory }))
        .sort((a, b) => (a.name < b.name ? -1 : 1)),
    )
  }

  mkdirp(path: string): Promise<void> {
    this.mkdirs(path)
    return Promise.resolve()
  }

  remove(path: string): Promise<void> {
    this.files.delete(path)
    this.dirs.delete(path)
    return Promise.resolve()
  }

  close(): Promise<void> {
    return Promise.resolve()
  }

  private mkdirs(path: string): void {
    let p = path
    while (p && p !== '/') {
      this.dirs.add(p)
      p = parent(p)
    }
  }
}

function parent(path: string): string {
  return path.replace(/\/+[^/]*$/, '') || '/'
}
