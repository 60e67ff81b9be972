/**
 * Copies a checked-out directory into the run directory through the transport, file by file, as a
 * policy decides (engine/staging.ts says which files belong to the run and which are in use). This
 * module only walks and moves files; it keeps each file's permission bits.
 */
import { promises as fs } from 'node:fs'
import type { Transport } from './transport.js'

/** What to do with one file: copy it over, keep the run directory's version, or report a conflict. */
export type StageDecision = 'copy' | 'keep' | { conflict: string }

export interface StagePolicy {
  /** Paths (relative, '/'-separated) never copied nor descended into. */
  skip(rel: string): boolean
  /** For a file that differs from the run directory's copy (absent there: existing is null). */
  decide(rel: string, data: Buffer, existing: Buffer | null): StageDecision
}

export interface StageReport {
  copied: string[]
  updated: string[]
  unchanged: number
  conflicts: { path: string; reason: string }[]
}

export async function stageFiles(
  sourceDir: string,
  runDir: string,
  transport: Transport,
  policy: StagePolicy,
): Promise<StageReport> {
  const report: StageReport = { copied: [], updated: [], unchanged: 0, conflicts: [] }
  for (const rel of await walk(sourceDir, policy)) {
    const data = await fs.readFile(`${sourceDir}/${rel}`)
    const existing = await transport.readFile(`${runDir}/${rel}`)
    if (existing?.equals(data)) {
      report.unchanged++
      continue
    }
    const decision = policy.decide(rel, data, existing)
    if (decision === 'keep') {
      report.unchanged++
      continue
    }
    if (decision !== 'copy') {
      report.conflicts.push({ path: rel, reason: decision.conflict })
      continue
    }
    const mode = (await fs.stat(`${sourceDir}/${rel}`)).mode & 0o777
    await transport.writeFileAtomic(`${runDir}/${rel}`, data, { mode })
    ;(existing ? report.updated : report.copied).push(rel)
  }
  return report
}

async function walk(root: string, policy: StagePolicy, prefix = ''): Promise<string[]> {
  const out: string[] = []
  const entries = await fs.readdir(`${root}/${prefix}`, { withFileTypes: true })
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name
    if (policy.skip(rel)) continue
    if (e.isDirectory()) out.push(...(await walk(root, policy, rel)))
    else if (e.isFile()) out.push(rel)
  }
  return out
}
