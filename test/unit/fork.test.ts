/**
 * Fork refusal on every event that runs a pull request's code, whatever `experiment-dir` says: the
 * event payloads as GitHub sends them (parsed by src/event.ts), the commented pull request looked up
 * in a loopback stand-in of GitHub's REST API. Each event shape with and without `experiment-dir`.
 */
import { before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseEvent, readEvent } from '../../src/event.ts'
import { locateExperiments, type ExperimentsReading } from '../../src/locate/index.ts'
import { run } from '../../src/main.ts'
import { ok } from '../../src/result.ts'
import { tempDir } from '../helpers/experiment.ts'
import { useGithubApi, type GithubApi } from '../helpers/github-api.ts'
import { recordingIO } from '../helpers/io.ts'

const github = useGithubApi()

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-C', cwd, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { encoding: 'utf8' }).trim()

/** A checkout whose pull request (base -> head) changes experiments/a; experiments/other is untouched. */
let ws = ''
let base = ''
let head = ''
before(async () => {
  // Loaded once here, so that no lookup's deadline pays for loading octokit.
  await import('@actions/github')
  ws = tempDir('re-fork-')
  git(ws, 'init', '-q', '-b', 'main')
  for (const e of ['a', 'other']) {
    mkdirSync(join(ws, 'experiments', e), { recursive: true })
    writeFileSync(join(ws, 'experiments', e, 'experiment_summary.yaml'), `experiment: {name: ${e}}\n`)
  }
  git(ws, 'add', '-A')
  git(ws, 'commit', '-qm', 'base')
  base = git(ws, 'rev-parse', 'HEAD')
  writeFileSync(join(ws, 'experiments/a/experiment_summary.yaml'), 'experiment: {name: a2}\n')
  git(ws, 'commit', '-qam', 'head')
  head = git(ws, 'rev-parse', 'HEAD')
})

const LAB = 'lab/experiments'
const repo = (full: string | null) => (full === null ? null : { full_name: full })
const pr = (headRepo: string | null | undefined, number = 7) => ({
  number,
  pull_request: {
    number,
    base: { sha: base, ref: 'main', repo: repo(LAB) },
    head: { sha: head, ref: 'feature', ...(headRepo === undefined ? {} : { repo: repo(headRepo) }) },
  },
  repository: repo(LAB),
})
const workflowRun = (headRepo: string | null | undefined, repository: string | null = LAB) => ({
  workflow_run: {
    name: 'ci',
    event: 'pull_request',
    head_branch: 'feature',
    head_sha: head,
    pull_requests: [],
    ...(headRepo === undefined ? {} : { head_repository: repo(headRepo) }),
  },
  ...(repository ? { repository: repo(repository) } : {}),
})
const comment = (onPullRequest: boolean, number = 7) => ({
  action: 'created',
  issue: { number, ...(onPullRequest ? { pull_request: { url: `https://api.github.com/pulls/${number}` } } : {}) },
  comment: { body: '/run-experiment' },
  repository: repo(LAB),
})

interface Shape {
  title: string
  event: string
  /** Built when the test runs: the commits exist only then. */
  payload: () => unknown
  /** GITHUB_REPOSITORY; default lab/experiments. */
  envRepository?: string
  /** Sets the API stand-in up before the check. */
  api?: (api: GithubApi) => void
  token?: string
  /** Deadline of the lookup; default 5 s. */
  timeoutMs?: number
  /** Refused: the message matches. Else runs: the pull request's experiment (diff), or needs experiment-dir. */
  refused?: RegExp
  withoutDir?: 'diff' | 'needs-dir'
  /** The REST requests the check makes. */
  calls?: string[]
}

const SHAPES: Shape[] = [
  { title: 'pull_request from the same repository', event: 'pull_request', payload: () => pr(LAB), withoutDir: 'diff' },
  {
    title: 'pull_request from the same repository, its name cased differently',
    event: 'pull_request',
    payload: () => pr('Lab/Experiments'),
    withoutDir: 'diff',
  },
  {
    title: 'pull_request from a fork',
    event: 'pull_request',
    payload: () => pr('stranger/experiments'),
    refused: /^pull_request event: pull request #7 comes from the fork stranger\/experiments: refusing to run/,
  },
  {
    title: 'pull_request from a deleted fork (head.repo: null)',
    event: 'pull_request',
    payload: () => pr(null),
    refused: /^pull_request event: pull request #7 comes from a deleted fork .*: refusing to run/,
  },
  {
    title: 'pull_request without head.repo',
    event: 'pull_request',
    payload: () => pr(undefined),
    refused: /pull request #7 comes from a deleted fork or an unnamed repository/,
  },
  {
    title: 'pull_request_target from the same repository',
    event: 'pull_request_target',
    payload: () => pr(LAB),
    withoutDir: 'diff',
  },
  {
    title: 'pull_request_target from a fork',
    event: 'pull_request_target',
    payload: () => pr('stranger/experiments', 8),
    refused: /^pull_request_target event: pull request #8 comes from the fork stranger\/experiments/,
  },
  {
    title: 'pull_request_review from a fork',
    event: 'pull_request_review',
    payload: () => pr('stranger/experiments'),
    refused: /^pull_request_review event: pull request #7 comes from the fork/,
  },
  { title: 'workflow_run from the same repository', event: 'workflow_run', payload: () => workflowRun(LAB) },
  {
    title: 'workflow_run from a fork (its pull_requests list is empty)',
    event: 'workflow_run',
    payload: () => workflowRun('stranger/experiments'),
    refused:
      /^workflow_run event: the triggering run of ci \(pull_request on feature at [0-9a-f]{12}\) comes from the fork stranger\/experiments/,
  },
  {
    title: 'workflow_run without head_repository',
    event: 'workflow_run',
    payload: () => workflowRun(undefined),
    refused: /does not name its head repository, so a fork cannot be ruled out/,
  },
  {
    title: 'workflow_run with head_repository: null',
    event: 'workflow_run',
    payload: () => workflowRun(null),
    refused: /does not name its head repository/,
  },
  {
    title: 'workflow_run naming no repository of its own (payload nor GITHUB_REPOSITORY)',
    event: 'workflow_run',
    payload: () => workflowRun(LAB, null),
    envRepository: '',
    refused: /this repository is not named, so a fork cannot be ruled out/,
  },
  {
    title: 'issue_comment on a pull request from the same repository',
    event: 'issue_comment',
    payload: () => comment(true),
    api: (api) => api.pulls.set(7, { head: LAB, base: LAB }),
    calls: ['GET /repos/lab/experiments/pulls/7'],
  },
  {
    title: 'issue_comment on a pull request from a fork',
    event: 'issue_comment',
    payload: () => comment(true),
    api: (api) => api.pulls.set(7, { head: 'stranger/experiments', base: LAB }),
    refused: /^issue_comment event on pull request #7: it comes from the fork stranger\/experiments: refusing/,
    calls: ['GET /repos/lab/experiments/pulls/7'],
  },
  {
    title: 'issue_comment on a pull request from a deleted fork',
    event: 'issue_comment',
    payload: () => comment(true),
    api: (api) => api.pulls.set(7, { head: null, base: LAB }),
    refused: /issue_comment event on pull request #7: it comes from a deleted fork/,
  },
  {
    title: 'issue_comment, the lookup answers 404',
    event: 'issue_comment',
    payload: () => comment(true, 404),
    refused:
      /^issue_comment event on pull request #404: cannot tell whether the pull request comes from a fork \(GET \/repos\/lab\/experiments\/pulls\/404 failed \(HTTP 404\): Not Found/,
  },
  {
    title: 'issue_comment, the lookup answers 500',
    event: 'issue_comment',
    payload: () => comment(true),
    api: (api) => {
      api.pulls.set(7, { head: LAB, base: LAB })
      api.failNext = { status: 500, count: 1, message: 'Server Error' }
    },
    refused: /cannot tell whether the pull request comes from a fork \(.*failed \(HTTP 500\): Server Error/,
  },
  {
    title: 'issue_comment, the lookup gets no answer in time',
    event: 'issue_comment',
    payload: () => comment(true),
    api: (api) => {
      api.pulls.set(7, { head: LAB, base: LAB })
      api.delayMs = Infinity
    },
    timeoutMs: 300,
    refused: /cannot tell .*GET \/repos\/lab\/experiments\/pulls\/7 gave no answer within 0\.3 s\)/,
  },
  {
    title: 'issue_comment, no token to look up with',
    event: 'issue_comment',
    payload: () => comment(true),
    token: '',
    api: (api) => api.pulls.set(7, { head: LAB, base: LAB }),
    refused: /cannot tell .*\(no github-token to look the pull request up with\)/,
    calls: [],
  },
  {
    title: 'issue_comment, a token the API does not know (401)',
    event: 'issue_comment',
    payload: () => comment(true),
    token: 'stale-token',
    api: (api) => api.pulls.set(7, { head: LAB, base: LAB }),
    refused: /cannot tell .*\(HTTP 401\): Bad credentials/,
  },
  {
    title: 'issue_comment on a plain issue',
    event: 'issue_comment',
    payload: () => comment(false),
    calls: [],
  },
  { title: 'push', event: 'push', payload: () => ({ ref: 'refs/heads/main' }), calls: [] },
  { title: 'workflow_dispatch', event: 'workflow_dispatch', payload: () => ({ inputs: {} }), calls: [] },
]

const noReaders: ExperimentsReading = () => Promise.resolve(ok([]))

async function locate(shape: Shape, experimentDir: string, allowForks = false) {
  shape.api?.(github())
  const event = parseEvent(shape.event, shape.payload(), shape.envRepository ?? LAB)
  assert.ok(event.ok, JSON.stringify(event))
  return locateExperiments({
    experimentDirInput: experimentDir,
    event: event.value,
    workspace: ws,
    allowForks,
    github: { token: shape.token ?? 'read-token', apiUrl: github().url, timeoutMs: shape.timeoutMs ?? 5000 },
    experimentsReading: noReaders,
  })
}

describe('fork refusal, whatever experiment-dir says', () => {
  for (const shape of SHAPES) {
    for (const dir of ['experiments/other', '']) {
      it(`${shape.title}, ${dir ? 'with' : 'without'} experiment-dir`, async () => {
        const r = await locate(shape, dir)
        if (shape.calls) assert.deepEqual(github().calls, shape.calls)
        if (shape.refused) {
          assert.ok(!r.ok, JSON.stringify(r))
          assert.equal(r.error.status, 'failed')
          assert.equal(r.error.problem.field, 'allow-fork-pull-requests')
          assert.match(r.error.problem.message, shape.refused)
          assert.match(r.error.problem.hint ?? '', /allow-fork-pull-requests: true/)
          return
        }
        if (dir) {
          assert.deepEqual(r, ok({ dirs: [join(ws, dir)], how: 'the experiment-dir input' }))
        } else if (shape.withoutDir === 'diff') {
          assert.ok(r.ok, JSON.stringify(r))
          assert.deepEqual(r.value.dirs, [join(ws, 'experiments/a')])
        } else {
          assert.ok(!r.ok)
          assert.equal(r.error.status, 'invalid')
          assert.match(r.error.problem.message, new RegExp(`experiment-dir is required for a ${shape.event} event`))
        }
      })
    }
  }

  it('allow-fork-pull-requests: true lets a fork run, and asks the API nothing', async () => {
    for (const shape of SHAPES.filter((s) => s.refused)) {
      github().reset()
      const r = await locate(shape, 'experiments/other', true)
      assert.ok(r.ok, `${shape.title}: ${JSON.stringify(r)}`)
      assert.deepEqual(github().calls, [], shape.title)
    }
    const fork = await locate(SHAPES[1] as Shape, '', true)
    assert.ok(fork.ok && fork.value.dirs.length === 1, 'a fork pull request, allowed, runs what it touches')
  })
})

describe('the event, read once', () => {
  it('the payload is read only for events that carry a pull request', () => {
    const missing = join(tempDir(), 'none.json')
    for (const name of ['push', 'workflow_dispatch', 'schedule', '']) {
      const e = readEvent({ GITHUB_EVENT_NAME: name, GITHUB_EVENT_PATH: missing, GITHUB_REPOSITORY: LAB })
      assert.deepEqual(e, ok({ name, repository: LAB, kind: 'other' }))
    }
    for (const name of ['pull_request', 'workflow_run', 'issue_comment']) {
      const e = readEvent({ GITHUB_EVENT_NAME: name, GITHUB_EVENT_PATH: missing })
      assert.ok(!e.ok)
      assert.match(e.error.message, new RegExp(`the ${name} event's payload cannot be read: ENOENT`))
      const unset = readEvent({ GITHUB_EVENT_NAME: name })
      assert.ok(!unset.ok && /GITHUB_EVENT_PATH is not set/.test(unset.error.message))
    }
  })

  it('a pull request payload without its commits is an error naming the field', () => {
    const e = parseEvent('pull_request', { pull_request: { number: 7, base: { sha: 'a' }, head: {} } }, LAB)
    assert.ok(!e.ok)
    assert.match(
      e.error.message,
      /^the pull_request event's payload lacks what the action reads: pull_request\.head\.sha:/,
    )
    const garbled = parseEvent('issue_comment', { issue: { number: 'seven' } }, LAB)
    assert.ok(!garbled.ok && /issue\.number/.test(garbled.error.message))
  })

  it('what each event says, normalized', () => {
    assert.deepEqual(parseEvent('pull_request', pr(null), LAB), {
      ok: true,
      value: {
        name: 'pull_request',
        repository: LAB,
        kind: 'pull_request',
        pullRequest: { number: 7, base: { sha: base, repo: LAB }, head: { sha: head, repo: undefined } },
      },
    })
    const wr = parseEvent('workflow_run', workflowRun('x/y'), 'ignored/env')
    assert.ok(wr.ok && wr.value.kind === 'workflow_run')
    assert.equal(wr.value.repository, LAB, "the payload's repository first")
    assert.equal(wr.value.headRepository, 'x/y')
    const ic = parseEvent('issue_comment', comment(false, 3), LAB)
    assert.ok(ic.ok && ic.value.kind === 'issue_comment' && !ic.value.onPullRequest && ic.value.issueNumber === 3)
  })
})

describe('run(): what main.ts does with a refusal and with a pull request', () => {
  const runWith = async (event: string, payload: unknown, inputs: Record<string, string> = {}) => {
    const path = join(tempDir(), 'event.json')
    writeFileSync(path, JSON.stringify(payload))
    const io = recordingIO(
      { 'experiment-dir': 'experiments/a', 'github-token': 'read-token', executor: 'local', ...inputs },
      {
        GITHUB_EVENT_NAME: event,
        GITHUB_EVENT_PATH: path,
        GITHUB_WORKSPACE: ws,
        GITHUB_REPOSITORY: LAB,
        GITHUB_API_URL: github().url,
      },
    )
    return { io, result: await run({ io }) }
  }

  it('a fork pull request with experiment-dir: failed, one error naming it, nothing run', async () => {
    const { io, result } = await runWith('pull_request', pr('stranger/experiments'))
    assert.equal(result.status, 'failed')
    assert.equal(io.outputs['status'], 'failed')
    assert.equal(io.outputs['runs-total'], '0')
    assert.match(io.failed[0] ?? '', /pull request #7 comes from the fork stranger\/experiments: refusing/)
    assert.deepEqual(
      io.annotations.map((a) => [a.kind, a.problem.field]),
      [['error', 'allow-fork-pull-requests']],
    )
  })

  it('a comment on a pull request whose lookup fails: failed, saying why', async () => {
    github().failNext = { status: 502, count: 1, message: 'Bad Gateway' }
    const { io, result } = await runWith('issue_comment', comment(true))
    assert.equal(result.status, 'failed')
    assert.match(io.failed[0] ?? '', /cannot tell whether the pull request comes from a fork .*HTTP 502/)
    assert.deepEqual(github().calls, ['GET /repos/lab/experiments/pulls/7'])
  })

  it('an unreadable pull request payload is invalid: nothing runs, the comment target is not guessed', async () => {
    const { io, result } = await runWith('pull_request', { pull_request: { number: 7 } })
    assert.equal(result.status, 'invalid')
    assert.match(io.failed[0] ?? '', /the pull_request event's payload lacks what the action reads/)
  })
})
