/**
 * Whether this run would run a fork's code, on every event that runs a pull request's code: a pull
 * request event (its head repository against its base), workflow_run (the triggering run's head
 * repository against this one: its `pull_requests` list is empty for forks, so it is not read), and
 * a comment on a pull request (the pull request looked up through the REST API). Anything that
 * cannot be told (a deleted fork, a missing field, a lookup that fails) counts as a fork: the
 * check fails closed.
 */
import { z } from 'zod'
import { ownerAndRepo, type WorkflowEvent } from '../event.js'
import { httpStatusOf, restClient } from '../github.js'
import { withDeadline } from '../report/deadline.js'
import { err, messageOf, ok, type Problem, type Result } from '../result.js'

/** How to reach GitHub's REST API for a lookup. */
export interface GithubAccess {
  /** The `github-token` input; empty: none. */
  token: string
  /** REST API root; default GITHUB_API_URL, else https://api.github.com. */
  apiUrl?: string
  /** Deadline of a lookup. Default 30 s. */
  timeoutMs?: number
}

const REFUSE = "refusing to run a fork's code on this self-hosted runner and cluster"
const REVIEW_HINT =
  'review the code, then run it with workflow_dispatch, or set allow-fork-pull-requests: true if this ' +
  'runner may run untrusted code'

const refusal = (message: string, hint = REVIEW_HINT): Problem => ({
  field: 'allow-fork-pull-requests',
  message,
  hint,
})

/** GitHub's owner and repository names ignore case. */
function sameRepository(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase()
}

/** ok when the event runs no fork's code (or carries no pull request); else the refusal, naming why. */
export async function checkFork(event: WorkflowEvent, github: GithubAccess): Promise<Result<void>> {
  switch (event.kind) {
    case 'pull_request': {
      const { number, base, head } = event.pullRequest
      const baseRepo = base.repo ?? event.repository
      const what = `${event.name} event: pull request #${number}`
      if (!head.repo)
        return err(
          refusal(`${what} comes from a deleted fork or an unnamed repository (no head repository): ${REFUSE}`),
        )
      if (!baseRepo)
        return err(refusal(`${what}: its base repository is not named, so a fork cannot be ruled out: ${REFUSE}`))
      return sameRepository(head.repo, baseRepo)
        ? ok(undefined)
        : err(refusal(`${what} comes from the fork ${head.repo}: ${REFUSE}`))
    }
    case 'workflow_run': {
      const t = event.trigger
      const run =
        `${event.name} event: the triggering run` +
        (t.workflow ? ` of ${t.workflow}` : '') +
        (t.event
          ? ` (${t.event}` + (t.branch ? ` on ${t.branch}` : '') + (t.sha ? ` at ${t.sha.slice(0, 12)}` : '') + ')'
          : '')
      if (!event.headRepository)
        return err(refusal(`${run} does not name its head repository, so a fork cannot be ruled out: ${REFUSE}`))
      if (!event.repository)
        return err(refusal(`${run}: this repository is not named, so a fork cannot be ruled out: ${REFUSE}`))
      return sameRepository(event.headRepository, event.repository)
        ? ok(undefined)
        : err(refusal(`${run} comes from the fork ${event.headRepository}: ${REFUSE}`))
    }
    case 'issue_comment':
      return event.onPullRequest ? checkCommentedPullRequest(event, event.issueNumber, github) : ok(undefined)
    case 'other':
      return ok(undefined)
  }
}

const PullSchema = z.looseObject({
  base: z.looseObject({ repo: z.looseObject({ full_name: z.string().min(1) }) }),
  head: z.looseObject({ repo: z.looseObject({ full_name: z.string().min(1).optional() }).nullable() }),
})

/** A comment on a pull request: GET /repos/{owner}/{repo}/pulls/{number}, under a deadline. */
async function checkCommentedPullRequest(
  event: WorkflowEvent,
  number: number,
  github: GithubAccess,
): Promise<Result<void>> {
  const what = `${event.name} event on pull request #${number}`
  const cannot = (why: string, hint: string): Result<void> =>
    err(refusal(`${what}: cannot tell whether the pull request comes from a fork (${why}): ${REFUSE}`, hint))
  const tokenHint =
    'give the job a token that can read pull requests (permissions: pull-requests: read, and github-token), ' +
    'or set allow-fork-pull-requests: true if this runner may run untrusted code'
  const where = ownerAndRepo(event.repository)
  if (!where) return cannot('the repository is not named (GITHUB_REPOSITORY)', tokenHint)
  if (!github.token) return cannot('no github-token to look the pull request up with', tokenHint)
  const endpoint = `GET /repos/${where.owner}/${where.repo}/pulls/${number}`
  const timeoutMs = github.timeoutMs ?? 30_000
  const controller = new AbortController()
  const late = (): Result<unknown, string> => {
    controller.abort(new Error('deadline'))
    return err(`${endpoint} gave no answer within ${Math.round(timeoutMs / 100) / 10} s`)
  }
  const lookup = async (): Promise<Result<unknown, string>> => {
    try {
      const client = await restClient(github.token, github.apiUrl)
      const { data } = await client.rest.pulls.get({
        ...where,
        pull_number: number,
        request: { signal: controller.signal },
      })
      return ok(data)
    } catch (e) {
      const status = httpStatusOf(e)
      return err(`${endpoint} failed${status ? ` (HTTP ${status})` : ''}: ${messageOf(e).split('\n')[0] ?? ''}`)
    }
  }
  const answer = await withDeadline(lookup(), timeoutMs, late)
  if (!answer.ok) return cannot(answer.error, tokenHint)
  const pull = PullSchema.safeParse(answer.value)
  if (!pull.success) return cannot(`${endpoint} answered without the head and base repositories`, tokenHint)
  const head = pull.data.head.repo?.full_name
  const base = pull.data.base.repo.full_name
  if (!head) return err(refusal(`${what}: it comes from a deleted fork (no head repository): ${REFUSE}`))
  return sameRepository(head, base) ? ok(undefined) : err(refusal(`${what}: it comes from the fork ${head}: ${REFUSE}`))
}
