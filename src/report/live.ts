/**
 * What a run shows while it runs and when it ends: a progress line per change (Actions log, with
 * details folded, and a STATUS_CHECK block in the module log), and the experiment's pull-request
 * comment, updated when a phase's jobs are submitted and when it ends, then with the final results.
 * Nothing here may stall or fail the experiment: log writes and comment updates are queued behind
 * each other and never awaited by the phase loop; each comment update has its own deadline.
 */
import type { LogFile } from '../engine/log.js'
import type { PhaseSnapshot } from '../engine/types.js'
import { formatDuration } from '../engine/log.js'
import { messageOf } from '../result.js'
import { mermaidCharts } from './chart.js'
import { commentPolicy, type CommentMode, type StickyComment } from './comment.js'
import { computeMarkdown, computeTotals } from './compute.js'
import { mdCode, mdText, mdUrl } from './markdown.js'
import { statusIcon } from './verdict.js'
import type { RunReport } from './model.js'
import { actionsLogLines, compactDuration, countsText, progressBlock, ProgressReporter } from './progress.js'
import { unevaluatedNote } from './checklist.js'
import { failureText, PRIVATE_NOTE, skipText } from './private.js'
import { gatesMarkdown } from './conditions.js'
import { resultsTable } from './summary.js'

export interface Links {
  /** The workflow run's page. */
  run?: string
  /** The artifact's page, once it is uploaded: `(id) => url`. */
  artifact?: (id: number) => string
}

/** Links from the runner's environment (GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID). */
export function linksFrom(env: Record<string, string | undefined>): Links {
  const server = env['GITHUB_SERVER_URL'] ?? 'https://github.com'
  const repo = env['GITHUB_REPOSITORY']
  const runId = env['GITHUB_RUN_ID']
  if (!repo || !runId) return {}
  const run = `${server}/${repo}/actions/runs/${runId}`
  return { run, artifact: (id) => `${run}/artifacts/${id}` }
}

export interface LiveContext {
  /** The experiment's name (the directory's until the summary is read). */
  experimentName: string
  /** A line in the Actions log. */
  info: (line: string) => void
  /** One warning (an annotation). */
  warn: (message: string) => void
  /** The module log of a phase, for its STATUS_CHECK blocks. */
  logFor: (phase: string) => LogFile | undefined
  comment?: { sticky: StickyComment; mode: CommentMode }
  links: Links
}

const PHASE_WORDS: Record<string, string> = { optimize: 'training', evaluate: 'evaluating' }

export class LiveReport {
  private readonly reporters = new Map<string, ProgressReporter>()
  /** The latest counts line of each phase, in the order phases started. */
  private readonly phases = new Map<string, { line: string; final: boolean }>()
  private queue: Promise<void> = Promise.resolve()

  constructor(private readonly c: LiveContext) {}

  /** The module logs, once the run directory is known. */
  useLogs(logFor: (phase: string) => LogFile | undefined): void {
    this.c.logFor = logFor
  }

  /** Once the summary is read, its experiment name replaces the directory's. */
  rename(name: string): void {
    this.c.experimentName = name
  }

  /**
   * One snapshot per poll cycle, from the engine: prints and logs its line (awaited: module-log
   * blocks stay in order); the comment update is queued, never awaited here. Never throws.
   */
  async progress(s: PhaseSnapshot): Promise<void> {
    let reporter = this.reporters.get(s.phase)
    if (!reporter) {
      reporter = new ProgressReporter()
      this.reporters.set(s.phase, reporter)
    }
    const u = reporter.observe(s)
    this.phases.set(s.phase, {
      line: `${countsText(s.jobs)} · ${compactDuration(s.now - s.startedAt)}`,
      final: s.final,
    })
    if (u) {
      for (const line of actionsLogLines(u)) this.c.info(line)
      const log = this.c.logFor(s.phase)
      if (log) {
        await log.write(progressBlock(u, s.phase)).catch((e: unknown) => {
          this.c.warn(`progress: cannot write ${log.path}: ${messageOf(e)}`)
        })
      }
    }
    // Phase boundaries: its jobs are submitted (the first snapshot), and it is done.
    if (u?.kind === 'start' || s.final) this.enqueue(() => this.publish(this.progressBody(), false))
  }

  /** Resolves once the queued comment updates are done (each is bounded by its deadline). */
  async flush(): Promise<void> {
    await this.queue
  }

  /** The final comment, after the queued updates. */
  async finish(report: RunReport): Promise<void> {
    await this.flush()
    await this.publish(finalCommentMarkdown(report, this.c.links), report.status !== 'success')
  }

  private enqueue(task: () => Promise<unknown>): void {
    this.queue = this.queue.then(task).then(
      () => undefined,
      (e: unknown) => {
        this.c.warn(`progress report: ${messageOf(e)}`)
      },
    )
  }

  private async publish(body: string, failing: boolean): Promise<void> {
    const comment = this.c.comment
    if (!comment) return
    const policy = commentPolicy(comment.mode, failing)
    if (!policy.publish) return
    const r = await comment.sticky.publish(body, { create: policy.create })
    if (!r.ok && 'warning' in r) this.c.warn(r.warning)
  }

  private progressBody(): string {
    const phases = [...this.phases]
    const current = phases[phases.length - 1]
    const doing = current
      ? current[1].final
        ? `${PHASE_WORDS[current[0]] ?? current[0]} done`
        : phases.length > 1
          ? `${phases
              .slice(0, -1)
              .map(([p]) => `${PHASE_WORDS[p] ?? p} done`)
              .join(', ')}, ${PHASE_WORDS[current[0]] ?? current[0]}`
          : (PHASE_WORDS[current[0]] ?? current[0])
      : 'starting'
    return [
      `${heading(this.c.experimentName)}: ⏳ ${mdText(doing)}`,
      '',
      ...phases.map(([p, v]) => `- **${mdText(p)}**: ${mdText(v.line)}`),
      '',
      this.c.links.run ? `[Live progress in the workflow run](${mdUrl(this.c.links.run)})` : '',
      '',
    ].join('\n')
  }
}

/** The comment's heading: the experiment's name as code (none before a name is known). */
function heading(name: string): string {
  return name ? `### 🧪 Experiment ${mdCode(name)}` : '### 🧪 Experiment'
}

/** The comment when the run ended: verdict, required conditions, results and chart, failures, compute, links. */
export function finalCommentMarkdown(r: RunReport, links: Links): string {
  const out: string[] = []
  out.push(
    `${heading(r.experimentName)}: ${statusIcon(r.status)} ${r.status}`,
    '',
    mdText(r.verdict),
    '',
    ...(r.private ? [PRIVATE_NOTE, ''] : []),
  )
  const c = r.counts
  const facts = [
    `Training: ${c.runsSucceeded}/${c.runsTotal} runs`,
    `evaluation: ${c.evalsSucceeded}/${c.evalsTotal}${c.evalsSkipped ? ` (${c.evalsSkipped} skipped)` : ''}`,
    `took ${formatDuration(r.endedAt.getTime() - r.startedAt.getTime())}`,
  ]
  out.push(facts.join(' · '), '')
  const unevaluated = unevaluatedNote(r.experiment)
  if (unevaluated) out.push(`⚠️ ${mdText(unevaluated)}`, '')
  const gates = gatesMarkdown(r)
  if (gates) out.push(gates.replace(/^### /, '#### '))
  if (r.experiment && r.status !== 'invalid') {
    out.push('#### Results', '', resultsTable(r.experiment, r), '')
    const charts = mermaidCharts(r)
    if (charts) out.push(charts)
  }
  const failed = [
    ...(r.optimize?.outcomes ?? []).filter((o) => o.result === 'failed'),
    ...(r.evaluate?.outcomes ?? []).filter((o) => o.result === 'failed'),
  ]
  const problems = r.errors.filter((p) => p.field !== 'require')
  if (failed.length > 0 || r.skippedEvals.length > 0 || problems.length > 0) {
    out.push('#### What failed', '')
    for (const p of problems) out.push(`- ${mdText(p.message)}`)
    for (const o of failed.slice(0, 30)) out.push(`- ${mdCode(o.job.display)}: ${mdText(failureText(o, r.private))}`)
    if (failed.length > 30) out.push(`- … and ${failed.length - 30} more (see the job summary)`)
    for (const s of r.skippedEvals.slice(0, 10))
      out.push(`- ${mdCode(s.display)} skipped: ${mdText(skipText(s, r.private))}`)
    out.push('')
  }
  if (r.compute && r.compute.length > 0) {
    const totals = computeTotals(r.compute)
    const all = totals.find((t) => t.phase === 'all') ?? totals[0]
    const title = all ? `Compute: ${r.compute.length} jobs, ${all.gpuHours.toFixed(2)} GPU-hours` : 'Compute'
    out.push(`<details><summary>${title}</summary>`, '', computeMarkdown(r.compute), '', '</details>', '')
  }
  const linkParts = [
    links.run ? `[workflow run](${mdUrl(links.run)})` : '',
    r.artifact && 'id' in r.artifact
      ? links.artifact
        ? `[artifact ${mdCode(r.artifact.name)}](${mdUrl(links.artifact(r.artifact.id))})`
        : `artifact ${mdCode(r.artifact.name)}`
      : '',
  ].filter(Boolean)
  if (linkParts.length > 0) out.push(linkParts.join(' · '), '')
  return out.join('\n')
}
