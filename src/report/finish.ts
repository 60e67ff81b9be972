/**
 * The end of one experiment's pass: results files in the run directory (summary.md, results.svg, the
 * job summary's markdown), the COMPLETE block, and the workflow artifact (logs, state, summaries,
 * .eval logs, outputs of failed jobs).
 */
import type { Transport } from '../cluster/transport.js'
import { formatDuration, type LogFile } from '../engine/log.js'
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
}

export async function finishExperiment(f: FinishContext, report: RunReport, log?: LogFile): Promise<RunReport> {
  const results = report.experiment && report.status !== 'invalid' ? resultsMarkdown(report) : undefined
  const runDirExists =
    report.status !== 'invalid' && report.runDir !== '' && (await f.transport.stat(report.runDir)) !== null
  if (runDirExists) {
    report.summaryPath = `${report.runDir}/${FILES.jobSummary}`
    if (results && f.summarize) {
      await f.transport.writeFileAtomic(`${report.runDir}/${FILES.results}`, results.markdown)
      const svg = resultsSvg(report)
      if (svg) await f.transport.writeFileAtomic(`${report.runDir}/${FILES.chart}`, svg)
    }
  }
  if (log) {
    const c = report.counts
    await log.write({
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
    })
  }
  if (report.summaryPath) {
    await f.transport.writeFileAtomic(report.summaryPath, jobSummaryMarkdown(report, results?.table))
    if (report.status !== 'invalid' && report.experiment) await publishArtifact(f, report, true)
    // The summary names the artifact; rewrite it once that is known (the uploaded copy says "uploading").
    await f.transport.writeFileAtomic(report.summaryPath, jobSummaryMarkdown(report, results?.table))
  }
  return report
}

/** Uploads logs, state, summaries and (optionally) .eval logs; records the outcome in the report. */
export async function publishArtifact(f: FinishContext, report: RunReport, replace: boolean): Promise<void> {
  const { runDir, experiment } = report
  if (!experiment) return
  const outcomes = [...(report.optimize?.outcomes ?? []), ...(report.evaluate?.outcomes ?? [])]
  const files = [
    ...[FILES.mainLog, ...f.moduleFiles, FILES.results, FILES.jobSummary, FILES.chart].map((p) => `${runDir}/${p}`),
    ...(f.artifact.includeEvalLogs ? (report.evaluate?.outcomes ?? []).flatMap((o) => evaluationOf(o)?.log ?? []) : []),
    ...outcomes.flatMap((o) => (o.result === 'failed' && o.outputFile ? [o.outputFile] : [])),
  ]
  const name = artifactName(f.artifact.name, experiment.name, f.env['GITHUB_RUN_ATTEMPT'])
  const r = await uploadArtifact({
    transport: f.transport,
    runDir,
    files,
    name,
    retentionDays: f.artifact.retentionDays,
    replace,
    env: f.env,
  })
  if (!r.ok) {
    report.artifact = { failed: r.error }
    report.warnings.push({ message: `artifact upload failed (${r.error}): the logs and summaries stay in ${runDir}` })
  } else if ('skipped' in r.value) report.artifact = { skipped: r.value.skipped }
  else report.artifact = { id: r.value.id, name }
}
