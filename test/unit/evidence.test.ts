/**
 * What counts as evidence of a job (engine/seal.ts, engine/evidence.ts, engine/resume.ts): only entries
 * the action sealed for this run directory; a foreign entry only when the scheduler knows its job for this
 * user, submitted from this job's directory; a lost state finds the job again by its sealed marker when
 * the inputs are the same, and never by a marker of another run directory or other inputs.
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { markerOf, readMarker } from '../../src/engine/evidence.ts'
import { digestOf, InputDigests } from '../../src/engine/inputs.ts'
import { jobNameFor } from '../../src/engine/outcome.ts'
import { runPhase } from '../../src/engine/phase.ts'
import { Sealer } from '../../src/engine/seal.ts'
import { StateStore, type StateEntry } from '../../src/engine/state.ts'
import type { PlannedJob } from '../../src/tools/tool.ts'
import { FakeScheduler, type FakeJob } from '../helpers/fake-scheduler.ts'
import { MemoryTransport } from '../helpers/memory-transport.ts'
import { putTrainingJobs, RUN_DIR, trainingPhase } from '../helpers/phase.ts'

const STATE = `${RUN_DIR}/logs/run-torchtune.state.json`

/** Every submission completes and writes its checkpoint. */
function trainingScheduler(t: MemoryTransport): FakeScheduler {
  return new FakeScheduler({
    plan: () => ({
      state: 'COMPLETED',
      effect: (j: FakeJob) => {
        t.put(`${j.spec.dir}/artifacts/epoch_0/adapter_model.safetensors`, 'weights')
      },
    }),
  })
}

/** `job` as an earlier pass submitted it, with its marker, before its state entry was lost. */
async function submittedEarlier(t: MemoryTransport, sealer: Sealer, scheduler: FakeScheduler, job: PlannedJob) {
  const { inputs } = await new InputDigests(t, RUN_DIR).of(job)
  const name = jobNameFor('exp-abc123', job.key)
  const marker = markerOf(sealer, name, digestOf(inputs))
  await scheduler.submit({ dir: `${RUN_DIR}/${job.dir}`, script: job.script, name, outputPattern: '', marker })
}

async function setup(t: MemoryTransport, sealer: Sealer, scheduler: FakeScheduler, runs = ['a']) {
  putTrainingJobs(t, runs)
  const store = await StateStore.open(t, STATE, { sealer })
  assert.ok(store.ok)
  const warnings: string[] = []
  const ctx = await trainingPhase(runs, {
    transport: t,
    state: store.value,
    scheduler,
    sealer,
    onWarning: (_job, w) => warnings.push(w),
  })
  return { ctx, store: store.value, jobs: ctx.jobs, warnings }
}

const submitted = (s: FakeScheduler): FakeJob[] => s.jobs.filter((j) => !j.spec.name.startsWith('external-'))

describe('seals: only the action’s own entries for this run directory are believed', () => {
  it('an entry sealed for this run directory is the store’s own; the same entry under another directory’s key is foreign', async () => {
    const t = new MemoryTransport()
    const mine = Sealer.forTests(RUN_DIR)
    const store = await StateStore.open(t, STATE, { sealer: mine })
    assert.ok(store.ok)
    await store.value.put('a/finetune.slurm', { job_id: '7', submitted_at: 'x', state: 'COMPLETED', validated: true })
    const again = await StateStore.open(t, STATE, { sealer: mine })
    assert.ok(again.ok)
    assert.equal(again.value.get('a/finetune.slurm')?.job_id, '7')
    // A copy of the run directory (another path, another secret) reads the same file as foreign.
    const copy = await StateStore.open(t, STATE, { sealer: Sealer.forTests('/scratch/copy') })
    assert.ok(copy.ok)
    assert.equal(copy.value.get('a/finetune.slurm'), undefined)
    assert.equal(copy.value.foreignEntry('a/finetune.slurm')?.entry.job_id, '7')
  })

  it('an edited field breaks the seal (a hand-made success is foreign)', async () => {
    const t = new MemoryTransport()
    const sealer = Sealer.forTests(RUN_DIR)
    const store = await StateStore.open(t, STATE, { sealer })
    assert.ok(store.ok)
    await store.value.put('a/finetune.slurm', { job_id: '7', submitted_at: 'x', state: 'FAILED', validated: false })
    const text = t.text(STATE) ?? ''
    t.put(STATE, text.replace('"validated": false', '"validated": true'))
    const again = await StateStore.open(t, STATE, { sealer })
    assert.ok(again.ok)
    assert.equal(again.value.get('a/finetune.slurm'), undefined)
    assert.ok(again.value.foreignEntry('a/finetune.slurm'))
  })

  it('a sealed entry wins over a foreign one whatever time the foreign one claims; the foreign one is kept in the file', async () => {
    const t = new MemoryTransport()
    const sealer = Sealer.forTests(RUN_DIR)
    const legacy = `${RUN_DIR}/run-torchtune.state.json`
    const location = { shared: STATE, legacy: [{ path: legacy, retiredTo: `${RUN_DIR}/.run-experiment/old` }] }
    const store = await StateStore.open(t, location, { sealer })
    assert.ok(store.ok)
    await store.value.put('a/finetune.slurm', {
      job_id: '7',
      submitted_at: '2026-01-01 00:00:00',
      submitted_iso: '2026-01-01T00:00:00Z',
      state: 'RUNNING',
    })
    t.put(
      legacy,
      JSON.stringify({
        'a/finetune.slurm': { job_id: '666', submitted_at: '2099-01-01 00:00:00', state: 'COMPLETED', validated: true },
        'b/finetune.slurm': { job_id: '667', submitted_at: '2099-01-01 00:00:00', state: 'COMPLETED' },
      }),
    )
    const again = await StateStore.open(t, location, { sealer })
    assert.ok(again.ok)
    assert.equal(again.value.get('a/finetune.slurm')?.job_id, '7')
    assert.equal(again.value.get('b/finetune.slurm'), undefined)
    assert.equal(again.value.foreignEntry('b/finetune.slurm')?.file, legacy)
    assert.match(t.text(STATE) ?? '', /"667"/, 'kept in the shared file, never believed')
  })

  it('a marker verifies only for the run directory and the digest it was made for', () => {
    const sealer = Sealer.forTests(RUN_DIR)
    const marker = markerOf(sealer, 're-exp-abc123-a-0f0f0f', '0123456789abcdef')
    assert.deepEqual(readMarker(sealer, marker), { jobName: 're-exp-abc123-a-0f0f0f', digest: '0123456789abcdef' })
    assert.equal(readMarker(Sealer.forTests('/scratch/copy'), marker), undefined)
    assert.equal(readMarker(sealer, marker.replace('0123456789abcdef', '0123456789abcdee')), undefined)
    assert.equal(readMarker(sealer, `${marker}:extra`), undefined)
  })
})

describe('a job without an own entry', () => {
  it('a committed success (validated, checkpoint present) naming a job the scheduler does not know: ignored, the job runs', async () => {
    const t = new MemoryTransport()
    const scheduler = trainingScheduler(t)
    t.put(
      STATE,
      JSON.stringify({
        'a/finetune.slurm': { job_id: '1', submitted_at: '2026-01-01 00:00:00', state: 'COMPLETED', validated: true },
      }),
    )
    t.put(`${RUN_DIR}/a/artifacts/epoch_0/adapter_model.safetensors`, 'committed weights', Date.now() + 3_600_000)
    const s = await setup(t, Sealer.forTests(RUN_DIR), scheduler)
    const r = await runPhase(s.ctx)
    assert.equal(submitted(scheduler).length, 1, 'the job ran')
    assert.equal(r.outcomes[0]?.resolution, 'submitted')
    assert.ok(
      s.warnings.some((w) => /logs\/run-torchtune\.state\.json: the entry for a\/finetune\.slurm .* ignored/.test(w)),
    )
    assert.match(t.text(`${RUN_DIR}/logs/run-torchtune.log`) ?? '', /FOREIGN_IGNORED: a\n/)
  })

  it('a copied experiment: a foreign entry naming a real job of this user, submitted from another directory, is ignored', async () => {
    const t = new MemoryTransport()
    const scheduler = trainingScheduler(t)
    scheduler.external('900', '/scratch/original/a', { state: 'COMPLETED', exitCode: 0 }, new Date().toISOString())
    t.put(
      STATE,
      JSON.stringify({
        'a/finetune.slurm': { job_id: '900', submitted_at: '2026-01-01 00:00:00', state: 'COMPLETED' },
      }),
    )
    const s = await setup(t, Sealer.forTests(RUN_DIR), scheduler)
    await runPhase(s.ctx)
    assert.equal(submitted(scheduler).length, 1)
    assert.ok(
      s.warnings.some((w) => /names job 900, which the scheduler does not know as a job of \/scratch\/exp\/a/.test(w)),
    )
  })

  it('the state was lost while the job ran: found by its marker, adopted, not submitted again', async () => {
    const t = new MemoryTransport()
    const scheduler = trainingScheduler(t)
    const sealer = Sealer.forTests(RUN_DIR)
    const first = await setup(t, sealer, scheduler)
    await submittedEarlier(t, sealer, scheduler, first.jobs[0] as PlannedJob)
    const r = await runPhase(first.ctx)
    assert.equal(scheduler.jobs.length, 1, 'not submitted twice')
    assert.equal(r.outcomes[0]?.resolution, 'found-by-name')
    assert.equal(r.outcomes[0].result, 'succeeded')
    assert.match(t.text(`${RUN_DIR}/logs/run-torchtune.log`) ?? '', /FOUND_BY_MARKER: a\n/)
  })

  it('the state was lost after the job ended, and its outputs were put there since (a commit, a copy): it runs again', async () => {
    const t = new MemoryTransport()
    const scheduler = trainingScheduler(t)
    const sealer = Sealer.forTests(RUN_DIR)
    const s = await setup(t, sealer, scheduler)
    await submittedEarlier(t, sealer, scheduler, s.jobs[0] as PlannedJob)
    // It ran an hour ago, and ended 50 minutes ago: the checkpoint there now was written a minute ago.
    const ran = scheduler.jobs[0] as FakeJob
    ran.submittedAt = new Date(Date.now() - 3_600_000).toISOString()
    const endedAt = new Date(Date.now() - 3_000_000).toISOString()
    ran.status = { jobId: ran.id, state: 'COMPLETED', raw: 'COMPLETED', exitCode: 0, endedAt }
    t.put(`${RUN_DIR}/a/artifacts/epoch_0/adapter_model.safetensors`, 'committed', Date.now() - 60_000)
    const r = await runPhase(s.ctx)
    assert.equal(r.outcomes[0]?.resolution, 'resubmitted')
    assert.match(r.outcomes[0].rerun ?? '', /found by its marker, does not stand/)
    assert.equal(submitted(scheduler).length, 2, 'the job ran again')
    assert.equal(t.text(`${RUN_DIR}/a/artifacts/epoch_0/adapter_model.safetensors`), 'weights', 'its own checkpoint')
  })

  it('a marker for other inputs, or of another run directory, is not this job: it is submitted', async () => {
    const t = new MemoryTransport()
    const scheduler = trainingScheduler(t)
    const sealer = Sealer.forTests(RUN_DIR)
    const s = await setup(t, sealer, scheduler)
    const name = jobNameFor('exp-abc123', 'a/finetune.slurm')
    const base = { dir: `${RUN_DIR}/a`, script: 'finetune.slurm', name, outputPattern: '' }
    await scheduler.submit({ ...base, marker: markerOf(sealer, name, '0000000000000000') })
    await scheduler.submit({ ...base, marker: markerOf(Sealer.forTests('/elsewhere'), name, '0000000000000000') })
    await runPhase(s.ctx)
    assert.equal(scheduler.jobs.length, 3, 'the job was submitted')
  })

  it('an earlier success recorded without its inputs is not evidence: the job runs again', async () => {
    const t = new MemoryTransport()
    const scheduler = trainingScheduler(t)
    const sealer = Sealer.forTests(RUN_DIR)
    const s = await setup(t, sealer, scheduler)
    const entry: StateEntry = { job_id: '5', submitted_at: '2026-01-01 00:00:00', state: 'COMPLETED', validated: true }
    await s.store.put('a/finetune.slurm', entry)
    t.put(`${RUN_DIR}/a/artifacts/epoch_0/adapter_model.safetensors`, 'w', Date.now())
    const r = await runPhase(s.ctx)
    assert.equal(r.outcomes[0]?.resolution, 'resubmitted')
    assert.match(r.outcomes[0].rerun ?? '', /no record of the inputs/)
  })
})
