/**
 * torchtune: one fine-tuning job per fine-tuned run (`{run}/finetune.slurm`, which runs
 * `tune run ... --config finetune.yaml`). Success: exit 0 and a usable `epoch_{N}` checkpoint under
 * finetune.yaml's `output_dir` for every epoch the matrix evaluates.
 */
import { parse as parseYaml } from 'yaml'
import type { Transport } from '../cluster/transport.js'
import type { ToolModule, PlannedJob, RetryContext, RetryDecision, ValidationContext, Validation } from './tool.js'
import { joinPath, resolvePath } from './tool.js'

/** At most this many out-of-memory re-submissions per run. */
export const MAX_OOM_RETRIES = 3
/** What a CUDA out-of-memory looks like in a job's output (it ends as FAILED, not OUT_OF_MEMORY). */
const CUDA_OOM = /torch\.OutOfMemoryError|CUDA out of memory|torch\.cuda\.OutOfMemoryError/i

/** Files whose presence makes an epoch directory a usable checkpoint (HF or torchtune format). */
const WEIGHT_FILE = /\.(safetensors|pt|bin)$/

export const torchtune: ToolModule = {
  name: 'torchtune',
  phase: 'optimize',
  logFile: 'run-torchtune.log',
  stateFile: 'run-torchtune.state.json',
  submitAction: 'SUBMIT_JOB',

  plan(_experiment, scaffold): PlannedJob[] {
    return scaffold.training.map((t) => ({
      key: joinPath(t.dir, t.script),
      display: t.run,
      run: t.run,
      dir: t.dir,
      script: t.script,
      inputs: [joinPath(t.dir, t.script), joinPath(t.dir, t.config)],
    }))
  },

  async validate(ctx: ValidationContext): Promise<Validation> {
    const jobDir = resolvePath(ctx.runDir, ctx.job.dir)
    const outputDir = await checkpointRoot(ctx.transport, jobDir)
    const epochs = [
      ...new Set(
        ctx.experiment.cells.filter((c) => c.run === ctx.job.run && c.epoch !== null).map((c) => c.epoch as number),
      ),
    ].sort((a, b) => a - b)
    const checkpoints: Record<string, string> = {}
    const missing: string[] = []
    for (const epoch of epochs) {
      const dir = `${outputDir}/epoch_${epoch}`
      const entries = await ctx.transport.list(dir)
      if (entries && entries.some((e) => !e.isDirectory && WEIGHT_FILE.test(e.name))) checkpoints[String(epoch)] = dir
      else missing.push(entries ? `${dir} (no weight files in it)` : dir)
    }
    const outputs: Record<string, unknown> = { output_dir: outputDir, checkpoints }
    const losses = await readLosses(ctx.transport, outputDir, ctx.outputFile, ctx.since)
    if (losses.length > 0) {
      outputs['final_loss'] = losses[losses.length - 1]?.loss
      outputs['total_steps'] = losses[losses.length - 1]?.step
      outputs['loss_curve'] = thin(losses, 200)
    }
    if (missing.length > 0) return { ok: false, problem: `checkpoint missing: ${missing.join(', ')}`, outputs }
    return { ok: true, outputs }
  },

  async retry(ctx: RetryContext): Promise<RetryDecision | null> {
    let detectedVia: string | undefined
    if (ctx.state === 'OUT_OF_MEMORY') detectedVia = 'slurm_state'
    else if (ctx.state === 'FAILED' && ctx.outputFile) {
      const bytes = await ctx.transport.readFile(ctx.outputFile)
      if (bytes && CUDA_OOM.test(bytes.subarray(Math.max(0, bytes.length - 65536)).toString('utf8')))
        detectedVia = 'cuda_log'
    }
    if (!detectedVia) return null
    if (ctx.retries >= MAX_OOM_RETRIES)
      return { retry: false, reason: `out of memory again after ${MAX_OOM_RETRIES} retries with smaller batches` }
    const path = `${resolvePath(ctx.runDir, ctx.job.dir)}/finetune.yaml`
    const text = (await ctx.transport.readFile(path))?.toString('utf8')
    if (text === undefined) return { retry: false, reason: 'out of memory, and finetune.yaml is gone' }
    const batch = /^batch_size:[ \t]*(\d+)[ \t]*(#.*)?$/m.exec(text)
    if (!batch?.[1])
      return { retry: false, reason: 'out of memory, and finetune.yaml has no top-level batch_size to reduce' }
    const oldBatch = Number(batch[1])
    if (oldBatch <= 1) return { retry: false, reason: 'out of memory with batch_size already 1' }
    const ga = /^gradient_accumulation_steps:[ \t]*(\d+)[ \t]*(#.*)?$/m.exec(text)
    const oldGa = ga?.[1] ? Number(ga[1]) : 1
    const newBatch = Math.max(1, Math.floor(oldBatch / 2))
    const newGa = oldGa * 2
    // Edit the two lines in place, keeping comments and order; the effective batch size stays the same.
    let edited = text.replace(/^batch_size:[ \t]*\d+/m, `batch_size: ${newBatch}`)
    edited = ga
      ? edited.replace(/^gradient_accumulation_steps:[ \t]*\d+/m, `gradient_accumulation_steps: ${newGa}`)
      : `${edited.replace(/\n?$/, '\n')}gradient_accumulation_steps: ${newGa}\n`
    await ctx.transport.writeFileAtomic(path, edited)
    return {
      retry: true,
      detectedVia,
      settings: { batch_size: newBatch, gradient_accumulation_steps: newGa },
      description: `batch_size ${oldBatch} -> ${newBatch}, gradient_accumulation_steps ${oldGa} -> ${newGa} (attempt ${ctx.retries + 1}/${MAX_OOM_RETRIES}); finetune.yaml updated`,
    }
  },
}

/** finetune.yaml's `output_dir` (top level, or the checkpointer's), resolved against the job directory. */
async function checkpointRoot(transport: Transport, jobDir: string): Promise<string> {
  const bytes = await transport.readFile(`${jobDir}/finetune.yaml`)
  let config: Record<string, unknown> = {}
  try {
    const parsed: unknown = bytes ? parseYaml(bytes.toString('utf8')) : null
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) config = parsed as Record<string, unknown>
  } catch {
    // an unreadable config: the job would have failed; fall back to the conventional location
  }
  const checkpointer = config['checkpointer']
  const fromCheckpointer =
    checkpointer && typeof checkpointer === 'object'
      ? (checkpointer as Record<string, unknown>)['output_dir']
      : undefined
  const raw =
    typeof config['output_dir'] === 'string'
      ? config['output_dir']
      : typeof fromCheckpointer === 'string'
        ? fromCheckpointer
        : 'artifacts'
  return resolvePath(jobDir, interpolate(raw, config))
}

/** OmegaConf-style `${key}` references to top-level string values. */
function interpolate(value: string, config: Record<string, unknown>, depth = 0): string {
  if (depth > 5) return value
  const out = value.replace(/\$\{([A-Za-z0-9_.]+)\}/g, (whole, key: string) => {
    const v = config[key]
    return typeof v === 'string' || typeof v === 'number' ? String(v) : whole
  })
  return out === value ? out : interpolate(out, config, depth + 1)
}

export interface LossPoint {
  /** 1-based, as torchtune prints it; absent in the metric log. */
  epoch?: number
  step: number
  loss: number
}

/**
 * The loss curve: torchtune's metric log (`{output_dir}/logs/log_*.txt`, lines `Step 12 | loss:2.3 ...`)
 * written by this job, else the progress lines `1|12|Loss: 2.345` (1-based epoch) in the job output.
 */
export async function readLosses(
  transport: Transport,
  outputDir: string,
  outputFile: string | undefined,
  since: string | undefined,
): Promise<LossPoint[]> {
  const logDir = `${outputDir}/logs`
  const sinceMs = since ? Date.parse(since) - 5000 : 0
  const candidates: { path: string; mtime: number }[] = []
  for (const e of (await transport.list(logDir)) ?? []) {
    if (e.isDirectory || !/^log_.*\.txt$/.test(e.name)) continue
    const st = await transport.stat(`${logDir}/${e.name}`)
    if (st && st.mtimeMs >= sinceMs) candidates.push({ path: `${logDir}/${e.name}`, mtime: st.mtimeMs })
  }
  const newest = candidates.sort((a, b) => b.mtime - a.mtime)[0]
  if (newest) {
    const text = (await transport.readFile(newest.path))?.toString('utf8') ?? ''
    const points: LossPoint[] = []
    for (const m of text.matchAll(/^Step (\d+) \| loss:([^ \n]+)/gm)) {
      const loss = Number(m[2])
      if (Number.isFinite(loss)) points.push({ step: Number(m[1]), loss })
    }
    if (points.length > 0) return points
  }
  if (!outputFile) return []
  const bytes = await transport.readFile(outputFile)
  if (!bytes) return []
  const points: LossPoint[] = []
  for (const m of bytes.toString('utf8').matchAll(/(\d+)\|(\d+)\|Loss: ([0-9.eE+-]+)/g)) {
    const step = Number(m[2])
    const loss = Number(m[3])
    if (!Number.isFinite(loss)) continue
    const last = points[points.length - 1]
    if (last && last.step === step) last.loss = loss
    else points.push({ epoch: Number(m[1]), step, loss })
  }
  return points
}

function thin<T>(points: T[], max: number): T[] {
  if (points.length <= max) return points
  const stride = points.length / max
  const out: T[] = []
  for (let i = 0; i < max; i++) {
    const p = points[Math.floor(i * stride)]
    if (p !== undefined) out.push(p)
  }
  const last = points[points.length - 1]
  if (last !== undefined) out[out.length - 1] = last
  return out
}
