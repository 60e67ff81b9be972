/**
 * What an evaluation job script asks inspect-ai to do, read from its `inspect eval` (or `eval-set`)
 * command line as inspect's CLI (click) parses it: the task specs, the model and its `-M` arguments, the
 * `-T` task arguments, the `--metadata`, the log directory and the other options, each word with its line.
 * The identity of a cell's run is in there (the vis_label, epoch and model path inspect records in its
 * log), and so are the paths the job will read and write.
 *
 * The option list is inspect-ai's own (inspect-options.ts): an option's value is never taken for a task. A
 * word after an option this list does not know may be that option's value: it is not taken for a task file
 * either, but said unresolved.
 */
import { dirnameOf, resolvePath } from '../cluster/paths.js'
import type { Cell } from '../experiment/model.js'
import { yamlValue } from '../yaml.js'
import { clusterPath, type Launch } from './launch.js'
import { FLAGS, OPTIONAL_VALUE, SHORT_VALUED, VALUED } from './inspect-options.js'
import type { JobFilesBuilder } from './job-files.js'
import { mayHoldOptions, sliceWord, type ValueOrWhy, type ShellWord } from './shell.js'

export interface InspectInvocation {
  launch: Launch
  /** 1-based line of the command. */
  line: number
  command: 'eval' | 'eval-set'
  /** The task specs as written: `file.py`, `file.py@task`, a directory, a registry name. */
  tasks: ShellWord[]
  /** `task` of the first `file.py@task`. */
  task?: string
  model?: ShellWord
  /** `-T key=value`: the value's word, by key. */
  taskArgs: Record<string, ShellWord>
  modelArgs: Record<string, ShellWord>
  metadata: Record<string, ShellWord>
  /** `-T`/`-M`/`--metadata` arguments whose key is not known (`-T "$ARG"`). */
  unknownArgs: ShellWord[]
  /** Every option that took a value, in order. */
  options: { name: string; value: ShellWord }[]
  /** Positional words that may be the value of an option this reading does not know. */
  uncertain: ShellWord[]
}

/** The inspect eval (or eval-set) a launch runs, or undefined when it runs something else. */
export function inspectInvocation(launch: Launch): InspectInvocation | undefined {
  const isInspect =
    launch.program === 'inspect' || launch.module === 'inspect_ai' || launch.module === 'inspect_ai.__main__'
  if (!isInspect) return undefined
  const args = launch.args
  let at = 0
  while (args[at]?.value === '--version' || args[at]?.value === '--help') at++
  const command = args[at]?.value
  if (command !== 'eval' && command !== 'eval-set') return undefined
  const inv: InspectInvocation = {
    launch,
    line: launch.command.line,
    command,
    tasks: [],
    taskArgs: {},
    modelArgs: {},
    metadata: {},
    unknownArgs: [],
    options: [],
    uncertain: [],
  }
  let positionalOnly = false
  let maybeValue = false
  const positional = (w: ShellWord): void => {
    if (maybeValue) inv.uncertain.push(w)
    else inv.tasks.push(w)
    maybeValue = false
  }
  for (let i = at + 1; i < args.length; i++) {
    const w = args[i] as ShellWord
    const text = w.value ?? w.head
    if (positionalOnly || !text.startsWith('-') || text === '-') {
      positional(w)
      // an expansion of unknown value may hold options: the word after it may be a value
      if (mayHoldOptions(w)) maybeValue = true
      continue
    }
    maybeValue = false
    if (text === '--') {
      positionalOnly = true
      continue
    }
    let name: string
    let value: ShellWord | undefined
    const eq = text.indexOf('=')
    if (text.startsWith('--')) {
      name = eq > 0 ? text.slice(0, eq) : text
      const inline = eq > 0 ? sliceWord(w, eq + 1) : undefined
      if (VALUED.has(name)) value = inline ?? args[++i]
      else if (OPTIONAL_VALUE.has(name)) {
        const next = args[i + 1]
        const nextText = next ? (next.value ?? next.head) : ''
        value = inline ?? (next && !(nextText.startsWith('-') && nextText.length > 1) ? args[++i] : undefined)
      } else if (!FLAGS.has(name) && inline === undefined) maybeValue = true
    } else if (SHORT_VALUED.has(text.slice(0, 2))) {
      name = text.slice(0, 2)
      value = text.length > 2 ? sliceWord(w, 2) : args[++i]
    } else {
      maybeValue = true
      continue
    }
    if (!value) continue
    inv.options.push({ name, value })
    const into: Record<string, Record<string, ShellWord>> = {
      '-T': inv.taskArgs,
      '-M': inv.modelArgs,
      '--metadata': inv.metadata,
    }
    const target = into[name]
    if (target) {
      const kv = value.value ?? value.head
      const sep = kv.indexOf('=')
      if (sep > 0) target[kv.slice(0, sep)] = sliceWord(value, sep + 1)
      else inv.unknownArgs.push(value)
    } else if (name === '--model') inv.model = value
  }
  const first = inv.tasks[0]?.value
  if (first !== undefined) {
    const [, task] = splitSpec(first)
    if (task) inv.task = task
  }
  return inv
}

/** `file.py@task` -> [`file.py`, `task`], as inspect splits a spec (at its last `@`). */
function splitSpec(spec: string): [string, string | undefined] {
  const i = spec.lastIndexOf('@')
  return i < 0 ? [spec, undefined] : [spec.slice(0, i), spec.slice(i + 1)]
}

/** Where the evaluation writes its logs: `--log-dir`, else $INSPECT_LOG_DIR, else ./logs. */
export function logDirOf(inv: InspectInvocation): { where: ValueOrWhy<string>; word?: ShellWord } {
  const option = inv.options.filter((o) => o.name === '--log-dir').pop()
  if (option) {
    const v = option.value.value
    return {
      where: v !== undefined ? clusterPath(inv.launch, v) : { why: option.value.why ?? 'unknown' },
      word: option.value,
    }
  }
  const env = inv.launch.variable('INSPECT_LOG_DIR')
  if (env.value !== undefined) return { where: clusterPath(inv.launch, env.value) }
  // Not set in the script: inspect's default (the variable may come from the environment, as it may for any job).
  return { where: clusterPath(inv.launch, './logs') }
}

/** -T keys that name an input path whatever their value looks like. */
const PATH_KEY = /(^|_)(path|file|files)$/
/** -T keys that name an input path when their value looks like one (`dataset=openai/gsm8k` does not). */
const INPUT_KEY = /(^|_)(data|dataset|config|dir|directory)$/
/** Keys that name something the job writes. */
const OUTPUT_KEY = /^(out|output|save|log|logs|result|results|cache|tmp|temp|dump|export|write|checkpoint)(_|$)/
/** Options whose value is an input file of the run (YAML or JSON). */
const CONFIG_OPTIONS = new Set([
  '--task-config',
  '--model-config',
  '--solver-config',
  '--generate-config',
  '--run-config',
  '--model-cost-config',
  '--scan-model-config',
  '--scan-generate-config',
])
/** Options whose value is a config file or a registered name: a file when it has a file's extension. */
const FILE_OR_NAME_OPTIONS = new Set(['--approval', '--review', '--sentinel', '--scanner', '--modalities'])
const FILE_EXTENSION = /\.(ya?ml|json|py)$/

/** Whether a value names a local file or directory rather than a name (`openai/gsm8k`, `gpt-4.1`). */
function looksLikePath(v: string): boolean {
  return /^(\/|\.\.?\/|~)/.test(v) || /\.[A-Za-z][A-Za-z0-9]{0,7}$/.test(v)
}

/**
 * The paths one inspect command line reads and writes, into `files`. `cell` is the matrix cell it
 * evaluates: a fine-tuned cell's model is the checkpoint its training writes, not checked beforehand.
 */
export function inspectFiles(inv: InspectInvocation, cell: Cell | undefined, files: JobFilesBuilder): void {
  const launch = inv.launch
  const command = launch.command
  const read = (
    w: ShellWord,
    path: string | ValueOrWhy<string>,
    what: { kind: string; trigger: boolean; field: string },
  ): void => {
    files.readAt(typeof path === 'string' ? clusterPath(launch, path) : path, w, what, command)
  }
  const unknown = (w: ShellWord): ValueOrWhy<string> => ({ why: w.why ?? 'its value is not known' })
  for (const w of inv.uncertain)
    if (/\.(py|ipynb)(@|$)/.test(w.value ?? w.tail))
      files.unresolvedWord(w, "it follows an option this reading does not know: a task, or that option's value?")
  // inspect creates and runs a file's task in the file's directory: relative task arguments resolve there
  let taskDir: ValueOrWhy<string> = inv.tasks.length === 0 ? launch.cwd : { why: 'the job evaluates several tasks' }
  for (const w of inv.tasks) {
    if (w.value === undefined) {
      files.unresolvedWord(w, `the task: ${w.why ?? ''}`)
      continue
    }
    const [file] = splitSpec(w.value)
    if (/\.(py|ipynb)$/.test(file)) {
      read(w, file, { kind: 'inspect task file', trigger: true, field: 'task' })
      const dir = file.startsWith('/')
        ? dirnameOf(file)
        : launch.cwd.value && dirnameOf(resolvePath(launch.cwd.value, file))
      if (inv.tasks.length === 1)
        taskDir = dir
          ? { value: dir }
          : { why: `the task file is relative to an unknown directory: ${launch.cwd.why ?? ''}` }
    } else if (/^(\/|\.\.?(\/|$))|\/$/.test(file)) {
      // a path, or a name ending in `/`: a directory (a registry name is `pkg/task`)
      read(w, file, { kind: 'inspect task directory', trigger: false, field: 'task' })
    } else if (inv.tasks.length === 1) taskDir = launch.cwd // a registry name (`pkg/task`): nothing to check
  }
  const inTaskDir = (v: string): string | ValueOrWhy<string> =>
    v.startsWith('/')
      ? v
      : taskDir.value !== undefined
        ? resolvePath(taskDir.value, v)
        : { why: `it is relative to the task's directory, which is not known: ${taskDir.why}` }
  for (const [key, w] of Object.entries(inv.taskArgs)) {
    if (OUTPUT_KEY.test(key) || !(PATH_KEY.test(key) || INPUT_KEY.test(key))) continue
    const text = w.value !== undefined ? cliString(w.value) : undefined
    if (w.value !== undefined && (!text || (!PATH_KEY.test(key) && !looksLikePath(text)))) continue
    const kind = /(^|_)(data|dataset)(_path|_file|_files)?$/.test(key)
      ? 'evaluation dataset'
      : /(^|_)config(_path|_file)?$/.test(key)
        ? 'task config file'
        : `task input (-T ${key})`
    const trigger = !/(^|_)(dir|directory)$/.test(key)
    read(w, text !== undefined ? inTaskDir(text) : unknown(w), { kind, trigger, field: `-T ${key}` })
  }
  // a fine-tuned cell's model is written by its training: not there before the job is submitted
  if (cell?.epoch === null || cell === undefined) {
    for (const [key, w] of Object.entries(inv.modelArgs)) {
      if (!PATH_KEY.test(key) || OUTPUT_KEY.test(key)) continue
      const text = w.value !== undefined ? cliString(w.value) : undefined
      if (w.value !== undefined && !text) continue
      const kind = key === 'model_path' ? 'model directory' : `model input (-M ${key})`
      read(w, text ?? unknown(w), { kind, trigger: false, field: `-M ${key}` })
    }
  }
  for (const w of inv.unknownArgs) files.unresolvedWord(w, `an argument whose key is not known: ${w.why ?? ''}`)
  for (const { name, value } of inv.options) {
    const v = value.value
    const what = { kind: `inspect config file (${name})`, trigger: true, field: name }
    if (CONFIG_OPTIONS.has(name)) read(value, v ?? unknown(value), what)
    else if (FILE_OR_NAME_OPTIONS.has(name) && v !== undefined && FILE_EXTENSION.test(splitSpec(v)[0]))
      read(value, splitSpec(v)[0], what)
    else if (name === '--sandbox' && v !== undefined && /^[\w-]+:.*/.test(v) && FILE_EXTENSION.test(v))
      read(value, v.slice(v.indexOf(':') + 1), { kind: 'sandbox config file', trigger: true, field: name })
    else if (name === '--scans' || name === '--bundle-dir')
      files.writeAt(v !== undefined ? clusterPath(launch, v) : unknown(value), value, {
        kind: `inspect ${name.slice(2)} directory`,
        field: name,
      })
  }
  const logs = logDirOf(inv)
  files.writeAt(logs.where, logs.word ?? { line: inv.line, raw: "--log-dir ./logs (inspect's default)" }, {
    kind: 'inspect log directory',
    field: '--log-dir',
  })
  const image = launch.container?.image
  if (image?.value !== undefined && !/^[a-z]+:\/\//.test(image.value)) {
    const host = launch.command.cwd.value
    const where = image.value.startsWith('/') || host === undefined ? image.value : resolvePath(host, image.value)
    files.readAt(
      where.startsWith('/') ? { value: where } : { why: launch.command.cwd.why ?? 'unknown' },
      image,
      { kind: 'container image', trigger: false },
      command,
    )
  }
}

/** How inspect reads a `-T`/`-M`/`--metadata` value: as YAML (PyYAML, 1.1): `"true"` is true, `"0"` is 0. */
export function cliValue(text: string): unknown {
  const read = yamlValue(text, '1.1')
  return read ? read.value : text
}

/** A value as the string inspect hands the task (a quoted YAML string unquoted); undefined when not a string. */
function cliString(text: string): string | undefined {
  const v = cliValue(text)
  return typeof v === 'string' ? v : undefined
}

/** Whether a value inspect recorded in a log is the one a script passed. */
export function sameValue(recorded: unknown, passed: string): boolean {
  const expected = cliValue(passed)
  if (recorded === expected) return true
  if (typeof recorded !== 'string' && typeof recorded !== 'number' && typeof recorded !== 'boolean') return false
  if (typeof expected !== 'string' && typeof expected !== 'number' && typeof expected !== 'boolean') return false
  return String(recorded) === String(expected)
}
