/**
 * Charts of the results: a Mermaid bar chart per task for the job summary (GitHub renders Mermaid
 * in markdown), and one SVG file (bars per task, training-loss curves) for the run directory and
 * the artifact.
 */
import type { LossPoint } from '../tools/tool.js'
import type { RunReport } from './model.js'
import { mermaidText, xmlText } from './markdown.js'
import { evaluationOf, headlineMetric, trainingOf } from './results.js'

interface Bar {
  label: string
  value: number
}

/** The headline metric of each successful evaluation, grouped by task. */
export function metricBars(r: RunReport): Map<string, { metric: string; bars: Bar[] }> {
  const byTask = new Map<string, { metric: string; bars: Bar[] }>()
  for (const o of r.evaluate?.outcomes ?? []) {
    const cell = o.job.cell
    if (o.result !== 'succeeded' || !cell) continue
    const headline = headlineMetric(evaluationOf(o))
    if (!headline) continue
    const group = byTask.get(cell.task) ?? { metric: headline.name, bars: [] }
    group.bars.push({ label: cell.epoch === null ? cell.run : `${cell.run} ep${cell.epoch}`, value: headline.value })
    byTask.set(cell.task, group)
  }
  return byTask
}

export function mermaidCharts(r: RunReport): string {
  const out: string[] = []
  for (const [task, { metric, bars }] of metricBars(r)) {
    const max = Math.max(1, ...bars.map((b) => b.value))
    out.push(
      '```mermaid',
      'xychart-beta',
      `    title "${mermaidText(task)}: ${mermaidText(metric)}"`,
      `    x-axis [${bars.map((b) => `"${mermaidText(b.label)}"`).join(', ')}]`,
      `    y-axis "${mermaidText(metric)}" 0 --> ${round(max)}`,
      `    bar [${bars.map((b) => round(b.value)).join(', ')}]`,
      '```',
      '',
    )
  }
  return out.join('\n')
}

/** The training-loss curves worth drawing (more than one point), one per run. */
function lossCurves(r: RunReport): { run: string; points: LossPoint[] }[] {
  return [...(r.optimize?.outcomes ?? [])]
    .map((o) => ({
      run: o.job.run,
      points: trainingOf(o)?.lossCurve ?? [],
    }))
    .filter((c) => c.points.length > 1)
}

/** Whether resultsSvg has anything to draw. */
export function hasResultsChart(r: RunReport): boolean {
  return metricBars(r).size > 0 || lossCurves(r).length > 0
}

/** A self-contained SVG: one bar group per task, then the training-loss curves. */
export function resultsSvg(r: RunReport): string | undefined {
  const groups = [...metricBars(r)]
  const curves = lossCurves(r)
  if (groups.length === 0 && curves.length === 0) return undefined
  const width = 720
  const rowH = 22
  const parts: string[] = []
  let y = 30
  parts.push(`<text x="10" y="20" font-size="16" font-weight="bold">${xmlText(r.experimentName)}: results</text>`)
  for (const [task, { metric, bars }] of groups) {
    const max = Math.max(1, ...bars.map((b) => b.value))
    const title = `${xmlText(task)} — ${xmlText(metric)}`
    parts.push(`<text x="10" y="${y + 16}" font-size="13" font-weight="bold">${title}</text>`)
    y += 24
    for (const b of bars) {
      const w = Math.max(1, (b.value / max) * 400)
      parts.push(
        `<text x="170" y="${y + 15}" font-size="12" text-anchor="end">${xmlText(b.label)}</text>`,
        `<rect x="180" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="#2f81f7"/>`,
        `<text x="${(186 + w).toFixed(1)}" y="${y + 15}" font-size="12">${round(b.value)}</text>`,
      )
      y += rowH
    }
    y += 10
  }
  if (curves.length > 0) {
    const plotH = 200
    const x0 = 60
    const x1 = width - 20
    const top = y + 30
    const maxStep = Math.max(...curves.flatMap((c) => c.points.map((p) => p.step)))
    const maxLoss = Math.max(...curves.flatMap((c) => c.points.map((p) => p.loss)))
    const colors = ['#2f81f7', '#d1242f', '#1a7f37', '#9a6700', '#8250df', '#bf3989']
    parts.push(
      `<text x="10" y="${y + 16}" font-size="13" font-weight="bold">training loss</text>`,
      `<line x1="${x0}" y1="${top + plotH}" x2="${x1}" y2="${top + plotH}" stroke="#888"/>`,
      `<line x1="${x0}" y1="${top}" x2="${x0}" y2="${top + plotH}" stroke="#888"/>`,
      `<text x="${x0 - 5}" y="${top + 10}" font-size="11" text-anchor="end">${round(maxLoss)}</text>`,
      `<text x="${x0 - 5}" y="${top + plotH}" font-size="11" text-anchor="end">0</text>`,
      `<text x="${x1}" y="${top + plotH + 15}" font-size="11" text-anchor="end">step ${maxStep}</text>`,
    )
    curves.forEach((c, i) => {
      const color = colors[i % colors.length] ?? '#000'
      const pts = c.points
        .map(
          (p) =>
            `${(x0 + (p.step / maxStep) * (x1 - x0)).toFixed(1)},` +
            (top + plotH - (p.loss / (maxLoss || 1)) * plotH).toFixed(1),
        )
        .join(' ')
      parts.push(
        `<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${pts}"/>`,
        `<text x="${x1 - 100}" y="${top + 15 + i * 15}" font-size="12" fill="${color}">${xmlText(c.run)}</text>`,
      )
    })
    y = top + plotH + 25
  }
  const open = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 10}" font-family="sans-serif">`
  return `${open}\n<rect width="100%" height="100%" fill="white"/>\n${parts.join('\n')}\n</svg>\n`
}

function round(v: number): string {
  return String(Math.round(v * 1000) / 1000)
}
