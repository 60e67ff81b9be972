/** The one back-off policy (src/cluster/backoff.ts) on a fake clock: each wait, the deadline, the tries. */
import { describe, it, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { Backoff, retry, type BackoffPolicy } from '../../src/cluster/backoff.ts'
import { err, ok, type Result } from '../../src/result.ts'

/** A clock that only moves when something waits: every timer fires at once and advances it. Returns the waits. */
function fakeClock(t: TestContext, random = 0.5): { waits: number[]; now: () => number } {
  let clock = 1_000_000
  const waits: number[] = []
  t.mock.method(Date, 'now', () => clock)
  t.mock.method(Math, 'random', () => random)
  t.mock.method(globalThis, 'setTimeout', (fire: () => void, ms: number) => {
    waits.push(ms)
    clock += ms
    fire()
  })
  return { waits, now: () => clock }
}

async function waitsUntilExhausted(backoff: Backoff, most = 20): Promise<void> {
  for (let i = 0; i < most && !backoff.exhausted; i++) await backoff.wait()
}

describe('Backoff', () => {
  it('each wait is the one before times the factor, up to the cap', async (t) => {
    const { waits } = fakeClock(t)
    const b = new Backoff({ initialMs: 100, factor: 2, maxMs: 300 })
    for (let i = 0; i < 4; i++) await b.wait()
    assert.deepEqual(waits, [100, 200, 300, 300])
  })

  it('jitter scales each wait within 1 ± jitter', async (t) => {
    const low = fakeClock(t, 0)
    await new Backoff({ initialMs: 1000, factor: 1, jitter: 0.2 }).wait()
    t.mock.restoreAll()
    const high = fakeClock(t, 0.999)
    await new Backoff({ initialMs: 1000, factor: 1, jitter: 0.2 }).wait()
    assert.deepEqual(low.waits, [800])
    assert.equal(Math.round(high.waits[0] ?? 0), 1200)
  })

  it('stops at the deadline: no wait goes past it, the last try comes at it', async (t) => {
    const { waits, now } = fakeClock(t)
    const start = now()
    const b = new Backoff({ initialMs: 100, factor: 2, deadlineMs: 250 })
    assert.equal(b.exhausted, false)
    await waitsUntilExhausted(b)
    assert.deepEqual(waits, [100, 150])
    assert.equal(now() - start, 250)
    assert.equal(b.elapsedMs, 250)
  })

  it('counts the deadline from when the series began, which may be before the first try', (t) => {
    const { now } = fakeClock(t)
    const policy: BackoffPolicy = { initialMs: 100, factor: 2, deadlineMs: 5000 }
    assert.equal(new Backoff(policy, now() - 4999).exhausted, false)
    assert.equal(new Backoff(policy, now() - 5000).exhausted, true)
  })

  it('stops after its tries, and tells the observer before each wait', async (t) => {
    const { waits } = fakeClock(t)
    let told = 0
    const b = new Backoff({ initialMs: 500, factor: 2, attempts: 3 }, undefined, () => {
      told++
      assert.equal(waits.length, told - 1, 'told before it waits')
    })
    await waitsUntilExhausted(b)
    assert.deepEqual(waits, [500, 1000])
    assert.equal(told, 2)
  })
})

describe('retry', () => {
  const failing =
    (results: Result<string, string>[], seen: number[]) =>
    (n: number): Promise<Result<string, string>> => {
      seen.push(n)
      return Promise.resolve(results[n - 1] ?? err(`try ${n} failed`))
    }

  it('tries until one succeeds, numbering the tries', async (t) => {
    const { waits } = fakeClock(t)
    const seen: number[] = []
    const r = await retry({ initialMs: 10, factor: 2 }, failing([err('a'), err('b'), ok('yes')], seen))
    assert.deepEqual(r, ok('yes'))
    assert.deepEqual(seen, [1, 2, 3])
    assert.deepEqual(waits, [10, 20])
  })

  it('gives up at once on an error that is not retryable', async (t) => {
    const { waits } = fakeClock(t)
    const seen: number[] = []
    const r = await retry({ initialMs: 10, factor: 2 }, failing([err('a'), err('fatal')], seen), {
      retryable: (e) => e !== 'fatal',
    })
    assert.deepEqual(r, err('fatal'))
    assert.deepEqual(seen, [1, 2])
    assert.deepEqual(waits, [10])
  })

  it('returns the last failure once the policy allows no further try; the first try always runs', async (t) => {
    const { now } = fakeClock(t)
    const seen: number[] = []
    const r = await retry({ initialMs: 1000, factor: 2, deadlineMs: 2500 }, failing([], seen))
    assert.deepEqual(r, err('try 3 failed'))
    assert.deepEqual(seen, [1, 2, 3])
    const late: number[] = []
    const past = await retry({ initialMs: 10, factor: 2, deadlineMs: 100 }, failing([], late), { since: now() - 200 })
    assert.deepEqual([past, late], [err('try 1 failed'), [1]])
  })
})
