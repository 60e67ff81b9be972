/**
 * Compute used by an experiment, per job and per phase: wall time, queue wait, GPUs and GPU-hours
 * (SLURM's AllocTRES × elapsed; the local executor has none), peak memory (MaxRSS) and, where a
 * job wrote cruijff_kit's `gpu_metrics.csv` (nvidia-smi sampled every 30 s), mean GPU utilisation
 * and peak GPU memory. Pure functions over what the scheduler's `usage` (one `sacct` for all jobs)
 * and the transport (the CSV files) fetched.
 */
import { readTail } from '../cluster/read.js'
import type { Transport } from '../cluster/transport.js'
import { formatDuration } from '../engine/log.js'
import type { SchedulerUse } from '../engine/meter.js'
import type { JobOutcome } from '../engine/types.js'
import { err, messageOf, ok, type Result } from '../result.js'
import { markdownTable, strong } from './markdown.js'
import { LOOKBACK_MS, type JobUsage, type Scheduler } from '../scheduler/scheduler.js'
import type { ToolModule } from '../tools/tool.js'

/** Usage of a job of the local executor, from the times it recorded: no GPUs, no accounting. */
export function localUsage(
  jobId: string,
  times: { submittedIso?: string; startedIso?: string; endedIso?: string },
): JobUsage {
  const at = (iso?: string): number | undefined => (iso === undefined ? undefined : Date.parse(iso) || undefined)
  const u: JobUsage = { jobId, gpus: 0 }
  const submittedAt = at(times.submittedIso)
  const startedAt = at(times.startedIso)
  const endedAt = at(times.endedIso)
  if (submittedAt !== undefined) u.submittedAt = submittedAt
  if (startedAt !== undefined) u.startedAt = startedAt
  if (endedAt !== undefined) u.endedAt = endedAt
  return u
}

// ------------------------------------------------------------------ gpu_metrics.csv

export interface GpuMetrics {
  /** Data rows read (one per GPU per sample). */
  samples: number
  utilMeanPct?: number
  utilMaxPct?: number
  memPeakMiB?: number
  memTotalMiB?: number
  powerMeanW?: number
}

/** The columns cruijff_kit's job scripts ask nvidia-smi for, used when the header line is missing. */
const CRUIJFF_COLUMNS = [
  'timestamp',
  'utilization.gpu',
  'utilization.memory',
  'memory.used',
  'memory.total',
  'power.draw',
  'temperature.gpu',
]

/** `87 %`, `12345 MiB`, `250.12 W`: the number; `[N/A]`, `[Not Supported]` or junk: undefined. */
function nvidiaNumber(s: string | undefined): number | undefined {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*(?:%|MiB|W|C)?\s*$/.exec(s ?? '')
  return m ? Number(m[1]) : undefined
}

/** nvidia-smi's timestamp, `2026/01/05 09:00:30.104`, in the node's local time. */
function nvidiaTime(s: string | undefined): number | undefined {
  const m = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})/.exec(s ?? '')
  if (!m) return undefined
  const [, y, mo, d, h, mi, se] = m.map(Number)
  return new Date(y ?? 0, (mo ?? 1) - 1, d, h, mi, se).getTime()
}

/**
 * `nvidia-smi --query-gpu=... --format=csv` as cruijff_kit's scripts write it (header line with
 * units, one row per GPU every 30 s). Columns are found by the header's names, so a different
 * order or extra fields still read; rows cut short by a killed job are skipped. With a window
 * (epoch ms), only samples taken then count: jobs that share one file keep their own.
 */
export function parseGpuMetricsCsv(text: string, window?: { from: number; to: number }): Result<GpuMetrics, string> {
  let columns = CRUIJFF_COLUMNS
  const utils: number[] = []
  const mems: number[] = []
  const totals: number[] = []
  const powers: number[] = []
  let samples = 0
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) continue
    const cells = line.split(',').map((c) => c.trim())
    if (cells.some((c) => /^(utilization|memory)\./.test(c))) {
      columns = cells.map((c) => c.replace(/\s*\[.*\]$/, ''))
      continue
    }
    if (cells.length < columns.length) continue
    const get = (name: string): number | undefined => {
      const i = columns.indexOf(name)
      return i < 0 ? undefined : nvidiaNumber(cells[i])
    }
    if (window && columns.includes('timestamp')) {
      const at = nvidiaTime(cells[columns.indexOf('timestamp')])
      if (at === undefined || at < window.from || at > window.to) continue
    }
    samples++
    const u = get('utilization.gpu')
    const m = get('memory.used')
    const t = get('memory.total')
    const p = get('power.draw')
    if (u !== undefined) utils.push(u)
    if (m !== undefined) mems.push(m)
    if (t !== undefined) totals.push(t)
    if (p !== undefined) powers.push(p)
  }
  if (!columns.includes('utilization.gpu') && !columns.includes('memory.used'))
    return err('no utilization.gpu or memory.used column')
  const mean = (xs: number[]): number | undefined =>
    xs.length === 0 ? undefined : xs.reduce((a, b) => a + b, 0) / xs.length
  const max = (xs: number[]): number | undefined => (xs.length === 0 ? undefined : Math.max(...xs))
  const g: GpuMetrics = { samples }
  const fields: [keyof GpuMetrics, number | undefined][] = [
    ['utilMeanPct', mean(utils)],
    ['utilMaxPct', max(utils)],
    ['memPeakMiB', max(mems)],
    ['memTotalMiB', max(totals)],
    ['powerMeanW', mean(powers)],
  ]
  for (const [k, v] of fields) if (v !== undefined) g[k] = v
  return ok(g)
}

// ------------------------------------------------------------------ rows, totals, markdown

export interface ComputeJob {
  phase: string
  /** `lr1e-3`, `lr1e-3/capitalize/epoch1`; one entry per attempt when a job was retried. */
  display: string
  jobId: string | null
}

export interface ComputeRow {
  phase: string
  display: string
  jobId: string | null
  state?: string
  queueS?: number
  wallS?: number
  gpus: number
  gpuHours: number
  peakRssBytes?: number
  gpuUtilMeanPct?: number
  gpuMemPeakMiB?: number
}

/** Joins jobs with their usage and GPU metrics. Wall time of a running job counts up to `now`. */
export function computeRows(
  jobs: ComputeJob[],
  usage: Map<string, JobUsage>,
  gpuMetrics: Map<string, GpuMetrics>,
  now: number,
): ComputeRow[] {
  return jobs.map((j) => {
    const u = j.jobId === null ? undefined : usage.get(j.jobId)
    const g = j.jobId === null ? undefined : gpuMetrics.get(j.jobId)
    const row: ComputeRow = { phase: j.phase, display: j.display, jobId: j.jobId, gpus: u?.gpus ?? 0, gpuHours: 0 }
    if (!u) return row
    if (u.state !== undefined) row.state = u.state
    if (u.submittedAt !== undefined && u.startedAt !== undefined)
      row.queueS = Math.max(0, (u.startedAt - u.submittedAt) / 1000)
    const wall =
      u.elapsedS ?? (u.startedAt !== undefined ? Math.max(0, ((u.endedAt ?? now) - u.startedAt) / 1000) : undefined)
    if (wall !== undefined) {
      row.wallS = wall
      row.gpuHours = (row.gpus * wall) / 3600
    }
    if (u.maxRssBytes !== undefined) row.peakRssBytes = u.maxRssBytes
    if (g?.utilMeanPct !== undefined) row.gpuUtilMeanPct = g.utilMeanPct
    if (g?.memPeakMiB !== undefined) row.gpuMemPeakMiB = g.memPeakMiB
    return row
  })
}

export interface ComputeTotals {
  /** A phase, or `all`. */
  phase: string
  jobs: number
  wallS: number
  gpuHours: number
  /** Largest single-job values. */
  maxQueueS?: number
  peakRssBytes?: number
  gpuMemPeakMiB?: number
}

/** Totals per phase (in first-seen order), then `all` when there is more than one phase. */
export function computeTotals(rows: ComputeRow[]): ComputeTotals[] {
  const total = (phase: string, rs: ComputeRow[]): ComputeTotals => {
    const t: ComputeTotals = {
      phase,
      jobs: rs.length,
      wallS: rs.reduce((a, r) => a + (r.wallS ?? 0), 0),
      gpuHours: rs.reduce((a, r) => a + r.gpuHours, 0),
    }
    const peak = (xs: (number | undefined)[]): number | undefined => {
      const ns = xs.filter((x): x is number => x !== undefined)
      return ns.length > 0 ? Math.max(...ns) : undefined
    }
    const q = peak(rs.map((r) => r.queueS))
    const rss = peak(rs.map((r) => r.peakRssBytes))
    const gm = peak(rs.map((r) => r.gpuMemPeakMiB))
    if (q !== undefined) t.maxQueueS = q
    if (rss !== undefined) t.peakRssBytes = rss
    if (gm !== undefined) t.gpuMemPeakMiB = gm
    return t
  }
  const phases = [...new Set(rows.map((r) => r.phase))]
  const out = phases.map((p) =>
    total(
      p,
      rows.filter((r) => r.phase === p),
    ),
  )
  if (phases.length > 1) out.push(total('all', rows))
  return out
}

/** `166 MiB`, `1.6 GiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = bytes
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${v >= 10 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i] ?? 'B'}`
}

const dash = '–'

/** The compute table: one row per job, then a bold total row per phase (and overall). */
export function computeMarkdown(rows: ComputeRow[]): string {
  if (rows.length === 0) return ''
  const gpuCols = rows.some((r) => r.gpuUtilMeanPct !== undefined || r.gpuMemPeakMiB !== undefined)
  const header = ['Job', 'Phase', 'Job ID', 'State', 'Queue wait', 'Wall time', 'GPUs', 'GPU-hours', 'Peak memory']
  if (gpuCols) header.push('GPU util (mean)', 'Peak GPU memory')
  const dur = (s?: number): string => (s === undefined ? dash : formatDuration(s * 1000))
  const jobRows = rows.map((r) => [
    r.display,
    r.phase,
    r.jobId ?? dash,
    r.state ?? dash,
    dur(r.queueS),
    dur(r.wallS),
    String(r.gpus),
    r.gpuHours.toFixed(2),
    r.peakRssBytes === undefined ? dash : formatBytes(r.peakRssBytes),
    ...(gpuCols
      ? [
          r.gpuUtilMeanPct === undefined ? dash : `${Math.round(r.gpuUtilMeanPct)}%`,
          r.gpuMemPeakMiB === undefined ? dash : formatBytes(r.gpuMemPeakMiB * 1024 * 1024),
        ]
      : []),
  ])
  const totalRows = computeTotals(rows).map((t) => [
    strong(t.phase === 'all' ? 'Total' : `Total ${t.phase}`),
    t.phase === 'all' ? '' : t.phase,
    `${t.jobs} jobs`,
    '',
    t.maxQueueS === undefined ? dash : `max ${dur(t.maxQueueS)}`,
    strong(dur(t.wallS)),
    '',
    strong(t.gpuHours.toFixed(2)),
    t.peakRssBytes === undefined ? dash : `max ${formatBytes(t.peakRssBytes)}`,
    ...(gpuCols
      ? ['', t.gpuMemPeakMiB === undefined ? dash : `max ${formatBytes(t.gpuMemPeakMiB * 1024 * 1024)}`]
      : []),
  ])
  // Numbers from the fifth column on: right-aligned.
  const align = header.map((_, i): 'left' | 'right' => (i >= 4 ? 'right' : 'left'))
  return markdownTable(header, [...jobRows, ...totalRows], align)
}

// ------------------------------------------------------------------ collecting

/** One attempt of a job, with a job id: its row of the compute table and the times the engine recorded. */
interface Attempt {
  job: ComputeJob & { jobId: string }
  times: { submittedIso?: string; startedIso?: string; endedIso?: string }
}

/** Every attempt of one phase's jobs in this pass that has a job id, in the compute table's order. */
function attemptsOf(phase: string, outcomes: readonly JobOutcome[]): Attempt[] {
  return outcomes.flatMap((o) => [
    // Earlier attempts first (an out-of-memory retry's first try held its GPU too).
    ...(o.earlier ?? []).flatMap((a, i) =>
      a.job_id
        ? [
            {
              job: { phase, display: `${o.job.display} (attempt ${i + 1}, ${a.state})`, jobId: a.job_id },
              times: {
                submittedIso: a.submitted_iso,
                ...(a.started_iso ? { startedIso: a.started_iso } : {}),
                ...(a.ended_iso ? { endedIso: a.ended_iso } : {}),
              },
            },
          ]
        : [],
    ),
    ...(o.jobId
      ? [
          {
            job: { phase, display: o.job.display, jobId: o.jobId },
            times: {
              ...(o.submittedIso ? { submittedIso: o.submittedIso } : {}),
              ...(o.startedIso ? { startedIso: o.startedIso } : {}),
              ...(o.endedIso ? { endedIso: o.endedIso } : {}),
            },
          },
        ]
      : []),
  ])
}

/**
 * Usage of every job of this pass: the scheduler's accounting in one call when it keeps any, else
 * the times the engine recorded (the local executor: no GPUs). A failed accounting query is a
 * warning: the table then shows what the engine knows.
 */
export async function collectCompute(
  scheduler: Pick<Scheduler, 'usage'>,
  phases: { phase: string; outcomes: readonly JobOutcome[] }[],
  gpuMetrics: Map<string, GpuMetrics>,
  now: number,
): Promise<{ rows: ComputeRow[]; warning?: string }> {
  const attempts = phases.flatMap((p) => attemptsOf(p.phase, p.outcomes))
  if (attempts.length === 0) return { rows: [] }
  const usage = new Map<string, JobUsage>()
  let warning: string | undefined
  if (scheduler.usage) {
    const queries = attempts.map(({ job, times }) => ({
      jobId: job.jobId,
      submittedAt: times.submittedIso ?? new Date(now - LOOKBACK_MS).toISOString(),
    }))
    try {
      for (const [id, u] of await scheduler.usage(queries)) usage.set(id, u)
    } catch (e) {
      warning = `compute: the scheduler's accounting could not be read (${messageOf(e)}); times are the action's own`
    }
  }
  for (const { job, times } of attempts) if (!usage.has(job.jobId)) usage.set(job.jobId, localUsage(job.jobId, times))
  const jobs = attempts.map((a) => a.job)
  return { rows: computeRows(jobs, usage, gpuMetrics, now), ...(warning ? { warning } : {}) }
}

/** Slack on a job's time window for the clocks of the node and of accounting. */
const WINDOW_SLACK_MS = 60_000
/** The end of a GPU-metrics file that is read: 5 days of 30 s samples on 8 GPUs is about 13 MB. */
const MAX_GPU_CSV_BYTES = 16 * 1024 * 1024

/**
 * GPU metrics of the jobs whose scripts wrote them: each file read once (its end, bounded), each
 * job keeping the samples of its own time window. Files that are not there are no GPU metrics.
 */
export async function collectGpuMetrics(
  transport: Transport,
  jobs: { jobId: string; file: string; startedIso?: string; endedIso?: string }[],
  now: number,
): Promise<Map<string, GpuMetrics>> {
  const out = new Map<string, GpuMetrics>()
  const texts = new Map<string, string | null>()
  for (const j of jobs) {
    if (!texts.has(j.file)) {
      const bytes = await readTail(transport, j.file, MAX_GPU_CSV_BYTES).catch(() => null)
      texts.set(j.file, bytes ? bytes.toString('utf8') : null)
    }
    const text = texts.get(j.file)
    const from = j.startedIso ? Date.parse(j.startedIso) : NaN
    if (!text || Number.isNaN(from)) continue
    const to = j.endedIso ? Date.parse(j.endedIso) : now
    const g = parseGpuMetricsCsv(text, {
      from: from - WINDOW_SLACK_MS,
      to: (Number.isNaN(to) ? now : to) + WINDOW_SLACK_MS,
    })
    if (g.ok && g.value.samples > 0) out.set(j.jobId, g.value)
  }
  return out
}

/**
 * The compute table of one experiment's pass: accounting (or the engine's times) for every job,
 * and GPU metrics from the files the tool modules say their scripts write.
 */
export async function computeOf(
  transport: Transport,
  scheduler: Pick<Scheduler, 'usage'>,
  runDir: string,
  phases: { phase: string; tool: Pick<ToolModule, 'gpuMetricsFile'>; outcomes: readonly JobOutcome[] }[],
  now: number,
): Promise<{ rows: ComputeRow[]; warning?: string }> {
  const files = phases.flatMap(({ tool, outcomes }) =>
    outcomes.flatMap((o) => {
      const file = o.jobId ? tool.gpuMetricsFile?.(runDir, o.job, o.output) : undefined
      if (!o.jobId || !file) return []
      return [
        {
          jobId: o.jobId,
          file,
          ...(o.startedIso ? { startedIso: o.startedIso } : {}),
          ...(o.endedIso ? { endedIso: o.endedIso } : {}),
        },
      ]
    }),
  )
  const gpu = await collectGpuMetrics(transport, files, now)
  return collectCompute(scheduler, phases, gpu, now)
}

/**
 * What the scheduler cost each phase: `optimize: 12 status queries (median 40 ms, max 130 ms), 2
 * submissions`, one line each; empty when no phase measured it.
 */
export function schedulerUseLines(phases: readonly (readonly [string, SchedulerUse | undefined])[]): string[] {
  return phases.flatMap(([phase, use]) =>
    use
      ? [
          `- ${phase}: ${use.statusQueries} status ${use.statusQueries === 1 ? 'query' : 'queries'}` +
            (use.statusQueries ? ` (median ${use.statusMedianMs} ms, max ${use.statusMaxMs} ms)` : '') +
            `, ${use.submissions} ${use.submissions === 1 ? 'submission' : 'submissions'}`,
        ]
      : [],
  )
}
