/**
 * What an evaluation job script asks inspect-ai to do, read from its `inspect eval` command line:
 * the task file and task, the model and its `-M` arguments, the `-T` task arguments, the `--metadata`
 * and the log directory, each with the line it is on. The identity of a cell's run is in there (the
 * vis_label, epoch and model path inspect records in its log), and so are the paths the job will read.
 */

export interface ScriptValue {
  value: string
  /** 1-based line of the script the value is on. */
  line: number
}

export interface InspectInvocation {
  /** 1-based line of the `inspect eval` command. */
  line: number
  /** `path.py` of `path.py@task`. */
  taskFile?: ScriptValue
  /** `task` of `path.py@task`. */
  task?: string
  model?: string
  taskArgs: Record<string, ScriptValue>
  modelArgs: Record<string, ScriptValue>
  metadata: Record<string, ScriptValue>
  logDir?: ScriptValue
}

interface Word {
  text: string
  line: number
  /** Contains an unquoted or double-quoted `$`: its value is only known when the script runs. */
  dynamic: boolean
}

/** The first `inspect eval` command of a script, or undefined when it has none. */
export function inspectInvocation(script: string): InspectInvocation | undefined {
  const lines = script.split('\n')
  for (let i = 0; i < lines.length; i++) {
    if (!/(^|[\s/;&|])inspect\s+eval(\s|$)/.test(stripComment(lines[i] ?? ''))) continue
    const words = commandWords(lines, i)
    const at = words.findIndex((w, k) => w.text === 'inspect' && words[k + 1]?.text === 'eval')
    const inv: InspectInvocation = { line: i + 1, taskArgs: {}, modelArgs: {}, metadata: {} }
    const args = words.slice(at + 2)
    for (let k = 0; k < args.length; k++) {
      const w = args[k] as Word
      const [flag, inline] = w.text.startsWith('--') ? splitOnce(w.text, '=') : [w.text, undefined]
      const next = (): Word | undefined => (inline !== undefined ? { ...w, text: inline } : args[++k])
      const into = { '-T': inv.taskArgs, '--task-arg': inv.taskArgs, '-M': inv.modelArgs, '--model-arg': inv.modelArgs }
      if (flag in into || flag === '--metadata') {
        const v = next()
        if (!v || v.dynamic) continue
        const [key, value = ''] = splitOnce(v.text, '=')
        const target = flag === '--metadata' ? inv.metadata : into[flag as keyof typeof into]
        target[key] = { value, line: v.line }
      } else if (flag === '--model') {
        const v = next()
        if (v && !v.dynamic) inv.model = v.text
      } else if (flag === '--log-dir') {
        const v = next()
        if (v && !v.dynamic) inv.logDir = { value: v.text, line: v.line }
      } else if (flag.startsWith('-')) {
        // another option: its value, if any, is not ours to read
      } else if (!inv.taskFile && !w.dynamic) {
        const [file, task] = splitOnce(w.text, '@')
        inv.taskFile = { value: file, line: w.line }
        if (task) inv.task = task
      }
    }
    return inv
  }
  return undefined
}

/** How inspect reads a `-T`/`-M`/`--metadata` value (as YAML): `"true"` is true, `"0"` is 0. */
export function cliValue(text: string): string | number | boolean | null {
  const t = text.trim()
  if (/^(true|True|TRUE)$/.test(t)) return true
  if (/^(false|False|FALSE)$/.test(t)) return false
  if (/^(null|Null|NULL|~)?$/.test(t)) return null
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t)
  return text
}

/** Whether a value inspect recorded in a log is the one a script passed. */
export function sameValue(recorded: unknown, passed: string): boolean {
  const expected = cliValue(passed)
  if (recorded === expected) return true
  if (typeof recorded !== 'string' && typeof recorded !== 'number' && typeof recorded !== 'boolean') return false
  return String(recorded) === String(expected)
}

function splitOnce(text: string, sep: string): [string, string | undefined] {
  const i = text.indexOf(sep)
  return i < 0 ? [text, undefined] : [text.slice(0, i), text.slice(i + sep.length)]
}

function stripComment(line: string): string {
  return line.trimStart().startsWith('#') ? '' : line
}

/** The words of the command starting at line `start` (continuation lines joined), as a shell splits them. */
function commandWords(lines: string[], start: number): Word[] {
  const words: Word[] = []
  let cur: Word | undefined
  const end = (): void => {
    if (cur) words.push(cur)
    cur = undefined
  }
  const add = (ch: string, line: number, dynamic = false): void => {
    cur ??= { text: '', line, dynamic: false }
    cur.text += ch
    if (dynamic) cur.dynamic = true
  }
  for (let i = start; i < lines.length; i++) {
    const line = lines[i] ?? ''
    let continued = false
    for (let j = 0; j < line.length; j++) {
      const ch = line[j] as string
      if (ch === '\\' && j === line.length - 1) {
        continued = true
        break
      }
      if (ch === "'") {
        const close = line.indexOf("'", j + 1)
        const stop = close < 0 ? line.length : close
        cur ??= { text: '', line: i + 1, dynamic: false }
        cur.text += line.slice(j + 1, stop)
        j = stop
      } else if (ch === '"') {
        cur ??= { text: '', line: i + 1, dynamic: false }
        let k = j + 1
        for (; k < line.length && line[k] !== '"'; k++) {
          if (line[k] === '\\' && k + 1 < line.length) k++
          add(line[k] as string, i + 1, line[k] === '$' && line[k - 1] !== '\\')
        }
        j = k
      } else if (ch === '\\' && j + 1 < line.length) {
        add(line[++j] as string, i + 1)
      } else if (/\s/.test(ch)) {
        end()
      } else if (ch === '#' && !cur) {
        break
      } else if (ch === ';' || ch === '&' || ch === '|') {
        end()
        return words
      } else {
        add(ch, i + 1, ch === '$')
      }
    }
    end()
    if (!continued) break
  }
  return words
}
