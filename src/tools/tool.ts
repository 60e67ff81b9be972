/**
 * A tool module knows its jobs (which scripts, in which directories, in each scaffold layout), the
 * outputs that prove a job succeeded, and how to read its results. It knows nothing of SLURM, SSH or
 * the local executor: the engine hands it a finished job's state and exit code, and it judges from
 * what the tool itself wrote during that attempt.
 */
import { z } from 'zod'
import type { Transport } from '../cluster/transport.js'
import type { Cell, Experiment } from '../experiment/model.js'
import type { Problem, Result } from '../result.js'

/**
 * Outputs may carry an mtime a little before the recorded submission (clock skew on shared filesystems).
 * Allowed only where nothing was there before the attempt (see JudgeContext.before).
 */
export const SKEW_MS = 5_000

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

/** Job scripts a module needs that the scaffold lacks. */
export interface MissingScript {
  run: string
  cell?: Cell
  display: string
  /** Paths relative to the experiment directory; alternatives of one layout or another joined by " or ". */
  paths: string[]
}

export interface ScaffoldPlan {
  jobs: PlannedJob[]
  missing: MissingScript[]
}

// ------------------------------------------------------------------ typed results

export const LossPointSchema = z.object({
  /** 1-based, as torchtune prints it; absent in the metric log. */
  epoch: z.number().optional(),
  step: z.number(),
  loss: z.number(),
})
export type LossPoint = z.infer<typeof LossPointSchema>

export const TrainingResultSchema = z.object({
  kind: z.literal('training'),
  /** Where the checkpoints are written. */
  outputDir: z.string(),
  /** Checkpoint directory by 0-based epoch (as text: JSON keys). */
  checkpoints: z.record(z.string(), z.string()),
  finalLoss: z.number().optional(),
  totalSteps: z.number().optional(),
  lossCurve: z.array(LossPointSchema).optional(),
})
export type TrainingResult = z.infer<typeof TrainingResultSchema>

export const ScoreSchema = z.object({ name: z.string(), metrics: z.record(z.string(), z.number()) })
export type Score = z.infer<typeof ScoreSchema>

export const EvaluationResultSchema = z.object({
  kind: z.literal('evaluation'),
  /** The evaluation log that holds the result (absolute path). */
  log: z.string(),
  /** The log's own status (`success`, `error`, `cancelled`, ...). */
  status: z.string(),
  task: z.string().optional(),
  model: z.string().optional(),
  totalSamples: z.number().optional(),
  completedSamples: z.number().optional(),
  /** Every scorer's metrics; the first is the headline. */
  scores: z.array(ScoreSchema),
})
export type EvaluationResult = z.infer<typeof EvaluationResultSchema>

export const ToolResultSchema = z.discriminatedUnion('kind', [TrainingResultSchema, EvaluationResultSchema])
export type ToolResult = z.infer<typeof ToolResultSchema>

// ------------------------------------------------------------------ what a job reads and writes

/** A path a job's script (or its config) names. */
export interface JobPath {
  /** Absolute, resolved against the directory the command that names it runs in. */
  path: string
  /** What it is, in words: 'inspect task file', 'evaluation dataset', 'training config', 'base model directory'. */
  kind: string
  /** The file that names it (script or config): relative to the run directory when inside it, else absolute. */
  file: string
  /** 1-based line and column in `file`. */
  line?: number
  column?: number
  /** The config key or option that names it: `dataset.data_files`, `-T data_path`. */
  field?: string
}

export interface JobRead extends JobPath {
  /**
   * A change to it re-runs the job: an input a user edits (task file, `-T` data and config paths, the
   * torchtune config and the dataset files it names). False for what is read but is not such an input:
   * base models, tokenizers, container images, directories.
   */
  trigger: boolean
}

/** A path the job's script names that cannot be known before it runs (a variable, a dynamic `cd`): not checked. */
export interface Unresolved {
  /** The script or config, as in JobPath.file. */
  file: string
  line: number
  /** The words as written (`"$EXP"/task.py@cap`). */
  text: string
  why: string
}

export interface JobFiles {
  /** Must exist before the job runs: the preflight checks them. Never the job's own outputs. */
  reads: JobRead[]
  /** Where the job writes (inspect's log directory, torchtune's output_dir, `#SBATCH --output`'s directory). */
  writes: JobPath[]
  /** What could not be resolved: skipped, for the log. */
  unresolved: Unresolved[]
}

/** A file's bytes, null when it is missing; with `maxBytes`, at most that many (the start of a longer file). */
export type ReadFile = (absolutePath: string, maxBytes?: number) => Promise<Buffer | null>

export interface FilesContext {
  /** Absolute run directory: the cluster's, or a checkout of the experiment. */
  runDir: string
  job: PlannedJob
  /** Only job scripts and configs are read. */
  read: ReadFile
}

// ------------------------------------------------------------------ judging a finished job

/** What identifies a file's content without reading it: a rewrite changes one of these. */
export const FileIdentitySchema = z.object({
  size: z.number(),
  mtimeMs: z.number(),
  /** Where the transport knows it (local, exec-files over SSH; not SFTP). */
  ino: z.number().optional(),
})
export type FileIdentity = z.infer<typeof FileIdentitySchema>

/** The expected outputs of a job as they are at one moment: absolute path -> identity, null when absent. */
export const OutputSnapshotSchema = z.record(z.string(), FileIdentitySchema.nullable())
export type OutputSnapshot = z.infer<typeof OutputSnapshotSchema>

export interface OutputsContext {
  transport: Transport
  runDir: string
  experiment: Experiment
  job: PlannedJob
}

/** When a job ran, as the scheduler says (ISO times); absent ends are unknown (not started, still running). */
export interface JobWindow {
  startedAt?: string
  endedAt?: string
}

export interface JudgeContext {
  transport: Transport
  /** Absolute run directory on the cluster. */
  runDir: string
  experiment: Experiment
  job: PlannedJob
  /** The scheduler's terminal state (COMPLETED, FAILED, ...); COMPLETED also when re-checking earlier success. */
  state: string
  exitCode?: number
  /** The job's output file (absolute), when known. */
  outputFile?: string
  /** Submission time of the attempt being judged (ISO): only outputs written after it count. Absent: any. */
  since?: string
  /**
   * The job's `retry_history`, oldest first: what each automatic retry recorded (an out-of-memory retry's
   * settings, a resume's epoch and the checkpoints the attempts before it wrote). Items may be of any shape.
   */
  history?: readonly unknown[]
  /**
   * The tool's `outputs()` as they were just before this attempt was submitted (the engine stores them with
   * the submission). An output counts only when it changed since (or was absent then: then `since`, less
   * SKEW_MS, still applies). Absent (an attempt cruijff_kit's runner or an older version submitted): the
   * time rule alone.
   */
  before?: OutputSnapshot
  /** When this attempt ran. */
  window?: JobWindow
  /**
   * The other jobs of this phase that may write where this job writes, with their windows for their
   * latest attempts: at least those in this job's directory (the earlier flat layout, where every cell
   * of a run writes to `{run}/eval/logs/`). The tool compares their log directories with its own. Absent:
   * the tool looks for the other job scripts in this job's directory itself (without windows).
   */
  neighbours?: { job: PlannedJob; window?: JobWindow }[]
}

/**
 * A succeeded attempt: what it produced, and warnings: when its state disagreed (e.g. exit 143), or what
 * the tool noticed on the way (e.g. a log it could not attribute to any job). Each names what it is about.
 */
export interface Succeeded {
  result: ToolResult
  warnings?: string[]
}

/**
 * A failed attempt: why, in words a researcher understands, and what was found anyway. `pending`: the
 * evidence may still appear (a shared filesystem lags): the engine asks again until the scheduler's
 * output wait has passed.
 */
export interface NotSucceeded {
  why: string
  result?: ToolResult
  pending?: boolean
  /** What the tool noticed on the way that the user should know (e.g. a log it could not attribute). */
  warnings?: string[]
}

/** A tool's verdict on one attempt. */
export type Judgement = Result<Succeeded, NotSucceeded>

export interface PreflightContext {
  transport: Transport
  /** Absolute run directory on the cluster. */
  runDir: string
  experiment: Experiment
  /** The jobs that will be submitted. */
  jobs: PlannedJob[]
}

/** A resume's item in a job's `retry_history` carries this key: the 0-based epoch its attempt starts with. */
export const RESUME_KEY = 'resume_from_epoch'

/** Whether an item of a `retry_history` is a resume's (any other is an out-of-memory retry's). */
export function isResumeItem(item: unknown): item is Record<string, number> {
  return typeof item === 'object' && item !== null && typeof (item as Record<string, unknown>)[RESUME_KEY] === 'number'
}

/**
 * What kind of retry: `out-of-memory` (the default: cruijff_kit's OOM_RETRY and OOM_EXHAUSTED blocks,
 * `oom_detected_via`), or `resume`: a job the scheduler stopped (time limit, preemption, node failure)
 * continues from the tool's own checkpoint (RESUME and RESUME_EXHAUSTED blocks).
 */
export type RetryKind = 'out-of-memory' | 'resume'

/** What a tool module proposes for a failed job. */
export type RetryDecision =
  | {
      retry: true
      kind?: RetryKind
      detectedVia: string
      /** Appended to the job's `retry_history`. */
      settings: Record<string, number>
      description: string
      /** The job's input files the tool rewrote for the retry (absolute): the action's edits, not the user's. */
      edited?: string[]
    }
  | { retry: false; kind?: RetryKind; reason: string }

/**
 * How much of the end of a failed job's output the engine reads when the job ends, and hands to the
 * tool's retry: cruijff_kit looks for a CUDA out-of-memory in the last 64 KiB.
 */
export const OUTPUT_TAIL_BYTES = 64 * 1024

export interface RetryContext extends JudgeContext {
  /** The `max-resumes` input: at most this many resumes of one job (its out-of-memory retries not counted). */
  maxResumes: number
  /** The last OUTPUT_TAIL_BYTES of the job's output, as read when it ended; absent when there is no output. */
  outputTail?: Buffer
}

export interface ToolModule {
  /** The name in the experiment's `tools` section (`torchtune`, `inspect-ai`). */
  readonly name: string
  /** Other spellings users write for it (`inspect`). */
  readonly aliases?: readonly string[]
  readonly phase: 'optimize' | 'evaluate'
  /** Per-tool log and state files, relative to the run directory. */
  readonly logFile: string
  readonly stateFile: string
  /** Keyword of the submission block: SUBMIT_JOB (training) or SUBMIT_EVAL. */
  readonly submitAction: string
  /**
   * Files the tool writes as results wherever a job puts them (inspect: `.eval` logs), matched against
   * the whole path: never a job's input, so a checkout's copies are never staged into a run directory.
   */
  readonly resultFiles?: RegExp
  /**
   * The jobs of this phase, and the job scripts that are missing. `exists(relative)` answers for the
   * experiment directory (the checked-out copy).
   */
  scaffold(experiment: Experiment, exists: (relative: string) => Promise<boolean>): Promise<ScaffoldPlan>
  /** Whether an attempt succeeded, from the tool's own record; called for every terminal state. */
  judge(ctx: JudgeContext): Promise<Judgement>
  /**
   * What a job reads and writes, from its script (and the config it names), without running anything:
   * for the preflight, the rerun triggers, and mapping a changed file to the jobs that read it.
   */
  files?(ctx: FilesContext): Promise<JobFiles>
  /**
   * The job's expected outputs as they are now (torchtune: the weight files of each needed epoch;
   * inspect: the `.eval` logs of its log directory). The engine calls it just before submitting and
   * hands the answer back to judge() as `before`.
   */
  outputs?(ctx: OutputsContext): Promise<OutputSnapshot>
  /** For a failed job: whether to re-submit it now with changed settings (null: not this tool's kind of failure). */
  retry?(ctx: RetryContext): Promise<RetryDecision | null>
  /**
   * Before anything is submitted: the paths these jobs will read (files()'s reads) that do not exist where
   * they run (base model, dataset, task file, ...), each located at the file and line that names it. Hours
   * in a queue must not end in "file not found".
   */
  preflight?(ctx: PreflightContext): Promise<Problem[]>
  /** What to do with the results, for the summary's Next Steps (commands). */
  nextSteps?(runDir: string): string[]
  /**
   * Where a job's scripts write GPU samples (cruijff_kit's `gpu_metrics.csv`, nvidia-smi every 30 s),
   * absolute; several jobs may share one file (the compute table keeps each job's own time window).
   */
  gpuMetricsFile?(runDir: string, job: PlannedJob, output: ToolResult | undefined): string | undefined
}
