/**
 * Evaluations queued behind their training (engine/dependents.ts), through the action's own `run()` with a
 * fake scheduler that holds a job pending until what it waits for completed (as SLURM's afterok does) and
 * writes the tools' real outputs (checkpoints, inspect-ai `.eval` logs) when a job ends: what each
 * evaluation waits for in both modes, a training that fails or exits 0 without its checkpoint, an
 * out-of-memory retry, and the queue limit.
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { run } from '../../src/main.ts'
import { ok } from '../../src/result.ts'
import { registerScheduler } from '../../src/scheduler/index.ts'
import type { JobSpec } from '../../src/scheduler/scheduler.ts'
import { evalLog } from '../helpers/eval-zip.ts'
import { tempDir } from '../helpers/experiment.ts'
import { FakeScheduler, type FakeEnd, type FakeJob } from '../helpers/fake-scheduler.ts'
import { recordingIO } from '../helpers/io.ts'

const put = (path: string, text: string | Buffer): void => {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, text)
}

/** Two fine-tuned runs (a, b) and a control, one task, cell layout, with real-looking scripts. */
function experiment(): string {
  const exp = tempDir('re-queued-')
  put(
    join(exp, 'experiment_summary.yaml'),
    `experiment: {name: queued}
controls: {epochs: 1}
runs:
  - {name: a, type: fine-tuned, model: m, parameters: {lr: 0.1}}
  - {name: b, type: fine-tuned, model: m, parameters: {lr: 0.2}}
  - {name: base, type: control, model: m, parameters: {}}
evaluation:
  tasks: [{name: caps, script: task.py}]
  matrix:
    - {run: a, tasks: [caps], epochs: [0]}
    - {run: b, tasks: [caps], epochs: [0]}
    - {run: base, tasks: [caps], epochs: null}
`,
  )
  for (const r of ['a', 'b']) {
    put(join(exp, r, 'finetune.yaml'), 'output_dir: artifacts\nbatch_size: 8\ngradient_accumulation_steps: 1\n')
    put(join(exp, r, 'finetune.slurm'), '#!/bin/bash\ntune run lora_finetune_single_device --config finetune.yaml\n')
  }
  for (const [r, cell] of [
    ['a', 'caps_epoch0'],
    ['b', 'caps_epoch0'],
    ['base', 'caps'],
  ] as const) {
    put(join(exp, r, 'eval', cell, 'cell.slurm'), '#!/bin/bash\ninspect eval ../../../task.py@caps --log-dir logs\n')
  }
  put(join(exp, 'task.py'), '# the task\n')
  return exp
}

type Plan = (spec: JobSpec, submission: number) => FakeEnd

/** A training writes its checkpoint; an evaluation its .eval log; `override` changes some. */
function plan(override: (spec: JobSpec, submission: number) => FakeEnd | undefined = () => undefined): Plan {
  return (spec, submission) => {
    const changed = override(spec, submission)
    if (changed) return changed
    return {
      state: 'COMPLETED',
      effect: (job: FakeJob) => {
        if (job.spec.script === 'finetune.slurm')
          put(join(job.spec.dir, 'artifacts/epoch_0/adapter_model.safetensors'), 'w')
        else put(join(job.spec.dir, 'logs', `${job.id}.eval`), evalLog({ status: 'success', task: 'caps' }))
      },
    }
  }
}

let registered = 0
/** Runs the action once on `exp` with a fresh fake scheduler (registered under a fresh name). */
async function runWith(exp: string, p: Plan, inputs: Record<string, string> = {}, maxInFlight = 100) {
  const name = `queued-${++registered}`
  const scheduler = new FakeScheduler({ plan: p, maxInFlight })
  registerScheduler({ name, description: 'fake (test)', create: () => Promise.resolve(ok(scheduler)) })
  const io = recordingIO({
    'experiment-dir': exp,
    executor: name,
    'poll-interval': '0.05',
    'max-poll-interval': '0.05',
    'run-root': join(exp, '..', `${exp.split('/').pop() ?? ''}-root`),
    ...inputs,
  })
  const r = await run({ io })
  const byScript = (script: string): FakeJob[] => scheduler.jobs.filter((j) => j.spec.script === script)
  const trainingIds = byScript('finetune.slurm').map((j) => j.id)
  const evals = byScript('cell.slurm')
  return { r, io, scheduler, trainingIds, evals, summary: io.summaries.join('\n') }
}

const runOf = (j: FakeJob): string => j.spec.dir.split('/').at(-3) ?? ''
const log = (exp: string): string => readFileSync(join(exp, 'logs/run-inspect.log'), 'utf8')

describe('evaluations queued behind their training', () => {
  it('all (default): every evaluation, controls included, waits for every training; each job runs once', async () => {
    const exp = experiment()
    const { r, trainingIds, evals, scheduler } = await runWith(exp, plan())
    assert.equal(r.status, 'success')
    assert.equal(trainingIds.length, 2)
    assert.equal(evals.length, 3, 'each evaluation submitted once')
    for (const e of evals) assert.deepEqual([...e.afterok].sort(), [...trainingIds].sort(), runOf(e))
    // Queued before any training ended: submitted right after the trainings, in the same round.
    assert.ok(scheduler.jobs.slice(0, 2).every((j) => j.spec.script === 'finetune.slurm'))
    assert.match(log(exp), /SUBMIT_EVAL: a\/caps\/epoch0\nDetails: fake-submit cell\.slurm \(queued behind \d+, \d+/)
  })

  it('own: an evaluation waits for its own run’s training only; a control waits for none', async () => {
    const exp = experiment()
    const { r, trainingIds, evals } = await runWith(exp, plan(), { 'evaluate-after': 'own' })
    assert.equal(r.status, 'success')
    const [ta, tb] = trainingIds
    assert.deepEqual(evals.find((e) => runOf(e) === 'a')?.afterok, [ta])
    assert.deepEqual(evals.find((e) => runOf(e) === 'b')?.afterok, [tb])
    assert.deepEqual(evals.find((e) => runOf(e) === 'base')?.afterok, [])
  })

  it('a training that fails: its evaluation is cancelled and reported skipped, the others stop waiting for it', async () => {
    const exp = experiment()
    const fails = plan((spec) => (spec.dir.endsWith('/b') ? { state: 'FAILED', exitCode: 1 } : undefined))
    const { r, io, trainingIds, evals, scheduler } = await runWith(exp, fails)
    assert.equal(r.status, 'partial')
    const [ta, tb] = trainingIds
    const evalB = evals.find((e) => runOf(e) === 'b')
    assert.ok(evalB && scheduler.cancelled.includes(evalB.id), 'b’s evaluation cancelled')
    assert.equal(evalB.status.state, 'CANCELLED')
    for (const run of ['a', 'base']) assert.deepEqual(evals.find((e) => runOf(e) === run)?.afterok, [ta], run)
    const waiting = evals.filter((e) => e !== evalB && e.afterok.includes(tb ?? ''))
    assert.deepEqual(waiting, [], 'nothing left waits for the failed training')
    assert.equal(io.outputs['evals-skipped'], '1')
    assert.equal(io.outputs['evals-succeeded'], '2')
    assert.match(log(exp), /CANCEL_EVAL: b\/caps\/epoch0\n/)
    assert.match(log(exp), /DEPENDENCY_UPDATED: a\/caps\/epoch0\n/)
  })

  it('a training that exits 0 without its checkpoint: its evaluation is cancelled, reported skipped', async () => {
    const exp = experiment()
    const empty = plan((spec) => (spec.dir.endsWith('/a') ? { state: 'COMPLETED' } : undefined))
    const { r, io, evals, scheduler } = await runWith(exp, empty, { 'output-wait': '0' })
    assert.equal(r.status, 'partial')
    const evalA = evals.find((e) => runOf(e) === 'a')
    assert.ok(evalA && scheduler.cancelled.includes(evalA.id))
    assert.equal(io.outputs['evals-skipped'], '1')
    assert.match(
      io.summaries.join('\n'),
      /a\/caps\/epoch0[^\n]*training of a failed: completed, but checkpoint missing/,
    )
  })

  it('an out-of-memory retry takes its evaluations along: they wait for the new job, and run once', async () => {
    const exp = experiment()
    const oom = plan((spec, submission) =>
      spec.dir.endsWith('/a') && spec.script === 'finetune.slurm' && submission === 1
        ? {
            state: 'FAILED',
            exitCode: 1,
            effect: (job: FakeJob) => {
              put(join(job.spec.dir, `fake-${job.id}.out`), 'torch.OutOfMemoryError: CUDA out of memory\n')
            },
          }
        : undefined,
    )
    const { r, trainingIds, evals } = await runWith(exp, oom)
    assert.equal(r.status, 'success')
    assert.equal(trainingIds.length, 3, 'a, b, and a again')
    const [firstA, tb, secondA] = trainingIds
    assert.equal(evals.length, 3, 'evaluations not submitted again')
    for (const e of evals) {
      assert.ok(!e.afterok.includes(firstA ?? ''), `${runOf(e)} no longer waits for the failed attempt`)
      assert.deepEqual([...e.afterok].sort(), [secondA, tb].sort(), runOf(e))
    }
  })

  it('the queue limit: trainings take the slots first; evaluations that do not fit go after them', async () => {
    const exp = experiment()
    const { r, evals, scheduler } = await runWith(exp, plan(), {}, 2)
    assert.equal(r.status, 'success')
    assert.equal(evals.length, 3)
    assert.deepEqual(
      scheduler.jobs.slice(0, 2).map((j) => j.spec.script),
      ['finetune.slurm', 'finetune.slurm'],
    )
    // With both slots held by the trainings, no evaluation was queued early: none waits for anything.
    for (const e of evals) assert.deepEqual(e.afterok, [], runOf(e))
  })
})
