/**
 * What an experiment's jobs read and write, as their tool modules read their scripts and configs
 * (`ToolModule.files`): the reads that are rerun triggers (a change re-runs the job), the places the jobs
 * write (their outputs may be read back: the confinement allows them), and what cannot be known before a
 * job runs (said in the log, never guessed).
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { isWithin } from '../cluster/paths.js'
import { loadExperiment, type LoadCaps } from '../experiment/load.js'
import { ok, type Result } from '../result.js'
import { loaderToolNames, toolFor } from '../tools/index.js'
import { LocalTransport } from '../cluster/local.js'
import { readerOf } from '../tools/job-files.js'
import type { PlannedJob, ReadFile, ToolModule, JobFiles } from '../tools/tool.js'

/** The files of every job, by state key. */
export type ExperimentFiles = ReadonlyMap<string, JobFiles>

/** Each job's files, read from `runDir` (the run directory, or a checkout of the experiment) by `read`. */
export async function experimentFiles(
  runDir: string,
  phases: readonly (readonly [ToolModule, readonly PlannedJob[]])[],
  read: ReadFile,
): Promise<Map<string, JobFiles>> {
  const files = new Map<string, JobFiles>()
  for (const [tool, jobs] of phases) {
    if (!tool.files) continue
    for (const job of jobs) files.set(job.key, await tool.files({ runDir, job, read }))
  }
  return files
}

/** What a job reads as input: its scaffold files and the reads its tool calls triggers. */
export function inputsOf(files: ExperimentFiles): (job: PlannedJob) => string[] {
  return (job) => [
    ...job.inputs,
    ...(files
      .get(job.key)
      ?.reads.filter((r) => r.trigger)
      .map((r) => r.path) ?? []),
  ]
}

/** Every place the jobs write. */
export function writtenPlaces(files: ExperimentFiles): string[] {
  return [...new Set([...files.values()].flatMap((f) => f.writes.map((w) => w.path)))]
}

/** What could not be resolved, one line each (`file:line: text (why)`), for the log. */
export function unresolvedLines(files: ExperimentFiles): string[] {
  const lines = [...files.values()].flatMap((f) => f.unresolved.map((u) => `${u.file}:${u.line}: ${u.text} (${u.why})`))
  return [...new Set(lines)]
}

/**
 * On a pull request, the experiments (checkout directories among `candidates`) whose jobs read one of
 * `changed` (files outside every experiment: a shared task or data file): a file a job reads, or one
 * inside a directory it reads. An experiment that cannot be loaded reads nothing here (it is reported
 * when it runs).
 */
export async function experimentsReading(
  changed: readonly string[],
  candidates: readonly string[],
  caps: LoadCaps,
): Promise<Result<string[]>> {
  const hits: string[] = []
  for (const dir of candidates) {
    const summary = `${dir}/experiment_summary.yaml`
    const size = statSync(summary, { throwIfNoEntry: false })?.size
    if (size === undefined || size > caps.maxSummaryBytes) continue
    const loaded = loadExperiment(readFileSync(summary, 'utf8'), summary, summary, loaderToolNames(), caps)
    const experiment = loaded.experiment
    if (!experiment) continue
    const exists = (rel: string): Promise<boolean> => Promise.resolve(existsSync(`${dir}/${rel}`))
    const phases: [ToolModule, PlannedJob[]][] = []
    for (const [phase, name] of [
      ['optimize', experiment.tools.preparation],
      ['evaluate', experiment.tools.evaluation],
    ] as const) {
      const tool = toolFor(phase, name)
      if (tool) phases.push([tool, (await tool.scaffold(experiment, exists)).jobs])
    }
    const files = await experimentFiles(dir, phases, readerOf(new LocalTransport()))
    const reads = [...files.values()].flatMap((f) => f.reads.map((r) => resolve(r.path)))
    if (changed.some((file) => reads.some((r) => isWithin(r, resolve(file))))) hits.push(dir)
  }
  return ok(hits)
}

/**
 * Whether a path of the experiment directory `root` (relative) is something its jobs write: inside a place
 * their tools say they write (a log or output directory) — unless that place also holds what jobs read
 * (a job directory, a script: `--output` beside the script) — or a file the scheduler's output pattern of
 * a job names. Staging never copies such a path over a run's own.
 */
export function writtenIn(
  root: string,
  jobs: readonly PlannedJob[],
  files: ExperimentFiles,
  outputPatterns: readonly RegExp[],
): (rel: string) => boolean {
  const read = [
    ...jobs.map((j) => resolve(root, j.dir)),
    ...[...files.values()].flatMap((f) => f.reads.map((r) => r.path)),
  ]
  const places = writtenPlaces(files).filter((place) => !read.some((path) => isWithin(place, path)))
  return (rel) => {
    const path = resolve(root, rel)
    return places.some((place) => isWithin(place, path)) || outputPatterns.some((p) => p.test(path))
  }
}
