/**
 * Uploads the experiment's logs and summaries as a workflow artifact with @actions/artifact.
 * Files are read through the transport (they may live on the cluster), copied into a local
 * staging folder, then zipped and uploaded. Never checkpoints. A failure is a warning with the
 * reason: the files stay in the run directory.
 */
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { Transport } from '../cluster/transport.js'
import { err, messageOf, ok, type Result } from '../result.js'

/** Largest part of one file that goes into the artifact (job outputs can be huge: the tail is what matters). */
const MAX_FILE_BYTES = 20 * 1024 * 1024

export interface ArtifactRequest {
  transport: Transport
  runDir: string
  /** Absolute paths on the cluster; those outside runDir keep their base name only. */
  files: string[]
  name: string
  retentionDays: number
  /** Delete an artifact of this name first (re-upload within the same run). */
  replace: boolean
  env: Record<string, string | undefined>
}

export type ArtifactOutcome = { skipped: string } | { id: number; size: number; files: number }

export async function uploadArtifact(req: ArtifactRequest): Promise<Result<ArtifactOutcome, string>> {
  if (!req.env['ACTIONS_RUNTIME_TOKEN'] || !req.env['ACTIONS_RESULTS_URL']) {
    return ok({ skipped: 'not running inside GitHub Actions (no ACTIONS_RUNTIME_TOKEN / ACTIONS_RESULTS_URL)' })
  }
  const staging = mkdtempSync(join(req.env['RUNNER_TEMP'] || tmpdir(), 'run-experiment-artifact-'))
  try {
    const local: string[] = []
    for (const path of [...new Set(req.files)]) {
      const bytes = await req.transport.readFile(path)
      if (!bytes) continue
      const rel = path.startsWith(`${req.runDir}/`)
        ? path.slice(req.runDir.length + 1)
        : (path.split('/').pop() ?? 'file')
      const target = join(staging, rel)
      mkdirSync(dirname(target), { recursive: true })
      writeFileSync(target, bytes.length > MAX_FILE_BYTES ? bytes.subarray(bytes.length - MAX_FILE_BYTES) : bytes)
      local.push(target)
    }
    if (local.length === 0) return ok({ skipped: 'no files to upload yet' })
    // Loaded on demand: the artifact client (and the Azure SDK under it) is most of the bundle.
    const { DefaultArtifactClient } = await import('@actions/artifact')
    const client = new DefaultArtifactClient()
    if (req.replace) {
      try {
        await client.deleteArtifact(req.name)
      } catch {
        // nothing to replace
      }
    }
    const r = await client.uploadArtifact(
      req.name,
      local,
      staging,
      req.retentionDays > 0 ? { retentionDays: req.retentionDays } : {},
    )
    if (r.id === undefined) return err('the artifact service returned no id')
    return ok({ id: r.id, size: r.size ?? 0, files: local.length })
  } catch (e) {
    return err(messageOf(e))
  } finally {
    rmSync(staging, { recursive: true, force: true })
  }
}

/** `run-experiment-{experiment name}-attempt{N}`: names are immutable within a workflow run, and "re-run jobs" is the same run. */
export function artifactName(input: string, experimentName: string, attempt: string | undefined): string {
  const base = (input || `run-experiment-${experimentName}`).replace(/["':<>|*?\\/\r\n]+/g, '_')
  return `${base}-attempt${attempt || '1'}`
}
