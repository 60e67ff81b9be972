/**
 * Which experiment(s) to run: the `experiment-dir` input always wins; on a pull request, the
 * experiments whose experiment_summary.yaml the PR adds or modifies (base...head diff of the
 * checkout); on workflow_dispatch and push, the input is required.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { z } from 'zod'
import { err, ok, messageOf, type Result } from '../result.js'

const RepoSchema = z.looseObject({ full_name: z.string().optional(), fork: z.boolean().optional() }).nullish()
const PullRequestEventSchema = z.looseObject({
  pull_request: z.looseObject({
    number: z.number().optional(),
    base: z.looseObject({ sha: z.string(), ref: z.string().optional(), repo: RepoSchema }),
    head: z.looseObject({ sha: z.string(), ref: z.string().optional(), repo: RepoSchema }),
  }),
})

export interface Located {
  /** Absolute experiment directories, in the order to run them. */
  dirs: string[]
  /** Why these (for the log and the summary). */
  how: string
}

export interface LocateInput {
  experimentDirInput: string
  eventName: string
  eventPath?: string
  workspace: string
  allowForks: boolean
}

export function locateExperiments(input: LocateInput): Result<Located> {
  if (input.experimentDirInput) {
    return ok({ dirs: [resolve(input.workspace, input.experimentDirInput)], how: 'the experiment-dir input' })
  }
  if (input.eventName !== 'pull_request' && input.eventName !== 'pull_request_target') {
    return err({
      field: 'experiment-dir',
      message:
        `input experiment-dir is required for a ${input.eventName || 'non-pull-request'} event: ` +
        'the directory holding experiment_summary.yaml',
      hint: 'on workflow_dispatch, pass it as a workflow input: experiment-dir: ${{ inputs.experiment-dir }}',
    })
  }
  const event = readEvent(input.eventPath)
  if (!event.ok) return event
  const pr = event.value.pull_request
  const fork = isFork(pr.base.repo, pr.head.repo)
  if (fork && !input.allowForks) {
    return err({
      field: 'allow-fork-pull-requests',
      message:
        `pull request${pr.number ? ` #${pr.number}` : ''} ` +
        `comes from the fork ${pr.head.repo?.full_name ?? '(unknown)'}: ` +
        "refusing to run a fork's code on this self-hosted runner and cluster",
      hint:
        'review the code, then run it with workflow_dispatch, or set allow-fork-pull-requests: true if this ' +
        'runner may run untrusted code',
    })
  }
  const changed = changedSummaries(input.workspace, pr.base.sha, pr.head.sha)
  if (!changed.ok) return changed
  return ok({
    dirs: changed.value.map((f) => resolve(input.workspace, dirname(f))),
    how: `experiment_summary.yaml files added or modified by pull request${pr.number ? ` #${pr.number}` : ''}`,
  })
}

function readEvent(path: string | undefined): Result<z.infer<typeof PullRequestEventSchema>> {
  if (!path || !existsSync(path))
    return err({
      message: 'the pull request event payload (GITHUB_EVENT_PATH) is missing',
      hint: 'set experiment-dir explicitly',
    })
  try {
    const parsed = PullRequestEventSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')))
    if (!parsed.success)
      return err({
        message: `the pull request event payload has no base/head commits: ${parsed.error.issues[0]?.message ?? ''}`,
        hint: 'set experiment-dir explicitly',
      })
    return ok(parsed.data)
  } catch (e) {
    return err({ message: `the event payload cannot be read: ${messageOf(e)}` })
  }
}

function isFork(base: z.infer<typeof RepoSchema>, head: z.infer<typeof RepoSchema>): boolean {
  if (head?.full_name && base?.full_name) return head.full_name !== base.full_name
  return head?.fork === true
}

/** experiment_summary.yaml files the PR adds or modifies, from the checkout's git history. */
function changedSummaries(workspace: string, base: string, head: string): Result<string[]> {
  const git = (...args: string[]): string =>
    execFileSync('git', ['-C', workspace, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  for (const [sha, which] of [
    [base, 'base'],
    [head, 'head'],
  ] as const) {
    try {
      git('cat-file', '-e', `${sha}^{commit}`)
    } catch {
      return err({
        message:
          `the checkout does not contain the pull request's ${which} commit ${sha.slice(0, 12)}: ` +
          'its history is too shallow to see which experiments the pull request changes',
        hint: 'use actions/checkout with fetch-depth: 0 (or set experiment-dir explicitly)',
      })
    }
  }
  try {
    const out = git('diff', '--name-only', '--diff-filter=AMR', '--no-renames', `${base}...${head}`)
    const files = out
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l === 'experiment_summary.yaml' || l.endsWith('/experiment_summary.yaml'))
    return ok([...new Set(files)].sort())
  } catch (e) {
    const message = messageOf(e)
    if (/no merge base/i.test(message)) {
      return err({
        message: "the checkout has no merge base between the pull request's base and head: its history is too shallow",
        hint: 'use actions/checkout with fetch-depth: 0',
      })
    }
    return err({ message: `git diff of the pull request failed: ${message.split('\n')[0] ?? message}` })
  }
}
