/**
 * Rerun triggers: a digest of each file a job reads as input (its script, its config, the task and data
 * files they name), so that a success stands only for what it ran with. Files are digested by content;
 * files over 64 MiB by size and mtime (reading gigabytes of data to notice an edit costs more than it
 * saves); a directory by its entries' names, sizes and mtimes. The action's own edits of an input (an
 * out-of-memory retry's batch size) are not the user's: the state keeps the user's digest in `inputs`
 * and the edited one in `edits`, and a file that still reads as the action left it counts as unchanged.
 */
import { createHash } from 'node:crypto'
import { isWithin, resolvePath } from '../cluster/paths.js'
import type { Transport } from '../cluster/transport.js'
import type { PlannedJob } from '../tools/tool.js'
import type { StateEntry } from './state.js'

/** Files larger than this are digested by size and mtime. */
export const LARGE_FILE_BYTES = 64 * 1024 * 1024

/** At most this many entries of a directory input are digested (a dataset directory may hold millions). */
const MAX_DIR_ENTRIES = 10_000

/** The digests of one pass: a file several jobs read (a shared dataset) is read once. */
export class InputDigests {
  private readonly cache = new Map<string, Promise<string | undefined>>()

  constructor(
    private readonly transport: Transport,
    private readonly runDir: string,
  ) {}

  /** How a path is named in the state: relative inside the run directory, absolute outside it. */
  name(path: string): string {
    const abs = resolvePath(this.runDir, path)
    return isWithin(this.runDir, abs) ? abs.slice(this.runDir.length + 1) || '.' : abs
  }

  /** The digest of one file or directory as it is now; undefined when it does not exist. */
  file(path: string): Promise<string | undefined> {
    const abs = resolvePath(this.runDir, path)
    let digest = this.cache.get(abs)
    if (!digest) {
      digest = this.compute(abs)
      this.cache.set(abs, digest)
    }
    return digest
  }

  /** Forget a file's digest (the action just rewrote it). */
  forget(path: string): void {
    this.cache.delete(resolvePath(this.runDir, path))
  }

  /**
   * The digests of a job's inputs as the user wrote them: a file that reads as the action's own edit
   * recorded in `previous` counts as the user's version it was made from. `edits` keeps the edits that
   * still hold.
   */
  async of(
    job: PlannedJob,
    previous?: StateEntry,
  ): Promise<{ inputs: Record<string, string>; edits: Record<string, string> }> {
    const inputs: Record<string, string> = {}
    const edits: Record<string, string> = {}
    for (const path of job.inputs) {
      const name = this.name(path)
      const now = await this.file(path)
      if (now === undefined) continue
      const edited = previous?.edits?.[name]
      const original = previous?.inputs?.[name]
      if (edited !== undefined && edited === now && original !== undefined) {
        inputs[name] = original
        edits[name] = edited
      } else inputs[name] = now
    }
    return { inputs, edits }
  }

  private async compute(abs: string): Promise<string | undefined> {
    const st = await this.transport.stat(abs)
    if (!st) return undefined
    if (st.isDirectory) {
      const entries = ((await this.transport.list(abs)) ?? []).sort((a, b) => (a.name < b.name ? -1 : 1))
      const h = createHash('sha256').update('directory\n')
      for (const e of entries.slice(0, MAX_DIR_ENTRIES)) {
        const s = await this.transport.stat(`${abs}/${e.name}`)
        h.update(`${e.name}\0${s?.isDirectory ? 'd' : 'f'}\0${s?.size ?? -1}\0${s?.mtimeMs ?? -1}\n`)
      }
      return `dir:${h.digest('hex')}`
    }
    if (st.size > LARGE_FILE_BYTES) return `size:${st.size}:mtime:${Math.round(st.mtimeMs)}`
    const bytes = await this.transport.readFile(abs)
    return bytes ? createHash('sha256').update(bytes).digest('hex') : undefined
  }
}

/** One digest of all of a job's inputs: what its marker carries, so a lost state can recognise the job. */
export function digestOf(inputs: Readonly<Record<string, string>>): string {
  const h = createHash('sha256')
  for (const name of Object.keys(inputs).sort()) h.update(`${name}\0${inputs[name] ?? ''}\n`)
  return h.digest('hex').slice(0, 16)
}

/** The inputs whose digest differs from the one recorded (deleted ones included), by name. */
export function changedInputs(
  recorded: Readonly<Record<string, string>>,
  now: Readonly<Record<string, string>>,
): { name: string; deleted: boolean }[] {
  return Object.keys(recorded)
    .filter((name) => now[name] !== recorded[name])
    .map((name) => ({ name, deleted: now[name] === undefined }))
}
