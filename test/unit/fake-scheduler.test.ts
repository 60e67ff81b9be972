/** The fake scheduler keeps the Scheduler contract the engine's tests rely on: markers and dependencies. */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { FakeScheduler } from '../helpers/fake-scheduler.ts'

const spec = (name: string, afterok?: string[], marker?: string) => ({
  dir: `/run/${name}`,
  script: 'job.sh',
  name,
  outputPattern: `/run/${name}/%j.out`,
  ...(afterok ? { dependency: { afterok } } : {}),
  ...(marker ? { marker } : {}),
})

describe('FakeScheduler', () => {
  it('holds a dependent job as SLURM does, and re-points it', async () => {
    const s = new FakeScheduler({ plan: (j) => (j.name === 'bad' ? { state: 'FAILED' } : { state: 'COMPLETED' }) })
    const submit = async (...args: Parameters<typeof spec>): Promise<string> => {
      const r = await s.submit(spec(...args))
      assert.ok(r.ok)
      return r.value.jobId
    }
    const bad = await submit('bad')
    const good = await submit('good')
    const dependent = await submit('dep', [bad])
    const q = [bad, good, dependent].map((jobId) => ({ jobId, submittedAt: '' }))
    const reasons: (string | undefined)[] = []
    for (let i = 0; i < 3; i++) reasons.push((await s.poll(q)).get(dependent)?.reason)
    assert.deepEqual(reasons, ['Dependency', 'DependencyNeverSatisfied', 'DependencyNeverSatisfied'])
    assert.deepEqual(await s.updateDependency(dependent, [good]), { ok: true, value: undefined })
    for (let i = 0; i < 2; i++) await s.poll(q)
    assert.equal((await s.poll(q)).get(dependent)?.state, 'COMPLETED')
    assert.equal((await s.updateDependency(dependent, [])).ok, false)
    const orphan = await s.submit(spec('orphan', ['42']))
    assert.equal(orphan.ok, false)
    assert.equal(orphan.error.code, 'unknown-dependency')
  })

  it('finds jobs by marker prefix and describes known ids only', async () => {
    const s = new FakeScheduler()
    const a = await s.submit(spec('a', undefined, 'run-experiment:a:d1:s'))
    const b = await s.submit(spec('b'))
    assert.ok(a.ok && b.ok)
    const found = await s.findMarked('run-experiment:a:')
    assert.deepEqual(
      found.map((j) => [j.status.jobId, j.marker, j.workDir]),
      [[a.value.jobId, 'run-experiment:a:d1:s', '/run/a']],
    )
    assert.equal((await s.findMarked('run-experiment:b'))[0]?.marker, 'run-experiment:b')
    assert.deepEqual([...(await s.describe([b.value.jobId, '7'])).keys()], [b.value.jobId])
  })
})
