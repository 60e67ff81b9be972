/** Drives the built action (dist/index.js) through scripts/local-runner.mjs, as a runner would. */
import { createHash } from 'node:crypto'
import { readFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
// @ts-expect-error -- plain ESM script without type declarations
import { runAction as runActionUntyped } from '../../scripts/local-runner.mjs'
import type { ChildProcess } from 'node:child_process'

export interface Annotation {
  kind: 'error' | 'warning' | 'notice'
  file?: string
  line?: string
  col?: string
  title?: string
  message: string
}

export interface ActionResult {
  code: number | null
  signal: string | null
  outputs: Record<string, string>
  state: Record<string, string>
  summary: string
  stdout: string
  stderr: string
  annotations: Annotation[]
}

export interface ActionRun {
  inputs?: Record<string, string>
  env?: Record<string, string>
  workspace?: string
  eventName?: string
  event?: unknown
  onSpawn?: (child: ChildProcess) => void
  /** The bundle to run (default: this checkout's dist/index.js), e.g. another build to compare with. */
  entry?: string
}

const runActionRaw = runActionUntyped as (run: ActionRun) => Promise<ActionResult>

/**
 * The run root a test's runs use unless it passes one: one per workspace and experiment-dir input, under
 * the temporary directory, so that re-runs of one experiment resume, and tests of different experiments
 * or workspaces (which all play the same repository, lab/experiments) never share run directories,
 * secrets or local job records (whose ids then start at 1 for each experiment).
 */
export function runRootFor(workspace = process.cwd(), experimentDir = ''): string {
  const key = createHash('sha256').update(`${workspace}\0${experimentDir}`).digest('hex').slice(0, 16)
  return join(tmpdir(), 're-run-roots', key)
}

/** The local executor's job records of an experiment's runs (under its test run root). */
export function localJobsDir(workspace = process.cwd(), experimentDir = ''): string {
  return join(runRootFor(workspace, experimentDir), '.local-jobs')
}

/** Runs the built action as a runner would (scripts/local-runner.mjs), with the test run root by default. */
export function runAction(run: ActionRun): Promise<ActionResult> {
  const inputs = { 'run-root': runRootFor(run.workspace, run.inputs?.['experiment-dir']), ...run.inputs }
  return runActionRaw({ ...run, inputs })
}

/** Defaults for fast local runs. */
export function localInputs(experimentDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'experiment-dir': experimentDir,
    executor: 'local',
    'poll-interval': '0.2',
    'max-poll-interval': '0.5',
    'max-parallel': '2',
    ...extra,
  }
}

/** Defaults for runs on the dev cluster: short polls, no stagger, a shared filesystem that is not slow. */
export function slurmInputs(experimentDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'experiment-dir': experimentDir,
    executor: 'slurm',
    'poll-interval': '0.5',
    'max-poll-interval': '2',
    stagger: '0',
    'output-wait': '10',
    ...extra,
  }
}

export function readText(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : ''
}

/** Every `[ts] ACTION: ...` heading of a log, with its Details/Result lines. */
export function logBlocks(text: string): { ts: string; action: string; description: string; lines: string[] }[] {
  return text
    .split('\n\n')
    .map((b) => b.trim())
    .filter(Boolean)
    .map((b) => {
      const [head = '', ...lines] = b.split('\n')
      const m = /^\[(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})\] ([A-Z_]+)(?:: (.*))?$/.exec(head)
      if (!m) throw new Error(`not a log block heading: ${JSON.stringify(head)}`)
      return { ts: m[1] ?? '', action: m[2] ?? '', description: m[3] ?? '', lines }
    })
}
