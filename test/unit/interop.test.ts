/**
 * Working beside cruijff_kit's runner, in memory: the resume state where both runners keep it (logs/),
 * what earlier versions of the action wrote merged in, submissions in progress kept out of the shared
 * file, attempts cruijff_kit ran adopted and judged by their own submission time, and evaluation logs
 * of the earlier flat layout attributed to their cell by what inspect recorded of the run.
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { monitorCanFinish, parseStateFile } from '../../src/engine/cruijff-state.ts'
import { LogFile } from '../../src/engine/log.ts'
import { runPhase } from '../../src/engine/phase.ts'
import { StateStore, type StateEntry } from '../../src/engine/state.ts'
import { Sealer } from '../../src/engine/seal.ts'
import type { Cell, Experiment } from '../../src/experiment/model.ts'
import { inspect } from '../../src/tools/inspect.ts'
import type { PlannedJob } from '../../src/tools/tool.ts'
import { evalLog } from '../helpers/eval-zip.ts'
import { FakeScheduler } from '../helpers/fake-scheduler.ts'
import { MemoryTransport } from '../helpers/memory-transport.ts'
import { experimentAt, phaseContext, plannedJobs, putTrainingJobs, RUN_DIR } from '../helpers/phase.ts'

/** The run directory's secret: what the action wrote is sealed with it, cruijff_kit's entries are not. */
const SEALER = Sealer.forTests(RUN_DIR)
const SHARED = `${RUN_DIR}/logs/run-inspect.state.json`
const location = (file = 'run-inspect.state.json') => ({
  shared: `${RUN_DIR}/logs/${file}`,
  legacy: [{ path: `${RUN_DIR}/${file}`, retiredTo: `${RUN_DIR}/.run-experiment/${file}.before-logs` }],
  intents: `${RUN_DIR}/.run-experiment/submitting-${file}`,
})
const entries = (t: MemoryTransport, path = SHARED): Record<string, StateEntry> => {
  const parsed = parseStateFile(t.text(path) ?? '{}')
  assert.ok(parsed.ok)
  return parsed.value as Record<string, StateEntry>
}

describe('resume state shared with cruijff_kit', () => {
  it('merges what an earlier version wrote at the root (the later attempt wins), then retires that file', async () => {
    const t = new MemoryTransport()
    t.put(
      `${RUN_DIR}/run-inspect.state.json`,
      JSON.stringify({
        'a/eval/c/cell.slurm': {
          job_id: '1',
          state: 'COMPLETED',
          submitted_at: 'x',
          submitted_iso: '2026-01-01T10:00:00Z',
        },
        'b/eval/c/cell.slurm': {
          job_id: '2',
          state: 'COMPLETED',
          submitted_at: 'x',
          submitted_iso: '2026-01-01T10:00:00Z',
        },
      }),
    )
    t.put(
      SHARED,
      JSON.stringify({
        'a/eval/c/cell.slurm': {
          job_id: '7',
          state: 'RUNNING',
          submitted_at: 'x',
          submitted_iso: '2026-01-01T11:00:00Z',
        },
      }),
    )
    const s = await StateStore.open(t, location())
    assert.ok(s.ok)
    assert.equal(s.value.get('a/eval/c/cell.slurm')?.job_id, '7')
    assert.equal(s.value.get('b/eval/c/cell.slurm')?.job_id, '2')
    assert.deepEqual(Object.keys(entries(t)).sort(), ['a/eval/c/cell.slurm', 'b/eval/c/cell.slurm'])
    assert.equal(t.files.has(`${RUN_DIR}/run-inspect.state.json`), false, 'retired')
    assert.match(t.text(`${RUN_DIR}/.run-experiment/run-inspect.state.json.before-logs`) ?? '', /"job_id":"1"/)
    // A key deleted from the shared file later (cruijff_kit's way to ask for a re-run) stays deleted.
    t.put(SHARED, JSON.stringify({}))
    const again = await StateStore.open(t, location())
    assert.ok(again.ok)
    assert.equal(again.value.get('b/eval/c/cell.slurm'), undefined)
  })

  it('a submission in progress never sits in the shared file (cruijff_kit would wait for it forever)', async () => {
    const t = new MemoryTransport()
    const s = await StateStore.open(t, location(), { utcOffsetMinutes: 60 })
    assert.ok(s.ok)
    const at = new Date('2026-11-27T08:00:00Z')
    const submitting: StateEntry = {
      job_id: null,
      state: 'SUBMITTING',
      submitted_at: s.value.localTime(at),
      submitted_iso: at.toISOString(),
    }
    await s.value.put('a/finetune.slurm', submitting)
    assert.equal(t.text(SHARED), undefined)
    assert.equal(s.value.get('a/finetune.slurm')?.state, 'SUBMITTING')
    const reopened = await StateStore.open(t, location(), { utcOffsetMinutes: 60 })
    assert.ok(reopened.ok)
    assert.equal(reopened.value.get('a/finetune.slurm')?.state, 'SUBMITTING', 'a crash leaves the intent to find')
    await s.value.put('a/finetune.slurm', { ...submitting, job_id: '42', state: 'PENDING' })
    assert.equal(t.files.has(location().intents), false)
    const shared = entries(t)
    assert.equal(shared['a/finetune.slurm']?.submitted_at, '2026-11-27 09:00:00', "the cluster's local time")
    for (const e of Object.values(shared)) assert.ok(monitorCanFinish(e))
  })

  it('an intent older than what the shared file records since (another runner went on) is dropped', async () => {
    const t = new MemoryTransport()
    t.put(
      location().intents,
      JSON.stringify({
        k: { job_id: null, state: 'SUBMITTING', submitted_at: 'x', submitted_iso: '2026-01-01T10:00:00Z' },
      }),
    )
    t.put(SHARED, JSON.stringify({ k: { job_id: '9', state: 'RUNNING', submitted_at: '2026-01-01 10:05:00' } }))
    const s = await StateStore.open(t, location(), { utcOffsetMinutes: 0 })
    assert.ok(s.ok)
    assert.equal(s.value.get('k')?.job_id, '9')
  })
})

/** The runs the cells name, each trained for two epochs. */
const experiment = (cells: Cell[]): Experiment => experimentAt(cells, 2)

/**
 * A cell script as cruijff_kit's template writes it (the parts that identify the run); it runs in the
 * cell's own directory, or in `{run}/eval` (the earlier flat layout).
 */
const cellScript = (
  run: string,
  epoch: number,
  logDir = './logs',
  dir = `${RUN_DIR}/${run}/eval`,
): string => `#!/bin/bash
#SBATCH --job-name=eval-caps-ep${epoch}
cd ${dir}
/usr/bin/time -p inspect eval /ck/blueprints/caps/inspect_task.py@caps \\
  --model hf/${run}_epoch_${epoch} \\
  -M model_path="${RUN_DIR}/${run}/artifacts/epoch_${epoch}" \\
  -T vis_label="${run}" \\
  --metadata epoch="${epoch}" \\
  --log-dir ${logDir}
wait $GPU_MONITOR_PID 2>/dev/null
`

/** What inspect records for that script's run. */
const logOf = (run: string, epoch: number, status = 'success', vis = run) =>
  evalLog({
    status,
    task: `caps_${vis}`,
    registryName: 'caps',
    taskArgs: { vis_label: vis },
    metadata: { epoch },
    modelArgs: { model_path: `${RUN_DIR}/${run}/artifacts/epoch_${epoch}` },
    ...(status === 'error' ? { error: 'RuntimeError: CUDA error' } : {}),
  })

function phase(t: MemoryTransport, exp: Experiment, jobs: PlannedJob[], store: StateStore, scheduler: FakeScheduler) {
  const warnings: string[] = []
  const ctx = phaseContext({
    transport: t,
    experiment: exp,
    jobs,
    state: store,
    scheduler,
    tool: inspect,
    sealer: SEALER,
    toolLog: new LogFile(t, `${RUN_DIR}/logs/run-inspect.log`),
    onWarning: (_job, w) => warnings.push(w),
  })
  return { ctx, warnings }
}

describe('attempts cruijff_kit ran', () => {
  it('an evaluation cruijff_kit recorded FAILED (exit 143) whose log says success: adopted, not run again', async () => {
    const t = new MemoryTransport()
    const cells: Cell[] = [
      { run: 'lr1', task: 'caps', epoch: 0 },
      { run: 'lr2', task: 'caps', epoch: 0 },
    ]
    for (const c of cells) {
      const dir = `${RUN_DIR}/${c.run}/eval/caps_epoch0`
      t.put(`${dir}/cell.slurm`, cellScript(c.run, 0, './logs', dir))
    }
    const submitted = new Date(Date.now() - 600_000)
    const local = (d: Date): string => d.toISOString().slice(0, 19).replace('T', ' ')
    // cruijff_kit's state: both FAILED by SLURM's account (the script ends with wait on nvidia-smi).
    t.put(
      SHARED,
      JSON.stringify({
        'lr1/eval/caps_epoch0/cell.slurm': { job_id: '501', state: 'FAILED', submitted_at: local(submitted) },
        'lr2/eval/caps_epoch0/cell.slurm': { job_id: '502', state: 'FAILED', submitted_at: local(submitted) },
      }),
    )
    // lr1's attempt wrote a successful log; lr2's wrote none (it died before inspect).
    t.put(`${RUN_DIR}/lr1/eval/caps_epoch0/logs/x.eval`, logOf('lr1', 0), submitted.getTime() + 60_000)
    const store = await StateStore.open(t, location(), { utcOffsetMinutes: 0, sealer: SEALER })
    assert.ok(store.ok)
    const exp = experiment(cells)
    const jobs = await plannedJobs(t, exp, inspect)
    const scheduler = new FakeScheduler({
      plan: () => ({
        state: 'FAILED',
        exitCode: 143,
        effect: (job) => {
          t.put(`${job.spec.dir}/logs/new.eval`, logOf('lr2', 0))
        },
      }),
    })
    // The scheduler knows both jobs, for this user, submitted from their cells' directories.
    for (const [id, run] of [
      ['501', 'lr1'],
      ['502', 'lr2'],
    ] as const) {
      const state = { state: 'FAILED' as const, exitCode: 143 }
      scheduler.external(id, `${RUN_DIR}/${run}/eval/caps_epoch0`, state, submitted.toISOString())
    }
    const { ctx, warnings } = phase(t, exp, jobs, store.value, scheduler)
    const r = await runPhase(ctx)
    assert.deepEqual(
      r.outcomes.map((o) => [o.job.run, o.result, o.resolution]),
      [
        ['lr1', 'succeeded', 'already-succeeded'],
        ['lr2', 'succeeded', 'resubmitted'],
      ],
    )
    const ran = scheduler.jobs.filter((j) => !j.spec.name.startsWith('external-'))
    assert.equal(ran.length, 1, 'only the cell without a log ran again')
    assert.equal(ran[0]?.spec.dir, `${RUN_DIR}/lr2/eval/caps_epoch0`)
    assert.ok(
      warnings.some((w) =>
        /^lr1\/caps\/epoch0: the job ended FAILED \(exit 143\), but its \.eval log says success/.test(w),
      ),
    )
    const shared = entries(t)
    assert.equal(shared['lr1/eval/caps_epoch0/cell.slurm']?.validated, true)
    assert.equal(shared['lr1/eval/caps_epoch0/cell.slurm'].job_id, '501')
    assert.match(t.text(`${RUN_DIR}/logs/run-inspect.log`) ?? '', /ADOPTED: lr1\/caps\/epoch0\n/)
  })

  it('a training cruijff_kit recorded COMPLETED is judged by its own submission time: an older checkpoint runs it again', async () => {
    const t = new MemoryTransport()
    const submitted = new Date(Date.now() - 3_600_000)
    putTrainingJobs(t, ['fresh', 'stale'], { script: 'tune run x --config finetune.yaml\n' })
    t.put(`${RUN_DIR}/fresh/artifacts/epoch_0/adapter_model.safetensors`, 'w', submitted.getTime() + 600_000)
    t.put(`${RUN_DIR}/stale/artifacts/epoch_0/adapter_model.safetensors`, 'w', submitted.getTime() - 86_400_000)
    const file = 'run-torchtune.state.json'
    const local = (d: Date): string => d.toISOString().slice(0, 19).replace('T', ' ')
    t.put(
      `${RUN_DIR}/logs/${file}`,
      JSON.stringify({
        'fresh/finetune.slurm': { job_id: '601', state: 'COMPLETED', submitted_at: local(submitted) },
        'stale/finetune.slurm': { job_id: '602', state: 'COMPLETED', submitted_at: local(submitted) },
      }),
    )
    const store = await StateStore.open(t, location(file), { utcOffsetMinutes: 0, sealer: SEALER })
    assert.ok(store.ok)
    const exp = experiment([
      { run: 'fresh', task: 'caps', epoch: 0 },
      { run: 'stale', task: 'caps', epoch: 0 },
    ])
    const jobs = await plannedJobs(t, exp)
    const scheduler = new FakeScheduler({
      plan: () => ({
        state: 'COMPLETED',
        effect: (job) => {
          t.put(`${job.spec.dir}/artifacts/epoch_0/adapter_model.safetensors`, 'w2')
        },
      }),
    })
    for (const [id, run] of [
      ['601', 'fresh'],
      ['602', 'stale'],
    ] as const)
      scheduler.external(id, `${RUN_DIR}/${run}`, { state: 'COMPLETED', exitCode: 0 }, submitted.toISOString())
    const r = await runPhase(
      phaseContext({ transport: t, experiment: exp, jobs, state: store.value, scheduler, sealer: SEALER }),
    )
    assert.deepEqual(
      r.outcomes.map((o) => [o.job.run, o.result, o.resolution]),
      [
        ['fresh', 'succeeded', 'already-succeeded'],
        ['stale', 'succeeded', 'resubmitted'],
      ],
    )
    assert.deepEqual(
      scheduler.jobs.filter((j) => !j.spec.name.startsWith('external-')).map((j) => j.spec.dir),
      [`${RUN_DIR}/stale`],
    )
    assert.match(t.text(`${RUN_DIR}/logs/run-torchtune.log`) ?? '', /ADOPTED: stale\n.*written before this attempt/)
  })
})

describe('the earlier flat layout: cells share {run}/eval/logs/', () => {
  async function judged(t: MemoryTransport, exp: Experiment, epoch: number) {
    const jobs = await plannedJobs(t, exp, inspect)
    const job = jobs.find((j) => j.cell?.epoch === epoch)
    assert.ok(job)
    assert.equal(job.script, `caps_epoch${epoch}.slurm`)
    return inspect.judge({ transport: t, runDir: RUN_DIR, experiment: exp, job, state: 'FAILED', exitCode: 143 })
  }

  it('each cell gets the log its script wrote (vis_label, epoch, model path), never by task name alone', async () => {
    const t = new MemoryTransport()
    for (const e of [0, 1]) t.put(`${RUN_DIR}/lr1/eval/caps_epoch${e}.slurm`, cellScript('lr1', e))
    t.put(`${RUN_DIR}/lr1/eval/logs/a.eval`, logOf('lr1', 1), Date.now() - 1000)
    t.put(`${RUN_DIR}/lr1/eval/logs/b.eval`, logOf('lr1', 0, 'error'), Date.now() - 500)
    const exp = experiment([
      { run: 'lr1', task: 'caps', epoch: 0 },
      { run: 'lr1', task: 'caps', epoch: 1 },
    ])
    const e1 = await judged(t, exp, 1)
    assert.ok(e1.ok)
    assert.match(e1.value.result.kind === 'evaluation' ? e1.value.result.log : '', /a\.eval$/)
    const e0 = await judged(t, exp, 0)
    assert.ok(!e0.ok, 'the newest log in the directory is epoch 1 success, but epoch 0 wrote an error')
    assert.match(e0.error.why, /b\.eval\) has status "error": RuntimeError: CUDA error/)
  })

  it('a log with the right task name but another run identity is not counted, and is named in a warning', async () => {
    const t = new MemoryTransport()
    for (const e of [0, 1]) t.put(`${RUN_DIR}/lr1/eval/caps_epoch${e}.slurm`, cellScript('lr1', e))
    t.put(`${RUN_DIR}/lr1/eval/logs/stray.eval`, logOf('lr9', 0, 'success', 'lr9'))
    const exp = experiment([
      { run: 'lr1', task: 'caps', epoch: 0 },
      { run: 'lr1', task: 'caps', epoch: 1 },
    ])
    const e0 = await judged(t, exp, 0)
    assert.ok(!e0.ok)
    assert.equal(e0.error.pending, true)
    assert.deepEqual(e0.error.warnings?.length, 1)
    assert.match(
      e0.error.warnings[0] ?? '',
      /stray\.eval: this \.eval log \(task "caps_lr9"\) matches no evaluation script/,
    )
  })

  it('without a readable command line, the cell decides: task function and epoch', async () => {
    const t = new MemoryTransport()
    for (const e of [0, 1]) t.put(`${RUN_DIR}/lr1/eval/caps_epoch${e}.slurm`, `#!/bin/bash\n./run-eval.sh ${e}\n`)
    t.put(`${RUN_DIR}/lr1/eval/logs/x.eval`, logOf('lr1', 1))
    const exp = experiment([
      { run: 'lr1', task: 'caps', epoch: 0 },
      { run: 'lr1', task: 'caps', epoch: 1 },
    ])
    assert.ok((await judged(t, exp, 1)).ok)
    assert.ok(!(await judged(t, exp, 0)).ok)
  })
})
