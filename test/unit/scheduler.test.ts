/** What every scheduler shares (src/scheduler/scheduler.ts): SLURM's state names, normalised. */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { normaliseState } from '../../src/scheduler/scheduler.ts'

describe('job states', () => {
  it('normalises SLURM states', () => {
    assert.equal(normaliseState('CANCELLED by 1000'), 'CANCELLED')
    assert.equal(normaliseState('CANCELLED+'), 'CANCELLED')
    assert.equal(normaliseState('OUT_OF_MEMORY'), 'OUT_OF_MEMORY')
    assert.equal(normaliseState('TO'), 'TIMEOUT')
    assert.equal(normaliseState('REQUEUE_HOLD'), 'PENDING')
    assert.equal(normaliseState('weird'), 'UNKNOWN')
  })
})
