/** Action inputs -> typed Settings, with every default in one place. A bad value names the input. */
import { z } from 'zod'
import type { Problem, Result } from './result.js'

export const INPUT_DEFAULTS = {
  'experiment-dir': '',
  phases: 'all',
  executor: 'slurm',
  'max-parallel': '1',
  'poll-interval': '60',
  'max-poll-interval': '300',
  'max-submit': '25',
  stagger: '5',
  'output-wait': '120',
  'fail-on': 'any-failure',
  summarize: 'true',
} as const
export type InputName = keyof typeof INPUT_DEFAULTS

const number = (name: string, min: number, integer: boolean) =>
  z.string().trim().transform((s, ctx) => {
    const n = Number(s)
    if (s === '' || !Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
      ctx.addIssue({ code: 'custom', message: `input ${name} must be ${integer ? 'a whole number' : 'a number'} of at least ${min} (got "${s}")` })
      return z.NEVER
    }
    return n
  })

const choice = <T extends string>(name: string, values: readonly [T, ...T[]]) =>
  z.string().trim().transform((s, ctx) => {
    if (!(values as readonly string[]).includes(s)) {
      ctx.addIssue({ code: 'custom', message: `input ${name} must be one of ${values.join(', ')} (got "${s}")` })
      return z.NEVER
    }
    return s as T
  })

const bool = (name: string) =>
  z.string().trim().transform((s, ctx) => {
    if (/^(true|yes|on|1)$/i.test(s)) return true
    if (/^(false|no|off|0)$/i.test(s)) return false
    ctx.addIssue({ code: 'custom', message: `input ${name} must be true or false (got "${s}")` })
    return z.NEVER
  })

export const SettingsSchema = z.object({
  'experiment-dir': z.string().trim(),
  phases: choice('phases', ['all', 'optimize', 'evaluate']),
  executor: choice('executor', ['slurm', 'local']),
  'max-parallel': number('max-parallel', 1, true),
  'poll-interval': number('poll-interval', 0.05, false),
  'max-poll-interval': number('max-poll-interval', 0.05, false),
  'max-submit': number('max-submit', 1, true),
  stagger: number('stagger', 0, false),
  'output-wait': number('output-wait', 0, false),
  'fail-on': choice('fail-on', ['any-failure', 'all-failed', 'never']),
  summarize: bool('summarize'),
})

export interface Settings {
  experimentDir: string
  phases: 'all' | 'optimize' | 'evaluate'
  executor: 'slurm' | 'local'
  maxParallel: number
  pollInterval: number
  maxPollInterval: number
  maxSubmit: number
  stagger: number
  outputWait: number
  failOn: 'any-failure' | 'all-failed' | 'never'
  summarize: boolean
}

/** Reads every input (empty -> default) and validates all of them, reporting each bad one. */
export function readSettings(getInput: (name: InputName) => string): Result<Settings, Problem[]> {
  const raw: Record<string, string> = {}
  for (const name of Object.keys(INPUT_DEFAULTS) as InputName[]) {
    const v = getInput(name)
    raw[name] = v.trim() === '' ? INPUT_DEFAULTS[name] : v
  }
  const parsed = SettingsSchema.safeParse(raw)
  if (!parsed.success) {
    return { ok: false, error: parsed.error.issues.map((i) => ({ field: String(i.path[0] ?? ''), message: i.message })) }
  }
  const s = parsed.data
  return {
    ok: true,
    value: {
      experimentDir: s['experiment-dir'],
      phases: s.phases,
      executor: s.executor,
      maxParallel: s['max-parallel'],
      pollInterval: s['poll-interval'],
      maxPollInterval: s['max-poll-interval'],
      maxSubmit: s['max-submit'],
      stagger: s.stagger,
      outputWait: s['output-wait'],
      failOn: s['fail-on'],
      summarize: s.summarize,
    },
  }
}
