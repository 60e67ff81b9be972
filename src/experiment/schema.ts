/**
 * experiment_summary.yaml (cruijff_kit format), described once. The loader takes every fact about the
 * format from these schemas:
 * - `z.object` is a mapping whose keys are all listed: any other key is unknown (an error when it is near
 *   a known key, else a warning); `z.looseObject` is an open mapping (any key), its listed keys still read.
 * - `unread` is a key cruijff_kit defines and the runner does not read; `unchecked` a section the runner
 *   does not read (its keys are checked, its values are not: cruijff_kit's reader takes any value there).
 * - `legacy` is a key cruijff_kit once wrote and no longer reads (zod's `deprecated`): accepted with a warning.
 * - `lenient` is a place where the runner reads as cruijff_kit's reader (PyYAML) does, with a warning:
 *   a whole number written as text (`counted`), a key under its earlier name (`renamed`).
 */
import { z } from 'zod'
import { isMapping } from '../yaml.js'

export const RUN_TYPES = ['fine-tuned', 'control', 'eval-only'] as const
export type RunType = (typeof RUN_TYPES)[number]

/** Bounds that keep hostile files from exhausting anything (the caps a user may raise are the loader's). */
export const LIMITS = {
  maxNameLength: 200,
  maxEpoch: 100_000,
  maxRuns: 10_000,
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

/** How cruijff_kit's reader takes a value the schema would refuse as it is written. */
export interface Leniency {
  /** The value as cruijff_kit reads it: the same value when there is nothing to read differently. */
  read(value: unknown): unknown
  /** The warning when `read` changed the value at `field`; `key` when it is about a key of that value. */
  note(written: unknown, read: unknown, field: string): { message: string; hint: string; key?: string }
  /** Earlier names of keys that it reads under their new name (they count for did-you-mean). */
  renamed?: readonly string[]
}

/** Where each leniency applies: the loader reads it from here to warn at the line. */
export const LENIENCIES = new WeakMap<z.core.$ZodType, Leniency>()

function lenient<S extends z.ZodType>(leniency: Leniency, schema: S) {
  const read = z.preprocess((value) => leniency.read(value), schema)
  LENIENCIES.set(read, leniency)
  return read
}

/** `epochs: "1"`: PyYAML keeps the text and cruijff_kit's scripts convert it. */
const quotedWholeNumber: Leniency = {
  read: (value) => (typeof value === 'string' && /^\s*[+]?\d{1,9}\s*$/.test(value) ? Number(value.trim()) : value),
  note: (written, read) => ({
    message: `is the text "${String(written)}", not a number: read as ${String(read)}`,
    hint: "cruijff_kit's scripts convert it too; write it without quotes",
  }),
}

/** A whole number the runner reads: text that holds one counts, with a warning. */
const counted = <S extends z.ZodType>(schema: S) => lenient(quotedWholeNumber, schema)

/** A mapping key under the name cruijff_kit used before: read under the new name, with a warning. */
function renamed(earlier: string, now: string): Leniency {
  return {
    renamed: [earlier],
    read(value) {
      if (!isMapping(value) || !(earlier in value)) return value
      const { [earlier]: given, ...rest } = value
      return rest[now] === undefined ? { ...rest, [now]: given } : rest
    },
    note: (written, _read, field) =>
      isMapping(written) && written[now] === undefined
        ? {
            key: earlier,
            message: `\`${field}.${earlier}\` is the earlier name of \`${field}.${now}\`: read as ${field}.${now}`,
            hint: `rename it to \`${now}\` (cruijff_kit 0.3.x reads only \`${now}\`)`,
          }
        : {
            key: earlier,
            message: `both \`${field}.${now}\` and the earlier \`${field}.${earlier}\`: ${field}.${now} is used`,
            hint: `remove \`${earlier}\``,
          },
  }
}

const unread = z.unknown().optional()
function unreadKeys<K extends string>(...keys: K[]): Record<K, typeof unread> {
  return Object.fromEntries(keys.map((key) => [key, unread])) as Record<K, typeof unread>
}
const legacy = (note: string) => z.unknown().optional().meta({ deprecated: true, description: note })
const unchecked = <S extends z.ZodType>(schema: S) => z.union([schema, z.unknown()]).optional()

const dirName = z.string().superRefine((s, ctx) => {
  const problem = directoryNameProblem(s)
  if (problem) ctx.addIssue({ code: 'custom', message: `must be usable as a directory name, but ${problem}` })
})

/** A whole number from `min` to LIMITS.maxEpoch, in the words of `notWhole` (and of `belowMin`). */
const wholeNumber = (min: number, notWhole: string, belowMin = notWhole) =>
  z
    .number({ error: notWhole })
    .int(notWhole)
    .min(min, belowMin)
    .max(LIMITS.maxEpoch, `must be at most ${LIMITS.maxEpoch}`)

const epochNumber = wholeNumber(
  0,
  'must be a whole number (0, 1, 2, ...)',
  'must be 0 or more (epochs are counted from 0)',
)

/** A count of 1 or more (epochs, batch sizes). */
export const positiveCount = wholeNumber(1, 'must be a whole number of 1 or more')

const compute = unchecked(z.object(unreadKeys('time', 'gpus', 'mem', 'cpus_per_task')))

export const RunSchema = z.object({
  name: dirName,
  type: z.enum(RUN_TYPES, { error: `must be one of ${RUN_TYPES.join(', ')}` }),
  model: z.string().optional(),
  // A run's own epochs are read as counted here and checked by the loader: a wrong one is an error at
  // the run, which then trains controls.epochs.
  parameters: z.union([z.looseObject({ epochs: counted(z.unknown()).optional() }), z.null()]).optional(),
  ...unreadKeys('training_condition'),
  compute,
  slurm_overrides: unread,
})

export const TaskSchema = z.object({
  name: dirName,
  script: z.string().optional(),
  description: z.string().optional(),
  dataset: z.string().optional(),
  ...unreadKeys('eval_condition', 'prompt', 'system_prompt', 'assistant_prefix'),
})

export const MatrixEntrySchema = z.object({
  run: z.string({ error: 'must name a run (a text value)' }),
  vis_label: z.string().optional(),
  tasks: z
    .array(z.string({ error: 'must be a task name' }), { error: 'must be a list of task names' })
    .min(1, 'must list at least one task'),
  epochs: z
    .array(counted(epochNumber), {
      error: 'must be a list of epoch numbers such as [0, 1], or null for control and eval-only runs',
    })
    .nullable()
    .optional(),
})

/** Keys follow cruijff_kit's design template (release line 0.3.x), plus the ones earlier releases wrote. */
export const SummarySchema = z.object({
  experiment: lenient(
    renamed('directory', 'dir'),
    z.object(
      {
        name: z
          .string({ error: 'is required: the experiment name (text)' })
          .min(1, 'must not be empty')
          .max(LIMITS.maxNameLength),
        project: z.string().optional(),
        ...unreadKeys('question', 'date', 'hypothesis', 'purpose'),
        dir: z.string().optional(),
        seed: legacy('no longer read: seeds are controls.seed (training) and evaluation.seed'),
        type: legacy('no longer read'),
      },
      { error: 'is required: a mapping with at least `name`' },
    ),
  ),
  tools: z
    .object(
      {
        preparation: z.string({ error: 'must be a tool name such as torchtune' }).optional(),
        evaluation: z.string({ error: 'must be a tool name such as inspect-ai' }).optional(),
      },
      { error: 'must be a mapping such as {preparation: torchtune, evaluation: inspect-ai}' },
    )
    .optional(),
  variables: unread,
  controls: z
    .looseObject(
      {
        epochs: counted(positiveCount).optional(),
        batch_size: counted(positiveCount).optional(),
        gradient_accumulation_steps: counted(positiveCount).optional(),
      },
      { error: 'must be a mapping' },
    )
    .optional(),
  models: unchecked(
    z.object({
      base: z.array(
        z.object({
          ...unreadKeys('name', 'path', 'size_gb'),
          base_recipe: legacy('no longer read: the recipe comes from the model configuration'),
        }),
      ),
    }),
  ),
  data: unchecked(
    z.object({
      training: z.object({
        ...unreadKeys('path', 'dataset_label', 'format', 'size_kb'),
        splits: z.object(unreadKeys('train', 'validation', 'test')),
        label: legacy('the earlier name of data.training.dataset_label, no longer read'),
        dataset_type: legacy('moved to controls.dataset_type, no longer read here'),
      }),
      data_generation: unread,
    }),
  ),
  output: unchecked(
    z.object({
      wandb_project: unread,
      base_directory: legacy('no longer read: the experiment lives in experiment.dir'),
      checkpoint_pattern: legacy('no longer read: checkpoints are {run}/artifacts/epoch_N'),
    }),
  ),
  runs: z
    .array(RunSchema, { error: 'is required: the list of runs (model x hyperparameters)' })
    .min(1, 'must list at least one run')
    .max(LIMITS.maxRuns, `must list at most ${LIMITS.maxRuns} runs`),
  evaluation: z
    .object(
      {
        ...unreadKeys('temperature', 'do_sample', 'seed', 'max_tokens', 'max_connections', 'assistant_prefix'),
        scorers: unchecked(z.array(z.object(unreadKeys('name', 'params')))),
        tasks: z.array(TaskSchema, { error: 'must be a list of tasks' }).optional(),
        compute,
        matrix: z.array(MatrixEntrySchema, { error: 'must be a list of {run, tasks, epochs} entries' }).optional(),
        scorer: legacy('the earlier name of evaluation.scorers; not read (the job scripts carry the scorers)'),
        system_prompt: legacy('no longer read: the system prompt is controls.system_prompt'),
        baseline: legacy('no longer read'),
      },
      { error: 'must be a mapping with `tasks` and `matrix`' },
    )
    .optional(),
})
