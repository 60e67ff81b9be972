/**
 * One pass of the action: inputs -> locate the experiment(s) -> reach the cluster -> run each
 * experiment (pipeline/) -> publish: annotations, job summary, outputs, verdict.
 */
import { LocalTransport } from './cluster/local.js'
import { jobsDirOf, makeScheduler, reach } from './connect.js'
import type { Transport } from './cluster/transport.js'
import { readEvent } from './event.js'
import { locateExperiments, type ExperimentsReading } from './locate/index.js'
import { readSettings, type Settings } from './inputs.js'
import { coreIO, type ActionIO } from './io.js'
import { OUTPUTS, SAVED, type OutputName } from './names.js'
import { emptyDraft } from './pipeline/context.js'
import { experimentsReading } from './pipeline/files.js'
import { mdCode } from './report/markdown.js'
import { runExperiment } from './pipeline/index.js'
import { commentTarget } from './report/comment.js'
import type { RunReport, Status } from './report/model.js'
import { jobSummaryMarkdown, resultsTable } from './report/summary.js'
import { shouldFail } from './report/verdict.js'
import { gatesOutput } from './report/conditions.js'
import { ok, type Problem } from './result.js'
import type { Scheduler } from './scheduler/scheduler.js'

const MAX_ERROR_ANNOTATIONS = 10
const MAX_WARNING_ANNOTATIONS = 10
/** GitHub refuses a step summary over 1 MiB. */
const MAX_SUMMARY_BYTES = 1024 * 1024 - 4096

export interface RunDeps {
  /** The Actions runtime: @actions/core by default, a recorder in tests. */
  io: ActionIO
  /** Aborted on SIGINT/SIGTERM: detach (jobs keep running). Default: never aborted. */
  signal: AbortSignal
  /** Aborted on a second signal: the runner is about to kill the step; uploads are abandoned, the rest finishes. */
  finishNow?: AbortSignal
  /** Benchmarks look inside: see the transport, wrap the scheduler. */
  observe?: { transport?: (t: Transport) => void; scheduler?: (s: Scheduler) => Scheduler }
  /**
   * On a pull request, the experiments whose jobs read a changed file outside every experiment. Default:
   * what the tool modules read in each experiment's job scripts and configs (pipeline/files.ts).
   */
  experimentsReading?: ExperimentsReading
}

export interface ActionResult {
  status: Status
  reports: RunReport[]
}

/** The action's main step. Called with no arguments it runs as GitHub runs it (e.g. under @github/local-action). */
export async function run(given: Partial<RunDeps> = {}): Promise<ActionResult> {
  const deps: RunDeps = {
    ...given,
    io: given.io ?? coreIO(),
    signal: given.signal ?? new AbortController().signal,
  }
  const { io } = deps
  // First thing: the post step runs this same file, and must know it is the post step.
  io.saveState(SAVED.isPost, 'true')
  const startedAt = new Date()
  const workspace = io.env['GITHUB_WORKSPACE'] || process.cwd()
  /** Stops before any experiment runs (bad inputs or event, nothing located, no cluster): one report says why. */
  const stopEarly = (status: Status, verdict: string, errors: Problem[]): Promise<ActionResult> =>
    publish(io, [{ ...emptyDraft(startedAt), status, verdict, errors, endedAt: new Date() }], undefined)

  const parsed = readSettings((name) => io.getInput(name))
  if (!parsed.ok) return stopEarly('invalid', 'bad action inputs', parsed.error)
  const settings = parsed.value
  if (settings.githubToken) io.mask(settings.githubToken)
  if (settings.ssh) {
    // The whole key, and each of its lines: the runner masks values, and a key may be printed line by line.
    io.mask(settings.ssh.privateKey)
    for (const line of settings.ssh.privateKey.split(/\r?\n/))
      if (line.trim().length >= 8 && !/^-----/.test(line.trim())) io.mask(line.trim())
  }

  const event = readEvent(io.env)
  if (!event.ok) return stopEarly('invalid', event.error.message, [event.error])
  const located = await locateExperiments({
    experimentDirInput: settings.experimentDir,
    event: event.value,
    workspace,
    allowForks: settings.allowForkPullRequests,
    github: {
      token: settings.githubToken,
      ...(io.env['GITHUB_API_URL'] ? { apiUrl: io.env['GITHUB_API_URL'] } : {}),
    },
    experimentsReading:
      deps.experimentsReading ??
      ((changed, candidates) =>
        experimentsReading(changed, candidates, {
          maxSummaryBytes: settings.maxSummaryBytes,
          maxCells: settings.maxCells,
        })),
  })
  if (!located.ok) return stopEarly(located.error.status, located.error.problem.message, [located.error.problem])
  io.info(`run-experiment: ${located.value.how}`)
  if (located.value.dirs.length === 0) {
    io.annotate('notice', { message: 'this pull request touches no experiment: nothing to run' })
    return publish(io, [], settings)
  }

  const runnerFs = new LocalTransport()
  const reached = await reach(settings, runnerFs, (m) => {
    io.info(m)
  })
  if (!reached.ok) return stopEarly('failed', reached.error.message, [reached.error])
  const transport = reached.value
  deps.observe?.transport?.(transport)
  // Every job the run watches, saved as soon as it is known: the post step cancels them on cancel-on-abort.
  const watched: { runDir: string; jobId: string }[] = []
  const onWatched = (runDir: string, jobId: string): void => {
    if (watched.some((w) => w.runDir === runDir && w.jobId === jobId)) return
    watched.push({ runDir, jobId })
    io.saveState(SAVED.jobs, JSON.stringify(watched))
  }
  const target = commentTarget(event.value)
  try {
    const reports: RunReport[] = []
    for (const expDir of located.value.dirs) {
      if (deps.signal.aborted) {
        // Cancelled before this experiment started: a failure that says so, never "nothing to run".
        const verdict = `cancelled (${String(deps.signal.reason ?? 'signal')}) before it started: nothing submitted`
        // No run directory: nothing was read or written.
        reports.push({ ...emptyDraft(startedAt, expDir), runDir: '', status: 'failed', verdict, endedAt: new Date() })
        continue
      }
      reports.push(
        await runExperiment({
          io,
          signal: deps.signal,
          ...(deps.finishNow ? { finishNow: deps.finishNow } : {}),
          ...(target ? { commentTarget: target } : {}),
          transport,
          settings,
          expDir,
          workspace,
          runnerFs,
          onWatched,
          remote: transport !== runnerFs,
          ...(settings.remoteExperimentDir && located.value.dirs.length === 1
            ? { remoteRunDir: settings.remoteExperimentDir }
            : {}),
          makeScheduler: async (runDir, runRoot) => {
            const s = await makeScheduler(settings, transport, runDir, jobsDirOf(runRoot))
            return s.ok && deps.observe?.scheduler ? ok(deps.observe.scheduler(s.value)) : s
          },
        }),
      )
    }
    return await publish(io, reports, settings)
  } finally {
    await transport.close()
  }
}

/** Overall status of several experiments: invalid wins, then all-success, all-failed, else partial. */
function overall(reports: RunReport[]): Status {
  if (reports.length === 0) return 'success'
  if (reports.some((r) => r.status === 'invalid')) return 'invalid'
  if (reports.every((r) => r.status === 'success')) return 'success'
  if (reports.every((r) => r.status === 'failed')) return 'failed'
  return 'partial'
}

/** Annotations, the job summary (trimmed under GitHub's 1 MiB), outputs and the verdict. */
async function publish(io: ActionIO, reports: RunReport[], settings: Settings | undefined): Promise<ActionResult> {
  const errors = reports.flatMap((r) => r.errors)
  const warnings = reports.flatMap((r) => r.warnings)
  const status = overall(reports)
  const failing = shouldFail({ status }, settings?.failOn ?? 'any-failure')
  // GitHub shows 10 error annotations a step, and setFailed's message is one of them.
  const budget = MAX_ERROR_ANNOTATIONS - (failing ? 1 : 0)
  const shown = errors.length <= budget ? errors.length : budget - 1
  errors.slice(0, shown).forEach((p) => {
    io.annotate('error', p)
  })
  if (errors.length > shown)
    io.annotate('error', { message: `${errors.length - shown} more problems: all are listed in the job summary` })
  const shownWarnings = warnings.length <= MAX_WARNING_ANNOTATIONS ? warnings.length : MAX_WARNING_ANNOTATIONS - 1
  warnings.slice(0, shownWarnings).forEach((p) => {
    io.annotate('warning', p)
  })
  if (warnings.length > shownWarnings) {
    const more = warnings.length - shownWarnings
    io.annotate('warning', { message: `${more} more warnings: all are listed in the job summary` })
  }

  const sections = reports.map((r) =>
    jobSummaryMarkdown(
      r,
      r.experiment && r.status !== 'invalid' && settings?.summarize !== false
        ? resultsTable(r.experiment, r)
        : undefined,
    ),
  )
  let markdown =
    reports.length === 0
      ? '## Run Experiment\n\nThis pull request touches no experiment (no file of one, nor a file its jobs read): ' +
        'nothing was run.\n'
      : reports.length === 1
        ? (sections[0] ?? '')
        : [
            `# Run Experiment: ${reports.length} experiments — ${status}`,
            '',
            ...sections.map((s) => s.replace(/^## /m, '## ')),
          ].join('\n')
  if (Buffer.byteLength(markdown, 'utf8') > MAX_SUMMARY_BYTES) markdown = trimSummary(markdown, reports)
  await io.writeSummary(markdown)

  const sum = (k: keyof RunReport['counts']): number => reports.reduce((n, r) => n + r.counts[k], 0)
  const artifactIds = reports
    .map((r) => (r.artifact && 'id' in r.artifact ? String(r.artifact.id) : ''))
    .filter(Boolean)
  const outputs: Record<OutputName, string | number> = {
    status,
    'runs-total': sum('runsTotal'),
    'runs-succeeded': sum('runsSucceeded'),
    'runs-failed': sum('runsFailed'),
    'evals-total': sum('evalsTotal'),
    'evals-succeeded': sum('evalsSucceeded'),
    'evals-failed': sum('evalsFailed'),
    'evals-skipped': sum('evalsSkipped'),
    'experiment-dir': reports
      .map((r) => r.runDir)
      .filter(Boolean)
      .join('\n'),
    'summary-path': reports
      .map((r) => r.summaryPath ?? '')
      .filter(Boolean)
      .join('\n'),
    'artifact-id': artifactIds.join('\n'),
    gates: gatesOutput(reports),
  }
  for (const name of OUTPUTS) io.setOutput(name, outputs[name])
  io.saveState(SAVED.completed, 'true')
  const verdict =
    reports.length === 1
      ? (reports[0]?.verdict ?? '')
      : `${reports.length} experiments: ` +
        reports.map((r) => `${r.experimentName || r.runDir}: ${r.status}`).join(', ')
  io.info(`run-experiment: ${status} — ${verdict}`)
  if (failing) io.setFailed(`run-experiment: ${status} — ${verdict}`)
  return { status, reports }
}

function trimSummary(markdown: string, reports: RunReport[]): string {
  const where = reports
    .map((r) =>
      [
        r.summaryPath ? mdCode(r.summaryPath) : '',
        r.artifact && 'name' in r.artifact ? `artifact ${mdCode(r.artifact.name)}` : '',
      ]
        .filter(Boolean)
        .join(' and '),
    )
    .filter(Boolean)
    .join('; ')
  const note =
    "\n\n---\n**This summary was trimmed: it exceeded GitHub's 1 MiB limit for a step summary.** " +
    `The full text is in ${where || 'the run directory'}.\n`
  const budget = MAX_SUMMARY_BYTES - Buffer.byteLength(note, 'utf8')
  let cut = Buffer.from(markdown, 'utf8').subarray(0, budget).toString('utf8')
  cut = cut.slice(0, cut.lastIndexOf('\n'))
  return cut + note
}
