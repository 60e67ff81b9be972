/**
 * Copies the checked-out experiment into its run directory (actions/checkout cleans the
 * workspace on every run, so state, logs and checkpoints live outside it). Never overwrites logs,
 * state or outputs; a scaffold file that differs from the one a live or successful job ran with
 * is a reported conflict, not a silent overwrite.
 */
import { createHash } from 'node:crypto'
import { promises as fs } from 'node:fs'
import type { StateEntry } from '../engine/state.js'
import { isTerminal } from '../scheduler/scheduler.js'
import type { Transport } from './transport.js'

export interface StageReport {
  copied: string[]
  updated: string[]
  unchanged: number
  conflicts: { path: string; reason: string }[]
}

/** Paths (relative, '/'-separated) that belong to the run, not to the scaffold. */
export function isRunOutput(rel: string): boolean {
  const parts = rel.split('/')
  const base = parts[parts.length - 1] ?? ''
  if (parts.some((p) => p === 'artifacts' || p === 'logs' || p === '.git' || p.startsWith('.run-experiment')))
    return true
  if (/^run-.*\.(log|state\.json)$/.test(base) || base === 'summary.md' || base === 'run-experiment-summary.md')
    return true
  if (/^slurm-.*\.out$/.test(base) || base.endsWith('.eval') || base.endsWith('.tmp')) return true
  return false
}

export async function stageExperiment(
  sourceDir: string,
  runDir: string,
  transport: Transport,
  entries: StateEntry[],
): Promise<StageReport> {
  const report: StageReport = { copied: [], updated: [], unchanged: 0, conflicts: [] }
  // Which file hash each live or successful job ran with.
  const inUse = new Map<string, { hash: string; state: string; name: string }>()
  // Configs the action itself adjusted (out-of-memory retries) stay as adjusted, silently.
  const adjusted = new Set<string>()
  for (const e of entries) {
    if (e.retry_history?.length)
      for (const path of Object.keys(e.inputs ?? {})) if (path.endsWith('/finetune.yaml')) adjusted.add(path)
    const live = !isTerminal(e.state) || (e.state === 'COMPLETED' && e.validated === true)
    if (!live || !e.inputs) continue
    for (const [path, hash] of Object.entries(e.inputs)) inUse.set(path, { hash, state: e.state, name: e.name ?? path })
  }
  for (const rel of await walk(sourceDir)) {
    if (isRunOutput(rel)) continue
    const data = await fs.readFile(`${sourceDir}/${rel}`)
    const existing = await transport.readFile(`${runDir}/${rel}`)
    if (existing && existing.equals(data)) {
      report.unchanged++
      continue
    }
    if (existing && adjusted.has(rel)) {
      report.unchanged++
      continue
    }
    if (existing) {
      const used = inUse.get(rel)
      if (used && used.hash !== sha256(data)) {
        report.conflicts.push({
          path: rel,
          reason: `job ${used.name} (${used.state}) ran with the version in the run directory; the checked-out file differs and was not copied`,
        })
        continue
      }
    }
    await transport.writeFileAtomic(`${runDir}/${rel}`, data)
    const mode = (await fs.stat(`${sourceDir}/${rel}`)).mode & 0o777
    if (transport.description === 'local') await fs.chmod(`${runDir}/${rel}`, mode)
    ;(existing ? report.updated : report.copied).push(rel)
  }
  return report
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

async function walk(root: string, prefix = ''): Promise<string[]> {
  const out: string[] = []
  const entries = await fs.readdir(`${root}/${prefix}`, { withFileTypes: true })
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name
    if (e.isDirectory()) {
      if (!isRunOutput(rel)) out.push(...(await walk(root, rel)))
    } else if (e.isFile()) out.push(rel)
  }
  return out
}
