/** The state file (src/engine/state.ts): written sorted, and never read as empty when it is corrupt. */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { LocalTransport } from '../../src/cluster/local.ts'
import { StateStore } from '../../src/engine/state.ts'
import { tempDir } from '../helpers/experiment.ts'

const transport = new LocalTransport()

describe('state', () => {
  it('round-trips sorted, and a corrupt file is an error, never an empty state', async () => {
    const dir = tempDir()
    const path = join(dir, 'run-torchtune.state.json')
    const s = await StateStore.open(transport, path)
    assert.ok(s.ok)
    await s.value.put('b/finetune.slurm', { job_id: '2', submitted_at: '2026-01-01 00:00:00', state: 'PENDING' })
    await s.value.put('a/finetune.slurm', { job_id: '1', submitted_at: '2026-01-01 00:00:00', state: 'COMPLETED' })
    const text = readFileSync(path, 'utf8')
    assert.ok(text.indexOf('a/finetune.slurm') < text.indexOf('b/finetune.slurm'))
    assert.ok(text.endsWith('}\n'))
    writeFileSync(path, '{"a": ')
    const bad = await StateStore.open(transport, path)
    assert.equal(bad.ok, false)
    assert.match(bad.error.message, /not valid JSON/)
  })
})
