/**
 * Evidence of one attempt, in memory: an output counts only when this attempt wrote it (identity before
 * the submission, not clocks), and a `.eval` log in a directory several evaluations share goes to the one
 * that wrote it (identity fields, then the task, then the run window), or is named as ambiguous; and
 * the local transport gives what identity needs (inode, real paths).
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, realpathSync, renameSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { LocalTransport } from '../../src/cluster/local.ts'
import type { Cell, Experiment } from '../../src/experiment/model.ts'
import { inspect } from '../../src/tools/inspect.ts'
import type { JobWindow, JudgeContext, PlannedJob } from '../../src/tools/tool.ts'
import { torchtune } from '../../src/tools/torchtune.ts'
import { evalLog } from '../helpers/eval-zip.ts'
import { MemoryTransport } from '../helpers/memory-transport.ts'
import { experimentAt, plannedJobs, putTrainingJobs, RUN_DIR } from '../helpers/phase.ts'

const iso = (ms: number): string => new Date(ms).toISOString()

describe('written by this attempt, without a clock', () => {
  const exp = experimentAt([{ run: 'lr1', task: 'cap', epoch: 0 }], 2)
  const setup = async () => {
    const t = new MemoryTransport()
    putTrainingJobs(t, ['lr1'])
    const [job] = await plannedJobs(t, exp)
    assert.ok(job)
    return { t, job, weights: `${RUN_DIR}/lr1/artifacts/epoch_0/adapter_model.safetensors` }
  }

  it("outputs(): each needed epoch's weight files as they are, absent directories as null", async () => {
    const { t, job, weights } = await setup()
    const ctx = { transport: t, runDir: RUN_DIR, experiment: exp, job }
    assert.deepEqual(await torchtune.outputs?.(ctx), { [`${RUN_DIR}/lr1/artifacts/epoch_0`]: null })
    t.put(weights, 'w1', 1000)
    const now = await torchtune.outputs?.(ctx)
    assert.deepEqual(Object.keys(now ?? {}), [weights])
    assert.deepEqual([now?.[weights]?.size, now?.[weights]?.mtimeMs], [2, 1000])
    assert.equal(typeof now?.[weights]?.ino, 'number')
  })

  it('a retry that writes nothing after attempt 1 wrote epoch_0 seconds before: failed, with the reason', async () => {
    const { t, job, weights } = await setup()
    const submitted = Date.now()
    // attempt 1 wrote its checkpoint 2 s before the retry was submitted (inside the 5 s skew allowance)
    t.put(weights, 'w1', submitted - 2000)
    const before = await torchtune.outputs?.({ transport: t, runDir: RUN_DIR, experiment: exp, job })
    const ctx: JudgeContext = {
      transport: t,
      runDir: RUN_DIR,
      experiment: exp,
      job,
      state: 'COMPLETED',
      exitCode: 0,
      since: iso(submitted),
      ...(before ? { before } : {}),
    }
    const j = await torchtune.judge(ctx)
    assert.ok(!j.ok, 'the leftover checkpoint is not this attempt’s')
    assert.match(
      j.error.why,
      /^checkpoint written before this attempt was submitted \(its weight files are as they were then \(size, mtime, inode\)\), so not by it: \/scratch\/exp\/lr1\/artifacts\/epoch_0$/,
    )
    // the time rule alone (an attempt submitted without `before`) lets it through: why `before` exists
    const { before: _, ...timeOnly } = ctx
    assert.ok((await torchtune.judge(timeOnly)).ok)
  })

  it('a retry that rewrites the checkpoint counts, even with the same size and mtime (a new inode)', async () => {
    const { t, job, weights } = await setup()
    t.put(weights, 'w1', 5000)
    const before = await torchtune.outputs?.({ transport: t, runDir: RUN_DIR, experiment: exp, job })
    t.put(weights, 'w2', 5000) // renamed into place: same size, same mtime, a new file
    const base = { transport: t, runDir: RUN_DIR, experiment: exp, job, state: 'COMPLETED', exitCode: 0 }
    const j = await torchtune.judge({ ...base, since: iso(4000), ...(before ? { before } : {}) })
    assert.ok(j.ok)
    assert.deepEqual(j.value.result.kind === 'training' ? j.value.result.checkpoints : {}, {
      '0': `${RUN_DIR}/lr1/artifacts/epoch_0`,
    })
  })

  it('where nothing was there before, the time rule keeps its skew allowance', async () => {
    const { t, job, weights } = await setup()
    const submitted = 100_000
    const base = { transport: t, runDir: RUN_DIR, experiment: exp, job, state: 'COMPLETED', exitCode: 0 }
    const before = { [`${RUN_DIR}/lr1/artifacts/epoch_0`]: null }
    t.put(weights, 'w', submitted - 3000) // a node's clock 3 s behind
    assert.ok((await torchtune.judge({ ...base, since: iso(submitted), before })).ok)
    t.put(weights, 'w', submitted - 60_000) // older than any skew: copied in, not written
    assert.ok(!(await torchtune.judge({ ...base, since: iso(submitted), before })).ok)
  })

  it('the out-of-memory retry edits the config the script names, unless the command line sets the batch', async () => {
    const t = new MemoryTransport()
    t.put(`${RUN_DIR}/lr1/configs/ft.yaml`, 'output_dir: out\nbatch_size: 8\n')
    t.put(`${RUN_DIR}/lr1/finetune.slurm`, 'tune run x --config configs/ft.yaml\n')
    const [job] = await plannedJobs(t, exp)
    assert.ok(job)
    const base = { transport: t, runDir: RUN_DIR, experiment: exp, job, state: 'FAILED', maxResumes: 3 }
    const tail = Buffer.from('torch.OutOfMemoryError: CUDA out of memory')
    const edited = await torchtune.retry?.({ ...base, outputTail: tail })
    assert.equal(edited?.retry, true)
    assert.match(t.text(`${RUN_DIR}/lr1/configs/ft.yaml`) ?? '', /^batch_size: 4$/m)
    t.put(`${RUN_DIR}/lr1/finetune.slurm`, 'tune run x --config configs/ft.yaml batch_size=8\n')
    assert.deepEqual(await torchtune.retry?.({ ...base, outputTail: tail }), {
      retry: false,
      reason:
        'out of memory, and line 1 of the script sets batch_size on the command line: the retry edits only configs/ft.yaml',
    })
  })

  it('a config over its cap is neither cut by the retry nor guessed at by the judge', async () => {
    const t = new MemoryTransport()
    const config = `output_dir: out\nbatch_size: 8\n# ${'x'.repeat(2 * 1024 * 1024)}\n`
    t.put(`${RUN_DIR}/lr1/finetune.yaml`, config)
    t.put(`${RUN_DIR}/lr1/finetune.slurm`, 'tune run x --config finetune.yaml\n')
    const [job] = await plannedJobs(t, exp)
    assert.ok(job)
    const base = { transport: t, runDir: RUN_DIR, experiment: exp, job, state: 'FAILED', maxResumes: 3 }
    const oversize = 'lr1/finetune.yaml:1:1: is over the cap of 1048576 bytes: real torchtune configs are a few KB'
    const tail = Buffer.from('torch.OutOfMemoryError: CUDA out of memory')
    assert.deepEqual(await torchtune.retry?.({ ...base, outputTail: tail }), {
      retry: false,
      reason: `out of memory, and ${oversize}`,
    })
    assert.equal(t.text(`${RUN_DIR}/lr1/finetune.yaml`), config, 'the config is as it was')
    const judged = await torchtune.judge({ ...base, state: 'COMPLETED', exitCode: 0 })
    assert.ok(!judged.ok)
    assert.equal(judged.error.why, `the checkpoint directory is not known: ${oversize}`)
  })

  it("inspect: the previous attempt's log does not count; a new one does", async () => {
    const t = new MemoryTransport()
    const cells: Cell[] = [{ run: 'base', task: 'cap', epoch: null }]
    const e = experimentAt(cells, 2)
    t.put(`${RUN_DIR}/base/eval/cap/cell.slurm`, 'inspect eval /ck/cap.py@cap --log-dir logs\n')
    const [job] = await plannedJobs(t, e, inspect)
    assert.ok(job)
    t.put(`${RUN_DIR}/base/eval/cap/logs/old.eval`, evalLog({ status: 'success', task: 'cap' }), Date.now() - 1000)
    const before = await inspect.outputs?.({ transport: t, runDir: RUN_DIR, experiment: e, job })
    assert.deepEqual(Object.keys(before ?? {}), [`${RUN_DIR}/base/eval/cap/logs/old.eval`])
    const ctx: JudgeContext = {
      transport: t,
      runDir: RUN_DIR,
      experiment: e,
      job,
      state: 'COMPLETED',
      exitCode: 0,
      since: iso(Date.now()),
      ...(before ? { before } : {}),
    }
    const first = await inspect.judge(ctx)
    assert.ok(!first.ok)
    assert.equal(first.error.why, `no .eval log written by this attempt in ${RUN_DIR}/base/eval/cap/logs`)
    t.put(`${RUN_DIR}/base/eval/cap/logs/new.eval`, evalLog({ status: 'success', task: 'cap', accuracy: 0.5 }))
    const second = await inspect.judge(ctx)
    assert.ok(second.ok)
    assert.match(second.value.result.kind === 'evaluation' ? second.value.result.log : '', /new\.eval$/)
  })
})

describe('a log directory only the running job knows', () => {
  it('is where inspect said it wrote the log (the end of the job output); otherwise the cell says why', async () => {
    const t = new MemoryTransport()
    const e = experimentAt([{ run: 'base', task: 'cap', epoch: null }], 2)
    t.put(`${RUN_DIR}/base/eval/cap/cell.slurm`, 'cd /work/evals\ninspect eval /ck/cap.py@cap --log-dir "$OUT"\n')
    const [job] = await plannedJobs(t, e, inspect)
    assert.ok(job)
    const base = { transport: t, runDir: RUN_DIR, experiment: e, job, state: 'COMPLETED', exitCode: 0 }
    const unknown = await inspect.judge(base)
    assert.ok(!unknown.ok)
    assert.equal(unknown.error.why, 'the log directory of base/eval/cap/cell.slurm is not known before it runs')
    t.put('/work/evals/out-7/2026-11-27T10-00-00_cap_x.eval', evalLog({ status: 'success', task: 'cap' }))
    const out = `${RUN_DIR}/base/artifacts/slurm-7.out`
    t.put(out, 'cap (10 samples): hf/m\nLog: out-7/2026-11-27T10-00-00_cap_x.eval\nreal 12.0\n')
    const found = await inspect.judge({ ...base, outputFile: out })
    assert.ok(found.ok)
    assert.equal(
      found.value.result.kind === 'evaluation' ? found.value.result.log : '',
      '/work/evals/out-7/2026-11-27T10-00-00_cap_x.eval',
    )
  })
})

describe('.eval logs in a directory several evaluations share (the earlier flat layout)', () => {
  /** A hand-written script: no vis_label, no epoch metadata, no model path. */
  const script = (task: string, model: string) =>
    `#!/bin/bash\ncd ${RUN_DIR}/lr1/eval\ninspect eval ${RUN_DIR}/tasks/${task}.py@${task} --model ${model} --log-dir logs\n`
  const log = (task: string, model: string, created: number, status = 'success') =>
    evalLog({ status, task, registryName: task, model, created: iso(created) })
  const judge = (t: MemoryTransport, e: Experiment, job: PlannedJob, extra: Partial<JudgeContext> = {}) =>
    inspect.judge({ transport: t, runDir: RUN_DIR, experiment: e, job, state: 'COMPLETED', exitCode: 0, ...extra })
  const logOf = (r: Awaited<ReturnType<typeof judge>>): string =>
    r.ok && r.value.result.kind === 'evaluation'
      ? (r.value.result.log.split('/').pop() ?? '')
      : `failed: ${r.ok ? '' : r.error.why}`

  it('each hand-written script gets its log: by its task, then by its model', async () => {
    const t = new MemoryTransport()
    const cells: Cell[] = [
      { run: 'lr1', task: 'cap', epoch: 0 },
      { run: 'lr1', task: 'cap', epoch: 1 },
      { run: 'lr1', task: 'ood', epoch: 1 },
    ]
    const e = experimentAt(cells, 2)
    t.put(`${RUN_DIR}/lr1/eval/cap_epoch0.slurm`, script('cap', 'hf/lr1_e0'))
    t.put(`${RUN_DIR}/lr1/eval/cap_epoch1.slurm`, script('cap', 'hf/lr1_e1'))
    t.put(`${RUN_DIR}/lr1/eval/ood_epoch1.slurm`, script('ood', 'hf/lr1_e1'))
    t.put(`${RUN_DIR}/lr1/eval/logs/a.eval`, log('cap', 'hf/lr1_e1', 1000))
    t.put(`${RUN_DIR}/lr1/eval/logs/b.eval`, log('ood', 'hf/lr1_e1', 1000))
    t.put(`${RUN_DIR}/lr1/eval/logs/c.eval`, log('cap', 'hf/lr1_e0', 1000))
    const all = await plannedJobs(t, e, inspect)
    assert.deepEqual(
      all.map((j) => j.script),
      ['cap_epoch0.slurm', 'cap_epoch1.slurm', 'ood_epoch1.slurm'],
    )
    for (const neighbours of [undefined, all.map((job) => ({ job }))]) {
      const got: string[] = []
      for (const job of all) {
        const r = await judge(t, e, job, neighbours ? { neighbours } : {})
        assert.deepEqual(r.ok ? (r.value.warnings ?? []) : r.error.warnings, [])
        got.push(logOf(r))
      }
      assert.deepEqual(got, ['c.eval', 'a.eval', 'b.eval'], neighbours ? 'neighbours given' : 'found beside the script')
    }
  })

  it('identical command lines: the run window decides', async () => {
    const t = new MemoryTransport()
    const cells: Cell[] = [
      { run: 'lr1', task: 'cap', epoch: 0 },
      { run: 'lr1', task: 'cap', epoch: 1 },
    ]
    const e = experimentAt(cells, 2)
    // the checkpoint reaches the task through the environment: the two scripts read the same
    for (const n of [0, 1]) t.put(`${RUN_DIR}/lr1/eval/cap_epoch${n}.slurm`, script('cap', 'hf/lr1'))
    t.put(`${RUN_DIR}/lr1/eval/logs/first.eval`, log('cap', 'hf/lr1', 10_000), 25_000)
    t.put(`${RUN_DIR}/lr1/eval/logs/second.eval`, log('cap', 'hf/lr1', 70_000, 'error'), 85_000)
    const [e0, e1] = await plannedJobs(t, e, inspect)
    assert.ok(e0 && e1)
    const windows: JobWindow[] = [
      { startedAt: iso(5_000), endedAt: iso(30_000) },
      { startedAt: iso(60_000), endedAt: iso(90_000) },
    ]
    const neighbours = [
      { job: e0, window: windows[0] },
      { job: e1, window: windows[1] },
    ]
    const r0 = await judge(t, e, e0, { window: windows[0], neighbours })
    assert.equal(logOf(r0), 'first.eval')
    const r1 = await judge(t, e, e1, { window: windows[1], neighbours })
    assert.ok(!r1.ok)
    assert.match(r1.error.why, /second\.eval\) has status "error"/)
  })

  it('a log that fits several evaluations is named with its candidates, and counted for none', async () => {
    const t = new MemoryTransport()
    const cells: Cell[] = [
      { run: 'lr1', task: 'cap', epoch: 0 },
      { run: 'lr1', task: 'cap', epoch: 1 },
    ]
    const e = experimentAt(cells, 2)
    for (const n of [0, 1]) t.put(`${RUN_DIR}/lr1/eval/cap_epoch${n}.slurm`, script('cap', 'hf/lr1'))
    t.put(`${RUN_DIR}/lr1/eval/logs/x.eval`, log('cap', 'hf/lr1', 20_000), 25_000)
    const [e0, e1] = await plannedJobs(t, e, inspect)
    assert.ok(e0 && e1)
    // both ran at once
    const window = { startedAt: iso(5_000), endedAt: iso(30_000) }
    const neighbours = [
      { job: e0, window },
      { job: e1, window },
    ]
    const r = await judge(t, e, e0, { window, neighbours })
    assert.ok(!r.ok)
    assert.equal(r.error.pending, true)
    assert.equal(r.error.why, `no .eval log written by this attempt in ${RUN_DIR}/lr1/eval/logs`)
    assert.deepEqual(r.error.warnings, [
      `${RUN_DIR}/lr1/eval/logs/x.eval: this .eval log (task "cap") fits several evaluations ` +
        '(lr1/cap/epoch0, lr1/cap/epoch1) by its task arguments, task and time: not counted for any; ' +
        'pass -T vis_label or --metadata epoch to tell them apart',
    ])
  })

  it('identity fields a script passes still decide first, and a field it does not pass is not held against a log', async () => {
    const t = new MemoryTransport()
    const cells: Cell[] = [
      { run: 'lr1', task: 'cap', epoch: 0 },
      { run: 'lr1', task: 'cap', epoch: 1 },
    ]
    const e = experimentAt(cells, 2)
    for (const n of [0, 1])
      t.put(
        `${RUN_DIR}/lr1/eval/cap_epoch${n}.slurm`,
        `cd ${RUN_DIR}/lr1/eval\ninspect eval ${RUN_DIR}/tasks/cap.py@cap --metadata epoch=${n}\n`,
      )
    // inspect recorded a vis_label the scripts do not pass (the task's default): not a mismatch
    const recorded = (epoch: number) =>
      evalLog({
        status: 'success',
        task: 'cap_x',
        registryName: 'cap',
        taskArgs: { vis_label: 'x' },
        metadata: { epoch },
      })
    t.put(`${RUN_DIR}/lr1/eval/logs/one.eval`, recorded(1))
    t.put(`${RUN_DIR}/lr1/eval/logs/zero.eval`, recorded(0))
    const [e0, e1] = await plannedJobs(t, e, inspect)
    assert.ok(e0 && e1)
    assert.deepEqual([logOf(await judge(t, e, e0)), logOf(await judge(t, e, e1))], ['zero.eval', 'one.eval'])
  })
})

describe('the local transport: identity and real paths', () => {
  it('stat gives the inode; realpath resolves links, and is null for what is missing', async () => {
    const dir = realpathSync(mkdtempSync(`${tmpdir()}/re-attempt-`))
    const t = new LocalTransport()
    writeFileSync(`${dir}/a`, 'one')
    const first = await t.stat(`${dir}/a`)
    writeFileSync(`${dir}/b`, 'two')
    renameSync(`${dir}/b`, `${dir}/a`) // replaced the way writers install a file: a new inode
    const second = await t.stat(`${dir}/a`)
    assert.equal(typeof first?.ino, 'number')
    assert.notEqual(first?.ino, second?.ino)
    symlinkSync(dir, `${dir}/link`)
    assert.equal(await t.realpath(`${dir}/link/a`), `${dir}/a`)
    assert.equal(await t.realpath(`${dir}/link/./a`), `${dir}/a`)
    assert.equal(await t.realpath(`${dir}/link/../a`), null, '.. of a link is the parent of its target')
    assert.equal(await t.realpath(`${dir}/missing`), null)
    assert.equal(await t.realpath(`${dir}/a/below-a-file`), null)
  })
})
