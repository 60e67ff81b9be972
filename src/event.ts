/**
 * The workflow event a run belongs to, read once from GITHUB_EVENT_NAME and GITHUB_EVENT_PATH: the
 * fields that decide whether a pull request's code may run (its head and base repositories), which
 * experiments it touches (its base and head commits) and where its comment goes (its number).
 * Events that carry no pull request are not read at all.
 */
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { err, messageOf, ok, type Result } from './result.js'

/** Events whose payload is a pull request (`pull_request` object with head and base): its code runs. */
export const PULL_REQUEST_EVENTS = [
  'pull_request',
  'pull_request_target',
  'pull_request_review',
  'pull_request_review_comment',
] as const

/** A repository as payloads carry it; `null` where GitHub sends null (a deleted fork). */
const RepoSchema = z.looseObject({ full_name: z.string().min(1).optional() }).nullish()
const SideSchema = z.looseObject({ sha: z.string().min(1), ref: z.string().optional(), repo: RepoSchema })

const PullRequestPayloadSchema = z.looseObject({
  pull_request: z.looseObject({ number: z.number().int().positive(), base: SideSchema, head: SideSchema }),
  repository: RepoSchema,
})
const WorkflowRunPayloadSchema = z.looseObject({
  workflow_run: z.looseObject({
    name: z.string().nullish(),
    event: z.string().nullish(),
    head_branch: z.string().nullish(),
    head_sha: z.string().nullish(),
    head_repository: RepoSchema,
  }),
  repository: RepoSchema,
})
const IssueCommentPayloadSchema = z.looseObject({
  issue: z.looseObject({
    number: z.number().int().positive(),
    // Present (an object of URLs) only when the issue is a pull request.
    pull_request: z.looseObject({}).nullish(),
  }),
  repository: RepoSchema,
})

/** One side of a pull request: its commit and the repository it lives in (undefined: null or missing). */
export interface PullRequestSide {
  sha: string
  repo: string | undefined
}

export type WorkflowEvent = { name: string; repository: string | undefined } & (
  | { kind: 'pull_request'; pullRequest: { number: number; base: PullRequestSide; head: PullRequestSide } }
  | {
      kind: 'workflow_run'
      /** The repository the triggering run's commit comes from (undefined: null or missing). */
      headRepository: string | undefined
      /** The triggering run: its workflow, event, branch and commit, as far as the payload says. */
      trigger: { workflow?: string; event?: string; branch?: string; sha?: string }
    }
  | { kind: 'issue_comment'; issueNumber: number; onPullRequest: boolean }
  | { kind: 'other' }
)

/** The event of this run, from the runner's environment; the payload is read only for the events above. */
export function readEvent(env: Record<string, string | undefined>): Result<WorkflowEvent> {
  const name = env['GITHUB_EVENT_NAME'] ?? ''
  const repository = env['GITHUB_REPOSITORY'] || undefined
  if (!needsPayload(name)) return ok({ name, repository, kind: 'other' })
  const path = env['GITHUB_EVENT_PATH']
  if (!path)
    return err({ message: `the ${name} event's payload is missing (GITHUB_EVENT_PATH is not set)`, field: 'event' })
  let payload: unknown
  try {
    payload = JSON.parse(readFileSync(path, 'utf8'))
  } catch (e) {
    return err({ message: `the ${name} event's payload cannot be read: ${messageOf(e)}`, file: path, field: 'event' })
  }
  return parseEvent(name, payload, repository)
}

function needsPayload(name: string): boolean {
  return (
    (PULL_REQUEST_EVENTS as readonly string[]).includes(name) || name === 'workflow_run' || name === 'issue_comment'
  )
}

/**
 * The fields this action uses from an event's payload. `repository` is the payload's own
 * `repository.full_name`, else GITHUB_REPOSITORY (`fallbackRepository`): the repository the
 * workflow runs in.
 */
export function parseEvent(name: string, payload: unknown, fallbackRepository?: string): Result<WorkflowEvent> {
  const repositoryOf = (r: z.infer<typeof RepoSchema>): string | undefined =>
    r?.full_name ?? (fallbackRepository || undefined)
  const bad = (error: z.ZodError): Result<WorkflowEvent> => {
    const issue = error.issues[0]
    const at = issue?.path.join('.') ?? ''
    return err({
      message: `the ${name} event's payload lacks what the action reads: ${at ? `${at}: ` : ''}${issue?.message ?? ''}`,
      field: 'event',
    })
  }
  if ((PULL_REQUEST_EVENTS as readonly string[]).includes(name)) {
    const p = PullRequestPayloadSchema.safeParse(payload)
    if (!p.success) return bad(p.error)
    const { number, base, head } = p.data.pull_request
    const side = (s: z.infer<typeof SideSchema>): PullRequestSide => ({ sha: s.sha, repo: s.repo?.full_name })
    return ok({
      name,
      repository: repositoryOf(p.data.repository),
      kind: 'pull_request',
      pullRequest: { number, base: side(base), head: side(head) },
    })
  }
  if (name === 'workflow_run') {
    const p = WorkflowRunPayloadSchema.safeParse(payload)
    if (!p.success) return bad(p.error)
    const w = p.data.workflow_run
    return ok({
      name,
      repository: repositoryOf(p.data.repository),
      kind: 'workflow_run',
      headRepository: w.head_repository?.full_name,
      trigger: {
        ...(w.name ? { workflow: w.name } : {}),
        ...(w.event ? { event: w.event } : {}),
        ...(w.head_branch ? { branch: w.head_branch } : {}),
        ...(w.head_sha ? { sha: w.head_sha } : {}),
      },
    })
  }
  if (name === 'issue_comment') {
    const p = IssueCommentPayloadSchema.safeParse(payload)
    if (!p.success) return bad(p.error)
    return ok({
      name,
      repository: repositoryOf(p.data.repository),
      kind: 'issue_comment',
      issueNumber: p.data.issue.number,
      onPullRequest: p.data.issue.pull_request != null,
    })
  }
  return ok({ name, repository: fallbackRepository || undefined, kind: 'other' })
}

/** `owner/name` split, or undefined when it is not exactly that. */
export function ownerAndRepo(fullName: string | undefined): { owner: string; repo: string } | undefined {
  const [owner, repo, ...rest] = (fullName ?? '').split('/')
  return owner && repo && rest.length === 0 ? { owner, repo } : undefined
}
