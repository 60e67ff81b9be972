/**
 * What a command of a job script runs once its wrappers are taken off: `env VAR=x ...`, `srun [opts] ...`,
 * `uv run [opts] ...`, `time -p` and `/usr/bin/time`, `conda|mamba|micromamba run -n env ...`,
 * `apptainer|singularity exec [opts] IMAGE ...`, `nice`, `nohup`, `timeout DURATION`, `stdbuf`, `taskset`,
 * `exec`, `command`, and `python [opts] -m MODULE`. The program is named by the file name of its path
 * (`/opt/venvs/ev/bin/inspect`, `./venv/bin/inspect`, `$VENV/bin/inspect`: `inspect`). Wrappers that move
 * the working directory (`srun --chdir`, `env --chdir`, `uv run --directory`, `conda run --cwd`,
 * `apptainer exec --pwd`) move it for the program; inside a container, a path is on the cluster only
 * through a bind or the working directory apptainer binds.
 */
import { resolvePath } from '../cluster/paths.js'
import {
  APPTAINER,
  CONDA_RUN,
  ENV,
  EXEC,
  NICE,
  PYTHON,
  SRUN,
  STDBUF,
  TASKSET,
  TIME,
  TIMEOUT,
  UV_RUN,
  type OptionTable,
} from './launch-options.js'
import { mayHoldOptions, programName, sliceWord, type ValueOrWhy, type ScriptCommand, type ShellWord } from './shell.js'

export interface Container {
  /** The image: a file, or a URI (`docker://...`). */
  image: ShellWord
  /** Binds, host path -> path inside. */
  binds: { host: string; inside: string }[]
  /** The working directory is bound at its own path (not with --contain, --containall, --no-mount cwd). */
  cwdBound: boolean
}

export interface Launch {
  command: ScriptCommand
  /** The program's file name (`inspect`, `tune`, `torchrun`, `python`); absent for `python -m MODULE`. */
  program?: string
  /** `python -m MODULE`, `uv run -m MODULE`: the module. */
  module?: string
  /** The program's arguments (after the program, or after the module name). */
  args: ShellWord[]
  /** The directory the program runs in, as the program sees it (inside its container, if any). */
  cwd: ValueOrWhy<string>
  container?: Container
  /** A variable in the program's environment. */
  variable(name: string): ValueOrWhy<string>
}

/** The program a command runs, wrappers taken off; undefined when it runs none we can name. */
export function launchOf(command: ScriptCommand): Launch | undefined {
  let words = command.words
  let cwd = command.cwd
  const env = new Map<string, ValueOrWhy<string>>()
  let container: Container | undefined
  const launch = (program: string | undefined, args: ShellWord[], module?: string): Launch => ({
    command,
    ...(program !== undefined ? { program } : {}),
    ...(module !== undefined ? { module } : {}),
    args,
    cwd,
    ...(container ? { container } : {}),
    variable: (name) => env.get(name) ?? command.variable(name),
  })
  const chdir = (to: ShellWord | undefined): void => {
    if (!to) return
    if (to.value === undefined) cwd = { why: `${to.raw} (line ${to.line}): ${to.why ?? ''}` }
    else if (to.value.startsWith('/')) cwd = { value: resolvePath('/', to.value) }
    else if (cwd.value !== undefined) cwd = { value: resolvePath(cwd.value, to.value) }
  }
  for (let guard = 0; guard < 32; guard++) {
    const first = words[0]
    if (!first) return undefined
    const name = programName(first)
    const rest = words.slice(1)
    const sub = rest[0]?.value
    let next: number | undefined
    switch (name) {
      case 'env': {
        const seen = { split: false }
        let i = parseOptions(rest, 0, ENV, (opt, v) => {
          if (opt === '-C' || opt === '--chdir') chdir(v)
          if (opt === '-S' || opt === '--split-string') seen.split = true
        })
        if (seen.split) return undefined
        for (let w = rest[i]; w && /^[A-Za-z_][A-Za-z0-9_]*=/.test(w.value ?? w.head); w = rest[++i]) {
          const [key, value] = splitAt(w.value ?? w.head, '=')
          env.set(key, w.value !== undefined ? { value: value ?? '' } : { why: w.why ?? 'unknown' })
        }
        next = i
        break
      }
      case 'srun':
        next = parseOptions(rest, 0, SRUN, (opt, v) => {
          if (opt === '-D' || opt === '--chdir') chdir(v)
        })
        break
      case 'uv':
        if (sub !== 'run') return launch(name, rest)
        {
          const seen = { module: false }
          next = parseOptions(rest, 1, UV_RUN, (opt, v) => {
            if (opt === '--directory') chdir(v)
            if (opt === '-m' || opt === '--module') seen.module = true
          })
          if (seen.module) return moduleLaunch(rest, next, launch)
        }
        break
      case 'time':
        next = parseOptions(rest, 0, TIME)
        break
      case 'conda':
      case 'mamba':
      case 'micromamba':
        if (sub !== 'run') return launch(name, rest)
        next = parseOptions(rest, 1, CONDA_RUN, (opt, v) => {
          if (opt === '--cwd') chdir(v)
        })
        break
      case 'apptainer':
      case 'singularity': {
        if (sub !== 'exec') return launch(name, rest)
        const binds: { host: string; inside: string }[] = []
        let cwdBound = true
        let pwd: ShellWord | undefined
        const i = parseOptions(rest, 1, APPTAINER, (opt, v) => {
          if (opt === '-B' || opt === '--bind') binds.push(...bindsOf(v?.value))
          if (opt === '--mount') binds.push(...mountOf(v?.value))
          if (opt === '--pwd') pwd = v
          if (['-c', '--contain', '-C', '--containall'].includes(opt)) cwdBound = false
          if (opt === '--no-mount' && /(^|,)cwd(,|$)/.test(v?.value ?? '')) cwdBound = false
        })
        const image = rest[i]
        if (!image) return undefined
        for (const n of ['APPTAINER_BIND', 'SINGULARITY_BIND', 'APPTAINER_BINDPATH', 'SINGULARITY_BINDPATH'])
          binds.push(...bindsOf(command.variable(n).value))
        container = { image, binds, cwdBound }
        chdir(pwd)
        next = i + 1
        break
      }
      case 'nice':
        next = parseOptions(rest, 0, NICE)
        break
      case 'timeout':
        next = parseOptions(rest, 0, TIMEOUT) + 1 // the duration
        break
      case 'stdbuf':
        next = parseOptions(rest, 0, STDBUF)
        break
      case 'taskset':
        next = parseOptions(rest, 0, TASKSET) + 1 // the CPU mask
        break
      case 'nohup':
      case 'builtin':
        next = 0
        break
      case 'exec':
        next = parseOptions(rest, 0, EXEC)
        break
      case 'command':
        if (rest.some((w) => /^-[vV]/.test(w.value ?? ''))) return undefined // a query, not a run
        next = parseOptions(rest, 0, EXEC)
        break
      default:
        if (/^python(\d+(\.\d+)*)?$/.test(name)) {
          const seen: { module?: string; code?: boolean } = {}
          const i = parseOptions(rest, 0, PYTHON, (opt, v) => {
            if (opt === '-m') seen.module = v?.value
            if (opt === '-c') seen.code = true
          })
          if (seen.code) return undefined
          if (seen.module !== undefined) return launch(undefined, rest.slice(i), seen.module)
          return launch(name, rest)
        }
        return launch(name, rest)
    }
    words = rest.slice(next)
  }
  return undefined
}

/** `uv run -m MODULE args`: the module is the first positional word. */
function moduleLaunch(
  rest: ShellWord[],
  at: number,
  launch: (program: string | undefined, args: ShellWord[], module?: string) => Launch,
): Launch | undefined {
  const module = rest[at]?.value
  return module === undefined ? undefined : launch(undefined, rest.slice(at + 1), module)
}

/**
 * Where a path a program is given lies on the cluster: absolute, resolved against the directory the
 * program runs in, mapped out of its container; or why that is not known.
 */
export function clusterPath(launch: Launch, path: string): ValueOrWhy<string> {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return { why: `${path} is a URL, not a path on the cluster` }
  if (!path.startsWith('/') && launch.cwd.value === undefined)
    return { why: `it is relative to the working directory, which is not known: ${launch.cwd.why}` }
  const inside = resolvePath(launch.cwd.value ?? '/', path)
  const c = launch.container
  if (!c) return { value: inside }
  const bind = c.binds
    .filter((b) => inside === b.inside || inside.startsWith(`${b.inside}/`))
    .sort((a, b) => b.inside.length - a.inside.length)[0]
  if (bind) return { value: `${bind.host}${inside.slice(bind.inside.length)}` }
  const hostCwd = launch.command.cwd.value
  if (c.cwdBound && hostCwd !== undefined && (inside === hostCwd || inside.startsWith(`${hostCwd}/`)))
    return { value: inside }
  return {
    why: `${inside} is read inside the container ${c.image.raw}, where it may be a file of the image: not checked`,
  }
}

/**
 * Reads options from `words[from]`, calling `seen` for each, and returns the index of the first positional
 * word. A word that is only an unquoted expansion of unknown value (`srun $SRUN_OPTS inspect ...`) is taken
 * for options: a program is not named that way by convention.
 */
export function parseOptions(
  words: ShellWord[],
  from: number,
  table: OptionTable,
  seen: (option: string, value: ShellWord | undefined) => void = () => undefined,
): number {
  let i = from
  while (i < words.length) {
    const w = words[i] as ShellWord
    const text = w.value ?? w.head
    if (mayHoldOptions(w)) {
      i++
      continue
    }
    if (text === '--') return i + 1
    if (text.startsWith('--')) {
      const eq = text.indexOf('=')
      if (eq > 0) seen(text.slice(0, eq), sliceWord(w, eq + 1))
      else if (table.long?.includes(text)) seen(text, words[++i])
      else seen(text, undefined)
      i++
      continue
    }
    if (!text.startsWith('-') || text === '-') return i
    let consumedNext = false
    for (let k = 1; k < text.length; k++) {
      const ch = text[k] as string
      if (table.short?.includes(ch) || table.final?.includes(ch)) {
        const value = k + 1 < text.length ? sliceWord(w, k + 1) : words[i + 1]
        if (k + 1 >= text.length) consumedNext = true
        seen(`-${ch}`, value)
        if (table.final?.includes(ch)) return i + (consumedNext ? 2 : 1)
        break
      }
      seen(`-${ch}`, undefined)
    }
    i += consumedNext ? 2 : 1
  }
  return i
}

function splitAt(text: string, sep: string): [string, string | undefined] {
  const i = text.indexOf(sep)
  return i < 0 ? [text, undefined] : [text.slice(0, i), text.slice(i + sep.length)]
}

/** `-B src[:dst[:opts]][,src2...]`. */
function bindsOf(spec: string | undefined): { host: string; inside: string }[] {
  if (!spec) return []
  return spec
    .split(',')
    .filter(Boolean)
    .map((b) => {
      const [host = '', inside] = b.split(':')
      return { host: resolvePath('/', host), inside: resolvePath('/', inside || host) }
    })
}

/** `--mount type=bind,src=/x,dst=/y`. */
function mountOf(spec: string | undefined): { host: string; inside: string }[] {
  if (!spec) return []
  const fields = Object.fromEntries(spec.split(',').map((f) => splitAt(f, '=')))
  const host = fields['src'] ?? fields['source']
  const inside = fields['dst'] ?? fields['destination'] ?? fields['target'] ?? host
  return host && inside ? [{ host: resolvePath('/', host), inside: resolvePath('/', inside) }] : []
}
