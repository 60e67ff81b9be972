/**
 * torchtune: one fine-tuning job per fine-tuned run (`{run}/finetune.slurm`, which runs
 * `tune run ... --config finetune.yaml`). Success: exit 0 and a usable `epoch_{N}` checkpoint under
 * finetune.yaml's `output_dir` for every epoch the matrix evaluates.
 */
import { parse as parseYaml } from 'yaml'
import type { Transport } from '../cluster/transport.js'
import type { ToolModule, PlannedJob, ValidationContext, Validation } from './tool.js'
import { joinPath, resolvePath } from './tool.js'

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
    const epochs = [...new Set(ctx.experiment.cells.filter((c) => c.run === ctx.job.run && c.epoch !== null).map((c) => c.epoch as number))].sort((a, b) => a - b)
    const checkpoints: Record<string, string> = {}
    const missing: string[] = []
    for (const epoch of epochs) {
      const dir = `${outputDir}/epoch_${epoch}`
      const entries = await ctx.transport.list(dir)
      if (entries && entries.some((e) => !e.isDirectory && WEIGHT_FILE.test(e.name))) checkpoints[String(epoch)] = dir
      else missing.push(entries ? `${dir} (no weight files in it)` : dir)
    }
    const outputs: Record<string, unknown> = { output_dir: outputDir, checkpoints }
    const losses = ctx.outputFile ? await readLosses(ctx.transport, ctx.outputFile) : []
    if (losses.length > 0) {
      outputs['final_loss'] = losses[losses.length - 1]?.loss
      outputs['total_steps'] = losses[losses.length - 1]?.step
      outputs['loss_curve'] = thin(losses, 200)
    }
    if (missing.length > 0) return { ok: false, problem: `checkpoint missing: ${missing.join(', ')}`, outputs }
    return { ok: true, outputs }
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
  const fromCheckpointer = checkpointer && typeof checkpointer === 'object' ? (checkpointer as Record<string, unknown>)['output_dir'] : undefined
  const raw = typeof config['output_dir'] === 'string' ? config['output_dir'] : typeof fromCheckpointer === 'string' ? fromCheckpointer : 'artifacts'
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
  epoch: number
  step: number
  loss: number
}

/** torchtune's progress lines `1|12|Loss: 2.345` (epoch is 1-based there) from the job output. */
export async function readLosses(transport: Transport, outputFile: string): Promise<LossPoint[]> {
  const bytes = await transport.readFile(outputFile)
  if (!bytes) return []
  const text = bytes.toString('utf8')
  const points: LossPoint[] = []
  const seen = new Set<number>()
  for (const m of text.matchAll(/(\d+)\|(\d+)\|Loss: ([0-9.eE+-]+|nan|inf)/g)) {
    const step = Number(m[2])
    const loss = Number(m[3])
    if (!Number.isFinite(loss) && m[3] !== 'nan') continue
    if (seen.has(step)) {
      points[points.length - 1] = { epoch: Number(m[1]), step, loss }
      continue
    }
    seen.add(step)
    points.push({ epoch: Number(m[1]), step, loss })
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
