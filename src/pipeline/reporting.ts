/**
 * The experiment's report while its pass goes and at its end: the progress lines and the pull-request
 * comment (report/live.ts), then the results files, the COMPLETE block, the artifact and the final comment.
 */
import { relative } from 'node:path'
import { SHARED_DIR } from '../engine/cruijff-state.js'
import type { LogFile } from '../engine/log.js'
import { StickyComment } from '../report/comment.js'
import { finishExperiment, type FinishContext } from '../report/finish.js'
import { LiveReport, linksFrom } from '../report/live.js'
import type { RunReport } from '../report/model.js'
import type { ExperimentContext } from './context.js'
import { ABORTED_UPLOAD_DEADLINE_MS } from './detach.js'
import type { Prepared } from './prepare.js'

/** Progress lines and the pull-request comment of one experiment. */
export function liveReport(c: ExperimentContext, name: string): LiveReport {
  const target = c.commentTarget
  const key = `${relative(c.workspace, c.expDir) || '.'}/experiment_summary.yaml`
  const comment =
    target && c.settings.githubToken && c.settings.comment !== 'never'
      ? {
          sticky: new StickyComment({
            token: c.settings.githubToken,
            target,
            key,
            ...(c.io.env['GITHUB_API_URL'] ? { apiUrl: c.io.env['GITHUB_API_URL'] } : {}),
          }),
          mode: c.settings.comment,
        }
      : undefined
  return new LiveReport({
    experimentName: name,
    info: (line) => {
      c.io.info(line)
    },
    warn: (message) => {
      c.io.annotate('warning', { field: 'comment', message })
    },
    logFor: () => undefined,
    ...(comment ? { comment } : {}),
    links: linksFrom(c.io.env),
  })
}

/** The end of an experiment's pass: results files, the COMPLETE block and the artifact, then the final comment. */
export async function endExperiment(
  c: ExperimentContext,
  p: Prepared | undefined,
  live: LiveReport | undefined,
  report: RunReport,
  log?: LogFile,
): Promise<RunReport> {
  const finished = await finishExperiment(finishContext(c, p), report, log)
  await live?.finish(finished)
  return finished
}

export function finishContext(c: ExperimentContext, p: Prepared | undefined): FinishContext {
  return {
    // Artifact files are job outputs: read through the confinement (writes pass through).
    transport: p?.reads ?? c.transport,
    env: c.io.env,
    summarize: c.settings.summarize,
    artifact: {
      name: c.settings.artifactName,
      retentionDays: c.settings.retentionDays,
      includeEvalLogs: c.settings.includeEvalLogs,
    },
    moduleFiles: p
      ? [p.optimizer, p.evaluator].flatMap((t) => [t.logFile, t.stateFile]).map((f) => `${SHARED_DIR}/${f}`)
      : [],
    ...(c.signal.aborted ? { uploadDeadlineMs: ABORTED_UPLOAD_DEADLINE_MS } : {}),
    ...(c.finishNow ? { finishNow: c.finishNow } : {}),
  }
}
