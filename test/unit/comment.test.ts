/**
 * The sticky pull-request comment, through the real octokit client against a loopback stand-in
 * of GitHub's REST endpoints (list, create, update issue comments).
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  commentBody,
  commentMarker,
  commentPolicy,
  commentTarget,
  MAX_COMMENT_CHARS,
  StickyComment,
  type StickyCommentOptions,
} from '../../src/report/comment.ts'
import { readEvent } from '../../src/event.ts'
import { useGithubApi } from '../helpers/github-api.ts'
import { tempDir } from '../helpers/experiment.ts'

const github = useGithubApi()

const target = { owner: 'lab', repo: 'experiments', issueNumber: 7 }
function sticky(extra: Partial<StickyCommentOptions> = {}): StickyComment {
  return new StickyComment({
    token: 'write-token',
    target,
    key: 'experiments/capitalize/experiment_summary.yaml',
    apiUrl: github().url,
    ...extra,
  })
}
const writes = (): string[] => github().calls.filter((c) => !c.startsWith('GET'))

describe('sticky comment', () => {
  it('creates one comment per experiment, then updates it in place, also from a later run', async () => {
    github().addComment(7, 'Looks good, waiting for the numbers.')
    const first = sticky()
    const created = await first.publish('## capitalize\nTraining: 0/2 done')
    assert.ok(created.ok)
    assert.equal(created.action, 'created')
    const updated = await first.publish('## capitalize\nTraining done, evaluating')
    assert.ok(updated.ok && updated.action === 'updated' && updated.id === created.id)
    // A re-run (new process) finds the comment by its marker instead of writing a second one.
    const rerun = await sticky().publish('## capitalize\nResults: lr1e-3 0.99')
    assert.ok(rerun.ok && rerun.action === 'updated' && rerun.id === created.id)
    // Another experiment of the same pull request gets its own comment.
    const other = await sticky({ key: 'experiments/other/experiment_summary.yaml' }).publish('## other')
    assert.ok(other.ok && other.action === 'created' && other.id !== created.id)

    assert.equal(github().comments.length, 3)
    assert.equal(
      github().comments[0]?.body,
      'Looks good, waiting for the numbers.',
      "a reviewer's comment is untouched",
    )
    assert.equal(
      github().comments[1]?.body,
      `${commentMarker('experiments/capitalize/experiment_summary.yaml')}\n## capitalize\nResults: lr1e-3 0.99`,
    )
    assert.equal(created.url, `https://github.com/lab/experiments/pull/7#issuecomment-${created.id}`)
    assert.deepEqual(writes(), [
      'POST /repos/lab/experiments/issues/7/comments',
      `PATCH /repos/lab/experiments/issues/comments/${created.id}`,
      `PATCH /repos/lab/experiments/issues/comments/${created.id}`,
      'POST /repos/lab/experiments/issues/7/comments',
    ])
  })

  it('finds its comment past the first page, and ignores a reviewer quoting the marker', async () => {
    const marker = commentMarker('experiments/capitalize/experiment_summary.yaml')
    for (let i = 0; i < 150; i++) github().addComment(7, `comment ${i}`)
    github().addComment(7, `> ${marker}\n> quoted by a reviewer`)
    const mine = github().addComment(7, `${marker}\nold results`, 'github-actions[bot]')
    const r = await sticky().publish('new results')
    assert.ok(r.ok && r.action === 'updated' && r.id === mine.id)
    assert.deepEqual(
      github().calls.filter((c) => c.startsWith('GET')),
      [
        'GET /repos/lab/experiments/issues/7/comments?per_page=100&page=1',
        'GET /repos/lab/experiments/issues/7/comments?per_page=100&page=2',
        // A comment carries the marker: whose is it? The default token cannot say (403): the Actions bot.
        'GET /user',
      ],
    )
  })

  it("adopts only the token's own comment: one that someone else marked is left untouched", async () => {
    const marker = commentMarker('experiments/capitalize/experiment_summary.yaml')
    const forged = github().addComment(7, `${marker}\n### ✅ success — approved`, 'mallory')
    const first = await sticky().publish('training')
    assert.ok(first.ok && first.action === 'created' && first.id !== forged.id)
    // A later run finds the action's comment, past the forged one, and only ever writes that.
    const rerun = await sticky().publish('results')
    assert.ok(rerun.ok && rerun.action === 'updated' && rerun.id === first.id)
    assert.equal(forged.body, `${marker}\n### ✅ success — approved`)
    assert.ok(!writes().some((w) => w.endsWith(`/comments/${forged.id}`)), writes().join('\n'))
    assert.deepEqual(
      github().comments.map((c) => c.user.login),
      ['mallory', 'github-actions[bot]'],
    )
  })

  it("a personal token's identity is its login: the Actions bot's marked comment is not its own", async () => {
    const key = 'experiments/capitalize/experiment_summary.yaml'
    const bots = github().addComment(7, `${commentMarker(key)}\nfrom the default token`, 'github-actions[bot]')
    const created = await sticky({ token: 'personal-token' }).publish('one')
    assert.ok(created.ok && created.action === 'created')
    assert.equal(github().comments.at(-1)?.user.login, 'octocat')
    const again = await sticky({ token: 'personal-token' }).publish('two')
    assert.ok(again.ok && again.action === 'updated' && again.id === created.id)
    assert.equal(bots.body, `${commentMarker(key)}\nfrom the default token`)
    // And the default token still finds the bot's comment, not octocat's.
    const bot = await sticky().publish('three')
    assert.ok(bot.ok && bot.action === 'updated' && bot.id === bots.id)
  })

  it('asks who it is once, and only when a comment carries the marker', async () => {
    const s = sticky()
    await s.publish('one')
    await s.publish('two')
    assert.equal(github().calls.filter((c) => c === 'GET /user').length, 0, 'no marked comment to judge')
    github().addComment(7, `${commentMarker('experiments/capitalize/experiment_summary.yaml')}\nx`, 'mallory')
    await sticky().publish('three')
    await sticky({ token: 'personal-token' }).publish('four')
    assert.equal(github().calls.filter((c) => c === 'GET /user').length, 2, 'one per new comment writer')
  })

  it('does not write when nothing changed', async () => {
    const s = sticky()
    await s.publish('same')
    const again = await s.publish('same')
    assert.ok(again.ok && again.action === 'unchanged')
    assert.equal(writes().length, 1)
  })

  it('writes a new comment when its comment was deleted meanwhile', async () => {
    const s = sticky()
    const a = await s.publish('one')
    github().comments.length = 0
    const b = await s.publish('two')
    assert.ok(a.ok && b.ok && b.action === 'created' && b.id !== a.id)
  })

  it('on-failure: updates an existing comment, creates none before the run fails', async () => {
    assert.deepEqual(commentPolicy('on-failure', false), { publish: true, create: false })
    assert.deepEqual(commentPolicy('on-failure', true), { publish: true, create: true })
    assert.deepEqual(commentPolicy('always', false), { publish: true, create: true })
    assert.deepEqual(commentPolicy('never', true), { publish: false, create: false })
    const none = await sticky().publish('training', { create: false })
    assert.deepEqual(none, { ok: false, skipped: 'no comment of this experiment yet' })
    assert.equal(github().comments.length, 0)
    await sticky().publish('failed: lr3e-4 out of memory', { create: true })
    const later = await sticky().publish('re-run: all passed', { create: false })
    assert.ok(later.ok && later.action === 'updated')
  })

  it('cuts a body over the size GitHub accepts, keeping the marker', () => {
    const text = commentBody('k', 'x'.repeat(MAX_COMMENT_CHARS * 2))
    assert.equal(text.length, MAX_COMMENT_CHARS)
    assert.ok(text.startsWith(commentMarker('k')))
    assert.match(text, /cut to fit a comment/)
    assert.equal(commentMarker('a -->b'), '<!-- run-experiment:sticky a%20--%3Eb -->')
  })
})

describe('sticky comment: a token or an API that cannot help is a warning, never a failure', () => {
  it('read-only token (fork pull requests): one warning, then nothing more is tried', async () => {
    const s = sticky({ token: 'read-token' })
    const r = await s.publish('results')
    assert.ok(!r.ok && 'warning' in r)
    assert.equal(r.disabled, true)
    assert.match(
      r.warning,
      /cannot write comments on lab\/experiments#7 \(HTTP 403: Resource not accessible by integration/,
    )
    assert.match(r.warning, /permissions: pull-requests: write/)
    const calls = github().calls.length
    const again = await s.publish('more results')
    assert.ok(!again.ok && 'skipped' in again)
    assert.equal(github().calls.length, calls, 'no request after the permission error')
    assert.equal(github().comments.length, 0)
  })

  it('bad credentials and a missing repository are the same kind of warning', async () => {
    const bad = await sticky({ token: 'nobody' }).publish('x')
    assert.ok(!bad.ok && 'warning' in bad && bad.disabled)
    assert.match(bad.warning, /HTTP 401: Bad credentials/)
    const missing = await sticky({ target: { owner: 'lab', repo: 'gone', issueNumber: 7 } }).publish('x')
    assert.ok(!missing.ok && 'warning' in missing && missing.disabled)
    assert.match(missing.warning, /cannot write comments on lab\/gone#7 \(HTTP 404: Not Found/)
  })

  it('a slow API is cut off at the deadline and the run goes on', async () => {
    github().delayMs = Infinity
    const s = sticky({ timeoutMs: 300 })
    const t0 = Date.now()
    const r = await s.publish('results')
    const took = Date.now() - t0
    assert.ok(took >= 290 && took < 3000, `took ${took} ms`)
    assert.ok(!r.ok && 'warning' in r && r.disabled)
    assert.match(r.warning, /did not answer in time/)
  })

  it('a server error is a warning; the next publish tries again', async () => {
    github().failNext = { status: 502, count: 1, message: 'Bad Gateway' }
    const s = sticky()
    const r = await s.publish('results')
    assert.ok(!r.ok && 'warning' in r && !r.disabled)
    assert.match(r.warning, /\(HTTP 502\)/)
    const next = await s.publish('results')
    assert.ok(next.ok && next.action === 'created')
  })

  it('a rate limit is not mistaken for a missing permission', async () => {
    github().failNext = { status: 403, count: 1, message: 'API rate limit exceeded for installation' }
    const r = await sticky().publish('x')
    assert.ok(!r.ok && 'warning' in r && !r.disabled)
  })
})

describe('comment target', () => {
  it('is the pull request of a pull request event, from the event read once, and nothing otherwise', () => {
    const dir = tempDir()
    const path = join(dir, 'event.json')
    const side = (sha: string) => ({ sha, repo: { full_name: 'lab/experiments' } })
    writeFileSync(path, JSON.stringify({ number: 7, pull_request: { number: 7, head: side('b'), base: side('a') } }))
    const env = { GITHUB_EVENT_NAME: 'pull_request', GITHUB_REPOSITORY: 'lab/experiments', GITHUB_EVENT_PATH: path }
    const target = (e: Record<string, string>) => {
      const event = readEvent(e)
      assert.ok(event.ok, JSON.stringify(event))
      return commentTarget(event.value)
    }
    assert.deepEqual(target(env), { owner: 'lab', repo: 'experiments', issueNumber: 7 })
    assert.deepEqual(target({ ...env, GITHUB_EVENT_NAME: 'pull_request_target' }), target(env))
    assert.equal(target({ ...env, GITHUB_EVENT_NAME: 'workflow_dispatch' }), undefined)
    assert.equal(target({ ...env, GITHUB_EVENT_NAME: 'push' }), undefined)
    assert.equal(target({ ...env, GITHUB_REPOSITORY: 'lab' }), undefined)
    // The payload's repository, when it names one, is the repository the workflow runs in.
    writeFileSync(
      path,
      JSON.stringify({
        pull_request: { number: 9, head: side('b'), base: side('a') },
        repository: { full_name: 'lab/other' },
      }),
    )
    assert.deepEqual(target({ ...env, GITHUB_REPOSITORY: 'lab' }), { owner: 'lab', repo: 'other', issueNumber: 9 })
  })
})
