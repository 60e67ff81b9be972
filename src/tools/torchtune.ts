/**
 * torchtune: one fine-tuning job per fine-tuned run (`{run}/finetune.slurm`, which runs
 * `tune run ... --config finetune.yaml`). Success: exit 0 and, under finetune.yaml's `output_dir`, an
 * `epoch_{N}` checkpoint written by this attempt (after its submission) for every epoch the matrix
 * evaluates — or, for the epochs before a resume, by the earlier attempt that the resume continued. A
 * CUDA out-of-memory is retried with half the batch and twice the gradient accumulation. A job that its
 * time limit, a preemption or a node failure stopped after an epoch checkpoint continues from the last
 * complete epoch with torchtune 0.6.1's own resume (`resume_from_checkpoint: True`, which loads
 * `output_dir/recipe_state/recipe_state.pt` and the newest `epoch_N/adapter_model.pt`).
 */
import { isNode, LineCounter, parse as parseYaml, parseDocument } from 'yaml'
import { scanLines } from '../cluster/read.js'
import type { Transport } from '../cluster/transport.js'
import type { Experiment } from '../experiment/model.js'
import { err, ok } from '../result.js'
import type { Problem, Result } from '../result.js'
import { valueAt } from '../experiment/load.js'
import {
  isResumeItem,
  RESUME_KEY,
  SKEW_MS,
  type PreflightContext,
  type JudgeContext,
  type Judgement,
  type LossPoint,
  type RetryContext,
  type RetryDecision,
  type ScaffoldPlan,
  type ToolModule,
  type TrainingResult,
} from './tool.js'
import { joinPath, resolvePath } from '../cluster/paths.js'

const SCRIPT = 'finetune.slurm'
const CONFIG = 'finetune.yaml'

/** At most this many out-of-memory re-submissions per run. */
const MAX_OOM_RETRIES = 3
/** What a CUDA out-of-memory looks like in a job's output (it ends as FAILED, not OUT_OF_MEMORY). */
const CUDA_OOM = /torch\.OutOfMemoryError|CUDA out of memory|torch\.cuda\.OutOfMemoryError/i

/** Files whose presence makes an epoch directory a usable checkpoint (HF or torchtune format). */
const WEIGHT_FILE = /\.(safetensors|pt|bin)$/

/** How the scheduler stopped a job through no fault of its own, in words: such a job continues from its last epoch. */
const STOPPED: Readonly<Record<string, string>> = {
  TIMEOUT: 'hit its time limit',
  PREEMPTED: 'was preempted',
  NODE_FAIL: 'lost its node',
}
/**
 * torchtune 0.6.1's resume files (recipes/lora_finetune_single_device.py, training/checkpointing): the
 * recipe state (optimizer, data loader, seed, `epochs_run`) that each epoch but the last saves under
 * `output_dir` after its checkpoint, and the LoRA adapter of each `epoch_N`, of which it loads the one in
 * the largest `epoch_N` (its own pattern, a prefix match).
 */
const RECIPE_STATE = 'recipe_state/recipe_state.pt'
const ADAPTER = 'adapter_model.pt'
const EPOCH_DIR = /^epoch_(\d+)/
/** A resume records each earlier epoch's checkpoint its chain wrote under this key (the newest weight file's mtime). */
const writtenKey = (epoch: number): string => `epoch_${epoch}_mtime_ms`

export const torchtune: ToolModule = {
  name: 'torchtune',
  phase: 'optimize',
  logFile: 'run-torchtune.log',
  stateFile: 'run-torchtune.state.json',
  submitAction: 'SUBMIT_JOB',

  // cruijff_kit's finetune template: `nvidia-smi ... > ${OUTPUT_DIR}/gpu_metrics.csv`.
  gpuMetricsFile(_runDir, _job, output) {
    return output?.kind === 'training' ? `${output.outputDir}/gpu_metrics.csv` : undefined
  },

  async scaffold(experiment, exists): Promise<ScaffoldPlan> {
    const plan: ScaffoldPlan = { jobs: [], missing: [] }
    for (const run of experiment.runs) {
      if (run.type !== 'fine-tuned') continue
      const files = [joinPath(run.name, CONFIG), joinPath(run.name, SCRIPT)]
      const absent: string[] = []
      for (const f of files) if (!(await exists(f))) absent.push(f)
      if (absent.length > 0) {
        plan.missing.push({ run: run.name, display: run.name, paths: absent })
        continue
      }
      plan.jobs.push({
        key: joinPath(run.name, SCRIPT),
        display: run.name,
        run: run.name,
        dir: run.name,
        script: SCRIPT,
        inputs: [joinPath(run.name, SCRIPT), joinPath(run.name, CONFIG)],
      })
    }
    return plan
  },

  async judge(ctx: JudgeContext): Promise<Judgement> {
    const jobDir = resolvePath(ctx.runDir, ctx.job.dir)
    const config = await readConfig(ctx.transport, jobDir)
    const outputDir = checkpointRoot(config, jobDir)
    const sinceMs = earliestMs(ctx.since)
    const chain = chainOf(ctx.history, config)
    const checkpoints: Record<string, string> = {}
    const missing: string[] = []
    const stale: string[] = []
    for (const epoch of neededEpochs(ctx.experiment, ctx.job.run)) {
      const dir = `${outputDir}/epoch_${epoch}`
      const found = await checkpointAt(ctx.transport, dir)
      if (found === 'missing') missing.push(dir)
      else if (found === 'empty') missing.push(`${dir} (no weight files in it)`)
      else if (found < sinceMs && !writtenByChain(chain, epoch, found)) stale.push(dir)
      else checkpoints[String(epoch)] = dir
    }
    const losses = await readLosses(ctx.transport, outputDir, ctx.outputFile, ctx.since)
    const last = losses[losses.length - 1]
    const result: TrainingResult = {
      kind: 'training',
      outputDir,
      checkpoints,
      ...(last ? { finalLoss: last.loss, totalSteps: last.step, lossCurve: thin(losses, 200) } : {}),
    }
    if (ctx.state !== 'COMPLETED' || (ctx.exitCode !== undefined && ctx.exitCode !== 0)) {
      return err({ why: 'torchtune did not finish: the job did not exit 0', result })
    }
    if (missing.length > 0) return err({ why: `checkpoint missing: ${missing.join(', ')}`, result, pending: true })
    if (stale.length > 0) {
      const why =
        `checkpoint written before this attempt was submitted (${ctx.since ?? '?'}), so not by it: ` + stale.join(', ')
      return err({ why, result, pending: true })
    }
    return ok({ result })
  },

  async preflight(ctx: PreflightContext): Promise<Problem[]> {
    const problems: Problem[] = []
    for (const job of ctx.jobs) {
      const jobDir = resolvePath(ctx.runDir, job.dir)
      const text = (await ctx.transport.readFile(`${jobDir}/${CONFIG}`))?.toString('utf8')
      if (text === undefined) continue
      const lineCounter = new LineCounter()
      const doc = parseDocument(text, { lineCounter, uniqueKeys: false })
      const raw = doc.toJS() as unknown
      if (!raw || typeof raw !== 'object' || Array.isArray(raw)) continue
      const config = raw as Record<string, unknown>
      const script = (await ctx.transport.readFile(`${jobDir}/${job.script}`))?.toString('utf8') ?? ''
      const tuneLine = script.split('\n').findIndex((l) => /\btune\s+run\b/.test(l)) + 1
      const usedBy = `${joinPath(job.dir, job.script)}${tuneLine ? `:${tuneLine}` : ''} runs torchtune with ${CONFIG}`
      const missing: string[] = []
      for (const [path, kind] of READS) {
        const value = valueAt(config, path)
        const paths =
          path.join('.') === 'checkpointer.checkpoint_files'
            ? checkpointFileNames(value).map((f) =>
                joinPath(String(valueAt(config, ['checkpointer', 'checkpoint_dir'])), f),
              )
            : typeof value === 'string'
              ? [value]
              : []
        for (const p of paths) {
          const where = resolvePath(jobDir, interpolate(p, config))
          if (where.includes('${') || missing.some((m) => where.startsWith(`${m}/`))) continue
          if ((await ctx.transport.stat(where)) !== null) continue
          missing.push(where)
          const node = doc.getIn(path, true)
          const at = isNode(node) && node.range ? lineCounter.linePos(node.range[0]) : undefined
          problems.push({
            file: joinPath(job.dir, CONFIG),
            ...(at ? { line: at.line, column: at.col } : {}),
            field: path.join('.'),
            message: `the ${kind} ${where} does not exist on the cluster`,
            hint: `${usedBy}, which reads it: fix the path or create it before running`,
          })
        }
      }
    }
    return problems
  },

  async retry(ctx: RetryContext): Promise<RetryDecision | null> {
    const stopped = STOPPED[ctx.state]
    if (stopped !== undefined) return resume(ctx, stopped)
    let detectedVia: string | undefined
    if (ctx.state === 'OUT_OF_MEMORY') detectedVia = 'slurm_state'
    else if (ctx.state === 'FAILED' && ctx.outputTail && CUDA_OOM.test(ctx.outputTail.toString('utf8'))) {
      detectedVia = 'cuda_log'
    }
    if (!detectedVia) return null
    const retries = (ctx.history ?? []).filter((item) => !isResumeItem(item)).length
    if (retries >= MAX_OOM_RETRIES) {
      return { retry: false, reason: `out of memory again after ${MAX_OOM_RETRIES} retries with smaller batches` }
    }
    const path = `${resolvePath(ctx.runDir, ctx.job.dir)}/${CONFIG}`
    const text = (await ctx.transport.readFile(path))?.toString('utf8')
    if (text === undefined) return { retry: false, reason: `out of memory, and ${CONFIG} is gone` }
    const batch = /^batch_size:[ \t]*(\d+)[ \t]*(#.*)?$/m.exec(text)
    if (!batch?.[1]) {
      return { retry: false, reason: `out of memory, and ${CONFIG} has no top-level batch_size to reduce` }
    }
    const oldBatch = Number(batch[1])
    if (oldBatch <= 1) return { retry: false, reason: 'out of memory with batch_size already 1' }
    const ga = /^gradient_accumulation_steps:[ \t]*(\d+)[ \t]*(#.*)?$/m.exec(text)
    const oldGa = ga?.[1] ? Number(ga[1]) : 1
    const newBatch = Math.max(1, Math.floor(oldBatch / 2))
    const newGa = oldGa * 2
    // Edit the two lines in place, keeping comments and order; the effective batch size stays the same.
    const edited = setTopLevel(setTopLevel(text, 'batch_size', newBatch), 'gradient_accumulation_steps', newGa)
    await ctx.transport.writeFileAtomic(path, edited)
    return {
      retry: true,
      detectedVia,
      settings: { batch_size: newBatch, gradient_accumulation_steps: newGa },
      edited: [path],
      description:
        `batch_size ${oldBatch} -> ${newBatch}, gradient_accumulation_steps ${oldGa} -> ${newGa} ` +
        `(attempt ${retries + 1}/${MAX_OOM_RETRIES}); ${CONFIG} updated`,
    }
  },
}

/**
 * A job the scheduler stopped (`stopped` says how): continue it from its last complete epoch with torchtune's
 * resume, as a retry that sets `resume_from_checkpoint: True` in finetune.yaml. Its `retry_history` item
 * names the epoch the next attempt starts with and records the checkpoints of the epochs before it, which
 * that attempt will not write again: the judge accepts exactly those (see `writtenByChain`).
 */
async function resume(ctx: RetryContext, stopped: string): Promise<RetryDecision> {
  const refuse = (reason: string): RetryDecision => ({ retry: false, kind: 'resume', reason })
  const jobDir = resolvePath(ctx.runDir, ctx.job.dir)
  const path = `${jobDir}/${CONFIG}`
  const text = (await ctx.transport.readFile(path))?.toString('utf8')
  if (text === undefined) return refuse(`${stopped}, and ${CONFIG} is gone`)
  const config = parseConfig(text)
  const outputDir = checkpointRoot(config, jobDir)
  const chain = chainOf(ctx.history, config)
  const sinceMs = earliestMs(ctx.since)
  const point = await resumePoint(ctx.transport, outputDir, sinceMs, chain)
  if (!point.ok) return refuse(`${stopped} ${point.error}`)
  const { epoch, written, unfinished } = point.value
  const next = epoch + 1
  const resumes = (ctx.history ?? []).filter(isResumeItem).length
  if (ctx.maxResumes === 0) return refuse(`${stopped} after epoch ${epoch}; resuming is off (max-resumes: 0)`)
  if (resumes >= ctx.maxResumes) {
    return refuse(`${stopped} after epoch ${epoch}, and max-resumes (${ctx.maxResumes}) is reached`)
  }
  if (ctx.state === 'TIMEOUT' && chain?.[RESUME_KEY] === next) {
    return refuse(`hit its time limit again before finishing epoch ${next}: one epoch takes longer than #SBATCH --time`)
  }
  // torchtune resumes from the largest epoch_N: a checkpoint the job was stopped while writing must go.
  for (const dir of unfinished) await removeTree(ctx.transport, dir)
  const edited = setTopLevel(text, 'resume_from_checkpoint', 'True')
  if (edited !== text) await ctx.transport.writeFileAtomic(path, edited)
  const removed = unfinished.length ? `, removed the unfinished ${unfinished.map(baseName).join(', ')}` : ''
  return {
    retry: true,
    kind: 'resume',
    detectedVia: ctx.state,
    settings: { [RESUME_KEY]: next, ...written },
    edited: [path],
    description:
      `${stopped} after epoch ${epoch}: continues from epoch ${next} (resume ${resumes + 1}/${ctx.maxResumes}); ` +
      `${CONFIG} sets resume_from_checkpoint: True${removed}`,
  }
}

/** Where a resume starts: the last complete epoch, the checkpoints of the chain up to it, and unfinished ones. */
interface ResumePoint {
  epoch: number
  /** `epoch_N_mtime_ms` for each epoch up to `epoch` that this attempt or its chain wrote. */
  written: Record<string, number>
  /** Epoch directories newer than the recipe state: checkpoints the job was stopped while writing. */
  unfinished: string[]
}

/**
 * The last epoch torchtune 0.6.1 can resume from: the largest `epoch_N` whose weights are no newer than
 * the recipe state (saved after them), both `.pt` files whole, written by this attempt or its chain.
 * The error completes "<the job> hit its time limit ...".
 */
async function resumePoint(
  transport: Transport,
  outputDir: string,
  sinceMs: number,
  chain: Record<string, number> | undefined,
): Promise<Result<ResumePoint, string>> {
  const recipeState = `${outputDir}/${RECIPE_STATE}`
  const state = await transport.stat(recipeState)
  if (!state) return err(`before its first epoch checkpoint (there is no ${recipeState})`)
  const epochs = ((await transport.list(outputDir)) ?? [])
    .flatMap((e) => {
      const n = e.isDirectory ? EPOCH_DIR.exec(e.name)?.[1] : undefined
      return n === undefined ? [] : [{ epoch: Number(n), dir: `${outputDir}/${e.name}` }]
    })
    .sort((a, b) => b.epoch - a.epoch)
  const unfinished: string[] = []
  for (const { epoch, dir } of epochs) {
    const newest = await checkpointAt(transport, dir)
    if (typeof newest !== 'number' || newest > state.mtimeMs) {
      unfinished.push(dir)
      continue
    }
    if (!(await transport.stat(`${dir}/${ADAPTER}`))) {
      return err(
        `after epoch ${epoch}, but ${dir} has no ${ADAPTER}: torchtune 0.6.1 resumes a LoRA fine-tune from its ` +
          'files, not a full one',
      )
    }
    if (newest < sinceMs && !writtenByChain(chain, epoch, newest)) {
      return err(`before its first epoch checkpoint (${dir} was written before this attempt)`)
    }
    for (const file of [recipeState, `${dir}/${ADAPTER}`]) {
      if (!(await isWholeZip(transport, file))) return err(`after epoch ${epoch}, but ${file} is cut short`)
    }
    const written: Record<string, number> = {}
    for (let e = 0; e <= epoch; e++) {
      const at = await checkpointAt(transport, `${outputDir}/epoch_${e}`)
      if (typeof at === 'number' && (at >= sinceMs || writtenByChain(chain, e, at))) written[writtenKey(e)] = at
    }
    return ok({ epoch, written, unfinished })
  }
  return err(`before its first epoch checkpoint (no epoch_N under ${outputDir} is older than ${recipeState})`)
}

/**
 * The latest resume of the job, when the attempt ran as its continuation (finetune.yaml still says
 * `resume_from_checkpoint: True`; a config the user changed since starts from scratch, and so does its chain).
 */
function chainOf(
  history: readonly unknown[] | undefined,
  config: Record<string, unknown>,
): Record<string, number> | undefined {
  if (config['resume_from_checkpoint'] !== true) return undefined
  return (history ?? []).filter(isResumeItem).at(-1)
}

/**
 * Whether an epoch's checkpoint (its newest weight file written at `mtimeMs`) is the one an earlier attempt
 * of the chain wrote: an epoch before the resume, exactly as recorded when the attempt that wrote it was
 * judged resumable. A checkpoint written since, or never recorded, is not.
 */
function writtenByChain(chain: Record<string, number> | undefined, epoch: number, mtimeMs: number): boolean {
  return chain !== undefined && epoch < (chain[RESUME_KEY] ?? 0) && chain[writtenKey(epoch)] === mtimeMs
}

/** A `torch.save` file is a zip: whole when it ends with the end-of-central-directory record (no comment). */
async function isWholeZip(transport: Transport, path: string): Promise<boolean> {
  const st = await transport.stat(path)
  if (!st || st.size < 22) return false
  const end = await transport.readRange(path, st.size - 22, 22)
  return end?.readUInt32LE(0) === 0x06054b50
}

/** Removes a directory and what it holds (a checkpoint: a few levels at most). */
async function removeTree(transport: Transport, path: string, depth = 0): Promise<void> {
  for (const e of (await transport.list(path)) ?? []) {
    if (e.isDirectory && depth < 8) await removeTree(transport, `${path}/${e.name}`, depth + 1)
    else await transport.remove(`${path}/${e.name}`)
  }
  await transport.remove(path)
}

/** Sets a top-level `key: value` line of a YAML text in place (comments and order kept), or appends it. */
function setTopLevel(text: string, key: string, value: string | number): string {
  const line = new RegExp(`^${key}:[ \\t]*[^\\s#]*`, 'm')
  if (line.test(text)) return text.replace(line, `${key}: ${value}`)
  return `${text.replace(/\n?$/, '\n')}${key}: ${value}\n`
}

const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1)

/** What a torchtune LoRA config makes the job read, by key path: it must exist before the job runs. */
const READS: readonly [readonly string[], string][] = [
  [['checkpointer', 'checkpoint_dir'], 'base model directory'],
  [['checkpointer', 'checkpoint_files'], 'base model weights file'],
  [['tokenizer', 'path'], 'tokenizer file'],
  [['tokenizer', 'merges_file'], 'tokenizer merges file'],
  [['dataset', 'data_files'], 'training dataset'],
  [['dataset_val', 'data_files'], 'validation dataset'],
]

/** The checkpointer's files: a list, or `{filename_format: model-{}-of-{}.safetensors, max_filename: "00002"}`. */
function checkpointFileNames(spec: unknown): string[] {
  if (Array.isArray(spec)) return spec.filter((f): f is string => typeof f === 'string')
  if (!spec || typeof spec !== 'object') return []
  const { filename_format: format, max_filename: max } = spec as Record<string, unknown>
  if (typeof format !== 'string' || (typeof max !== 'string' && typeof max !== 'number')) return []
  const last = String(max)
  const n = Math.min(Number(last), 10_000)
  return Array.from({ length: Number.isFinite(n) ? n : 0 }, (_, i) =>
    format.replace('{}', String(i + 1).padStart(last.length, '0')).replace('{}', last),
  )
}

/** Epochs whose checkpoints the experiment needs: those the matrix evaluates, else the last one trained. */
function neededEpochs(experiment: Experiment, run: string): number[] {
  const evaluated = experiment.cells.filter((c) => c.run === run && c.epoch !== null).map((c) => c.epoch as number)
  if (evaluated.length > 0) return [...new Set(evaluated)].sort((a, b) => a - b)
  const epochs = experiment.runs.find((r) => r.name === run)?.epochs
  return [epochs !== undefined ? epochs - 1 : 0]
}

/** The newest weight file's mtime in a checkpoint directory, or why there is none. */
async function checkpointAt(transport: Transport, dir: string): Promise<number | 'missing' | 'empty'> {
  const entries = await transport.list(dir)
  if (!entries) return 'missing'
  let newest: number | undefined
  for (const e of entries) {
    if (e.isDirectory || !WEIGHT_FILE.test(e.name)) continue
    const st = await transport.stat(`${dir}/${e.name}`)
    if (st) newest = Math.max(newest ?? 0, st.mtimeMs)
  }
  return newest ?? 'empty'
}

/** The earliest mtime (ms) an output of the attempt submitted at `since` may carry (clock skew); 0 for any. */
function earliestMs(since: string | undefined): number {
  return since ? Date.parse(since) - SKEW_MS : 0
}

/** The job's finetune.yaml as a mapping; empty when it is missing or unreadable. */
async function readConfig(transport: Transport, jobDir: string): Promise<Record<string, unknown>> {
  const bytes = await transport.readFile(`${jobDir}/${CONFIG}`)
  return bytes ? parseConfig(bytes.toString('utf8')) : {}
}

function parseConfig(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = parseYaml(text)
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>
  } catch {
    // an unreadable config: the job would have failed; fall back to the conventional locations
  }
  return {}
}

/** finetune.yaml's `output_dir` (top level, or the checkpointer's), resolved against the job directory. */
function checkpointRoot(config: Record<string, unknown>, jobDir: string): string {
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

/** At most this many loss points are kept while reading: a longer curve is halved as it grows. */
const MAX_POINTS = 20_000

/**
 * The loss curve: torchtune's metric log (`{output_dir}/logs/log_*.txt`, lines `Step 12 | loss:2.3 ...`)
 * written by this job, else the progress lines `1|12|Loss: 2.345` (1-based epoch) in the job output.
 * Both are read line by line in bounded chunks: outputs can be gigabytes.
 */
async function readLosses(
  transport: Transport,
  outputDir: string,
  outputFile: string | undefined,
  since: string | undefined,
): Promise<LossPoint[]> {
  const logDir = `${outputDir}/logs`
  const sinceMs = earliestMs(since)
  const candidates: { path: string; mtime: number }[] = []
  for (const e of (await transport.list(logDir)) ?? []) {
    if (e.isDirectory || !/^log_.*\.txt$/.test(e.name)) continue
    const st = await transport.stat(`${logDir}/${e.name}`)
    if (st && st.mtimeMs >= sinceMs) candidates.push({ path: `${logDir}/${e.name}`, mtime: st.mtimeMs })
  }
  const newest = candidates.sort((a, b) => b.mtime - a.mtime)[0]
  if (newest) {
    const points = new Curve()
    await scanLines(transport, newest.path, (line) => {
      const m = /^Step (\d+) \| loss:([^ ]+)/.exec(line)
      if (m) points.add({ step: Number(m[1]), loss: Number(m[2]) })
    })
    if (points.length > 0) return points.list()
  }
  if (!outputFile) return []
  const points = new Curve()
  await scanLines(transport, outputFile, (line) => {
    for (const m of line.matchAll(/(\d+)\|(\d+)\|Loss: ([0-9.eE+-]+)/g)) {
      points.add({ epoch: Number(m[1]), step: Number(m[2]), loss: Number(m[3]) })
    }
  })
  return points.list()
}

/** Loss points in step order, one per step (the last value printed wins), bounded in number. */
class Curve {
  private points: LossPoint[] = []
  get length(): number {
    return this.points.length
  }
  add(p: LossPoint): void {
    if (!Number.isFinite(p.loss) || !Number.isFinite(p.step)) return
    const last = this.points[this.points.length - 1]
    if (last && last.step === p.step) {
      last.loss = p.loss
      return
    }
    this.points.push(p)
    const n = this.points.length
    if (n > MAX_POINTS) this.points = this.points.filter((_, i) => i % 2 === 0 || i === n - 1)
  }
  list(): LossPoint[] {
    return this.points
  }
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
