/** Action inputs -> typed Settings, with every default in one place. A bad value names the input. */
import { z } from 'zod'
import { INPUTS, type InputName } from './names.js'
import type { Problem, Result } from './result.js'
import { COMMENT_MODES, type CommentMode } from './report/comment.js'
import { parseRequire, type Condition } from './require/gates.js'
import type { FailOn } from './report/verdict.js'
import { schedulerNames } from './scheduler/index.js'
import { parseSlurmTime } from './scheduler/time-limit.js'

const number = (name: string, min: number, integer: boolean) =>
  z
    .string()
    .trim()
    .transform((s, ctx) => {
      const n = Number(s)
      if (s === '' || !Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
        ctx.addIssue({
          code: 'custom',
          message: `input ${name} must be ${integer ? 'a whole number' : 'a number'} of at least ${min} (got "${s}")`,
        })
        return z.NEVER
      }
      return n
    })

const choice = <T extends string>(name: string, values: readonly [T, ...T[]]) =>
  z
    .string()
    .trim()
    .transform((s, ctx) => {
      if (!(values as readonly string[]).includes(s)) {
        ctx.addIssue({ code: 'custom', message: `input ${name} must be one of ${values.join(', ')} (got "${s}")` })
        return z.NEVER
      }
      return s as T
    })

const bool = (name: string) =>
  z
    .string()
    .trim()
    .transform((s, ctx) => {
      if (/^(true|yes|on|1)$/i.test(s)) return true
      if (/^(false|no|off|0)$/i.test(s)) return false
      ctx.addIssue({ code: 'custom', message: `input ${name} must be true or false (got "${s}")` })
      return z.NEVER
    })

export const SettingsSchema = z.object({
  'experiment-dir': z.string().trim(),
  phases: choice('phases', ['all', 'optimize', 'evaluate']),
  'evaluate-after': choice('evaluate-after', ['all', 'own']),
  executor: z
    .string()
    .trim()
    .transform((s, ctx) => {
      if (!schedulerNames().includes(s)) {
        ctx.addIssue({
          code: 'custom',
          message: `input executor must be one of ${schedulerNames().join(', ')} (got "${s}")`,
        })
        return z.NEVER
      }
      return s
    }),
  'max-parallel': number('max-parallel', 1, true),
  'local-time-limit': z
    .string()
    .trim()
    .transform((s, ctx) => {
      const seconds = parseSlurmTime(s)
      if (seconds === null) {
        ctx.addIssue({
          code: 'custom',
          message:
            `input local-time-limit must be a time as #SBATCH --time takes it (e.g. 24:00:00, 2-00:00:00, 90), ` +
            `or 0 or unlimited (got "${s}")`,
        })
        return z.NEVER
      }
      return seconds
    }),
  'poll-interval': number('poll-interval', 0.05, false),
  'max-poll-interval': number('max-poll-interval', 0.05, false),
  'max-submit': number('max-submit', 1, true),
  stagger: number('stagger', 0, false),
  'output-wait': number('output-wait', 0, false),
  'max-summary-bytes': number('max-summary-bytes', 1, true),
  'max-cells': number('max-cells', 1, true),
  'max-jobs': number('max-jobs', 1, true),
  'max-resumes': number('max-resumes', 0, true),
  'fail-on': choice('fail-on', ['any-failure', 'all-failed', 'never']),
  summarize: bool('summarize'),
  'artifact-name': z
    .string()
    .trim()
    .refine((s) => !/["':<>|*?\\/\r\n]/.test(s), {
      error: 'input artifact-name may not contain " : < > | * ? \\ / or line breaks',
    }),
  'retention-days': number('retention-days', 0, true).refine((n) => n <= 90, {
    error: 'input retention-days must be between 0 (the repository default) and 90',
  }),
  'include-eval-logs': bool('include-eval-logs'),
  'allow-fork-pull-requests': bool('allow-fork-pull-requests'),
  'ssh-host': z
    .string()
    .trim()
    .refine((s) => !/[\s'"`$;&|<>]/.test(s) && !s.startsWith('-'), {
      error: 'input ssh-host must be a host name or address',
    }),
  'ssh-port': number('ssh-port', 1, true).refine((n) => n <= 65535, {
    error: 'input ssh-port must be a port number (1-65535)',
  }),
  'ssh-user': z
    .string()
    .trim()
    .refine((s) => /^[A-Za-z0-9._-]*$/.test(s) && !s.startsWith('-'), {
      error: 'input ssh-user must be a user name',
    }),
  'ssh-private-key': z.string(),
  'ssh-known-hosts': z.string(),
  'remote-experiment-dir': z
    .string()
    .trim()
    .refine((s) => s === '' || s.startsWith('/'), {
      error: 'input remote-experiment-dir must be an absolute path on the cluster',
    }),
  'run-root': z
    .string()
    .trim()
    .refine((s) => s.startsWith('/') || s === '~' || s.startsWith('~/'), {
      error: 'input run-root must be an absolute path on the cluster, or start with ~/ (the home directory there)',
    }),
  'allowed-roots': z.string().transform((s, ctx) => {
    const roots = s
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'))
    for (const r of roots) {
      if (!r.startsWith('/') || r.split('/').includes('..'))
        ctx.addIssue({ code: 'custom', message: `input allowed-roots: "${r}" is not an absolute path` })
    }
    return roots
  }),
  'cancel-on-abort': bool('cancel-on-abort'),
  // action.yml's default is the expression itself: seen unexpanded, it means "not under a runner", no token.
  'github-token': z
    .string()
    .trim()
    .transform((s) => (s === INPUTS['github-token'] ? '' : s)),
  comment: choice('comment', COMMENT_MODES),
  require: z.string().transform((s, ctx) => {
    const parsed = parseRequire(s)
    if (parsed.ok) return parsed.value
    for (const p of parsed.error)
      ctx.addIssue({ code: 'custom', message: `input require: ${p.message}${p.hint ? ` (${p.hint})` : ''}` })
    return z.NEVER
  }),
})

/** Inputs that only make sense together, checked on the raw strings so that they are reported with the rest. */
function missingCompanions(raw: Record<string, string>): Problem[] {
  if (!raw['ssh-host']?.trim()) return []
  const problems: Problem[] = []
  if (!raw['ssh-private-key']?.trim()) {
    problems.push({
      field: 'ssh-private-key',
      message: 'input ssh-private-key is required with ssh-host (pass it from a secret)',
    })
  }
  if (!raw['ssh-known-hosts']?.trim()) {
    problems.push({
      field: 'ssh-known-hosts',
      message:
        'input ssh-known-hosts is required with ssh-host: the host key is pinned ' +
        '(e.g. the output of ssh-keyscan, checked by hand)',
    })
  }
  if (!raw['ssh-user']?.trim())
    problems.push({ field: 'ssh-user', message: 'input ssh-user is required with ssh-host' })
  return problems
}

export interface Settings {
  experimentDir: string
  phases: 'all' | 'optimize' | 'evaluate'
  /** When an evaluation may start: after every training (all) or after its own run's (own). */
  evaluateAfter: 'all' | 'own'
  /** A registered scheduler's name (`slurm`, `local`, ...). */
  executor: string
  maxParallel: number
  /** Local executor: seconds a job whose script sets no `#SBATCH --time` may run; 0 for no limit. */
  localTimeLimit: number
  pollInterval: number
  maxPollInterval: number
  maxSubmit: number
  stagger: number
  outputWait: number
  /** Caps on one experiment: its summary's size, its evaluation cells, its jobs (trainings + evaluations). */
  maxSummaryBytes: number
  maxCells: number
  maxJobs: number
  /** How often a training stopped by its time limit, preemption or a node failure may continue from its last epoch. */
  maxResumes: number
  failOn: FailOn
  summarize: boolean
  artifactName: string
  retentionDays: number
  includeEvalLogs: boolean
  allowForkPullRequests: boolean
  ssh?: { host: string; port: number; user: string; privateKey: string; knownHosts: string }
  remoteExperimentDir: string
  /** Where relative experiments run, and where the run directories' secrets and local job records live. */
  runRoot: string
  /** When non-empty, every path the action reads or writes for the experiment must lie under one of them. */
  allowedRoots: string[]
  cancelOnAbort: boolean
  /** Token for the pull-request comment; empty: no comment. */
  githubToken: string
  comment: CommentMode
  /** The `require` conditions, parsed (names are checked against the experiment when it is loaded). */
  require: Condition[]
}

/** Reads every input (empty -> default) and validates all of them, reporting each bad one. */
export function readSettings(getInput: (name: InputName) => string): Result<Settings, Problem[]> {
  const raw: Record<string, string> = {}
  for (const name of Object.keys(INPUTS) as InputName[]) {
    const v = getInput(name)
    raw[name] = v.trim() === '' ? INPUTS[name] : v
  }
  const parsed = SettingsSchema.safeParse(raw)
  // Every problem at once. Never echo a secret back: messages name inputs, values only for non-secret ones.
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((i) => ({ field: String(i.path[0] ?? ''), message: i.message }))),
    ...missingCompanions(raw),
  ]
  if (!parsed.success || problems.length > 0) return { ok: false, error: problems }
  const s = parsed.data
  return {
    ok: true,
    value: {
      experimentDir: s['experiment-dir'],
      phases: s.phases,
      evaluateAfter: s['evaluate-after'],
      executor: s.executor,
      maxParallel: s['max-parallel'],
      localTimeLimit: s['local-time-limit'],
      pollInterval: s['poll-interval'],
      maxPollInterval: s['max-poll-interval'],
      maxSubmit: s['max-submit'],
      stagger: s.stagger,
      outputWait: s['output-wait'],
      maxSummaryBytes: s['max-summary-bytes'],
      maxCells: s['max-cells'],
      maxJobs: s['max-jobs'],
      maxResumes: s['max-resumes'],
      failOn: s['fail-on'],
      summarize: s.summarize,
      artifactName: s['artifact-name'],
      retentionDays: s['retention-days'],
      includeEvalLogs: s['include-eval-logs'],
      allowForkPullRequests: s['allow-fork-pull-requests'],
      ...(s['ssh-host']
        ? {
            ssh: {
              host: s['ssh-host'],
              port: s['ssh-port'],
              user: s['ssh-user'],
              privateKey: s['ssh-private-key'],
              knownHosts: s['ssh-known-hosts'],
            },
          }
        : {}),
      remoteExperimentDir: s['remote-experiment-dir'],
      runRoot: s['run-root'],
      allowedRoots: s['allowed-roots'],
      cancelOnAbort: s['cancel-on-abort'],
      githubToken: s['github-token'],
      comment: s.comment,
      require: s.require,
    },
  }
}
