/**
 * Resume state, one file per tool in the run directory (`run-torchtune.state.json`,
 * `run-inspect.state.json`), keyed like cruijff_kit's (`lr1e-4/finetune.slurm`,
 * `lr1e-4/eval/caps_epoch0/cell.slurm`) with cruijff_kit's fields (job_id, submitted_at, state)
 * plus ours. Written atomically before and after every submission.
 */
import { z } from 'zod'
import type { Transport } from '../cluster/transport.js'
import { ToolResultSchema } from '../tools/tool.js'
import { err, ok, type Result } from '../result.js'

export const AttemptSchema = z.object({
  job_id: z.string().nullable(),
  state: z.string(),
  exit_code: z.number().optional(),
  submitted_iso: z.string(),
  started_iso: z.string().optional(),
  ended_iso: z.string().optional(),
  error: z.string().optional(),
})
export type Attempt = z.infer<typeof AttemptSchema>

export const EntrySchema = z.looseObject({
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
  /** sha256 of each scaffold file the job ran with, by path relative to the run directory. */
  inputs: z.record(z.string(), z.string()).optional(),
  /** True once the tool module judged this attempt a success from the tool's own record. */
  validated: z.boolean().optional(),
  /** What the tool module found (checkpoints and loss, or the evaluation log and its scores). */
  output: ToolResultSchema.optional(),
  history: z.array(AttemptSchema).optional(),
  /**
   * cruijff_kit's OOM-retry fields: the settings of each retry,
   * e.g. [{batch_size: 4, gradient_accumulation_steps: 2}].
   */
  retry_history: z.array(z.record(z.string(), z.number())).optional(),
  oom_detected_via: z.string().optional(),
  oom_exhausted_logged: z.boolean().optional(),
  /** This run cancelled the job (cancel-on-abort): when it ends CANCELLED, it is submitted again, not failed. */
  cancel_requested: z.boolean().optional(),
})
export type StateEntry = z.infer<typeof EntrySchema>

export const StateFileSchema = z.record(z.string(), EntrySchema)
export type StateFile = z.infer<typeof StateFileSchema>

/** The state of one tool, in memory, flushed to its file on every change. */
export class StateStore {
  private constructor(
    private readonly transport: Transport,
    readonly path: string,
    private entriesNow: StateFile,
  ) {}

  /** Reads the file; a missing file is an empty state, a corrupt one is an error (never "start over"). */
  static async open(transport: Transport, path: string): Promise<Result<StateStore>> {
    const bytes = await transport.readFile(path)
    if (bytes === null) return ok(new StateStore(transport, path, {}))
    let data: unknown
    try {
      data = JSON.parse(bytes.toString('utf8'))
    } catch (e) {
      return err({
        file: path,
        message: `the resume state is not valid JSON (${(e as Error).message})`,
        hint: 'fix it, or move it away to forget what ran (jobs may then run twice)',
      })
    }
    const parsed = StateFileSchema.safeParse(data)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      return err({
        file: path,
        field: issue?.path.join('.'),
        message: `the resume state is malformed: ${issue?.message ?? 'unknown problem'}`,
        hint: 'fix it, or move it away to forget what ran (jobs may then run twice)',
      })
    }
    return ok(new StateStore(transport, path, parsed.data))
  }

  /** Forgets a job (a deferred first submission), flushing the file. */
  async remove(key: string): Promise<void> {
    const { [key]: _gone, ...rest } = this.entriesNow
    this.entriesNow = rest
    await this.flush()
  }

  /** Every job's entry, by state key. */
  get entries(): Readonly<StateFile> {
    return this.entriesNow
  }

  get(key: string): StateEntry | undefined {
    return this.entries[key]
  }

  async put(key: string, entry: StateEntry): Promise<void> {
    this.entriesNow[key] = entry
    await this.flush()
  }

  /** Sorted keys, two-space indent, trailing newline: the layout cruijff_kit writes. */
  async flush(): Promise<void> {
    const sorted: StateFile = {}
    for (const k of Object.keys(this.entries).sort()) {
      const e = this.entries[k]
      if (e) sorted[k] = e
    }
    await this.transport.writeFileAtomic(this.path, `${JSON.stringify(sorted, null, 2)}\n`)
  }
}
