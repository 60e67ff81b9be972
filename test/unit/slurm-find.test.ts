/**
 * SlurmScheduler.findMarked against squeue and sacct as they answer at the edges of `since`
 * (src/scheduler/slurm-queries.ts): SLURM's times are whole seconds on the cluster's clock.
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { SlurmScheduler } from '../../src/scheduler/slurm.ts'
import { MemoryTransport } from '../helpers/memory-transport.ts'

const US = '\x1f'
const MARKER = 'run-experiment:exp-1:train:d1:s1'

/** A squeue line in SQUEUE_FORMAT's order for a job that ended at `endS` (epoch seconds). */
function squeueLine(id: string, state: string, submitS: number, endS: number): string {
  return [id, state, 'None', '0:0', submitS, endS, '0', 'me', '/w', 'job', MARKER, submitS].join(US)
}

function cluster(squeue: string, sacct = ''): MemoryTransport {
  const t = new MemoryTransport()
  t.onExec((argv) => {
    if (argv[0] === 'id') return { code: 0, stdout: 'me\n', stderr: '' }
    if (argv[0] === 'squeue') return { code: 0, stdout: squeue, stderr: '' }
    if (argv[0] === 'sacct') return { code: 0, stdout: sacct, stderr: '' }
    return undefined
  })
  return t
}

describe('findMarked at the edges of since', () => {
  it('keeps a job that ended within the second since falls in, while accounting has not recorded it', async () => {
    const sinceMs = Date.UTC(2026, 11, 5, 12, 0, 0, 700)
    const second = Math.floor(sinceMs / 1000) // SLURM truncates: submitted and ended "before" since
    const s = new SlurmScheduler(cluster(squeueLine('41', 'COMPLETED', second, second)), { user: 'me' })
    const found = await s.findMarked('run-experiment:exp-1:', new Date(sinceMs).toISOString())
    assert.deepEqual(
      found.map((j) => [j.status.jobId, j.status.state, j.marker]),
      [['41', 'COMPLETED', MARKER]],
    )
  })

  it('leaves out a job that slurmctld still holds but that ended long before since', async () => {
    const sinceMs = Date.UTC(2026, 11, 5, 12, 0, 0)
    const hourBefore = sinceMs / 1000 - 3600
    const s = new SlurmScheduler(cluster(squeueLine('40', 'COMPLETED', hourBefore, hourBefore + 5)), { user: 'me' })
    assert.deepEqual(await s.findMarked('run-experiment:exp-1:', new Date(sinceMs).toISOString()), [])
  })
})
