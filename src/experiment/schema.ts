/**
 * The zod schema of experiment_summary.yaml (cruijff_kit format). Only the fields the runner reads
 * are constrained; the other fields cruijff_kit defines pass through untouched. Which keys exist at
 * all is KNOWN_KEYS below: a key in neither list is a misspelling until proven otherwise.
 */
import { z } from 'zod'

export const RUN_TYPES = ['fine-tuned', 'control', 'eval-only'] as const
export type RunType = (typeof RUN_TYPES)[number]

/** Bounds that keep hostile files from exhausting anything. */
export const LIMITS = {
  maxNameLength: 200,
  maxEpoch: 100_000,
  maxRuns: 10_000,
  maxCellsPerEntry: 100_000,
  maxFileBytes: 4 * 1024 * 1024,
} as const

/**
 * Why a name cannot be one directory name, or null when it can. Run and task names become
 * directories (`{run}/eval/{task}_epoch{N}`), so they must not escape or confuse the tree.
 */
export function directoryNameProblem(name: string): string | null {
  if (name.length === 0) return 'is empty'
  if (name.length > LIMITS.maxNameLength) return `is ${name.length} characters long (at most ${LIMITS.maxNameLength})`
  if (name.includes('/') || name.includes('\\')) return 'contains a path separator (/ or \\)'
  if (name.includes('..')) return 'contains ".."'
  if (name.startsWith('-')) return 'starts with "-" (it would be read as a command option)'
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'contains a control character (newline, tab, ...)'
  if (name === '.') return 'is "."'
  // Names reach job names, log blocks (cruijff_kit's readers match [\w.-]+) and shell commands.
  if (!/^[A-Za-z0-9_.-]+$/.test(name))
    return 'may only contain letters, digits, "_", "." and "-" (no spaces or shell characters such as $ ; & | ` \' " *)'
  return null
}

const dirName = z.string().superRefine((s, ctx) => {
  const problem = directoryNameProblem(s)
  if (problem) ctx.addIssue({ code: 'custom', message: `must be usable as a directory name, but ${problem}` })
})

const epochNumber = z
  .number({ error: 'must be a whole number (0, 1, 2, ...)' })
  .int('must be a whole number (0, 1, 2, ...)')
  .min(0, 'must be 0 or more (epochs are counted from 0)')
  .max(LIMITS.maxEpoch, `must be at most ${LIMITS.maxEpoch}`)

/** A count of 1 or more (epochs, batch sizes), at most LIMITS.maxEpoch. */
export const positiveCount = z
  .number({ error: 'must be a whole number of 1 or more' })
  .int('must be a whole number of 1 or more')
  .min(1, 'must be a whole number of 1 or more')
  .max(LIMITS.maxEpoch, `must be at most ${LIMITS.maxEpoch}`)

const nullableRecord = z.union([z.record(z.string(), z.unknown()), z.null()])

export const RunSchema = z.looseObject({
  name: dirName,
  type: z.enum(RUN_TYPES, { error: `must be one of ${RUN_TYPES.join(', ')}` }),
  model: z.string().optional(),
  parameters: nullableRecord.optional(),
})

export const TaskSchema = z.looseObject({
  name: dirName,
  script: z.string().optional(),
  dataset: z.string().optional(),
  description: z.string().optional(),
})

export const MatrixEntrySchema = z.looseObject({
  run: z.string({ error: 'must name a run (a text value)' }),
  tasks: z
    .array(z.string({ error: 'must be a task name' }), { error: 'must be a list of task names' })
    .min(1, 'must list at least one task'),
  epochs: z
    .array(epochNumber, {
      error: 'must be a list of epoch numbers such as [0, 1], or null for control and eval-only runs',
    })
    .max(LIMITS.maxCellsPerEntry)
    .nullable()
    .optional(),
  vis_label: z.string().optional(),
})

export const SummarySchema = z.looseObject({
  experiment: z.looseObject(
    {
      name: z
        .string({ error: 'is required: the experiment name (text)' })
        .min(1, 'must not be empty')
        .max(LIMITS.maxNameLength),
      project: z.string().optional(),
      dir: z.string().optional(),
    },
    { error: 'is required: a mapping with at least `name`' },
  ),
  tools: z
    .looseObject(
      {
        preparation: z.string({ error: 'must be a tool name such as torchtune' }).optional(),
        evaluation: z.string({ error: 'must be a tool name such as inspect-ai' }).optional(),
      },
      { error: 'must be a mapping such as {preparation: torchtune, evaluation: inspect-ai}' },
    )
    .optional(),
  controls: z
    .looseObject(
      {
        epochs: positiveCount.optional(),
        batch_size: positiveCount.optional(),
        gradient_accumulation_steps: positiveCount.optional(),
      },
      { error: 'must be a mapping' },
    )
    .optional(),
  runs: z
    .array(RunSchema, { error: 'is required: the list of runs (model x hyperparameters)' })
    .min(1, 'must list at least one run')
    .max(LIMITS.maxRuns, `must list at most ${LIMITS.maxRuns} runs`),
  evaluation: z
    .looseObject(
      {
        tasks: z.array(TaskSchema, { error: 'must be a list of tasks' }).optional(),
        matrix: z.array(MatrixEntrySchema, { error: 'must be a list of {run, tasks, epochs} entries' }).optional(),
      },
      { error: 'must be a mapping with `tasks` and `matrix`' },
    )
    .optional(),
})

/**
 * The keys of experiment_summary.yaml, level by level, as cruijff_kit's design template defines them
 * (release line 0.3.x) plus the ones earlier releases wrote. A level not listed here (controls,
 * variables, runs[].parameters, runs[].slurm_overrides, data.data_generation, scorer params) is open:
 * any key may appear there. `legacy` maps a key cruijff_kit once wrote and no longer reads to what
 * became of it; such a key is accepted with a warning. `renamed` lists earlier names that the loader reads
 * under their new name (with its own warning) before the keys are checked: here they only count for
 * did-you-mean.
 */
export interface KeyLevel {
  keys: readonly string[]
  renamed?: readonly string[]
  legacy?: Readonly<Record<string, string>>
}

export const KNOWN_KEYS: Readonly<Record<string, KeyLevel>> = {
  '': {
    keys: ['experiment', 'tools', 'variables', 'controls', 'models', 'data', 'output', 'runs', 'evaluation'],
  },
  experiment: {
    keys: ['name', 'project', 'question', 'date', 'hypothesis', 'purpose', 'dir'],
    renamed: ['directory'],
    legacy: {
      seed: 'no longer read: seeds are controls.seed (training) and evaluation.seed',
      type: 'no longer read',
    },
  },
  tools: { keys: ['preparation', 'evaluation'] },
  models: { keys: ['base'] },
  'models.base[]': {
    keys: ['name', 'path', 'size_gb'],
    legacy: { base_recipe: 'no longer read: the recipe comes from the model configuration' },
  },
  data: { keys: ['training', 'data_generation'] },
  'data.training': {
    keys: ['path', 'dataset_label', 'format', 'size_kb', 'splits'],
    legacy: {
      label: 'the earlier name of data.training.dataset_label, no longer read',
      dataset_type: 'moved to controls.dataset_type, no longer read here',
    },
  },
  'data.training.splits': { keys: ['train', 'validation', 'test'] },
  output: {
    keys: ['wandb_project'],
    legacy: {
      base_directory: 'no longer read: the experiment lives in experiment.dir',
      checkpoint_pattern: 'no longer read: checkpoints are {run}/artifacts/epoch_N',
    },
  },
  'runs[]': { keys: ['name', 'type', 'model', 'parameters', 'training_condition', 'compute', 'slurm_overrides'] },
  'runs[].compute': { keys: ['time', 'gpus', 'mem', 'cpus_per_task'] },
  evaluation: {
    keys: [
      'temperature',
      'do_sample',
      'seed',
      'max_tokens',
      'max_connections',
      'assistant_prefix',
      'scorers',
      'tasks',
      'compute',
      'matrix',
    ],
    legacy: {
      scorer: 'the earlier name of evaluation.scorers; not read (the job scripts carry the scorers)',
      system_prompt: 'no longer read: the system prompt is controls.system_prompt',
      baseline: 'no longer read',
    },
  },
  'evaluation.scorers[]': { keys: ['name', 'params'] },
  'evaluation.tasks[]': {
    keys: ['name', 'script', 'description', 'dataset', 'eval_condition', 'prompt', 'system_prompt', 'assistant_prefix'],
  },
  'evaluation.compute': { keys: ['time', 'gpus', 'mem', 'cpus_per_task'] },
  'evaluation.matrix[]': { keys: ['run', 'vis_label', 'tasks', 'epochs'] },
}

/**
 * Whole numbers the runner reads. cruijff_kit's reader (PyYAML) keeps `epochs: "1"` as text and its
 * scripts convert it; we accept such text too, with a warning. `[]` stands for every list item.
 */
export const COUNTED_FIELDS: readonly (readonly string[])[] = [
  ['controls', 'epochs'],
  ['controls', 'batch_size'],
  ['controls', 'gradient_accumulation_steps'],
  ['runs', '[]', 'parameters', 'epochs'],
  ['evaluation', 'matrix', '[]', 'epochs', '[]'],
]
