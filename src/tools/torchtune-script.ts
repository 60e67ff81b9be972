/**
 * What a fine-tuning job script asks torchtune to do: `tune run [TORCHRUN-OPTIONS] <recipe> --config
 * <config> [key=value ...]` (also as `python -m torchtune._cli.tune run ...`), or a recipe launched by
 * `torchrun [options] (-m module | script.py) --config <config> [key=value ...]`; then the config it
 * names, with the command line's overrides applied and `${key}` interpolations resolved, and the paths
 * in it: what the job reads (base model, tokenizer, datasets) and where it writes (output_dir).
 */
import { joinPath, resolvePath } from '../cluster/paths.js'
import { formatProblem, type Problem } from '../result.js'
import { oversize, readYaml, valueAt, yamlValue, type YamlFile, type YamlKind } from '../yaml.js'
import { clusterPath, parseOptions, type Launch } from './launch.js'
import { inRunDir, jobScript, type JobFilesBuilder, type Location, type ReadScript } from './job-files.js'
import { mayHoldOptions, sliceWord, type ValueOrWhy, type ShellWord } from './shell.js'
import type { PlannedJob, ReadFile } from './tool.js'

/** cruijff_kit's scaffold: the config beside the script, when no tune command says otherwise. */
export const CONVENTIONAL_CONFIG = 'finetune.yaml'

/** torchtune configs among the YAML files users write: a larger one is not read to its end. */
const CONFIG_YAML: YamlKind = {
  maxBytes: 1024 * 1024,
  usualSize: 'real torchtune configs are a few KB',
  usualDepth: 'torchtune configs nest a few',
  notMapping: 'is not a YAML mapping',
}

export interface Override {
  /** Dotted key (`dataset.data_files`). */
  key: string
  word: ShellWord
  /** `~key`: the key is removed. */
  remove: boolean
}

export interface TuneInvocation {
  launch: Launch
  line: number
  recipe?: ShellWord
  /** The word after `--config`. */
  config?: ShellWord
  overrides: Override[]
  /** Arguments of unknown value that may hold overrides (`$OVERRIDES`). */
  unknown: ShellWord[]
}

/** The torchtune training a launch runs, or undefined when it runs something else. */
function tuneInvocation(launch: Launch): TuneInvocation | undefined {
  const tune = launch.program === 'tune' || launch.module === 'torchtune._cli.tune'
  if (tune) return launch.args[0]?.value === 'run' ? tuneRun(launch, launch.args.slice(1)) : undefined
  const torchrun =
    launch.program === 'torchrun' ||
    launch.module === 'torch.distributed.run' ||
    launch.module === 'torch.distributed.launch'
  if (!torchrun) return undefined
  const seen = { module: false }
  const at = parseOptions(launch.args, 0, TORCHRUN, (opt) => {
    if (opt === '-m' || opt === '--module') seen.module = true
  })
  const module = seen.module
  const script = launch.args[at]
  const rest = launch.args.slice(at + 1)
  if (!script) return undefined
  if ((module && script.value === 'torchtune._cli.tune') || (!module && /(^|\/)tune$/.test(script.value ?? '')))
    return rest[0]?.value === 'run' ? tuneRun(launch, rest.slice(1)) : undefined
  return recipeArgs(launch, script, rest)
}

/** `tune run`'s arguments: torchrun's options, the recipe, then the recipe's. */
function tuneRun(launch: Launch, args: ShellWord[]): TuneInvocation | undefined {
  const at = parseOptions(args, 0, TORCHRUN)
  const recipe = args[at]
  return recipe ? recipeArgs(launch, recipe, args.slice(at + 1)) : undefined
}

function recipeArgs(launch: Launch, recipe: ShellWord, args: ShellWord[]): TuneInvocation {
  const inv: TuneInvocation = { launch, line: launch.command.line, recipe, overrides: [], unknown: [] }
  for (let i = 0; i < args.length; i++) {
    const w = args[i] as ShellWord
    const text = w.value ?? w.head
    if (text === '--config') {
      inv.config = args[++i]
      continue
    }
    if (text.startsWith('--config=')) {
      inv.config = sliceWord(w, '--config='.length)
      continue
    }
    const m = /^(~?)([A-Za-z_][\w.-]*)(=|$)/.exec(text)
    if (m && (m[3] === '=' || m[1] === '~')) inv.overrides.push({ key: m[2] ?? '', word: w, remove: m[1] === '~' })
    else if (mayHoldOptions(w)) inv.unknown.push(w)
  }
  return inv
}

// ------------------------------------------------------------------ the config, as the job sees it

export interface TrainingSetup {
  script?: ReadScript
  invocation?: TuneInvocation
  /** The config file (absolute), or why it is not known. */
  configPath: ValueOrWhy<string>
  /** Where the config is named: the `--config` word (absent: by convention, beside the script). */
  configWord?: ShellWord
  /** The config as the script names it (cruijff_kit's finetune.yaml by convention), for messages. */
  configName: string
  /** The config's path as JobPath.file. */
  configFile: string
  /** A built-in torchtune config (`llama3_2/1B_lora_single_device`): not a file here. */
  builtin: boolean
  /** The config's text; undefined when it is missing or over its cap. */
  text?: string
  /** The config with the command line's overrides applied (`{}` when it cannot be read). */
  config: Record<string, unknown>
  /** The config as parsed, to locate its keys. */
  yaml?: YamlFile
  /** Why the config, which is there, cannot be read: located in it. */
  unreadable?: Problem
  /** Resolves a path the config (or an override) names, as the training process sees it. */
  resolve(path: string): ValueOrWhy<string>
}

/** The training a job's script runs, its config read and overridden as torchtune will. */
export async function trainingSetup(read: ReadFile, runDir: string, job: PlannedJob): Promise<TrainingSetup> {
  const script = await jobScript(read, runDir, job)
  const jobDir = resolvePath(runDir, job.dir)
  const invocation = script?.launches.flatMap((l) => tuneInvocation(l) ?? [])[0]
  const launch = invocation?.launch
  const resolve = (path: string): ValueOrWhy<string> =>
    launch ? clusterPath(launch, path) : { value: resolvePath(script?.script.startDir.value ?? jobDir, path) }
  const word = invocation?.config
  const name = word?.value
  const builtin = name !== undefined && !/\.ya?ml$/.test(name) && !/^(\/|\.\.?\/)/.test(name)
  const configPath: ValueOrWhy<string> = !invocation
    ? { value: `${jobDir}/${CONVENTIONAL_CONFIG}` }
    : !word
      ? { why: `line ${invocation.line} runs torchtune without a --config` }
      : name === undefined
        ? { why: word.why ?? 'unknown' }
        : builtin
          ? { why: `${name} is one of torchtune's built-in configs` }
          : resolve(name)
  const setup: TrainingSetup = {
    ...(script ? { script } : {}),
    ...(invocation ? { invocation } : {}),
    configPath,
    ...(word ? { configWord: word } : {}),
    configName: word ? (word.value ?? word.raw) : CONVENTIONAL_CONFIG,
    configFile:
      configPath.value !== undefined ? inRunDir(runDir, configPath.value) : joinPath(job.dir, CONVENTIONAL_CONFIG),
    builtin,
    config: {},
    resolve,
  }
  const bytes = configPath.value !== undefined ? await read(configPath.value, CONFIG_YAML.maxBytes + 1) : null
  if (bytes && bytes.length > CONFIG_YAML.maxBytes) setup.unreadable = oversize(setup.configFile, CONFIG_YAML)
  else if (bytes) {
    setup.text = bytes.toString('utf8')
    const yaml = readYaml(setup.text, setup.configFile, CONFIG_YAML)
    if (!yaml.ok) setup.unreadable = yaml.error[0]
    else {
      setup.yaml = yaml.value
      setup.config = yaml.value.data
    }
  }
  for (const o of invocation?.overrides ?? []) applyOverride(setup.config, o)
  return setup
}

function applyOverride(config: Record<string, unknown>, o: Override): void {
  const keys = o.key.split('.')
  let node: Record<string, unknown> = config
  for (const k of keys.slice(0, -1)) {
    const next = node[k]
    if (!next || typeof next !== 'object' || Array.isArray(next)) node[k] = {}
    node = node[k] as Record<string, unknown>
  }
  const last = keys[keys.length - 1] ?? ''
  if (o.remove) {
    Reflect.deleteProperty(node, last)
    return
  }
  const text = o.word.value
  if (text === undefined) {
    node[last] = new UnknownValue(o.word.why ?? 'unknown')
    return
  }
  const raw = text.slice(text.indexOf('=') + 1)
  node[last] = yamlValue(raw)?.value ?? raw
}

/** A value the command line sets from something unknown (`output_dir=$OUT`). */
class UnknownValue {
  constructor(readonly why: string) {}
}

/** The override that sets `key` (or a key above it), if any. */
function overrideOf(setup: TrainingSetup, key: string): Override | undefined {
  return [...(setup.invocation?.overrides ?? [])].reverse().find((o) => key === o.key || key.startsWith(`${o.key}.`))
}

/** Where a config key is named: the override on the command line, else its line in the config file. */
function locate(setup: TrainingSetup, keys: (string | number)[]): Location {
  const o = overrideOf(setup, keys.join('.'))
  if (o) return { line: o.word.line, column: o.word.column, raw: o.word.raw }
  const at = setup.yaml?.find(keys)
  return { file: setup.configFile, line: at?.line ?? 1, ...(at ? { column: at.column } : {}), raw: keys.join('.') }
}

/** A string value of the config with `${a.b}` references resolved; why not, when they cannot be. */
function configString(setup: TrainingSetup, value: unknown): ValueOrWhy<string> {
  if (value instanceof UnknownValue) return { why: value.why }
  if (typeof value !== 'string') return { why: 'not a string' }
  const out = interpolate(value, setup.config)
  const left = /\$\{[^}]*\}/.exec(out)
  return left ? { why: `${left[0]} cannot be resolved before the job runs` } : { value: out }
}

/** OmegaConf-style `${key}` and `${a.b}` references to other values of the config. */
function interpolate(value: string, config: Record<string, unknown>, depth = 0): string {
  if (depth > 8) return value
  const out = value.replace(/\$\{([A-Za-z0-9_.]+)\}/g, (whole, key: string) => {
    const v = valueAt(config, key.split('.'))
    return typeof v === 'string' || typeof v === 'number' ? String(v) : whole
  })
  return out === value ? out : interpolate(out, config, depth + 1)
}

/** Where the checkpoints go: `output_dir` (top level, else the checkpointer's), as the job resolves it. */
export function outputDirOf(setup: TrainingSetup): ValueOrWhy<string> {
  const top = valueAt(setup.config, ['output_dir'])
  const value = top !== undefined ? top : valueAt(setup.config, ['checkpointer', 'output_dir'])
  // Without a config the job fails anyway; the conventional place keeps earlier behaviour.
  if (value === undefined && setup.unreadable) return { why: formatProblem(setup.unreadable) }
  if (value === undefined)
    return setup.text === undefined ? setup.resolve('artifacts') : { why: 'the config has no output_dir' }
  const s = configString(setup, value)
  return s.value !== undefined ? setup.resolve(s.value) : s
}

/** What a torchtune LoRA config makes the job read, by key path; `trigger`: an input a user edits. */
const READS: readonly { keys: string[]; kind: string; trigger: boolean }[] = [
  { keys: ['checkpointer', 'checkpoint_dir'], kind: 'base model directory', trigger: false },
  { keys: ['checkpointer', 'checkpoint_files'], kind: 'base model weights file', trigger: false },
  { keys: ['tokenizer', 'path'], kind: 'tokenizer file', trigger: false },
  { keys: ['tokenizer', 'merges_file'], kind: 'tokenizer merges file', trigger: false },
  { keys: ['dataset'], kind: 'training dataset', trigger: true },
  { keys: ['dataset_val'], kind: 'validation dataset', trigger: true },
]

/** Hugging Face `datasets` builders that read local files (`source: json` with `data_files`). */
const LOCAL_BUILDERS = new Set([
  'json',
  'csv',
  'text',
  'parquet',
  'arrow',
  'pandas',
  'webdataset',
  'imagefolder',
  'audiofolder',
])

/** The reads and writes of a training, into `files`. */
export function trainingFiles(setup: TrainingSetup, files: JobFilesBuilder): void {
  const inv = setup.invocation
  const command = inv?.launch.command
  if (!inv) {
    files.note(
      files.scriptFile,
      { line: 1 },
      'no tune run or torchrun command in the script: what the job reads is not known',
    )
    return
  }
  for (const w of inv.unknown) files.unresolvedWord(w, `arguments that may override the config: ${w.why ?? ''}`)
  const word = setup.configWord
  if (!word) files.note(files.scriptFile, { line: inv.line }, setup.configPath.why ?? 'no --config')
  else if (setup.builtin)
    files.unresolvedWord(
      word,
      `${word.value ?? ''} is one of torchtune's built-in configs: only its overrides are checked`,
    )
  else files.readAt(setup.configPath, word, { kind: 'training config', trigger: true, field: '--config' }, command)
  const unreadable = setup.unreadable
  if (unreadable) files.note(setup.configFile, { line: unreadable.line ?? 1 }, formatProblem(unreadable))
  const recipe = inv.recipe?.value
  if (recipe !== undefined && inv.recipe && /\.py$/.test(recipe))
    files.readAt(
      setup.resolve(recipe),
      inv.recipe,
      { kind: 'training recipe', trigger: true, field: 'recipe' },
      command,
    )

  const path = (keys: (string | number)[], raw: unknown, kind: string, trigger: boolean, base?: string): void => {
    const at = locate(setup, keys)
    const s = configString(setup, raw)
    if (s.value === undefined) {
      files.note(at.file ?? files.scriptFile, at, `${keys.join('.')}: ${s.why}`)
      return
    }
    const where = base !== undefined && !s.value.startsWith('/') ? joinPath(base, s.value) : s.value
    files.readAt(setup.resolve(where), at, { kind, trigger, field: keys.join('.') }, command)
  }
  for (const r of READS) {
    const value = valueAt(setup.config, r.keys)
    if (value === undefined) continue
    if (r.keys[0] === 'dataset' || r.keys[0] === 'dataset_val') {
      const list = Array.isArray(value) ? value : [value]
      list.forEach((d, i) => {
        const keys = Array.isArray(value) ? [...r.keys, i] : [...r.keys]
        datasetFiles(setup, keys, d, r, path, files)
      })
    } else if (r.keys.join('.') === 'checkpointer.checkpoint_files') {
      const dir = configString(setup, valueAt(setup.config, ['checkpointer', 'checkpoint_dir']))
      if (dir.value === undefined) continue
      checkpointFileNames(value).forEach((f, i) => {
        const keys = Array.isArray(value) ? [...r.keys, i] : r.keys
        path(keys, f, r.kind, r.trigger, dir.value)
      })
    } else path(r.keys, value, r.kind, r.trigger)
  }
  // a config that cannot be read says nothing of where it writes (unless the command line does)
  const outKeys = valueAt(setup.config, ['output_dir']) !== undefined ? ['output_dir'] : ['checkpointer', 'output_dir']
  if (setup.text === undefined && !overrideOf(setup, outKeys.join('.'))) return
  const out = outputDirOf(setup)
  files.writeAt(out, locate(setup, outKeys), { kind: 'training output directory', field: outKeys.join('.') })
}

/** A dataset's local files: `data_files` (a path, a list, or split -> path) of a local builder, or a local `source`. */
function datasetFiles(
  setup: TrainingSetup,
  keys: (string | number)[],
  d: unknown,
  r: { kind: string; trigger: boolean },
  path: (keys: (string | number)[], raw: unknown, kind: string, trigger: boolean) => void,
  files: JobFilesBuilder,
): void {
  if (!d || typeof d !== 'object') return
  const spec = d as Record<string, unknown>
  const source = configString(setup, spec['source']).value
  if (source !== undefined && /^(\/|\.\.?\/)/.test(source)) path([...keys, 'source'], spec['source'], r.kind, r.trigger)
  const dataFiles = spec['data_files']
  if (dataFiles === undefined) return
  const entries: [(string | number)[], unknown][] = Array.isArray(dataFiles)
    ? dataFiles.map((f, i) => [[...keys, 'data_files', i], f])
    : dataFiles && typeof dataFiles === 'object'
      ? Object.entries(dataFiles).map(([k, f]) => [[...keys, 'data_files', k], f])
      : [[[...keys, 'data_files'], dataFiles]]
  for (const [k, f] of entries) {
    const local = source !== undefined && (LOCAL_BUILDERS.has(source) || /^(\/|\.\.?\/)/.test(source))
    const absolute = configString(setup, f).value?.startsWith('/') ?? false
    if (local || (spec['source'] === undefined && absolute)) path(k, f, r.kind, r.trigger)
    else {
      const at = locate(setup, k)
      files.note(
        at.file ?? files.scriptFile,
        at,
        `data files of the dataset ${source ?? '(no source)'}: not a local path`,
      )
    }
  }
}

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

/** The override of a key on the command line (a retry cannot change it by editing the config). */
export function commandLineSets(setup: TrainingSetup, key: string): Override | undefined {
  return setup.invocation?.overrides.find((o) => o.key === key)
}

/** A config's text with its top-level `key: value` line set in place (comments and order kept), or appended. */
export function setTopLevel(text: string, key: string, value: string | number): string {
  const line = new RegExp(`^${key}:[ \\t]*[^\\s#]*`, 'm')
  if (line.test(text)) return text.replace(line, `${key}: ${value}`)
  return `${text.replace(/\n?$/, '\n')}${key}: ${value}\n`
}

/** torchrun's options (`python -m torch.distributed.run --help`, torch 2.x): those with a value. */
const TORCHRUN = {
  long: [
    '--nnodes',
    '--nproc-per-node',
    '--nproc_per_node',
    '--rdzv-backend',
    '--rdzv_backend',
    '--rdzv-endpoint',
    '--rdzv_endpoint',
    '--rdzv-id',
    '--rdzv_id',
    '--rdzv-conf',
    '--rdzv_conf',
    '--max-restarts',
    '--max_restarts',
    '--monitor-interval',
    '--monitor_interval',
    '--start-method',
    '--start_method',
    '--event-log-handler',
    '--event_log_handler',
    '--role',
    '--log-dir',
    '--log_dir',
    '--redirects',
    '--tee',
    '--local-ranks-filter',
    '--local_ranks_filter',
    '--duplicate-stdout-filters',
    '--duplicate_stdout_filters',
    '--duplicate-stderr-filters',
    '--duplicate_stderr_filters',
    '--node-rank',
    '--node_rank',
    '--master-addr',
    '--master_addr',
    '--master-port',
    '--master_port',
    '--local-addr',
    '--local_addr',
    '--logs-specs',
    '--logs_specs',
    '--numa-binding',
    '--numa_binding',
    '--signals-to-handle',
    '--signals_to_handle',
    '--shutdown-timeout',
    '--shutdown_timeout',
    // argparse takes unique prefixes: the ones people write
    '--nproc',
    '--nnode',
  ],
  short: 'rt',
}
