/** LiveReport: progress lines and the comment at phase boundaries, never holding up the phase loop. */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { PhaseSnapshot } from '../../src/engine/types.ts'
import { LogFile } from '../../src/engine/log.ts'
import { StickyComment } from '../../src/report/comment.ts'
import { LiveReport, linksFrom } from '../../src/report/live.ts'
import { useGithubApi } from '../helpers/github-api.ts'
import { MemoryTransport } from '../helpers/memory-transport.ts'

const github = useGithubApi()
const T0 = Date.UTC(2026, 0, 5, 9)

function snap(phase: string, minute: number, done: number, total: number, final = false): PhaseSnapshot {
  return {
    phase,
    now: T0 + minute * 60_000,
    startedAt: T0,
    final,
    jobs: Array.from({ length: total }, (_, i) => ({
      key: `${phase}-${i}`,
      display: `${phase === 'optimize' ? 'lr' : 'eval'}${i}`,
      state: i < done ? 'COMPLETED' : 'RUNNING',
      category: i < done ? ('succeeded' as const) : ('running' as const),
      jobId: String(100 + i),
    })),
  }
}

function live(extra: { mode?: 'always' | 'on-failure' } = {}) {
  const transport = new MemoryTransport()
  const lines: string[] = []
  const warnings: string[] = []
  const sticky = new StickyComment({
    token: 'write-token',
    target: { owner: 'lab', repo: 'experiments', issueNumber: 7 },
    key: 'exp/experiment_summary.yaml',
    apiUrl: github().url,
  })
  const report = new LiveReport({
    experimentName: 'capitalize',
    info: (l) => lines.push(l),
    warn: (w) => warnings.push(w),
    logFor: (phase) => new LogFile(transport, `/run/run-${phase}.log`),
    comment: { sticky, mode: extra.mode ?? 'always' },
    links: linksFrom({ GITHUB_REPOSITORY: 'lab/experiments', GITHUB_RUN_ID: '42' }),
  })
  return { report, lines, warnings, transport }
}

describe('LiveReport', () => {
  it('does not wait for the comment: a slow API never slows the phase loop', async () => {
    github().delayMs = 400
    const { report, lines } = live()
    const t0 = Date.now()
    await report.progress(snap('optimize', 0, 0, 2))
    await report.progress(snap('optimize', 1, 1, 2))
    await report.progress(snap('optimize', 2, 2, 2, true))
    const took = Date.now() - t0
    assert.ok(took < 300, `progress took ${took} ms with a 400 ms API`)
    assert.deepEqual(
      lines.filter((l) => !l.startsWith('::') && !/^lr\d/.test(l)),
      [
        'optimize: 0/2 done, 2 running · 0s',
        'optimize: 1/2 done, 1 running · 1m · lr0 COMPLETED (job 100)',
        'optimize: 2/2 done · 2m · lr1 COMPLETED (job 101)',
      ],
    )
    // The queued updates land afterwards, in order: created at the start, updated when the phase ended.
    await report.progress(snap('evaluate', 3, 0, 3))
    await report.flush()
    const body = github().comments[0]?.body ?? ''
    assert.match(body, /### 🧪 Experiment `capitalize`: ⏳ training done, evaluating/)
    assert.match(body, /- \*\*optimize\*\*: 2\/2 done · 2m/)
    assert.match(body, /- \*\*evaluate\*\*: 0\/3 done, 3 running · 3m/)
    assert.match(
      body,
      /\[Live progress in the workflow run\]\(https:\/\/github\.com\/lab\/experiments\/actions\/runs\/42\)/,
    )
    assert.equal(github().calls.filter((c) => c.startsWith('POST')).length, 1)
  })

  it('writes the progress lines to the module log as STATUS_CHECK blocks, in order', async () => {
    const { report, transport } = live()
    await report.progress(snap('optimize', 0, 0, 2))
    await report.progress(snap('optimize', 1, 2, 2, true))
    await report.flush()
    const text = (await transport.readFile('/run/run-optimize.log'))?.toString('utf8') ?? ''
    const details = text.split('\n').filter((l) => l.startsWith('Details: '))
    assert.deepEqual(details, [
      'Details: 0/2 done, 2 running · 0s',
      'Details: 2/2 done · 1m · lr0 COMPLETED (job 100), lr1 COMPLETED (job 101)',
    ])
  })

  it('on-failure: phase boundaries create nothing', async () => {
    const { report } = live({ mode: 'on-failure' })
    await report.progress(snap('optimize', 0, 0, 1))
    await report.progress(snap('optimize', 1, 1, 1, true))
    await report.flush()
    assert.equal(github().comments.length, 0)
    assert.equal(github().calls.filter((c) => !c.startsWith('GET')).length, 0)
  })
})
