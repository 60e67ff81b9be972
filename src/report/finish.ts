/**
 * The end of one experiment's pass: results files in the run directory (summary.md, results.svg, the
 * job summary's markdown), the COMPLETE block, and the workflow artifact (logs, state, summaries,
 * .eval logs, outputs of failed jobs). A run directory that cannot be written (full, read-only) does
 * not stop it: the results go to the runner's temporary directory instead, and the summary says where.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Transport } from '../cluster/transport.js'
import { formatDuration, type LogFile } from '../engine/log.js'
import { storageProblem } from '../engine/storage.js'
import { FILES } from '../names.js'
import { artifactName, uploadArtifact } from './artifact.js'
import { resultsSvg } from './chart.js'
import type { RunReport } from './model.js'
import { evaluationOf } from './results.js'
import { jobSummaryMarkdown, resultsMarkdown } from './summary.js'

export interface FinishContext {
  transport: Transport
  /** The runner's environment (the artifact service's variables, GITHUB_RUN_ATTEMPT). */
  env: Record<string, string | undefined>
  /** Write summary.md and results.svg. */
  summarize: boolean
  /** The artifact-name input (empty: the default name), retention and whether .eval logs go in. */
  artifact: { name: string; retentionDays: number; includeEvalLogs: boolean }
  /** The tool modules' log and state files, relative to the run directory. */
  moduleFiles: string[]
  /** The final upload's deadline (shorter for a cancelled run: the runner's SIGTERM follows), milliseconds. */
  uploadDeadlineMs?: number
  /** Aborted when the runner is stopping the step (its second signal): uploads are abandoned at once. */
  finishNow?: AbortSignal
}

export async function finishExperiment(f: FinishContext, report: RunReport, log?: LogFile): Promise<RunReport> {
  const results = report.experiment && report.status !== 'invalid' ? resultsMarkdown(report) : undefined
  const runDirExists =
    report.status !== 'invalid' && report.runDir !== '' && (await f.transport.stat(report.runDir)) !== null
  const store = new ResultFiles(f, report)
  if (runDirExists) {
    report.summaryPath = `${report.runDir}/${FILES.jobSummary}`
    if (results && f.summarize) {
      await store.write(FILES.results, results.markdown)
      const svg = resultsSvg(report)
      if (svg) await store.write(FILES.chart, svg)
    }
  }
  if (log) {
    const c = report.counts
    await store.guard(() =>
      log.write({
        action: 'COMPLETE',
        description: report.experimentName,
        details:
          `status=${report.status}; ${report.verdict}; runs ${c.runsSucceeded}/${c.runsTotal} succeeded; ` +
          `evaluations ${c.evalsSucceeded}/${c.evalsTotal} succeeded, ${c.evalsSkipped} skipped; ` +
          `total ${formatDuration(report.endedAt.getTime() - report.startedAt.getTime())}`,
        lines: [
          `Logs: ${report.logFiles.join(', ')}`,
          ...(report.summaryPath ? [`Summary: ${report.summaryPath}`] : []),
          ...(results && f.summarize ? [`Results: ${report.runDir}/${FILES.results}`] : []),
        ],
        result: report.status,
      }),
    )
  }
  if (report.summaryPath) {
    report.summaryPath = await store.write(FILES.jobSummary, jobSummaryMarkdown(report, results?.table))
    if (report.status !== 'invalid' && report.experiment) {
      await publishArtifact(f, report, true, store.elsewhere())
    }
    // The summary names the artifact; rewrite it once that is known (the uploaded copy says "uploading").
    report.summaryPath = await store.write(FILES.jobSummary, jobSummaryMarkdown(report, results?.table))
  }
  return report
}

/**
 * The run's result files: in the run directory, or — once it refused a write for lack of space or
 * permission — in the runner's temporary directory, with a warning that says so.
 */
class ResultFiles {
  private fallback: string | undefined
  private readonly written: string[] = []

  constructor(
    private readonly f: FinishContext,
    private readonly report: RunReport,
  ) {}

  /** Writes `name`; returns the path it went to (undefined when the runner's disk refused it too). */
  async write(name: string, text: string): Promise<string | undefined> {
    if (!this.fallback) {
      const path = `${this.report.runDir}/${name}`
      if (await this.guard(() => this.f.transport.writeFileAtomic(path, text))) return path
    }
    try {
      const path = join(this.fallbackDir(), name)
      writeFileSync(path, text)
      if (!this.written.includes(path)) this.written.push(path)
      return path
    } catch (e) {
      const problem = storageProblem(e)
      if (!problem) throw e
      return undefined
    }
  }

  /** Runs a write to the run directory; false (and the fallback from now on) when storage refused it. */
  async guard(write: () => Promise<void>): Promise<boolean> {
    try {
      await write()
      return true
    } catch (e) {
      const problem = storageProblem(e)
      if (!problem) throw e
      if (!this.fallback) {
        const dir = this.fallbackDir()
        this.report.warnings.push({
          ...problem,
          message: `${problem.message}: the summary and results are in ${dir} on the runner instead`,
        })
      }
      return false
    }
  }

  /** Files written outside the run directory (they go into the artifact too). */
  elsewhere(): string[] {
    return this.written
  }

  private fallbackDir(): string {
    if (!this.fallback) {
      const safe = (this.report.experimentName || 'experiment').replace(/[^\w.-]+/g, '_')
      this.fallback = join(this.f.env['RUNNER_TEMP'] || tmpdir(), 'run-experiment', safe)
      mkdirSync(this.fallback, { recursive: true })
    }
    return this.fallback
  }
}

/**
 * What the artifact holds: logs, state, summaries, (optionally) .eval logs and the outputs of failed
 * jobs; of a private experiment, the summaries alone (logs and state quote job outputs).
 */
export function artifactFiles(
  f: Pick<FinishContext, 'moduleFiles' | 'artifact'>,
  report: RunReport,
  extraFiles: string[] = [],
): string[] {
  const { runDir } = report
  const summaries = [FILES.results, FILES.jobSummary, FILES.chart].map((p) => `${runDir}/${p}`)
  if (report.private) return [...summaries, ...extraFiles]
  const outcomes = [...(report.optimize?.outcomes ?? []), ...(report.evaluate?.outcomes ?? [])]
  return [
    ...[FILES.mainLog, ...f.moduleFiles].map((p) => `${runDir}/${p}`),
    ...summaries,
    ...(f.artifact.includeEvalLogs ? (report.evaluate?.outcomes ?? []).flatMap((o) => evaluationOf(o)?.log ?? []) : []),
    ...outcomes.flatMap((o) => (o.result === 'failed' && o.outputFile ? [o.outputFile] : [])),
    ...extraFiles,
  ]
}

/** Uploads artifactFiles; records the outcome in the report. */
export async function publishArtifact(
  f: FinishContext,
  report: RunReport,
  replace: boolean,
  extraFiles: string[] = [],
): Promise<void> {
  const { runDir, experiment } = report
  if (!experiment) return
  const files = artifactFiles(f, report, extraFiles)
  const name = artifactName(f.artifact.name, experiment.name, f.env['GITHUB_RUN_ATTEMPT'])
  const r = await uploadArtifact({
    transport: f.transport,
    runDir,
    files,
    name,
    retentionDays: f.artifact.retentionDays,
    replace,
    env: f.env,
    ...(f.uploadDeadlineMs !== undefined ? { deadlineMs: f.uploadDeadlineMs } : {}),
    ...(f.finishNow ? { finishNow: f.finishNow } : {}),
  })
  // One warning for a failing service (the first reason), however many uploads met it; none once one got through.
  const failedBefore = (w: { message: string }): boolean => w.message.startsWith(UPLOAD_FAILED)
  if (!r.ok) {
    report.artifact = { failed: r.error }
    const message = `${UPLOAD_FAILED} (${r.error}): the logs and summaries stay in ${runDir}`
    if (!report.warnings.some(failedBefore)) report.warnings.push({ message })
    return
  }
  for (let i = report.warnings.length - 1; i >= 0; i--) {
    if (failedBefore(report.warnings[i] ?? { message: '' })) report.warnings.splice(i, 1)
  }
  if ('skipped' in r.value) report.artifact = { skipped: r.value.skipped }
  else report.artifact = { id: r.value.id, name }
}

const UPLOAD_FAILED = 'artifact upload failed'
