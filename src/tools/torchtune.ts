/**
 * torchtune: one fine-tuning job per fine-tuned run (`{run}/finetune.slurm`, which runs
 * `tune run ... --config finetune.yaml`, or any launcher torchtune-script.ts reads). Success: exit 0 and,
 * under the config's `output_dir`, an `epoch_{N}` checkpoint written by this attempt for every epoch the
 * matrix evaluates, or, for the epochs before a resume, by the earlier attempts it continued. A CUDA
 * out-of-memory is retried with half the batch and twice the gradient accumulation; a job its time limit,
 * a preemption or a node failure stopped after an epoch checkpoint resumes (torchtune-resume.ts).
 */
import { scanLines } from '../cluster/read.js'
import type { Transport } from '../cluster/transport.js'
import type { Experiment } from '../experiment/model.js'
import { err, formatProblem, ok, type Problem } from '../result.js'
import {
  isResumeItem,
  type FilesContext,
  type JobFiles,
  type JudgeContext,
  type Judgement,
  type LossPoint,
  type OutputsContext,
  type OutputSnapshot,
  type PlannedJob,
  type PreflightContext,
  type RetryContext,
  type RetryDecision,
  type ScaffoldPlan,
  type ToolModule,
  type TrainingResult,
} from './tool.js'
import { joinPath } from '../cluster/paths.js'
import {
  identityOf,
  JobFilesBuilder,
  missingReads,
  readerOf,
  writtenByAttempt,
  type AttemptTimes,
} from './job-files.js'
import {
  commandLineSets,
  CONVENTIONAL_CONFIG as CONFIG,
  outputDirOf,
  setTopLevel,
  trainingFiles,
  trainingSetup,
  type TrainingSetup,
} from './torchtune-script.js'
import { chainOf, checkpointAt, resume, stoppedBy, weightFiles } from './torchtune-resume.js'

const SCRIPT = 'finetune.slurm'

/** At most this many out-of-memory re-submissions per run. */
const MAX_OOM_RETRIES = 3
/** What a CUDA out-of-memory looks like in a job's output (it ends as FAILED, not OUT_OF_MEMORY). */
const CUDA_OOM = /torch\.OutOfMemoryError|CUDA out of memory|torch\.cuda\.OutOfMemoryError/i

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
      const config = joinPath(run.name, CONFIG)
      const script = joinPath(run.name, SCRIPT)
      const hasConfig = await exists(config)
      if (!(await exists(script))) {
        plan.missing.push({ run: run.name, display: run.name, paths: hasConfig ? [script] : [config, script] })
        continue
      }
      // The config is the one the script names (files() reads it; the preflight checks it is there):
      // cruijff_kit's finetune.yaml beside the script, or another.
      plan.jobs.push({
        key: script,
        display: run.name,
        run: run.name,
        dir: run.name,
        script: SCRIPT,
        inputs: hasConfig ? [script, config] : [script],
      })
    }
    return plan
  },

  async files(ctx: FilesContext): Promise<JobFiles> {
    return filesOf(await trainingSetup(ctx.read, ctx.runDir, ctx.job), ctx.job)
  },

  async outputs(ctx: OutputsContext): Promise<OutputSnapshot> {
    const setup = await trainingSetup(readerOf(ctx.transport), ctx.runDir, ctx.job)
    const root = outputDirOf(setup).value
    const out: OutputSnapshot = {}
    if (root === undefined) return out
    for (const epoch of neededEpochs(ctx.experiment, ctx.job.run)) {
      const dir = `${root}/epoch_${epoch}`
      const files = await weightFiles(ctx.transport, dir)
      if (!files) out[dir] = null
      for (const f of files ?? []) out[f.path] = identityOf(f.stat)
    }
    return out
  },

  async judge(ctx: JudgeContext): Promise<Judgement> {
    const setup = await trainingSetup(readerOf(ctx.transport), ctx.runDir, ctx.job)
    const root = outputDirOf(setup)
    if (root.value === undefined) return err({ why: `the checkpoint directory is not known: ${root.why}` })
    const outputDir = root.value
    const chain = chainOf(ctx.history, setup)
    const checkpoints: Record<string, string> = {}
    const missing: string[] = []
    const stale: string[] = []
    for (const epoch of neededEpochs(ctx.experiment, ctx.job.run)) {
      const dir = `${outputDir}/epoch_${epoch}`
      const found = await checkpointAt(ctx.transport, dir, epoch, ctx, chain)
      if (found === 'missing') missing.push(dir)
      else if (found === 'empty') missing.push(`${dir} (no weight files in it)`)
      else if (found.by === 'other') stale.push(dir)
      else checkpoints[String(epoch)] = dir
    }
    const losses = await readLosses(ctx.transport, outputDir, ctx.outputFile, ctx)
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
      const how = ctx.before
        ? 'its weight files are as they were then (size, mtime, inode)'
        : `older than the submission, ${ctx.since ?? '?'}`
      const why = `checkpoint written before this attempt was submitted (${how}), so not by it: ${stale.join(', ')}`
      return err({ why, result, pending: true })
    }
    return ok({ result })
  },

  async preflight(ctx: PreflightContext): Promise<Problem[]> {
    const problems: Problem[] = []
    for (const job of ctx.jobs) {
      const setup = await trainingSetup(readerOf(ctx.transport), ctx.runDir, job)
      if (!setup.script) continue
      const files = filesOf(setup, job)
      const inv = setup.invocation
      const config = setup.configWord?.raw ?? CONFIG
      const usedBy = `${setup.script.file}${inv ? `:${inv.line}` : ''} runs torchtune with ${config}`
      const checked = await missingReads(ctx.transport, files, (r) =>
        r.kind === 'training config'
          ? `${setup.script?.file ?? ''}:${r.line ?? '?'} names it: fix the path or create it before running`
          : `${usedBy}, which reads it: fix the path or create it before running`,
      )
      problems.push(...checked.problems)
    }
    return problems
  },

  async retry(ctx: RetryContext): Promise<RetryDecision | null> {
    const setupOf = (): Promise<TrainingSetup> => trainingSetup(readerOf(ctx.transport), ctx.runDir, ctx.job)
    const stopped = stoppedBy(ctx.state)
    if (stopped !== undefined) return resume(ctx, await setupOf(), stopped)
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
    const setup = await setupOf()
    const path = setup.configPath.value
    const config = setup.configName
    if (path === undefined)
      return { retry: false, reason: `out of memory, and its config is not a file here (${setup.configPath.why})` }
    for (const key of ['batch_size', 'gradient_accumulation_steps']) {
      const o = commandLineSets(setup, key)
      if (o)
        return {
          retry: false,
          reason:
            `out of memory, and line ${o.word.line} of the script sets ${key} on the command line: ` +
            `the retry edits only ${config}`,
        }
    }
    const text = setup.text
    if (text === undefined) {
      const why = setup.unreadable ? formatProblem(setup.unreadable) : `${config} is gone`
      return { retry: false, reason: `out of memory, and ${why}` }
    }
    const batch = /^batch_size:[ \t]*(\d+)[ \t]*(#.*)?$/m.exec(text)
    if (!batch?.[1]) {
      return { retry: false, reason: `out of memory, and ${config} has no top-level batch_size to reduce` }
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
        `(attempt ${retries + 1}/${MAX_OOM_RETRIES}); ${config} updated`,
    }
  },
}

function filesOf(setup: TrainingSetup, job: PlannedJob): JobFiles {
  const files = new JobFilesBuilder(setup.script)
  if (!setup.script) {
    files.note(joinPath(job.dir, job.script), { line: 1 }, 'the job script cannot be read')
    return files.done()
  }
  trainingFiles(setup, files)
  files.sbatchWrites()
  return files.done()
}

/** Epochs whose checkpoints the experiment needs: those the matrix evaluates, else the last one trained. */
function neededEpochs(experiment: Experiment, run: string): number[] {
  const evaluated = experiment.cells.filter((c) => c.run === run && c.epoch !== null).map((c) => c.epoch as number)
  if (evaluated.length > 0) return [...new Set(evaluated)].sort((a, b) => a - b)
  const epochs = experiment.runs.find((r) => r.name === run)?.epochs
  return [epochs !== undefined ? epochs - 1 : 0]
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
  attempt: AttemptTimes,
): Promise<LossPoint[]> {
  const logDir = `${outputDir}/logs`
  const candidates: { path: string; mtime: number }[] = []
  for (const e of (await transport.list(logDir)) ?? []) {
    if (e.isDirectory || !/^log_.*\.txt$/.test(e.name)) continue
    const path = `${logDir}/${e.name}`
    const st = await transport.stat(path)
    if (st && writtenByAttempt(attempt, path, st)) candidates.push({ path, mtime: st.mtimeMs })
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
