/** What the scheduler cost a phase (engine/meter.ts), as the compute section reports it. */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { MeteredScheduler } from '../../src/engine/meter.ts'
import { schedulerUseLines } from '../../src/report/compute.ts'
import { FakeScheduler } from '../helpers/fake-scheduler.ts'

describe('the scheduler meter', () => {
  it('counts status queries (poll, find, describe) with their latency, and submissions', async () => {
    const m = new MeteredScheduler(new FakeScheduler())
    assert.deepEqual(m.use(), { statusQueries: 0, statusMedianMs: 0, statusMaxMs: 0, submissions: 0 })
    const r = await m.submit({ dir: '/d', script: 's', name: 'n', outputPattern: '/d/o' })
    assert.ok(r.ok)
    await m.poll([{ jobId: r.value.jobId, submittedAt: new Date().toISOString() }])
    await m.findMarked('run-experiment:', new Date(0).toISOString())
    await m.describe([r.value.jobId], new Date(0).toISOString())
    const use = m.use()
    assert.equal(use.statusQueries, 3)
    assert.equal(use.submissions, 1)
    assert.ok(use.statusMaxMs >= use.statusMedianMs)
    assert.equal(m.chainsJobs, true, 'what the scheduler can do passes through')
  })

  it('the compute section says it per phase; a phase that did not run says nothing', () => {
    assert.deepEqual(
      schedulerUseLines([
        ['optimize', { statusQueries: 12, statusMedianMs: 40, statusMaxMs: 130, submissions: 2 }],
        ['evaluate', undefined],
      ]),
      ['- optimize: 12 status queries (median 40 ms, max 130 ms), 2 submissions'],
    )
    assert.deepEqual(
      schedulerUseLines([['evaluate', { statusQueries: 1, statusMedianMs: 5, statusMaxMs: 5, submissions: 1 }]]),
      ['- evaluate: 1 status query (median 5 ms, max 5 ms), 1 submission'],
    )
  })
})
