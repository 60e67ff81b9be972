/**
 * The job-summary markdown in the requirement's "## Run Experiment Complete" shape, the results
 * table (summary.md) joining each run's parameters with its loss and metrics.
 */
import type { JobOutcome } from '../engine/types.js'
import { formatDuration, timestamp } from '../engine/log.js'
import type { Cell, Experiment } from '../experiment/model.js'
import { cellDisplayName } from '../experiment/model.js'
import { FILES } from '../names.js'
import { formatProblem } from '../result.js'
import { isResumeItem, RESUME_KEY, type EvaluationResult } from '../tools/tool.js'
import { hasResultsChart, mermaidCharts } from './chart.js'
import { computeMarkdown, schedulerUseLines } from './compute.js'
import type { RunReport } from './model.js'
import { unevaluatedNote } from './checklist.js'
import { gatesMarkdown } from './conditions.js'
import { markdownTable, mdCode, mdSpans, mdText } from './markdown.js'
import { statusIcon } from './verdict.js'
import { failureText, PRIVATE_NOTE, skipText } from './private.js'
import {
  checkpointsOf,
  evalLogsOf,
  evaluationOf,
  evaluationsByCell,
  headlineMetric,
  SHARE_METRICS,
  trainingOf,
} from './results.js'

const MAX_LIST = 50
const DESIGN_HINT =
  '2. If experiment_summary.yaml is missing, run the design-experiment step first; ' +
  'if job scripts are missing, run scaffold-experiment.'

export function jobSummaryMarkdown(r: RunReport, resultsTable?: string): string {
  const out: string[] = []
  const title =
    r.status === 'invalid'
      ? '## Run Experiment: invalid experiment'
      : !r.experiment
        ? '## Run Experiment: did not start'
        : r.detached
          ? '## Run Experiment: detached (jobs keep running)'
          : '## Run Experiment Complete'
  out.push(title, '')
  if (r.runDir) out.push(`Experiment: ${mdCode(r.runDir)}`, '')
  out.push(`**Status:** ${statusIcon(r.status)} ${r.status} — ${mdText(r.verdict)}`, '')
  if (r.private) out.push(PRIVATE_NOTE, '')
  const unevaluated = unevaluatedNote(r.experiment)
  if (unevaluated) out.push(`⚠️ ${mdText(unevaluated)}`, '')

  if (r.errors.length > 0) {
    out.push('### Problems', '')
    for (const p of r.errors) out.push(`- ${mdText(formatProblem(p))}`)
    out.push('')
  }
  if (r.warnings.length > 0) {
    out.push(`<details><summary>Warnings (${r.warnings.length})</summary>`, '')
    for (const p of r.warnings.slice(0, 100)) out.push(`- ${mdText(formatProblem(p))}`)
    out.push('', '</details>', '')
  }

  const train = r.optimize?.outcomes ?? []
  if (r.optimize) {
    const ok = train.filter((o) => o.result === 'succeeded')
    const bad = train.filter((o) => o.result === 'failed')
    const open = train.filter((o) => o.result === 'detached')
    out.push(
      '### Optimization Results',
      '',
      `${ok.length === train.length ? '✓' : '✗'} ${ok.length}/${train.length} runs completed successfully`,
      `Duration: ${formatDuration(r.optimize.endedAt.getTime() - r.optimize.startedAt.getTime())}`,
      '',
    )
    out.push('**Completed runs:**', ...list(ok.map((o) => mdText(`${o.job.display} — ${jobFacts(o)}`))), '')
    out.push(
      '**Failed runs:**',
      ...list(
        bad.map((o) =>
          mdText(
            `${o.job.display} — ${failureText(o, r.private)}` + (o.retries?.length ? ` (${retryText(o.retries)})` : ''),
          ),
        ),
      ),
      '',
    )
    if (open.length > 0) out.push('**Not finished:**', ...list(open.map((o) => mdText(unfinished(o)))), '')
    const ckpts = checkpointsOf(ok)
    out.push('**Model checkpoints:**', ...list(ckpts.map(mdCode)), '')
  }
  if (r.evaluate || r.skippedEvals.length > 0) {
    const evals = r.evaluate?.outcomes ?? []
    const ok = evals.filter((o) => o.result === 'succeeded')
    const bad = evals.filter((o) => o.result === 'failed')
    const open = evals.filter((o) => o.result === 'detached')
    const total = evals.length + r.skippedEvals.length
    out.push(
      '### Evaluation Results',
      '',
      `${ok.length === total ? '✓' : '✗'} ${ok.length}/${total} evaluations completed successfully`,
    )
    if (r.evaluate)
      out.push(`Duration: ${formatDuration(r.evaluate.endedAt.getTime() - r.evaluate.startedAt.getTime())}`)
    out.push('', '**Completed evaluations:**', ...list(ok.map((o) => mdText(`${o.job.display} — ${jobFacts(o)}`))), '')
    const failed = bad.map((o) => mdText(`${o.job.display} — ${failureText(o, r.private)}`))
    out.push('**Failed evaluations:**', ...list(failed), '')
    if (open.length > 0) out.push('**Not finished:**', ...list(open.map((o) => mdText(unfinished(o)))), '')
    if (r.skippedEvals.length > 0)
      out.push(
        '**Skipped evaluations:**',
        ...list(r.skippedEvals.map((s) => mdText(`${s.display} — ${skipText(s, r.private)}`))),
        '',
      )
    const logs = evalLogsOf(ok)
    out.push('**Evaluation logs:**', ...list(logs.map(mdCode)), '')
  }

  const resumed = [...train, ...(r.evaluate?.outcomes ?? [])]
  const counts = (k: JobOutcome['resolution']): number => resumed.filter((o) => o.resolution === k).length
  if (resumed.some((o) => o.resolution !== 'submitted')) {
    out.push(
      '### Resumed',
      '',
      `Already succeeded (not re-run): ${counts('already-succeeded')} · ` +
        `re-attached: ${counts('reattached') + counts('found-by-name')} · re-submitted: ${counts('resubmitted')} · ` +
        `newly submitted: ${counts('submitted')} · skipped: ${r.skippedEvals.length}`,
      '',
    )
    const reruns = resumed.filter((o) => o.rerun)
    if (reruns.length > 0) {
      out.push('**Run again (an earlier success no longer stood):**')
      out.push(...list(reruns.map((o) => mdText(`${o.job.display} — ${o.rerun ?? ''}`))), '')
    }
  }

  const gates = gatesMarkdown(r)
  if (gates) out.push(gates)
  if (resultsTable) {
    out.push('### Results', '', resultsTable, '')
    const charts = mermaidCharts(r)
    if (charts) out.push(charts)
  }
  if (r.compute && r.compute.length > 0) out.push('### Compute', '', computeMarkdown(r.compute), '', ...schedulerUse(r))

  if (!r.experiment) {
    out.push(
      '### Next Steps',
      '',
      '1. Fix the problems above (each names the file, line and field, or the input), then re-run.',
      DESIGN_HINT,
      '',
    )
    return out.join('\n')
  }
  const optMs = r.optimize ? r.optimize.endedAt.getTime() - r.optimize.startedAt.getTime() : 0
  const evalMs = r.evaluate ? r.evaluate.endedAt.getTime() - r.evaluate.startedAt.getTime() : 0
  out.push(
    '### Total Time',
    '',
    `Complete workflow: ${formatDuration(r.endedAt.getTime() - r.startedAt.getTime())}`,
    `- Optimization: ${r.optimize ? formatDuration(optMs) : 'not run'}`,
    `- Evaluation: ${r.evaluate ? formatDuration(evalMs) : 'not run'}`,
    '',
  )
  out.push('### Next Steps', '')
  if (r.status === 'invalid') {
    out.push('1. Fix the problems above (each names the file, line and field), then re-run.', DESIGN_HINT)
  } else {
    const steps = [
      ...r.nextSteps.map(mdSpans),
      'Analyze results (see experiment_summary.yaml for configuration)',
      ...(r.status !== 'success'
        ? ['Re-run this workflow to retry what failed: succeeded jobs are never run again.']
        : []),
    ]
    out.push(...steps.map((step, i) => `${i + 1}. ${step}`))
  }
  out.push('', `Logs: ${r.logFiles.map(mdCode).join(', ')}`)
  if (r.artifact) {
    out.push(
      'id' in r.artifact
        ? `Artifact: ${mdCode(r.artifact.name)} (id ${r.artifact.id}): ` +
            (r.private
              ? 'the summaries only (a private experiment)'
              : `logs, state, summaries${r.evaluate ? ' and .eval logs' : ''}`)
        : 'failed' in r.artifact
          ? `Artifact upload failed (${mdText(r.artifact.failed)}): the files stay in ${mdCode(r.runDir)}`
          : `Artifact not uploaded: ${mdText(r.artifact.skipped)}`,
    )
  }
  out.push('')
  return out.join('\n')
}

/** summary.md: the results of every run and cell in one table, cruijff_kit's section names. */
export function resultsMarkdown(r: RunReport): { markdown: string; table: string } {
  const exp = r.experiment
  if (!exp) return { markdown: '', table: '' }
  const table = resultsTable(exp, r)
  const out: string[] = []
  const done = r.counts.runsSucceeded + r.counts.evalsSucceeded
  const total = r.counts.runsTotal + r.counts.evalsTotal
  out.push(
    '# Experiment Summary',
    '',
    `**Experiment:** ${mdCode(exp.name)} | **Generated:** ${timestamp(r.endedAt)} | ` +
      `**Status:** ${done}/${total} complete`,
    '',
  )
  if (r.private) out.push(PRIVATE_NOTE, '')
  out.push('## Results', '', table, '')
  if (hasResultsChart(r)) out.push(`![results: metrics per run and training loss](${FILES.chart})`, '')
  const notes = (o: JobOutcome): string =>
    r.private ? (o.exitCode !== undefined ? `exit ${o.exitCode}` : '') : (o.error ?? '')
  const incomplete = [
    ...(r.optimize?.outcomes ?? [])
      .filter((o) => o.result !== 'succeeded')
      .map((o) => [o.job.display, 'fine-tuning', o.state, notes(o)]),
    ...(r.evaluate?.outcomes ?? [])
      .filter((o) => o.result !== 'succeeded')
      .map((o) => [o.job.display, 'evaluation', o.state, notes(o)]),
    ...r.skippedEvals.map((s) => [s.display, 'evaluation', 'SKIPPED', skipText(s, r.private)]),
  ]
  if (incomplete.length > 0)
    out.push('## Incomplete Runs', '', markdownTable(['Run', 'Stage', 'Status', 'Notes'], incomplete), '')
  const gates = gatesMarkdown(r)
  if (gates) out.push(gates.replace(/^### /, '## '))
  if (r.compute && r.compute.length > 0) out.push('## Compute', '', computeMarkdown(r.compute), '', ...schedulerUse(r))
  out.push('## Next Steps', '', ...r.nextSteps.map((step) => `- ${mdSpans(step)}`), '')
  return { markdown: out.join('\n'), table }
}

/** The results table alone (summary.md, the job summary, the comment): each run's parameters, loss and metrics. */
export function resultsTable(exp: Experiment, r: RunReport): string {
  const training = new Map<string, JobOutcome>()
  for (const o of [...r.priorTraining, ...(r.optimize?.outcomes ?? [])]) training.set(o.job.run, o)
  const evals = evaluationsByCell(r)
  const paramKeys = [...new Set(exp.runs.flatMap((run) => Object.keys(run.parameters)))]
    .filter((k) => exp.runs.some((run) => isScalar(run.parameters[k])))
    .slice(0, 8)
  const columns = [...new Set(exp.cells.map(columnOf))]
  const header = ['Run', 'Type', ...paramKeys, 'Final loss', ...columns]
  const rows = exp.runs.map((run) => {
    const t = training.get(run.name)
    const loss = trainingOf(t)?.finalLoss
    const cells = columns.map((col) => {
      const cell = exp.cells.find((c) => c.run === run.name && columnOf(c) === col)
      if (!cell) return ''
      const o = evals.get(cellDisplayName(cell))
      if (!o) return '–'
      if ('reason' in o) return 'skipped'
      if (o.result === 'succeeded') return metricText(evaluationOf(o))
      return o.result === 'detached' ? openWord(o) : 'failed'
    })
    const lossText =
      typeof loss === 'number'
        ? loss.toFixed(4)
        : run.type === 'fine-tuned'
          ? t
            ? t.result === 'succeeded'
              ? 'n/a'
              : t.result === 'detached'
                ? openWord(t)
                : 'failed'
            : '–'
          : ''
    return [
      run.name,
      run.type,
      ...paramKeys.map((k) => (isScalar(run.parameters[k]) ? String(run.parameters[k]) : '')),
      lossText,
      ...cells,
    ]
  })
  return markdownTable(header, rows)
}

/** A table cell for a job the run left unfinished. */
function openWord(o: JobOutcome): string {
  return o.state === 'CANCELLED' ? 'cancelled' : o.state === 'NOT_SUBMITTED' || !o.jobId ? 'not run' : 'running'
}

/** Column of a cell: `task` for control runs, `task @ epoch N` for checkpoints. */
function columnOf(c: Cell): string {
  return c.epoch === null ? c.task : `${c.task} @ epoch ${c.epoch}`
}

/** The headline metric of a succeeded evaluation (± stderr), or `done` when it reports none. */
function metricText(e: EvaluationResult | undefined): string {
  const h = headlineMetric(e)
  if (!h) return 'done'
  const value = `${h.value.toFixed(3)}${h.stderr !== undefined ? ` ± ${h.stderr.toFixed(3)}` : ''}`
  // The metric's key alone decides: a scorer named `mean_check` reporting f1 still says f1.
  return SHARE_METRICS.includes(h.metric) ? value : `${h.metric} ${value}`
}

/** A job the run left unfinished: still running, cancelled by cancel-on-abort, or never submitted. */
function unfinished(o: JobOutcome): string {
  const what =
    o.state === 'CANCELLED'
      ? `cancelled (cancel-on-abort), job ${o.jobId ?? '?'}`
      : o.state === 'NOT_SUBMITTED' || !o.jobId
        ? 'not submitted (the run stopped first)'
        : `still running (detached), job ${o.jobId}: re-run to re-attach`
  return `${o.job.display} — ${what}`
}

function jobFacts(o: JobOutcome): string {
  const parts = [`job ${o.jobId ?? '?'}`]
  if (o.startedIso && o.endedIso) parts.push(formatDuration(Date.parse(o.endedIso) - Date.parse(o.startedIso)))
  if (o.attempt > 1) parts.push(`attempt ${o.attempt}`)
  if (o.retries?.length) parts.push(retryText(o.retries))
  if (o.resolution === 'already-succeeded') parts.push('done earlier, not re-run')
  const loss = trainingOf(o)?.finalLoss
  if (loss !== undefined) parts.push(`final loss ${loss.toFixed(4)}`)
  const evaluation = evaluationOf(o)
  if (evaluation) parts.push(metricText(evaluation))
  return parts.join(', ')
}

/**
 * `2 out-of-memory retries: batch_size → 4 → 2, gradient_accumulation_steps → 2 → 4` and
 * `1 resume: continued from epoch 1`.
 */
function retryText(retries: Record<string, number>[]): string {
  const resume = (r: Record<string, number>): boolean => isResumeItem(r)
  const oom = retries.filter((r) => !resume(r))
  const resumes = retries.filter(resume)
  const chain = (key: string): string =>
    oom
      .map((r) => r[key])
      .filter((v) => v !== undefined)
      .join(' → ')
  const parts: string[] = []
  if (oom.length) {
    const what = `${oom.length} out-of-memory ${oom.length === 1 ? 'retry' : 'retries'}`
    const ga = chain('gradient_accumulation_steps')
    parts.push(`${what}: batch_size → ${chain('batch_size')}, gradient_accumulation_steps → ${ga}`)
  }
  if (resumes.length) {
    const from = resumes.map((r) => r[RESUME_KEY]).join(', ')
    parts.push(`${resumes.length} ${resumes.length === 1 ? 'resume' : 'resumes'}: continued from epoch ${from}`)
  }
  return parts.join('; ')
}

function list(items: string[]): string[] {
  if (items.length === 0) return ['- none']
  const shown = items.slice(0, MAX_LIST).map((i) => `- ${i}`)
  if (items.length > MAX_LIST) shown.push(`- … and ${items.length - MAX_LIST} more (see the logs)`)
  return shown
}

function isScalar(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
}

/** The scheduler's cost per phase, under the compute table (a heading line, then one line a phase). */
function schedulerUse(r: RunReport): string[] {
  const lines = schedulerUseLines([
    ['optimize', r.optimize?.scheduler],
    ['evaluate', r.evaluate?.scheduler],
  ])
  return lines.length ? ['Scheduler calls:', '', ...lines, ''] : []
}
