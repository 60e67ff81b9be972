/**
 * A tool module knows its jobs (which script, which directory), the outputs that prove success,
 * and how to read results. It knows nothing of SLURM, SSH or the local executor.
 */
import type { Transport } from '../cluster/transport.js'
import type { Cell, Experiment } from '../experiment/model.js'
import type { ScaffoldReport } from '../experiment/scaffold.js'

export interface PlannedJob {
  /** State key, cruijff_kit style: `{dir}/{script}` relative to the run directory. */
  key: string
  /** Name in the SUBMIT_* log block: `{run}` or `{run}/{task}[/epoch{N}]`. */
  display: string
  run: string
  cell?: Cell
  /** Directory the script runs in, relative to the run directory. */
  dir: string
  script: string
  /** Scaffold files the job reads, relative to the run directory (hashed at submission). */
  inputs: string[]
}

export interface ValidationContext {
  transport: Transport
  /** Absolute run directory on the cluster. */
  runDir: string
  experiment: Experiment
  job: PlannedJob
  /** The job's output file (absolute), when known. */
  outputFile?: string
  /** Only outputs written at or after this time count (ISO); absent: any. */
  since?: string
}

export interface Validation {
  ok: boolean
  /** Why not, in words a researcher understands. */
  problem?: string
  /** What was found: checkpoint paths, eval log path, metrics, losses. Saved in the state. */
  outputs: Record<string, unknown>
}

/** What a tool module proposes for a failed job. */
export type RetryDecision =
  | { retry: true; detectedVia: string; settings: Record<string, number>; description: string }
  | { retry: false; reason: string }

export interface RetryContext extends ValidationContext {
  /** The terminal state, e.g. FAILED or OUT_OF_MEMORY. */
  state: string
  /** Retries already made for this job. */
  retries: number
}

export interface ToolModule {
  readonly name: 'torchtune' | 'inspect-ai'
  readonly phase: 'optimize' | 'evaluate'
  /** Per-tool log and state files, in the run directory. */
  readonly logFile: string
  readonly stateFile: string
  /** Keyword of the submission block: SUBMIT_JOB (training) or SUBMIT_EVAL. */
  readonly submitAction: 'SUBMIT_JOB' | 'SUBMIT_EVAL'
  /** The jobs of this phase for the scaffold found. */
  plan(experiment: Experiment, scaffold: ScaffoldReport): PlannedJob[]
  /** Whether a job that ended with exit 0 produced what it must. */
  validate(ctx: ValidationContext): Promise<Validation>
  /** For a failed job: whether to re-submit it now with changed settings (null: not this tool's kind of failure). */
  retry?(ctx: RetryContext): Promise<RetryDecision | null>
}

export function joinPath(...parts: string[]): string {
  return parts
    .filter((p) => p !== '')
    .join('/')
    .replace(/\/+/g, '/')
}

/** Resolves `p` against `base` unless it is absolute; normalises `.` and `..`. */
export function resolvePath(base: string, p: string): string {
  const full = p.startsWith('/') ? p : `${base}/${p}`
  const out: string[] = []
  for (const seg of full.split('/')) {
    if (seg === '' || seg === '.') continue
    if (seg === '..') out.pop()
    else out.push(seg)
  }
  return `/${out.join('/')}`
}
