/** Progress lines: counts, changes, the heartbeat policy, groups and module-log blocks. */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { formatBlock } from '../../src/engine/log.ts'
import {
  actionsLogLines,
  compactDuration,
  countsText,
  progressBlock,
  ProgressReporter,
  type ProgressJob,
  type ProgressSnapshot,
} from '../../src/report/progress.ts'

const MIN = 60_000
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0)

function job(display: string, state: string, category: ProgressJob['category'], extra: Partial<ProgressJob> = {}) {
  return { key: display, display, state, category, ...extra }
}

function snap(minutes: number, jobs: ProgressJob[]): ProgressSnapshot {
  return { phase: 'optimize', now: T0 + minutes * MIN, startedAt: T0, jobs, final: false }
}

/** Twelve runs: 6 succeeded, 1 failed, 3 running, 2 queued. */
function twelve(): ProgressJob[] {
  return [
    ...[1, 2, 3, 4, 5, 6].map((i) => job(`lr${i}`, 'COMPLETED', 'succeeded', { jobId: String(81200 + i) })),
    job('lr7', 'FAILED', 'failed', { jobId: '81207' }),
    ...[8, 9, 10].map((i) => job(`lr${i}`, 'RUNNING', 'running', { jobId: String(81200 + i), startedAt: T0 })),
    job('lr11', 'PENDING', 'queued', { jobId: '81211' }),
    job('lr12', 'NOT_SUBMITTED', 'queued'),
  ]
}

describe('progress lines', () => {
  it('reads as the issue shows: counts, elapsed time, the job that changed', () => {
    const p = new ProgressReporter()
    // lr6 is lr1e-3, still running at 1h33m; it completes at 2h14m after 41 minutes.
    const running = { jobId: '81234', startedAt: T0 + 93 * MIN }
    const before = twelve().map((j) =>
      j.key === 'lr6' ? { ...j, display: 'lr1e-3', state: 'RUNNING', category: 'running' as const, ...running } : j,
    )
    p.observe(snap(93, before))
    const after = before.map((j) =>
      j.key === 'lr6' ? { ...j, state: 'COMPLETED', category: 'succeeded' as const, endedAt: T0 + 134 * MIN } : j,
    )
    const u = p.observe(snap(134, after))
    assert.equal(u?.kind, 'change')
    assert.equal(
      u.line,
      'optimize: 7/12 done (1 failed), 3 running, 2 queued · 2h14m · lr1e-3 COMPLETED (job 81234, 41m)',
    )
    assert.deepEqual(
      u.changed.map((j) => j.display),
      ['lr1e-3'],
    )
  })

  it('counts failed jobs as done, and leaves out empty parts', () => {
    assert.equal(countsText(twelve()), '7/12 done (1 failed), 3 running, 2 queued')
    assert.equal(countsText([job('a', 'COMPLETED', 'succeeded')]), '1/1 done')
    assert.equal(countsText([]), '0/0 done')
  })

  it('formats durations compactly', () => {
    assert.deepEqual([0, 41_000, 41 * MIN, 134 * MIN, 60 * MIN, (3 * 24 + 4) * 60 * MIN, -5].map(compactDuration), [
      '0s',
      '41s',
      '41m',
      '2h14m',
      '1h00m',
      '3d4h',
      '0s',
    ])
  })
})

describe('heartbeat policy', () => {
  it('prints on start and on change, stays silent between, and beats at growing gaps', () => {
    const p = new ProgressReporter({ heartbeatMs: 5 * MIN, maxHeartbeatMs: 20 * MIN })
    const jobs = twelve()
    const printed: [number, string][] = []
    // One poll a minute for two hours, nothing changing after minute 0 except at minute 50.
    for (let m = 0; m <= 120; m++) {
      const now =
        m < 50
          ? jobs
          : jobs.map((j) => (j.key === 'lr11' ? { ...j, state: 'RUNNING', category: 'running' as const } : j))
      const u = p.observe(snap(m, now))
      if (u) printed.push([m, u.kind])
    }
    assert.deepEqual(printed, [
      [0, 'start'],
      [5, 'heartbeat'], // 5 minutes of silence
      [15, 'heartbeat'], // then 10
      [35, 'heartbeat'], // then 20 (the cap)
      [50, 'change'],
      [55, 'heartbeat'], // a change resets the gap
      [65, 'heartbeat'],
      [85, 'heartbeat'],
      [105, 'heartbeat'],
    ])
  })

  it('says how long nothing changed, and never prints twice for one poll', () => {
    const p = new ProgressReporter({ heartbeatMs: 5 * MIN })
    p.observe(snap(0, twelve()))
    const beat = p.observe(snap(7, twelve()))
    assert.equal(beat?.line, 'optimize: 7/12 done (1 failed), 3 running, 2 queued · 7m · no change for 7m')
    assert.equal(beat.details, undefined)
    // Long polls (interval above the heartbeat): one line per poll at most, whatever the gap.
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 90 }), { minLength: 1, maxLength: 40 }), (gaps) => {
        const r = new ProgressReporter({ heartbeatMs: 5 * MIN })
        let t = 0
        let lines = 0
        let polls = 0
        for (const g of gaps) {
          t += g
          polls++
          if (r.observe(snap(t, twelve()))) lines++
        }
        assert.ok(lines <= polls)
      }),
    )
  })

  it('names at most three changed jobs and counts the rest', () => {
    const p = new ProgressReporter()
    p.observe(snap(0, twelve()))
    const done = twelve().map((j) => ({
      ...j,
      state: 'COMPLETED',
      category: 'succeeded' as const,
      endedAt: T0 + 40 * MIN,
    }))
    const u = p.observe(snap(40, done))
    assert.equal(u?.kind, 'change')
    assert.equal(
      u.line,
      'optimize: 12/12 done · 40m · lr7 COMPLETED (job 81207), lr8 COMPLETED (job 81208, 40m), lr9 COMPLETED (job 81209, 40m), 3 more changed',
    )
    assert.equal(u.changed.length, 6)
  })

  it('notices a retry as a change even when the state word is the same', () => {
    const p = new ProgressReporter()
    const a = [job('lr1', 'PENDING', 'queued', { jobId: '1' })]
    p.observe(snap(0, a))
    const u = p.observe(
      snap(1, [job('lr1', 'PENDING', 'queued', { jobId: '2', note: 'out of memory: retrying with batch_size 4' })]),
    )
    assert.equal(
      u?.line,
      'optimize: 0/1 done, 1 queued · 1m · lr1 PENDING (job 2, out of memory: retrying with batch_size 4)',
    )
  })
})

describe('where the lines go', () => {
  it('folds the details in a group for the Actions log', () => {
    const p = new ProgressReporter()
    const u = p.observe(snap(3, twelve().slice(6, 9)))
    assert.ok(u)
    assert.deepEqual(actionsLogLines(u), [
      'optimize: 1/3 done (1 failed), 2 running · 3m',
      '::group::optimize: 3 jobs',
      'lr7 FAILED (job 81207)',
      'lr8 RUNNING (job 81208, 3m)',
      'lr9 RUNNING (job 81209, 3m)',
      '::endgroup::',
    ])
  })

  it('writes the same line as a STATUS_CHECK block in the module log, without a Job ID line', () => {
    const p = new ProgressReporter()
    p.observe(snap(0, twelve()))
    const u = p.observe(
      snap(
        2,
        twelve().map((j) => (j.key === 'lr12' ? { ...j, state: 'PENDING', jobId: '81212' } : j)),
      ),
    )
    assert.ok(u)
    const text = formatBlock(progressBlock(u, 'optimize'), new Date(2026, 0, 5, 9, 2, 0))
    assert.equal(
      text,
      [
        '[2026-01-05 09:02:00] STATUS_CHECK: optimize',
        'Details: 7/12 done (1 failed), 3 running, 2 queued · 2m · lr12 PENDING (job 81212)',
        'Result: change',
      ].join('\n'),
    )
    assert.ok(!/^Job ID:/m.test(text))
  })
})
