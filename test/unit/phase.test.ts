/**
 * The engine's phase loop on an in-memory transport and a fake scheduler, with the real torchtune
 * module judging: submission, deferral, out-of-memory requeue, resume (interrupted submission, jobs
 * that ended unwatched, successes whose outputs vanished), cancellation.
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { LogFile } from '../../src/engine/log.ts'
import { jobNameFor } from '../../src/engine/outcome.ts'
import { runPhase } from '../../src/engine/phase.ts'
import { StateStore, type StateEntry } from '../../src/engine/state.ts'
import { markerOf } from '../../src/engine/evidence.ts'
import { digestOf, InputDigests } from '../../src/engine/inputs.ts'
import type { PlannedJob } from '../../src/tools/tool.ts'
import { FakeScheduler, type FakeEnd, type FakeJob, type FakeOptions } from '../helpers/fake-scheduler.ts'
import { MemoryTransport } from '../helpers/memory-transport.ts'
import { putTrainingJobs, RUN_DIR, trainingPhase } from '../helpers/phase.ts'

async function setup(runs: string[], options: FakeOptions = {}, entries: Record<string, StateEntry> = {}) {
  const t = new MemoryTransport()
  putTrainingJobs(t, runs, { config: 'output_dir: artifacts\nbatch_size: 8\ngradient_accumulation_steps: 1\n' })
  if (Object.keys(entries).length) t.put(`${RUN_DIR}/run-torchtune.state.json`, JSON.stringify(entries))
  const opened = await StateStore.open(t, `${RUN_DIR}/run-torchtune.state.json`)
  assert.ok(opened.ok)
  const scheduler = new FakeScheduler(options)
  const controller = new AbortController()
  const ctx = await trainingPhase(runs, {
    transport: t,
    state: opened.value,
    scheduler,
    toolLog: new LogFile(t, `${RUN_DIR}/run-torchtune.log`),
    signal: controller.signal,
  })
  return { t, scheduler, ctx, controller, jobs: ctx.jobs }
}

/** A training that writes its epoch_0 checkpoint when it ends. */
const trains =
  (t: MemoryTransport) =>
  (job: FakeJob): void => {
    t.put(`${job.spec.dir}/artifacts/epoch_0/adapter_model.safetensors`, 'weights')
  }

/** Every submission completes and writes its checkpoint. */
const completes = (s: { t?: MemoryTransport }): FakeOptions => ({
  plan: (): FakeEnd => ({
    state: 'COMPLETED',
    effect: (j) => {
      trains(s.t as MemoryTransport)(j)
    },
  }),
})

const state = (t: MemoryTransport): Record<string, StateEntry> =>
  JSON.parse(t.text(`${RUN_DIR}/run-torchtune.state.json`) ?? '{}') as Record<string, StateEntry>

describe('runPhase (in memory)', () => {
  it('submits every job once, watches until terminal, judges from the checkpoints', async () => {
    const box: { t?: MemoryTransport } = {}
    const s = await setup(['a', 'b'], completes(box))
    box.t = s.t
    const r = await runPhase(s.ctx)
    assert.deepEqual(
      r.outcomes.map((o) => o.result),
      ['succeeded', 'succeeded'],
    )
    assert.equal(s.scheduler.jobs.length, 2)
    const e = state(s.t)['a/finetune.slurm']
    assert.equal(e?.validated, true)
    assert.equal(e.output?.kind, 'training')
    assert.deepEqual(Object.keys(e.output.checkpoints), ['0'])
    assert.match(
      s.t.text(`${RUN_DIR}/run-torchtune.log`) ?? '',
      /SUBMIT_JOB: a\nDetails: fake-submit finetune.slurm\nJob ID: 1000/,
    )
  })

  it('a job that exits 0 without writing its checkpoint has failed', async () => {
    const s = await setup(['a'])
    const r = await runPhase(s.ctx)
    assert.equal(r.outcomes[0]?.result, 'failed')
    assert.match(r.outcomes[0].error ?? '', /^completed, but checkpoint missing: \/scratch\/exp\/a\/artifacts\/epoch_0/)
  })

  it('a checkpoint older than the attempt does not count (a retry that wrote nothing)', async () => {
    const s = await setup(['a'])
    s.t.put(`${RUN_DIR}/a/artifacts/epoch_0/adapter_model.safetensors`, 'old', Date.now() - 3600_000)
    const r = await runPhase(s.ctx)
    assert.equal(r.outcomes[0]?.result, 'failed')
    assert.match(r.outcomes[0].error ?? '', /written before this attempt was submitted/)
  })

  it('a queue-limit rejection defers the submission: no failure, no duplicate', async () => {
    const deferred: string[] = []
    const box: { t?: MemoryTransport } = {}
    const s = await setup(['a', 'b'], {
      ...completes(box),
      defer: (spec, attempt) => spec.name.includes('-a-') && attempt <= 2,
    })
    box.t = s.t
    s.ctx.onDeferred = (job) => {
      deferred.push(job.display)
      return Promise.resolve()
    }
    const r = await runPhase(s.ctx)
    assert.deepEqual(
      r.outcomes.map((o) => o.result),
      ['succeeded', 'succeeded'],
    )
    assert.deepEqual(deferred, ['a', 'a'])
    assert.equal(s.scheduler.jobs.length, 2, 'each job ran once')
  })

  it('CUDA out of memory: requeued with half the batch, the effective batch kept', async () => {
    const box: { t?: MemoryTransport } = {}
    const s = await setup(['a'], {
      plan: (_spec, submission) =>
        submission === 1
          ? {
              state: 'FAILED',
              exitCode: 1,
              effect: (j) => box.t?.put(`${j.spec.dir}/fake-${j.id}.out`, 'torch.OutOfMemoryError: CUDA out of memory'),
            }
          : (completes(box).plan?.(_spec, submission) ?? { state: 'COMPLETED' }),
    })
    box.t = s.t
    const r = await runPhase(s.ctx)
    assert.equal(r.outcomes[0]?.result, 'succeeded')
    assert.equal(r.outcomes[0].attempt, 2)
    assert.deepEqual(r.outcomes[0].retries, [{ batch_size: 4, gradient_accumulation_steps: 2 }])
    assert.match(s.t.text(`${RUN_DIR}/a/finetune.yaml`) ?? '', /^batch_size: 4$/m)
    assert.match(s.t.text(`${RUN_DIR}/run-torchtune.log`) ?? '', /OOM_RETRY: a\nDetails: batch_size 8 -> 4/)
  })

  it('resume: an interrupted submission found in the queue is adopted, not submitted again', async () => {
    const name = jobNameFor('exp-abc123', 'a/finetune.slurm')
    const intent = (inputs: Record<string, string>): StateEntry => ({
      job_id: null,
      submitted_at: '2026-01-01 00:00:00',
      state: 'SUBMITTING',
      job_name: name,
      submitted_iso: new Date().toISOString(),
      output_file: `${RUN_DIR}/a/fake-%j.out`,
      inputs,
    })
    const s = await setup(['a'], {}, { 'a/finetune.slurm': intent({}) })
    const { inputs } = await new InputDigests(s.t, RUN_DIR).of(s.jobs[0] as PlannedJob)
    await s.ctx.state.put('a/finetune.slurm', intent(inputs))
    // The submission reached the queue, with the job's marker, before the runner died.
    const marker = markerOf(s.ctx.sealer, name, digestOf(inputs))
    await s.scheduler.submit({ dir: `${RUN_DIR}/a`, script: 'finetune.slurm', name, outputPattern: '', marker })
    trains(s.t)(s.scheduler.jobs[0] as FakeJob)
    const r = await runPhase(s.ctx)
    assert.equal(r.outcomes[0]?.resolution, 'found-by-name')
    assert.equal(r.outcomes[0].result, 'succeeded')
    assert.equal(s.scheduler.jobs.length, 1, 'not submitted twice')
    assert.equal(state(s.t)['a/finetune.slurm']?.job_id, '1000')
  })

  it('resume: an interrupted submission that never reached the queue is submitted once', async () => {
    const s = await setup(
      ['a'],
      {},
      {
        'a/finetune.slurm': {
          job_id: null,
          submitted_at: '2026-01-01 00:00:00',
          state: 'SUBMITTING',
          job_name: jobNameFor('exp-abc123', 'a/finetune.slurm'),
        },
      },
    )
    await runPhase(s.ctx)
    assert.equal(s.scheduler.jobs.length, 1)
  })

  it('resume: a job that ended while nobody watched is judged, never resubmitted', async () => {
    const s = await setup(['a'])
    await s.scheduler.submit({ dir: `${RUN_DIR}/a`, script: 'finetune.slurm', name: 'x', outputPattern: '' })
    const job = s.scheduler.jobs[0] as FakeJob
    job.status = { jobId: job.id, state: 'COMPLETED', raw: 'COMPLETED', exitCode: 0 }
    trains(s.t)(job)
    const submitted = new Date(Date.now() - 1000).toISOString()
    await s.ctx.state.put('a/finetune.slurm', {
      job_id: job.id,
      submitted_at: '2026-01-01 00:00:00',
      state: 'COMPLETED',
      submitted_iso: submitted,
    })
    const r = await runPhase(s.ctx)
    assert.equal(r.outcomes[0]?.result, 'succeeded')
    assert.equal(r.outcomes[0].resolution, 'reattached')
    assert.equal(s.scheduler.jobs.length, 1)
  })

  it('resume: an earlier success whose checkpoint was deleted runs again; one that holds does not', async () => {
    const box: { t?: MemoryTransport } = {}
    const s = await setup(['a', 'b'], completes(box))
    box.t = s.t
    await runPhase(s.ctx)
    s.t.files.delete(`${RUN_DIR}/a/artifacts/epoch_0/adapter_model.safetensors`)
    const again = await setup(['a', 'b'], {}, state(s.t))
    for (const [k, v] of s.t.files) if (k.includes('/artifacts/')) again.t.put(k, v.data, v.mtimeMs)
    const r = await runPhase(again.ctx)
    assert.deepEqual(
      r.outcomes.map((o) => o.resolution),
      ['resubmitted', 'already-succeeded'],
    )
    assert.match(again.t.text(`${RUN_DIR}/run-torchtune.log`) ?? '', /OUTPUTS_INVALID: a/)
  })

  it('cancellation detaches: nothing cancelled, the jobs reported as still running', async () => {
    const s = await setup(['a', 'b'])
    s.ctx.onCycle = () => {
      s.controller.abort('SIGTERM')
      return Promise.resolve()
    }
    const r = await runPhase(s.ctx)
    assert.equal(r.detached, true)
    assert.deepEqual(
      r.outcomes.map((o) => o.result),
      ['detached', 'detached'],
    )
    assert.deepEqual(s.scheduler.cancelled, [])
    assert.match(s.t.text(`${RUN_DIR}/run-torchtune.log`) ?? '', /MONITOR_DETACHED\nDetails: reason=SIGTERM/)
  })

  it('reports every watched job id (for the post step), re-attached ones too', async () => {
    const s = await setup(['a'])
    await s.scheduler.submit({ dir: `${RUN_DIR}/a`, script: 'finetune.slurm', name: 'x', outputPattern: '' })
    await s.ctx.state.put('a/finetune.slurm', { job_id: '1000', submitted_at: '2026-01-01 00:00:00', state: 'RUNNING' })
    const watched: string[] = []
    s.ctx.onWatched = (id) => watched.push(id)
    await runPhase(s.ctx)
    assert.deepEqual(watched, ['1000'])
  })
})
