/**
 * Uploads the experiment's logs and summaries as a workflow artifact with @actions/artifact.
 * Files are read through the transport (they may live on the cluster), copied into a local
 * staging folder, then zipped and uploaded. Never checkpoints. A failure is a warning with the
 * reason: the files stay in the run directory.
 *
 * An upload has a deadline of its own: an artifact service that never answers costs the experiment
 * `deadlineMs`, no more (the upload is abandoned, not awaited). Of a file, at most its last
 * MAX_FILE_BYTES are read, in bounded ranges: job outputs can be gigabytes.
 */
import { appendFileSync, mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { SCAN_CHUNK_BYTES } from '../cluster/read.js'
import type { Transport } from '../cluster/transport.js'
import { err, ok, type Result } from '../result.js'
import { withDeadline } from './deadline.js'

/** Largest part of one file that goes into the artifact (job outputs can be huge: the tail is what matters). */
const MAX_FILE_BYTES = 20 * 1024 * 1024
/** Default deadline of one upload (staging, zipping, the service's answers), milliseconds. */
export const UPLOAD_DEADLINE_MS = 120_000

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
  /** Give up after this long (default UPLOAD_DEADLINE_MS). */
  deadlineMs?: number
  /** Give up at once when this is aborted (the runner is stopping the step). */
  finishNow?: AbortSignal
}

export type ArtifactOutcome = { skipped: string } | { id: number; size: number; files: number }

export async function uploadArtifact(req: ArtifactRequest): Promise<Result<ArtifactOutcome, string>> {
  if (!req.env['ACTIONS_RUNTIME_TOKEN'] || !req.env['ACTIONS_RESULTS_URL']) {
    return ok({ skipped: 'not running inside GitHub Actions (no ACTIONS_RUNTIME_TOKEN / ACTIONS_RESULTS_URL)' })
  }
  const deadlineMs = req.deadlineMs ?? UPLOAD_DEADLINE_MS
  let staging: string
  try {
    staging = mkdtempSync(join(req.env['RUNNER_TEMP'] || tmpdir(), 'run-experiment-artifact-'))
  } catch (e) {
    return err(`cannot create a staging folder: ${describeError(e)}`)
  }
  const work = stageAndUpload(req, staging).then(
    (r) => r,
    (e: unknown) => err(describeError(e)),
  )
  // The staging folder goes when the upload is over, even one abandoned at the deadline.
  void work.then(() => {
    try {
      rmSync(staging, { recursive: true, force: true })
    } catch {
      // a staging folder left in RUNNER_TEMP, which the runner cleans
    }
  })
  return withDeadline(
    work,
    deadlineMs,
    () => err(`no answer from the artifact service within ${Math.round(deadlineMs / 1000)} s`),
    { signal: req.finishNow, value: () => err('abandoned: the runner is stopping the step') },
  )
}

async function stageAndUpload(req: ArtifactRequest, staging: string): Promise<Result<ArtifactOutcome, string>> {
  const local: string[] = []
  for (const path of [...new Set(req.files)]) {
    const rel = path.startsWith(`${req.runDir}/`)
      ? path.slice(req.runDir.length + 1)
      : (path.split('/').pop() ?? 'file')
    const target = join(staging, rel)
    if (await copyTail(req.transport, path, target)) local.push(target)
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
}

/**
 * Copies the last MAX_FILE_BYTES of a file into `target`, a chunk at a time; false when it does not exist or
 * its content cannot be read (the transport refuses it: no empty stand-in is uploaded).
 */
async function copyTail(transport: Transport, path: string, target: string): Promise<boolean> {
  const st = await transport.stat(path)
  if (!st || st.isDirectory) return false
  mkdirSync(dirname(target), { recursive: true })
  writeFileSync(target, '')
  const from = Math.max(0, st.size - MAX_FILE_BYTES)
  for (let pos = from; pos < st.size; pos += SCAN_CHUNK_BYTES) {
    const chunk = await transport.readRange(path, pos, Math.min(SCAN_CHUNK_BYTES, st.size - pos))
    if (chunk === null && pos === from) {
      rmSync(target, { force: true })
      return false
    }
    if (!chunk || chunk.length === 0) break
    appendFileSync(target, chunk)
  }
  return true
}

/**
 * Never an empty reason: the message, else what the error says of itself (name, code, HTTP status),
 * else its text. (An answer 401 from the blob store once gave `artifact upload failed ()`.)
 */
export function describeError(e: unknown): string {
  if (e instanceof Error) {
    const extra = e as Error & { code?: unknown; statusCode?: unknown; status?: unknown }
    const status = extra.statusCode ?? extra.status
    const parts = [
      e.message.trim(),
      typeof extra.code === 'string' || typeof extra.code === 'number' ? `code ${String(extra.code)}` : '',
      typeof status === 'number' || typeof status === 'string' ? `HTTP ${String(status)}` : '',
    ].filter(Boolean)
    if (parts.length > 0) return parts.join(', ')
    return e.name && e.name !== 'Error' ? e.name : 'an error without a message'
  }
  const text = typeof e === 'string' ? e.trim() : JSON.stringify(e)
  return text && text !== '""' ? text : 'an error without a message'
}

/**
 * `run-experiment-{experiment name}-attempt{N}`: names are immutable within a workflow run, and "re-run jobs"
 * is the same run.
 */
export function artifactName(input: string, experimentName: string, attempt: string | undefined): string {
  const base = (input || `run-experiment-${experimentName}`).replace(/["':<>|*?\\/\r\n]+/g, '_')
  return `${base}-attempt${attempt || '1'}`
}
