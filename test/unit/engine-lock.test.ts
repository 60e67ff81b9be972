/**
 * The experiment lock (src/engine/lock.ts): a live holder is named, a dead one taken over. test/lock.test.ts
 * has what makes a holder live.
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { LocalTransport } from '../../src/cluster/local.ts'
import { acquireLock } from '../../src/engine/lock.ts'
import { tempDir } from '../helpers/experiment.ts'

const transport = new LocalTransport()

describe('lock', () => {
  it('a live holder is named; a dead one is taken over', async () => {
    const dir = tempDir()
    const path = join(dir, 'lock')
    const first = await acquireLock(transport, path, { staleAfterMs: 60_000, run: '77' })
    assert.ok(first.ok)
    const second = await acquireLock(transport, path, { staleAfterMs: 60_000 })
    assert.equal(second.ok, false)
    assert.match(second.error.message, new RegExp(`pid ${process.pid} on ${hostname()} \\(workflow run 77\\)`))
    await first.value.release()
    assert.ok(!existsSync(path))
    writeFileSync(
      path,
      JSON.stringify({ host: 'elsewhere', pid: 1, started: '2020-01-01T00:00:00Z', heartbeat: '2020-01-01T00:00:00Z' }),
    )
    const third = await acquireLock(transport, path, { staleAfterMs: 60_000 })
    assert.ok(third.ok)
    assert.match(third.value.tookOver ?? '', /no heartbeat for \d+ s/)
  })
})
