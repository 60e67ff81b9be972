/** The shared file contract with cruijff_kit's runner: its state files, read and merged. */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import {
  formatStateFile,
  localTimestamp,
  mergeStates,
  monitorCanFinish,
  parseLocalTimestamp,
  parseStateFile,
  parseUtcOffset,
  submittedAt,
  writtenByCruijff,
  type CruijffEntry,
} from '../../src/engine/cruijff-state.ts'

/** A state file as cruijff_kit's submitters leave it (json.dumps(indent=2, sort_keys=True) + newline). */
const CRUIJFF_STATE = `{
  "lr1e-4/eval/caps_epoch0/cell.slurm": {
    "job_id": "4242",
    "state": "COMPLETED",
    "submitted_at": "2026-11-27 09:15:02"
  },
  "lr1e-4/finetune.slurm": {
    "job_id": "4240",
    "oom_detected_via": "cuda_log",
    "retry_history": [
      {
        "batch_size": 2
      }
    ],
    "state": "RUNNING",
    "submitted_at": "2026-11-27 09:01:30"
  },
  "lr3e-4/finetune.slurm": {
    "error": "sbatch: error: Batch job submission failed: Invalid account",
    "job_id": null,
    "state": "SUBMIT_FAILED",
    "submitted_at": "2026-11-27 09:00:05"
  }
}
`

describe('cruijff_kit state files', () => {
  it('reads every field cruijff_kit writes', () => {
    const r = parseStateFile(CRUIJFF_STATE)
    assert.ok(r.ok)
    const train = r.value['lr1e-4/finetune.slurm']
    assert.equal(train?.job_id, '4240')
    assert.deepEqual(train.retry_history, [{ batch_size: 2 }])
    assert.equal(train.oom_detected_via, 'cuda_log')
    assert.equal(r.value['lr3e-4/finetune.slurm']?.job_id, null)
    assert.match(r.value['lr3e-4/finetune.slurm'].error ?? '', /Invalid account/)
    assert.ok(writtenByCruijff(train))
  })

  it('a numeric job id (hand-edited) is read as text', () => {
    const r = parseStateFile(
      '{"a/finetune.slurm": {"job_id": 17, "state": "PENDING", "submitted_at": "2026-01-01 00:00:00"}}',
    )
    assert.ok(r.ok)
    assert.equal(r.value['a/finetune.slurm']?.job_id, '17')
  })

  it('a file that cannot be read is an error, not "nothing ran" (jobs would run twice)', () => {
    assert.equal(parseStateFile('{"a": ').ok, false)
    assert.equal(parseStateFile('[]').ok, false)
    assert.equal(parseStateFile('{"a/finetune.slurm": {"state": "PENDING"}}').ok, false)
  })

  it('writes what Python json.dumps(indent=2, sort_keys=True) writes, fields we add kept in order', () => {
    const parsed = parseStateFile(CRUIJFF_STATE)
    assert.ok(parsed.ok)
    assert.equal(formatStateFile(parsed.value), CRUIJFF_STATE)
    const ours = {
      'b/finetune.slurm': { state: 'COMPLETED', job_id: '9', submitted_at: 'x', attempt: 2, outputs: { z: 1, a: [1] } },
    }
    const python = execFileSync(
      'python3',
      ['-c', 'import json,sys; sys.stdout.write(json.dumps(json.load(sys.stdin), indent=2, sort_keys=True) + "\\n")'],
      { input: JSON.stringify(ours) },
    ).toString()
    assert.equal(formatStateFile(ours), python)
  })
})

describe('local times of the cluster', () => {
  it('round-trip through an offset', () => {
    const at = new Date('2026-11-27T08:15:02Z')
    assert.equal(localTimestamp(at, 60), '2026-11-27 09:15:02')
    assert.equal(localTimestamp(at, -300), '2026-11-27 03:15:02')
    assert.equal(parseLocalTimestamp('2026-11-27 09:15:02', 60)?.toISOString(), '2026-11-27T08:15:02.000Z')
    assert.equal(parseLocalTimestamp('27/11/2026', 0), undefined)
  })

  it('date +%z offsets', () => {
    assert.equal(parseUtcOffset('+0100'), 60)
    assert.equal(parseUtcOffset('-0530\n'), -330)
    assert.equal(parseUtcOffset('+00:00'), 0)
    assert.equal(parseUtcOffset('UTC'), undefined)
  })

  it("an attempt's submission time: our ISO instant first, else cruijff_kit's local time", () => {
    const ck = { job_id: '1', state: 'COMPLETED', submitted_at: '2026-11-27 09:00:00' }
    assert.equal(submittedAt(ck, 60)?.toISOString(), '2026-11-27T08:00:00.000Z')
    const ours = { ...ck, submitted_iso: '2026-11-27T08:30:00.000Z' }
    assert.equal(submittedAt(ours, 60)?.toISOString(), '2026-11-27T08:30:00.000Z')
    assert.equal(writtenByCruijff(ours), false)
  })
})

describe('merging the shared state with what earlier versions wrote', () => {
  const entry = (job: string, at: string, extra: Partial<CruijffEntry> = {}): CruijffEntry => ({
    job_id: job,
    state: 'COMPLETED',
    submitted_at: at,
    ...extra,
  })
  it('per key, the attempt submitted last wins; keys of either side are kept', () => {
    const shared = {
      'a/finetune.slurm': entry('20', '2026-11-27 10:00:00'),
      'c/finetune.slurm': entry('30', '2026-11-27 10:00:00'),
    }
    const legacy = {
      'a/finetune.slurm': entry('10', '2026-11-27 09:00:00'),
      'b/finetune.slurm': entry('11', '2026-11-27 09:00:00', { submitted_iso: '2026-11-27T09:00:00.000Z' }),
      'c/finetune.slurm': entry('31', 'x', { submitted_iso: '2026-11-27T11:00:00.000Z' }),
    }
    const m = mergeStates(
      [
        { label: 'logs/run-torchtune.state.json', entries: shared },
        { label: 'run-torchtune.state.json', entries: legacy },
      ],
      0,
    )
    assert.equal(m.entries['a/finetune.slurm']?.job_id, '20')
    assert.equal(m.entries['b/finetune.slurm']?.job_id, '11')
    assert.equal(m.entries['c/finetune.slurm']?.job_id, '31')
    assert.equal(m.origin.get('a/finetune.slurm'), 'logs/run-torchtune.state.json')
    assert.equal(m.origin.get('c/finetune.slurm'), 'run-torchtune.state.json')
  })

  it('on a tie the first source wins', () => {
    const m = mergeStates(
      [
        { label: 'first', entries: { k: entry('1', '2026-11-27 10:00:00') } },
        { label: 'second', entries: { k: entry('2', '2026-11-27 10:00:00') } },
      ],
      0,
    )
    assert.equal(m.entries['k']?.job_id, '1')
  })
})

describe("what cruijff_kit's monitor can live with", () => {
  it('an unfinished entry without a job id would keep it waiting forever', () => {
    assert.equal(monitorCanFinish({ job_id: null, state: 'SUBMITTING', submitted_at: '' }), false)
    assert.equal(monitorCanFinish({ job_id: '5', state: 'PENDING', submitted_at: '' }), true)
    assert.equal(monitorCanFinish({ job_id: null, state: 'SUBMIT_FAILED', submitted_at: '' }), true)
    assert.equal(monitorCanFinish({ job_id: '5', state: 'OUT_OF_MEMORY', submitted_at: '' }), true)
  })
})
