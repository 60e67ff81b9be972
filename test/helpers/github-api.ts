/**
 * A loopback stand-in of the GitHub REST endpoints the action uses: list, create and update issue
 * comments (the sticky comment), get a pull request (the fork check of an issue comment), with
 * GitHub's pagination (`per_page`, `page`, a Link header), token permissions (write, read-only: 403
 * "Resource not accessible by integration", unknown: 401), `GET /user` (a personal token's login;
 * the installation tokens, GITHUB_TOKEN among them, get 403) and comment authors (what a token
 * creates is by its identity: `github-actions[bot]` for an installation token), and a way to make it
 * slow or failing. Listens on 127.0.0.1 only.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { after, before, beforeEach } from 'node:test'
import type { AddressInfo } from 'node:net'

export interface StoredComment {
  id: number
  owner: string
  repo: string
  issue: number
  body: string
  user: { login: string; type: 'Bot' | 'User' }
  html_url: string
  updated: number
}

/** A pull request as the stand-in serves it: its head repository (null: a deleted fork) and base. */
export interface StoredPull {
  head: string | null
  base: string
}

export interface GithubApi {
  url: string
  comments: StoredComment[]
  /** Pull requests of `lab/experiments` by number; others answer 404. */
  pulls: Map<number, StoredPull>
  /** `METHOD path` of every request, in order. */
  calls: string[]
  /** Repositories that exist (`owner/repo`); others answer 404. */
  repos: Set<string>
  /** token -> what it may do; any other token gets 401. */
  tokens: Map<string, 'write' | 'read'>
  /** Personal tokens -> their login (`GET /user`); the other tokens are installation tokens (GITHUB_TOKEN). */
  users: Map<string, string>
  /** Milliseconds before answering (a slow API); Infinity never answers. */
  delayMs: number
  /** Answer the next N requests with this status (a failing API). */
  failNext: { status: number; count: number; message?: string } | undefined
  /** Back to no comments, no pull requests, no calls, no delay, no failure. */
  reset(): void
  /** A comment by someone else, as a reviewer would write it. */
  addComment(issue: number, body: string, login?: string): StoredComment
  close(): Promise<void>
}

export async function startGithubApi(): Promise<GithubApi> {
  let nextId = 1000
  const pending = new Set<ServerResponse>()
  const api: Omit<GithubApi, 'url' | 'close'> = {
    comments: [],
    pulls: new Map(),
    calls: [],
    repos: new Set(['lab/experiments']),
    tokens: new Map([
      ['write-token', 'write'],
      ['read-token', 'read'],
      ['personal-token', 'write'],
    ]),
    users: new Map([['personal-token', 'octocat']]),
    delayMs: 0,
    failNext: undefined,
    reset() {
      api.comments.length = 0
      api.pulls.clear()
      api.calls.length = 0
      api.delayMs = 0
      api.failNext = undefined
    },
    addComment(issue, body, login = 'reviewer') {
      const c: StoredComment = {
        id: nextId++,
        owner: 'lab',
        repo: 'experiments',
        issue,
        body,
        user: { login, type: 'User' },
        html_url: '',
        updated: Date.now(),
      }
      c.html_url = `https://github.com/lab/experiments/pull/${issue}#issuecomment-${c.id}`
      api.comments.push(c)
      return c
    },
  }
  const json = (res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
    res.end(JSON.stringify(value))
  }
  const view = (c: StoredComment): Record<string, unknown> => ({
    id: c.id,
    body: c.body,
    user: c.user,
    html_url: c.html_url,
    issue_url: `https://api.github.com/repos/${c.owner}/${c.repo}/issues/${c.issue}`,
  })
  async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const text = Buffer.concat(chunks).toString('utf8')
    return text ? (JSON.parse(text) as Record<string, unknown>) : {}
  }
  function handle(req: IncomingMessage, res: ServerResponse, data: Record<string, unknown>): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const token = /^(?:token|Bearer) (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? ''
    const access = api.tokens.get(token)
    if (api.failNext && api.failNext.count > 0) {
      api.failNext.count--
      json(res, api.failNext.status, { message: api.failNext.message ?? 'Server Error' })
      return
    }
    if (!access) {
      json(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' })
      return
    }
    if (url.pathname === '/user' && req.method === 'GET') {
      const login = api.users.get(token)
      if (login) json(res, 200, { login, id: 1, type: 'User' })
      else
        json(res, 403, {
          message: 'Resource not accessible by integration',
          documentation_url: 'https://docs.github.com/rest/users/users#get-the-authenticated-user',
          status: '403',
        })
      return
    }
    const list = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(url.pathname)
    const one = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(url.pathname)
    const pull = /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)$/.exec(url.pathname)
    const repo = list ?? one ?? pull
    if (repo && !api.repos.has(`${repo[1] ?? ''}/${repo[2] ?? ''}`)) {
      json(res, 404, { message: 'Not Found', status: '404' })
      return
    }
    const forbidden = (): void => {
      json(res, 403, {
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
        status: '403',
      })
    }
    if (pull && req.method === 'GET') {
      const [, owner = '', name = '', number = ''] = pull
      const found = owner === 'lab' && name === 'experiments' ? api.pulls.get(Number(number)) : undefined
      if (!found) {
        json(res, 404, { message: 'Not Found', status: '404' })
        return
      }
      const side = (full: string | null, sha: string) => ({
        sha,
        ref: 'branch',
        repo: full === null ? null : { full_name: full, fork: full !== `${owner}/${name}` },
      })
      json(res, 200, {
        number: Number(number),
        state: 'open',
        head: side(found.head, 'b'.repeat(40)),
        base: side(found.base, 'a'.repeat(40)),
      })
      return
    }
    if (list && req.method === 'GET') {
      const [, owner, repo, issue] = list
      const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30))
      const page = Number(url.searchParams.get('page') ?? 1)
      const all = api.comments.filter((c) => c.owner === owner && c.repo === repo && c.issue === Number(issue))
      const slice = all.slice((page - 1) * perPage, page * perPage)
      const last = Math.max(1, Math.ceil(all.length / perPage))
      const link =
        page < last
          ? { link: `<${url.origin}${url.pathname}?per_page=${perPage}&page=${page + 1}>; rel="next"` }
          : ({} as Record<string, string>)
      json(res, 200, slice.map(view), link)
      return
    }
    if (list && req.method === 'POST') {
      if (access !== 'write') {
        forbidden()
        return
      }
      const [, owner = '', repo = '', issue] = list
      const c: StoredComment = {
        id: nextId++,
        owner,
        repo,
        issue: Number(issue),
        body: typeof data['body'] === 'string' ? data['body'] : '',
        user: api.users.has(token)
          ? { login: api.users.get(token) ?? '', type: 'User' }
          : { login: 'github-actions[bot]', type: 'Bot' },
        html_url: '',
        updated: Date.now(),
      }
      c.html_url = `https://github.com/${owner}/${repo}/pull/${issue}#issuecomment-${c.id}`
      api.comments.push(c)
      json(res, 201, view(c))
      return
    }
    if (one && req.method === 'PATCH') {
      if (access !== 'write') {
        forbidden()
        return
      }
      const c = api.comments.find((x) => x.id === Number(one[3]))
      if (!c) {
        json(res, 404, { message: 'Not Found', status: '404' })
        return
      }
      c.body = typeof data['body'] === 'string' ? data['body'] : c.body
      c.updated = Date.now()
      json(res, 200, view(c))
      return
    }
    json(res, 404, { message: 'Not Found', status: '404' })
  }
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    api.calls.push(`${req.method ?? '?'} ${url.pathname}${url.search}`)
    void body(req).then((data) => {
      if (api.delayMs === Infinity) {
        pending.add(res)
        return
      }
      setTimeout(() => {
        handle(req, res, data)
      }, api.delayMs)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return Object.assign(api, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of pending) res.destroy()
        server.closeAllConnections()
        server.close(() => {
          resolve()
        })
      }),
  })
}

/** The stand-in for the test file that calls this: started before its tests, reset before each, closed after. */
export function useGithubApi(): () => GithubApi {
  let api: GithubApi | undefined
  before(async () => {
    api = await startGithubApi()
  })
  after(async () => {
    await api?.close()
  })
  beforeEach(() => {
    api?.reset()
  })
  return () => {
    if (!api) throw new Error('the GitHub API stand-in is not started')
    return api
  }
}

/**
 * A pull_request event payload as GitHub sends it, for a pull request from a branch of the
 * stand-in's own repository (no fork): for runs that name experiment-dir and need no diff.
 */
export function pullRequestEvent(number = 7): Record<string, unknown> {
  const repo = { full_name: 'lab/experiments', fork: false }
  return {
    action: 'synchronize',
    number,
    pull_request: {
      number,
      base: { sha: 'a'.repeat(40), ref: 'main', repo },
      head: { sha: 'b'.repeat(40), ref: 'feature', repo },
    },
    repository: repo,
  }
}
