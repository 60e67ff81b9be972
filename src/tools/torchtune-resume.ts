/**
 * torchtune's epoch checkpoints: whose each one is (the attempt being judged, the earlier attempts of the
 * chain a resume continued, or neither), and the resume after a time limit. A training the scheduler
 * stopped through no fault of its own (TIMEOUT, PREEMPTED, NODE_FAIL) after an epoch checkpoint continues
 * from its last complete epoch with torchtune 0.6.1's own resume: `resume_from_checkpoint: True` in the
 * config the script names, which loads `output_dir/recipe_state/recipe_state.pt` and the newest
 * `epoch_N/adapter_model.pt`.
 */
import type { FileStat, Transport } from '../cluster/transport.js'
import { err, ok, type Result } from '../result.js'
import { sameFile, writtenByAttempt, type AttemptTimes } from './job-files.js'
import { isResumeItem, RESUME_KEY, type RetryContext, type RetryDecision } from './tool.js'
import { commandLineSets, outputDirOf, setTopLevel, type TrainingSetup } from './torchtune-script.js'

/** Files whose presence makes an epoch directory a usable checkpoint (HF or torchtune format). */
export const WEIGHT_FILE = /\.(safetensors|pt|bin)$/

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

/** The latest resume of a job (its `retry_history` item), when the attempt being judged continued it. */
export type Chain = Record<string, number> | undefined

export interface WeightFile {
  path: string
  stat: FileStat
}

/** The weight files of a checkpoint directory; null when there is no such directory. */
export async function weightFiles(transport: Transport, dir: string): Promise<WeightFile[] | null> {
  const entries = await transport.list(dir)
  if (!entries) return null
  const files: WeightFile[] = []
  for (const e of entries) {
    if (e.isDirectory || !WEIGHT_FILE.test(e.name)) continue
    const stat = await transport.stat(`${dir}/${e.name}`)
    if (stat) files.push({ path: `${dir}/${e.name}`, stat })
  }
  return files
}

/**
 * An epoch's checkpoint directory: missing, without weight files, or who wrote it (the attempt being
 * judged: one of its weight files changed since its submission; its chain: exactly as a resume recorded
 * it; else another) and its newest weight file's mtime.
 */
export type Checkpoint = 'missing' | 'empty' | { by: 'attempt' | 'chain' | 'other'; newest: number }

export async function checkpointAt(
  transport: Transport,
  dir: string,
  epoch: number,
  attempt: AttemptTimes,
  chain: Chain,
): Promise<Checkpoint> {
  const files = await weightFiles(transport, dir)
  if (!files) return 'missing'
  if (files.length === 0) return 'empty'
  const newest = Math.max(...files.map((f) => f.stat.mtimeMs))
  if (files.some((f) => writtenByAttempt(attempt, f.path, f.stat))) return { by: 'attempt', newest }
  return { by: writtenByChain(chain, epoch, dir, files, newest, attempt) ? 'chain' : 'other', newest }
}

/**
 * Whether an epoch's checkpoint is the one an earlier attempt of the chain wrote: an epoch before the
 * resume whose newest weight file has the mtime the resume recorded and, where the resumed attempt's
 * submission saw the directory (`before`), whose every weight file is exactly as it was then (none
 * added since, none rewritten). A checkpoint written since, or never recorded, is not.
 */
function writtenByChain(
  chain: Chain,
  epoch: number,
  dir: string,
  files: WeightFile[],
  newest: number,
  attempt: AttemptTimes,
): boolean {
  if (chain === undefined || epoch >= (chain[RESUME_KEY] ?? 0) || chain[writtenKey(epoch)] !== newest) return false
  const before = attempt.before
  if (!before || !Object.keys(before).some((p) => p === dir || p.startsWith(`${dir}/`))) return true
  return files.every((f) => {
    const was = before[f.path]
    return was != null && sameFile(was, f.stat)
  })
}

/**
 * The latest resume of the job, when the attempt ran as its continuation (its config, as the job reads it,
 * still says `resume_from_checkpoint: True`; a config the user changed since starts from scratch, and so
 * does its chain).
 */
export function chainOf(history: readonly unknown[] | undefined, setup: TrainingSetup): Chain {
  if (setup.config['resume_from_checkpoint'] !== true) return undefined
  return (history ?? []).filter(isResumeItem).at(-1)
}

/** How the scheduler stopped the job, in words, when it is a stop a resume continues from; else undefined. */
export function stoppedBy(state: string): string | undefined {
  return STOPPED[state]
}

/**
 * A job the scheduler stopped (`stopped` says how): continue it from its last complete epoch with
 * torchtune's resume, as a retry that sets `resume_from_checkpoint: True` in the config the script names.
 * Its `retry_history` item names the epoch the next attempt starts with and records the checkpoints of
 * the epochs before it, which that attempt will not write again: the judge accepts exactly those.
 */
export async function resume(ctx: RetryContext, setup: TrainingSetup, stopped: string): Promise<RetryDecision> {
  const refuse = (reason: string): RetryDecision => ({ retry: false, kind: 'resume', reason })
  const path = setup.configPath.value
  const config = setup.configName
  if (path === undefined) return refuse(`${stopped}, and its config is not a file here (${setup.configPath.why})`)
  if (setup.text === undefined) return refuse(`${stopped}, and ${config} is gone`)
  const override = commandLineSets(setup, 'resume_from_checkpoint')
  if (override) {
    const line = override.word.line
    return refuse(`${stopped}, and line ${line} of the script sets resume_from_checkpoint: a resume edits ${config}`)
  }
  const root = outputDirOf(setup)
  if (root.value === undefined) return refuse(`${stopped}, and its checkpoint directory is not known: ${root.why}`)
  const chain = chainOf(ctx.history, setup)
  const point = await resumePoint(ctx.transport, root.value, ctx, chain)
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
  const edited = setTopLevel(setup.text, 'resume_from_checkpoint', 'True')
  if (edited !== setup.text) await ctx.transport.writeFileAtomic(path, edited)
  const removed = unfinished.length ? `, removed the unfinished ${unfinished.map(baseName).join(', ')}` : ''
  return {
    retry: true,
    kind: 'resume',
    detectedVia: ctx.state,
    settings: { [RESUME_KEY]: next, ...written },
    edited: [path],
    description:
      `${stopped} after epoch ${epoch}: continues from epoch ${next} (resume ${resumes + 1}/${ctx.maxResumes}); ` +
      `${config} sets resume_from_checkpoint: True${removed}`,
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
  attempt: AttemptTimes,
  chain: Chain,
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
    const found = await checkpointAt(transport, dir, epoch, attempt, chain)
    if (typeof found === 'string' || found.newest > state.mtimeMs) {
      unfinished.push(dir)
      continue
    }
    if (!(await transport.stat(`${dir}/${ADAPTER}`))) {
      return err(
        `after epoch ${epoch}, but ${dir} has no ${ADAPTER}: torchtune 0.6.1 resumes a LoRA fine-tune from its ` +
          'files, not a full one',
      )
    }
    if (found.by === 'other') return err(`before its first epoch checkpoint (${dir} was written before this attempt)`)
    for (const file of [recipeState, `${dir}/${ADAPTER}`]) {
      if (!(await isWholeZip(transport, file))) return err(`after epoch ${epoch}, but ${file} is cut short`)
    }
    const written: Record<string, number> = {}
    for (let e = 0; e <= epoch; e++) {
      const at = await checkpointAt(transport, `${outputDir}/epoch_${e}`, e, attempt, chain)
      if (typeof at !== 'string' && at.by !== 'other') written[writtenKey(e)] = at.newest
    }
    return ok({ epoch, written, unfinished })
  }
  return err(`before its first epoch checkpoint (no epoch_N under ${outputDir} is older than ${recipeState})`)
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

const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1)
