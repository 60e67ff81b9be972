/**
 * The sticky pull-request comment: one comment per experiment, found again by a hidden marker
 * (on re-runs and new pushes) and updated in place, so reviewers see the experiment's state in
 * the conversation ("training done, evaluating", then the results).
 *
 * Through @actions/github (octokit), loaded on first use like @actions/artifact. REST endpoints:
 * list, create and update issue comments (pull requests are issues there). The token needs
 * `pull-requests: write` (or `issues: write`); without it (fork pull requests get a read-only
 * token) the comment is one warning and is off for the rest of the run: never a failure. Every
 * call has a deadline, so a slow or unreachable API never stalls the experiment.
 *
 * A comment is this experiment's only when it starts with the marker and its author is the token's
 * identity: anyone can post the marker first, and their comment is never adopted nor changed.
 */
import { ownerAndRepo, type WorkflowEvent } from '../event.js'
import { httpStatusOf, restClient } from '../github.js'
import { messageOf } from '../result.js'
import { withDeadline } from './deadline.js'

/** When the action comments: always (default), on-failure (and then keeps that comment current), never. */
export const COMMENT_MODES = ['always', 'on-failure', 'never'] as const
export type CommentMode = (typeof COMMENT_MODES)[number]

/** GitHub refuses comment bodies over 65 536 characters. */
export const MAX_COMMENT_CHARS = 65_536

export interface CommentTarget {
  owner: string
  repo: string
  /** The pull request's number (its issue number). */
  issueNumber: number
}

/** The pull request a run belongs to (the repository it runs in, the number); none outside pull request events. */
export function commentTarget(event: WorkflowEvent): CommentTarget | undefined {
  if (event.kind !== 'pull_request') return undefined
  const where = ownerAndRepo(event.repository)
  return where ? { ...where, issueNumber: event.pullRequest.number } : undefined
}

/** The hidden first line that marks the comment of one experiment (the key is URI-encoded: no `-->`). */
export function commentMarker(key: string): string {
  return `<!-- run-experiment:sticky ${encodeURIComponent(key)} -->`
}

/** Marker, then the body, cut to GitHub's limit with a note where it was cut. */
export function commentBody(key: string, body: string): string {
  const marker = commentMarker(key)
  const full = `${marker}\n${body}`
  if (full.length <= MAX_COMMENT_CHARS) return full
  const note = '\n\n… (cut to fit a comment: the job summary and the artifact have everything)\n'
  return full.slice(0, MAX_COMMENT_CHARS - note.length) + note
}

export interface StickyCommentOptions {
  token: string
  target: CommentTarget
  /** Identity of the experiment (e.g. its experiment_summary.yaml path in the repository). */
  key: string
  /** REST API root; default GITHUB_API_URL, else https://api.github.com. */
  apiUrl?: string
  /** Deadline of one publish (all its requests together). Default 30 s. */
  timeoutMs?: number
  /** Pages of 100 comments searched for the marker. Default 10. */
  maxPages?: number
}

export type PublishResult =
  | { ok: true; action: 'created' | 'updated' | 'unchanged'; id: number; url: string }
  | { ok: false; warning: string; disabled: boolean }
  | { ok: false; skipped: string }

interface Comment {
  id: number
  body?: string
  html_url: string
  user: { login: string } | null
}

/**
 * The author of the default GITHUB_TOKEN's comments. That token cannot read `GET /user` (403,
 * "Resource not accessible by integration"); a personal or app token reads its own login there.
 */
const ACTIONS_BOT = 'github-actions[bot]'

/** The parts of the octokit client this module uses (typed by the real one). */
interface Client {
  rest: {
    users: {
      getAuthenticated(p: { request: { signal: AbortSignal } }): Promise<{ data: { login: string } }>
    }
    issues: {
      listComments(p: {
        owner: string
        repo: string
        issue_number: number
        per_page: number
        page: number
        request: { signal: AbortSignal }
      }): Promise<{ data: Comment[] }>
      createComment(p: {
        owner: string
        repo: string
        issue_number: number
        body: string
        request: { signal: AbortSignal }
      }): Promise<{ data: Comment }>
      updateComment(p: {
        owner: string
        repo: string
        comment_id: number
        body: string
        request: { signal: AbortSignal }
      }): Promise<{ data: Comment }>
    }
  }
}

export class StickyComment {
  private client: Client | undefined
  private id: number | undefined
  private url = ''
  private lastBody: string | undefined
  /** Why comments are off for this run, once a publish turned them off. */
  private disabled: string | undefined
  /** The login the token comments as, once asked. */
  private identity: string | undefined

  constructor(private readonly options: StickyCommentOptions) {}

  /**
   * Updates the experiment's comment in place, or creates it (unless `create` is false: the
   * `on-failure` mode keeps an existing comment current without starting one). Never throws.
   */
  async publish(body: string, options: { create?: boolean } = {}): Promise<PublishResult> {
    if (this.disabled !== undefined) return { ok: false, skipped: this.disabled }
    const text = commentBody(this.options.key, body)
    const controller = new AbortController()
    const timeoutMs = this.options.timeoutMs ?? 30_000
    // The requests are aborted at the deadline, and it holds even if one ignored the abort signal.
    const late = (): PublishResult => {
      controller.abort(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`))
      return this.failure(controller.signal.reason, true)
    }
    try {
      return await withDeadline(this.publishWith(text, options.create ?? true, controller.signal), timeoutMs, late)
    } catch (e) {
      return this.failure(e, controller.signal.aborted)
    }
  }

  private async publishWith(text: string, create: boolean, signal: AbortSignal): Promise<PublishResult> {
    const client = await this.connect()
    const { owner, repo, issueNumber } = this.options.target
    const request = { signal }
    if (this.id === undefined) {
      const found = await this.find(client, signal)
      if (found) {
        this.id = found.id
        this.url = found.html_url
        this.lastBody = found.body
      }
    }
    if (this.id !== undefined && this.lastBody === text)
      return { ok: true, action: 'unchanged', id: this.id, url: this.url }
    if (this.id !== undefined) {
      try {
        const { data } = await client.rest.issues.updateComment({
          owner,
          repo,
          comment_id: this.id,
          body: text,
          request,
        })
        this.lastBody = text
        this.url = data.html_url
        return { ok: true, action: 'updated', id: data.id, url: data.html_url }
      } catch (e) {
        // Deleted by someone since: write a new one below.
        if (httpStatusOf(e) !== 404) throw e
        this.id = undefined
      }
    }
    if (!create) return { ok: false, skipped: 'no comment of this experiment yet' }
    const { data } = await client.rest.issues.createComment({
      owner,
      repo,
      issue_number: issueNumber,
      body: text,
      request,
    })
    this.id = data.id
    this.url = data.html_url
    this.lastBody = text
    return { ok: true, action: 'created', id: data.id, url: data.html_url }
  }

  /** The oldest comment that starts with this experiment's marker and that the token's identity wrote. */
  private async find(client: Client, signal: AbortSignal): Promise<Comment | undefined> {
    const { owner, repo, issueNumber } = this.options.target
    const marker = commentMarker(this.options.key)
    const maxPages = this.options.maxPages ?? 10
    for (let page = 1; page <= maxPages; page++) {
      const { data } = await client.rest.issues.listComments({
        owner,
        repo,
        issue_number: issueNumber,
        per_page: 100,
        page,
        request: { signal },
      })
      const marked = data.filter((c) => c.body?.startsWith(marker))
      // Who we are is asked only once a comment carries the marker (most runs' first publish: never).
      const me = marked.length > 0 ? await this.whoAmI(client, signal) : undefined
      const mine = marked.find((c) => c.user?.login === me)
      if (mine) return mine
      if (data.length < 100) return undefined
    }
    return undefined
  }

  /** The login the token comments as: `GET /user`, or the Actions bot for the token that cannot ask. */
  private async whoAmI(client: Client, signal: AbortSignal): Promise<string> {
    if (this.identity !== undefined) return this.identity
    try {
      const { data } = await client.rest.users.getAuthenticated({ request: { signal } })
      this.identity = data.login
    } catch (e) {
      if (httpStatusOf(e) !== 403 || /rate limit/i.test(messageOf(e))) throw e
      this.identity = ACTIONS_BOT
    }
    return this.identity
  }

  private async connect(): Promise<Client> {
    this.client ??= await restClient(this.options.token, this.options.apiUrl)
    return this.client
  }

  private failure(e: unknown, timedOut: boolean): PublishResult {
    const status = httpStatusOf(e)
    const { owner, repo, issueNumber } = this.options.target
    const where = `${owner}/${repo}#${issueNumber}`
    const detail = messageOf(e).split('\n')[0] ?? ''
    if ((status === 401 || status === 403 || status === 404) && !/rate limit/i.test(detail)) {
      this.disabled = `the token cannot write comments on ${where} (HTTP ${status}: ${detail})`
      return {
        ok: false,
        disabled: true,
        warning:
          `${this.disabled}. Give the job \`permissions: pull-requests: write\`; ` +
          'pull requests from forks get a read-only token. No comment for the rest of this run.',
      }
    }
    if (timedOut) {
      this.disabled = `the GitHub API did not answer in time (${detail})`
      return {
        ok: false,
        disabled: true,
        warning: `cannot update the comment on ${where}: ${this.disabled}. No comment for the rest of this run.`,
      }
    }
    return {
      ok: false,
      disabled: false,
      warning: `cannot update the comment on ${where}${status ? ` (HTTP ${status})` : ''}: ${detail}`,
    }
  }
}

/**
 * What a publish may do in a mode: `on-failure` creates the comment once the run is failing, and
 * else only updates it.
 */
export function commentPolicy(mode: CommentMode, failing: boolean): { publish: boolean; create: boolean } {
  if (mode === 'never') return { publish: false, create: false }
  return { publish: true, create: mode === 'always' || failing }
}
