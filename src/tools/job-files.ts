/**
 * What the tool modules share about a job's files: reading its script, collecting what it reads and
 * writes (JobFiles) with what the script itself makes set aside, checking the reads before anything is
 * submitted, and telling an output this attempt wrote from one that was there before it.
 */
import { joinPath, resolvePath } from '../cluster/paths.js'
import type { FileStat, Transport } from '../cluster/transport.js'
import type { Problem } from '../result.js'
import { clusterPath, launchOf, type Launch } from './launch.js'
import {
  programName,
  readScript,
  type JobScript,
  type ValueOrWhy,
  type ScriptCommand,
  type ShellWord,
} from './shell.js'
import {
  SKEW_MS,
  type FileIdentity,
  type JobFiles,
  type JudgeContext,
  type JobPath,
  type JobRead,
  type PlannedJob,
  type ReadFile,
} from './tool.js'

export interface ReadScript {
  script: JobScript
  /** The script, relative to the run directory. */
  file: string
  /** Every command that runs a program, wrappers taken off, in script order. */
  launches: Launch[]
}

/** Reads files through a transport, whole or only their start. */
export const readerOf =
  (transport: Transport): ReadFile =>
  (path, maxBytes) =>
    maxBytes === undefined ? transport.readFile(path) : transport.readRange(path, 0, maxBytes)

/** A job's script, read as bash runs it from the job's directory; undefined when it cannot be read. */
export async function jobScript(read: ReadFile, runDir: string, job: PlannedJob): Promise<ReadScript | undefined> {
  const submitDir = resolvePath(runDir, job.dir)
  const bytes = await read(`${submitDir}/${job.script}`)
  if (!bytes) return undefined
  const script = readScript(bytes.toString('utf8'), submitDir)
  const launches = script.commands.flatMap((c) => launchOf(c) ?? [])
  return { script, file: joinPath(job.dir, job.script), launches }
}

/** `path` relative to the run directory when it is inside it, else as it is. */
export function inRunDir(runDir: string, path: string): string {
  return path.startsWith(`${runDir}/`) ? path.slice(runDir.length + 1) : path
}

/** Where a path is named: a word of the job's script, or a place in another file (a config). */
export interface Location {
  /** The file, as JobPath.file; absent: the job's script. */
  file?: string
  line: number
  column?: number
  /** The text as written there. */
  raw?: string
}

/**
 * Collects a job's reads, writes and what could not be resolved; `files()` returns `done()`. Reads are
 * said once per path; a read the script makes itself before the command that reads it (`cp`, `mkdir`,
 * a redirection, any command naming it) is not required beforehand and is set aside with the reason.
 */
export class JobFilesBuilder {
  private readonly reads: JobRead[] = []
  private readonly writes: JobPath[] = []
  private readonly unresolved: JobFiles['unresolved'] = []

  constructor(private readonly script?: ReadScript) {}

  /** The script's path, relative to the run directory. */
  get scriptFile(): string {
    return this.script?.file ?? ''
  }

  /**
   * A path the job reads, `where` as resolved (or why it cannot be), named at `at`: a word of the script,
   * or a place in another file (`at.file`, a config). With `command`, the script command that reads it:
   * a path an earlier command makes is not required beforehand.
   */
  readAt(
    where: ValueOrWhy<string>,
    at: Location,
    what: { kind: string; trigger: boolean; field?: string },
    command?: ScriptCommand,
  ): void {
    const file = at.file ?? this.scriptFile
    if (where.value === undefined) {
      this.note(file, at, where.why)
      return
    }
    const made = command && this.script ? madeBefore(this.script.script, command, where.value) : undefined
    if (made) {
      this.note(file, at, `line ${made} of the script makes ${where.value} before it is read`)
      return
    }
    const r = { path: where.value, file, line: at.line, ...(at.column ? { column: at.column } : {}), ...what }
    if (!this.reads.some((x) => x.path === r.path)) this.reads.push(r)
  }

  writeAt(where: ValueOrWhy<string>, at: Location, what: { kind: string; field?: string }): void {
    const file = at.file ?? this.scriptFile
    if (where.value === undefined) {
      this.note(file, at, where.why)
      return
    }
    this.write({ path: where.value, file, line: at.line, ...(at.column ? { column: at.column } : {}), ...what })
  }

  write(w: JobPath): void {
    if (!this.writes.some((x) => x.path === w.path)) this.writes.push(w)
  }

  /** A word of the script whose path is not known. */
  unresolvedWord(word: ShellWord, why: string): void {
    this.note(this.scriptFile, word, why)
  }

  note(file: string, at: Location, why: string): void {
    const entry = { file, line: at.line, text: at.raw ?? '', why }
    if (!this.unresolved.some((u) => u.line === entry.line && u.text === entry.text)) this.unresolved.push(entry)
  }

  /** Where the scheduler writes the job's output (`#SBATCH --output`/`--error`): their directories. */
  sbatchWrites(): void {
    const s = this.script
    if (!s) return
    for (const o of s.script.sbatch) {
      if (o.name !== 'output' && o.name !== 'error') continue
      const v = o.value.value
      if (v === undefined) {
        this.note(s.file, o.value, o.value.why ?? 'unknown')
        continue
      }
      const dir = v.includes('/') ? v.slice(0, v.lastIndexOf('/')) || '/' : '.'
      if (dir.includes('%')) {
        this.note(s.file, o.value, 'its directory has a SLURM filename pattern (%)')
        continue
      }
      const base = s.script.startDir.value
      if (!dir.startsWith('/') && base === undefined) {
        this.note(s.file, o.value, s.script.startDir.why)
        continue
      }
      this.writeAt({ value: resolvePath(base ?? '/', dir) }, o.value, {
        kind: 'job output directory',
        field: `#SBATCH --${o.name}`,
      })
    }
  }

  done(): JobFiles {
    // a job's own output is never a read it needs beforehand, and never a trigger
    const reads = this.reads.filter((r) => !this.writes.some((w) => r.path === w.path))
    return { reads, writes: this.writes, unresolved: this.unresolved }
  }
}

/** Programs that only look at paths: naming a path does not make it. */
const LOOKERS = new Set([
  'cd',
  'pushd',
  'popd',
  'echo',
  'printf',
  'test',
  '[',
  '[[',
  'ls',
  'cat',
  'head',
  'tail',
  'wc',
  'stat',
  'file',
  'realpath',
  'readlink',
  'dirname',
  'basename',
  'module',
  'ml',
  'conda',
  'source',
  '.',
  'export',
  'du',
  'md5sum',
  'sha256sum',
  'grep',
  'find',
  'nvidia-smi',
  'kill',
  'wait',
  'sleep',
  'date',
  'hostname',
  'exit',
  'true',
  'false',
])
/** Programs whose path arguments are destinations that receive files: what lies under them is made. */
const COPIERS = new Set(['cp', 'mv', 'rsync', 'ln', 'tar', 'unzip', 'gunzip', 'wget', 'curl', 'install', 'scp'])

/**
 * The line of a command before `command` that makes `path` (a redirection to it, `mkdir` of it or of a
 * directory below it, a copy into it, any other program naming it), if any.
 */
function madeBefore(script: JobScript, command: ScriptCommand, path: string): number | undefined {
  for (const c of script.commands) {
    if (c === command) return undefined
    for (const r of c.redirects) {
      if (!/^(>|>>|>\||&>|&>>)$/.test(r.op) || r.target.value === undefined) continue
      if (resolved(c, r.target.value) === path) return c.line
    }
    const launch = launchOf(c)
    const name = launch?.program ?? (c.words[0] ? programName(c.words[0]) : '')
    if (!launch || LOOKERS.has(name)) continue
    const args = launch.args.flatMap((w) => {
      const v = w.value
      if (v === undefined || v === '') return []
      const eq = v.startsWith('-') ? v.indexOf('=') : -1
      return eq > 0 ? [v.slice(eq + 1)] : v.startsWith('-') ? [] : [v]
    })
    for (const a of args) {
      const p = clusterPath(launch, a).value
      if (p === undefined) continue
      if (p === path) return c.line
      if (name === 'mkdir' && p.startsWith(`${path}/`)) return c.line
      if (COPIERS.has(name) && path.startsWith(`${p}/`)) return c.line
    }
  }
  return undefined
}

function resolved(c: ScriptCommand, p: string): string | undefined {
  if (p.startsWith('/')) return resolvePath('/', p)
  return c.cwd.value !== undefined ? resolvePath(c.cwd.value, p) : undefined
}

/**
 * The reads that do not exist on the cluster, each a Problem at the file, line and field naming it; a
 * path under a missing directory is not named again. `hint` says how the job comes to read it.
 */
export async function missingReads(
  transport: Transport,
  files: JobFiles,
  hint: (r: JobRead) => string,
): Promise<{ problems: Problem[]; present: JobRead[] }> {
  const problems: Problem[] = []
  const present: JobRead[] = []
  const missing: string[] = []
  for (const r of files.reads) {
    if (missing.some((m) => r.path.startsWith(`${m}/`))) continue
    if ((await transport.stat(r.path)) !== null) {
      present.push(r)
      continue
    }
    missing.push(r.path)
    problems.push({
      file: r.file,
      ...(r.line !== undefined ? { line: r.line } : {}),
      ...(r.column !== undefined ? { column: r.column } : {}),
      ...(r.field !== undefined ? { field: r.field } : {}),
      message: `the ${r.kind} ${r.path} does not exist on the cluster`,
      hint: hint(r),
    })
  }
  return { problems, present }
}

// ------------------------------------------------------------------ written by this attempt

export function identityOf(stat: FileStat): FileIdentity {
  return { size: stat.size, mtimeMs: stat.mtimeMs, ...(stat.ino !== undefined ? { ino: stat.ino } : {}) }
}

/** What tells the outputs of an attempt from other files: what was there before it, when it was submitted and ran. */
export type AttemptTimes = Pick<JudgeContext, 'before' | 'since' | 'window'>

/**
 * Whether the file at `path` (as `stat` says it is now) was written by the attempt being judged. Never
 * when its mtime is after the attempt ended (plus SKEW_MS), when that is known: a file put there since
 * (a checkout of committed outputs, a copy) is not the attempt's. Then, with `before` (the outputs as they
 * were when it was submitted): it changed since, or it was not there then (and then its mtime is not
 * before the submission, less SKEW_MS, when that is known). Without: the time rule alone.
 */
export function writtenByAttempt(attempt: AttemptTimes, path: string, stat: FileStat): boolean {
  const ended = attempt.window?.endedAt === undefined ? NaN : Date.parse(attempt.window.endedAt)
  if (stat.mtimeMs > ended + SKEW_MS) return false
  const was = attempt.before?.[path]
  if (was) return !sameFile(was, stat)
  return attempt.since === undefined || stat.mtimeMs >= Date.parse(attempt.since) - SKEW_MS
}

/** Whether a file is as an identity recorded it: same size and mtime, and inode where both tell it. */
export function sameFile(was: FileIdentity, stat: FileStat): boolean {
  const inode = was.ino !== undefined && stat.ino !== undefined && was.ino !== stat.ino
  return !inode && was.size === stat.size && was.mtimeMs === stat.mtimeMs
}
