/**
 * Resume state, one file per tool, shared with cruijff_kit's runner (`logs/run-torchtune.state.json`,
 * `logs/run-inspect.state.json`; see cruijff-state.ts for the contract), keyed like cruijff_kit's
 * (`lr1e-4/finetune.slurm`, `lr1e-4/eval/caps_epoch0/cell.slurm`) with cruijff_kit's fields (job_id,
 * submitted_at, state) plus ours. Written atomically before and after every submission.
 */
import { z } from 'zod'
import type { Transport } from '../cluster/transport.js'
import { OutputSnapshotSchema, ToolResultSchema } from '../tools/tool.js'
import { err, ok, type Result } from '../result.js'
import type { Sealer } from './seal.js'
import {
  formatStateFile,
  keyed,
  localTimestamp,
  mergeStates,
  parseStateFile,
  submittedAt,
  type StateSource,
} from './cruijff-state.js'

/** What the state keeps of an earlier attempt of a job (an out-of-memory retry, a re-run). */
export const AttemptRecordSchema = z.object({
  job_id: z.string().nullable(),
  state: z.string(),
  exit_code: z.number().optional(),
  submitted_iso: z.string(),
  started_iso: z.string().optional(),
  ended_iso: z.string().optional(),
  error: z.string().optional(),
})
export type AttemptRecord = z.infer<typeof AttemptRecordSchema>

export const EntrySchema = z.looseObject({
  /**
   * The seal (engine/seal.ts) binding this entry to its run directory and job: only a sealed entry is the
   * action's own record. cruijff_kit keeps fields it does not know, so the seal survives its rewrites.
   */
  seal: z.string().optional(),
  /** cruijff_kit fields. */
  job_id: z.string().nullable(),
  submitted_at: z.string(),
  state: z.string(),
  error: z.string().optional(),
  /** Ours. */
  name: z.string().optional(),
  job_name: z.string().optional(),
  attempt: z.number().int().optional(),
  submitted_iso: z.string().optional(),
  started_iso: z.string().optional(),
  ended_iso: z.string().optional(),
  exit_code: z.number().optional(),
  reason: z.string().optional(),
  output_file: z.string().optional(),
  /**
   * A digest of each file the job reads as input (its script, config, task and data files), by path
   * relative to the run directory (absolute outside it), as the user wrote them: the action's own edits
   * (an out-of-memory retry's batch size) are in `edits`, not here.
   */
  inputs: z.record(z.string(), z.string()).optional(),
  /**
   * The tool's expected outputs as they were just before this attempt was submitted (size, mtime, inode;
   * null: absent): an output counts for the attempt only when it changed since.
   */
  outputs_before: OutputSnapshotSchema.optional(),
  /** The digest of each input the action itself rewrote for a retry, after its edit. */
  edits: z.record(z.string(), z.string()).optional(),
  /** True once the tool module judged this attempt a success from the tool's own record. */
  validated: z.boolean().optional(),
  /** What the tool module found (checkpoints and loss, or the evaluation log and its scores). */
  output: ToolResultSchema.optional(),
  /** The attempts before this one, oldest first. */
  history: z.array(AttemptRecordSchema).optional(),
  /**
   * cruijff_kit's retry fields: the settings of each retry, e.g. [{batch_size: 4,
   * gradient_accumulation_steps: 2}]. Items of any shape are kept (cruijff_kit plans strategy names).
   */
  retry_history: z.array(z.unknown()).optional(),
  oom_detected_via: z.string().optional(),
  oom_exhausted_logged: z.boolean().optional(),
  /**
   * The jobs this one waits for (SLURM's afterok): an evaluation queued behind trainings. Re-pointed when a
   * training is submitted again, released from one that failed for good.
   */
  after: z.array(z.string()).optional(),
  /** This run cancelled the job (cancel-on-abort): when it ends CANCELLED, it is submitted again, not failed. */
  cancel_requested: z.boolean().optional(),
})
export type StateEntry = z.infer<typeof EntrySchema>

export const StateFileSchema = z.record(z.string(), EntrySchema)
export type StateFile = z.infer<typeof StateFileSchema>

/** Where one tool's resume state lives. */
export interface StateLocation {
  /** The file both runners read and write: cruijff_kit's `logs/run-<tool>.state.json`. */
  shared: string
  /**
   * Files earlier versions of the action wrote (`run-<tool>.state.json` at the run directory root):
   * merged in when opened (per key the attempt submitted last wins), then moved to `retiredTo` so
   * that a key deleted from the shared file (cruijff_kit's way to ask for a re-run) stays deleted.
   */
  legacy?: readonly { path: string; retiredTo: string }[]
  /**
   * Where a submission in progress is recorded before the scheduler answers (crash safety). Not the
   * shared file: cruijff_kit's monitor polls entries by job id and would wait forever for one without.
   * Absent: in the shared file.
   */
  intents?: string
}

export interface StateOptions {
  /** Minutes east of UTC of the machine whose local time `submitted_at` is written in (the cluster's). */
  utcOffsetMinutes?: number
  /**
   * Seals what the store writes and tells its own entries from foreign ones. Without one (unit tests of
   * the file layout), every entry counts as the store's own.
   */
  sealer?: Sealer
}

/** An entry the action did not write for this run directory (cruijff_kit's runner, a copy, a commit). */
export interface ForeignEntry {
  entry: StateEntry
  /** The file it was read from. */
  file: string
}

/** A state file's entries and its text as read; null when there is no file. */
type Opened = Result<{ entries: Record<string, StateEntry>; text: string } | null>

/** The state of one tool, in memory, flushed to its file(s) on every change. */
export class StateStore {
  private constructor(
    private readonly transport: Transport,
    readonly location: StateLocation,
    /** The action's own (sealed) entries. */
    private shared: StateFile,
    private intents: StateFile,
    /** Entries of the shared file the action did not write for this run directory: kept in the file, never believed. */
    private foreign: Record<string, ForeignEntry>,
    /** Minutes east of UTC of the cluster, for cruijff_kit's local `submitted_at`. */
    readonly utcOffsetMinutes: number,
    private readonly sealer: Sealer | undefined,
  ) {}

  /** The shared state file's path. */
  get path(): string {
    return this.location.shared
  }

  /**
   * Reads the state; missing files are an empty state, a corrupt one is an error (never "start over").
   * A path alone is a location with nothing else (the shared file holds submissions in progress too).
   * Entries without a valid seal are foreign (see `foreignEntry`); a sealed entry always wins over a
   * foreign one, whatever times they claim.
   */
  static async open(
    transport: Transport,
    where: string | StateLocation,
    options: StateOptions = {},
  ): Promise<Result<StateStore>> {
    const location: StateLocation = typeof where === 'string' ? { shared: where } : where
    const offset = options.utcOffsetMinutes ?? -new Date().getTimezoneOffset()
    const own = (key: string, entry: StateEntry): boolean => !options.sealer || sealed(options.sealer, key, entry)
    const shared = await readState(transport, location.shared)
    if (!shared.ok) return shared
    const sources: { label: string; entries: StateFile }[] = [
      { label: location.shared, entries: shared.value?.entries ?? keyed() },
    ]
    const retire: { path: string; retiredTo: string; text: string }[] = []
    for (const legacy of location.legacy ?? []) {
      const old = await readState(transport, legacy.path)
      if (!old.ok) return old
      if (old.value === null) continue
      sources.push({ label: legacy.path, entries: old.value.entries })
      retire.push({ ...legacy, text: old.value.text })
    }
    const split = (mine: boolean): StateSource[] =>
      sources.map((x) => ({
        label: x.label,
        entries: keyed(Object.entries(x.entries).filter(([k, e]) => own(k, e) === mine)),
      }))
    const merged = mergeStates(split(true), offset).entries as StateFile
    const others = mergeStates(split(false), offset)
    const foreign = keyed<ForeignEntry>()
    for (const [key, entry] of Object.entries(others.entries)) {
      if (!(key in merged)) foreign[key] = { entry: entry as StateEntry, file: others.origin.get(key) ?? '' }
    }
    const intents = location.intents ? await readState(transport, location.intents) : ok(null)
    if (!intents.ok) return intents
    // A recorded intent counts only if it is the action's own and no attempt was recorded after it.
    const pending: StateFile = keyed()
    for (const [key, intent] of Object.entries(intents.value?.entries ?? {})) {
      const held = merged[key]
      const at = (e: StateEntry): number => submittedAt(e, offset)?.getTime() ?? 0
      if (own(key, intent) && (!held || at(held) <= at(intent))) pending[key] = intent
    }
    const store = new StateStore(transport, location, merged, pending, foreign, offset, options.sealer)
    if (retire.length > 0) {
      await store.flush()
      for (const r of retire) {
        await transport.writeFileAtomic(r.retiredTo, r.text)
        await transport.remove(r.path)
      }
    }
    return ok(store)
  }

  /** Every job's entry the action wrote for this run directory, by state key (a submission in progress first). */
  get entries(): Readonly<StateFile> {
    return keyed([...Object.entries(this.shared), ...Object.entries(this.intents)])
  }

  get(key: string): StateEntry | undefined {
    return this.intents[key] ?? this.shared[key]
  }

  /** The entry for `key` that the action did not write for this run directory, when there is one and no own entry. */
  foreignEntry(key: string): ForeignEntry | undefined {
    return this.get(key) ? undefined : this.foreign[key]
  }

  async put(key: string, entry: StateEntry): Promise<void> {
    const record = this.sealer ? { ...entry, seal: sealOf(this.sealer, key, entry) } : entry
    if (entry.state === 'SUBMITTING' && this.location.intents) {
      this.intents[key] = record
      await this.flushIntents()
      return
    }
    const hadIntent = key in this.intents
    if (hadIntent) this.intents = without(this.intents, key)
    this.shared[key] = record
    await this.flush()
    if (hadIntent) await this.flushIntents()
  }

  /** Forgets a job's submission in progress, or the job (a deferred first submission), flushing. */
  async remove(key: string): Promise<void> {
    if (key in this.intents) {
      this.intents = without(this.intents, key)
      await this.flushIntents()
      return
    }
    this.shared = without(this.shared, key)
    await this.flush()
  }

  /** When the entry's attempt was submitted (ISO), whichever runner wrote it. */
  submittedIso(entry: StateEntry): string | undefined {
    return submittedAt(entry, this.utcOffsetMinutes)?.toISOString()
  }

  /** `YYYY-MM-DD HH:MM:SS` in the cluster's local time, as cruijff_kit writes `submitted_at`. */
  localTime(at: Date): string {
    return localTimestamp(at, this.utcOffsetMinutes)
  }

  /**
   * The shared file in the layout cruijff_kit writes (sorted keys, two-space indent, trailing newline):
   * the action's entries, and the foreign ones it found there (cruijff_kit's records stay cruijff_kit's).
   */
  async flush(): Promise<void> {
    const foreign = Object.entries(this.foreign).map(([k, f]): [string, StateEntry] => [k, f.entry])
    await this.transport.writeFileAtomic(
      this.location.shared,
      formatStateFile(keyed([...foreign, ...Object.entries(this.shared)])),
    )
  }

  private async flushIntents(): Promise<void> {
    if (!this.location.intents) return
    if (Object.keys(this.intents).length === 0) await this.transport.remove(this.location.intents)
    else await this.transport.writeFileAtomic(this.location.intents, formatStateFile(this.intents))
  }
}

/** The seal of an entry: what it says (every field but the seal), for this job of the run directory. */
function sealOf(sealer: Sealer, key: string, entry: StateEntry): string {
  const { seal: _old, ...content } = entry
  return sealer.seal('state-entry', key, formatStateFile({ content }))
}

function sealed(sealer: Sealer, key: string, entry: StateEntry): boolean {
  return sealer.verify(entry.seal, 'state-entry', key, formatStateFile({ content: { ...entry, seal: undefined } }))
}

function without(entries: StateFile, key: string): StateFile {
  return keyed(Object.entries(entries).filter(([k]) => k !== key))
}

/** One state file: its entries, null when it does not exist, or an error saying what is wrong with it. */
async function readState(transport: Transport, path: string): Promise<Opened> {
  const bytes = await transport.readFile(path)
  if (bytes === null) return ok(null)
  const hint = 'fix it, or move it away to forget what ran (jobs may then run twice)'
  const text = bytes.toString('utf8')
  const file = parseStateFile(text)
  if (!file.ok) return err({ file: path, message: `the resume state is ${file.error}`, hint })
  const parsed = StateFileSchema.safeParse(file.value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return err({
      file: path,
      field: issue?.path.join('.'),
      message: `the resume state is malformed: ${issue?.message ?? 'unknown problem'}`,
      hint,
    })
  }
  return ok({ entries: keyed(Object.entries(parsed.data)), text })
}
