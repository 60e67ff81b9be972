/**
 * Evaluations queued behind their training (issue 16), through the built action on the local executor
 * and on the dev cluster's SLURM: the action killed right after it queued them (the evaluations still
 * run, a re-run adopts them all and submits nothing), and trainings that fail, exit 0 without their
 * checkpoint, or run out of memory once (no job is left pending for ever, the first two's evaluations are
 * reported skipped with the reason, the third's run once, after the retry).
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { LocalTransport } from '../src/cluster/local.ts'
import { LocalScheduler } from '../src/scheduler/local.ts'
import { makeExperiment, tempDir } from './helpers/experiment.ts'
import { localInputs, localJobsDir, readText, runAction, slurmInputs } from './helpers/action.ts'

const lines = (trace: string): string[] =>
  existsSync(trace) ? readFileSync(trace, 'utf8').trim().split('\n').filter(Boolean) : []
const started = (trace: string): string[] => lines(trace).filter((l) => !l.startsWith('done '))
const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Every job id the run's state files name. */
function jobIds(exp: string): string[] {
  return ['run-torchtune', 'run-inspect'].flatMap((f) => {
    const p = join(exp, 'logs', `${f}.state.json`)
    if (!existsSync(p)) return []
    return Object.values(JSON.parse(readFileSync(p, 'utf8')) as Record<string, { job_id?: string | null }>).flatMap(
      (e) => (typeof e.job_id === 'string' ? [e.job_id] : []),
    )
  })
}

/** The run's jobs still pending (waiting on a dependency, or anything else). */
function pending(executor: 'local' | 'slurm', exp: string): Promise<string[]> {
  return pendingOf(executor, exp, jobIds(exp))
}

/** Which of these jobs are still pending. */
async function pendingOf(executor: 'local' | 'slurm', exp: string, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return []
  if (executor === 'slurm') {
    const out = execFileSync('squeue', ['-h', '-t', 'PD', '-o', '%i'], { encoding: 'utf8' })
    return out.split('\n').filter((id) => ids.includes(id.trim()))
  }
  const s = new LocalScheduler(new LocalTransport(), localJobsDir(undefined, exp), 2)
  const states = await s.poll(ids.map((jobId) => ({ jobId, submittedAt: new Date(0).toISOString() })))
  return [...states.values()].filter((x) => x.state === 'PENDING').map((x) => x.jobId)
}

const inputsFor = (executor: 'local' | 'slurm', exp: string, extra: Record<string, string> = {}) =>
  executor === 'slurm' ? slurmInputs(exp, extra) : localInputs(exp, { 'max-parallel': '8', ...extra })

/** SIGKILL for the action once its module log says `evals` evaluations were queued. */
function killOnceQueued(exp: string, evals: number): (child: ChildProcess) => void {
  return (child) => {
    const timer = setInterval(() => {
      const queued = (readText(join(exp, 'logs/run-inspect.log')).match(/SUBMIT_EVAL/g) ?? []).length
      if (queued < evals) return
      clearInterval(timer)
      child.kill('SIGKILL')
    }, 20)
    child.on('exit', () => {
      clearInterval(timer)
    })
  }
}

async function killedRightAfterQueueing(executor: 'local' | 'slurm'): Promise<void> {
  const trace = join(tempDir('re-trace-'), 'executions.txt')
  const runs = [
    { name: 'a', lr: 1, epochs: [0] },
    { name: 'b', lr: 2, epochs: [0] },
  ]
  const exp = makeExperiment(tempDir(), { runs, tasks: ['caps'], sleep: 3, trace, traceEnd: true })
  const evals = 2
  const first = await runAction({
    inputs: inputsFor(executor, exp),
    onSpawn: killOnceQueued(exp, evals),
  })
  assert.equal(first.signal, 'SIGKILL')
  assert.equal(lines(trace).filter((l) => l.startsWith('eval ')).length, 0, 'queued behind the trainings')
  // With nobody watching, the trainings end and the evaluations run and succeed on their own.
  for (let i = 0; i < 300 && lines(trace).filter((l) => l.startsWith('done eval ')).length < evals; i++) await wait(100)
  assert.equal(lines(trace).filter((l) => l.startsWith('done eval ')).length, evals, lines(trace).join('\n'))
  const again = await runAction({ inputs: inputsFor(executor, exp) })
  assert.equal(again.outputs['status'], 'success', again.summary)
  assert.match(again.summary, /re-attached: 4 · re-submitted: 0 · newly submitted: 0/)
  assert.deepEqual(
    started(trace)
      .map((l) => l.replace(/ job=.*/, ''))
      .sort(),
    ['eval a/caps/epoch0', 'eval b/caps/epoch0', 'train a', 'train b'],
  )
}

/**
 * Killed right after queueing, the state then lost (a cleaned checkout), and one training fails meanwhile:
 * the re-run finds the queued evaluations by their markers, lets the one whose training succeeded run
 * (it waited for both trainings), cancels the other's, and ends; nothing is left waiting in the queue.
 * Before, the re-run waited for ever on the first, which SLURM held as DependencyNeverSatisfied.
 */
async function killedForgottenAndFailed(executor: 'local' | 'slurm'): Promise<void> {
  const trace = join(tempDir('re-trace-'), 'executions.txt')
  const runs = [
    { name: 'a', lr: 1, epochs: [0] },
    { name: 'b', lr: 2, epochs: [0] },
  ]
  const exp = makeExperiment(tempDir(), { runs, tasks: ['caps'], sleep: 2, trace, traceEnd: true, failTraining: ['b'] })
  const first = await runAction({
    inputs: inputsFor(executor, exp),
    onSpawn: killOnceQueued(exp, 2),
  })
  assert.equal(first.signal, 'SIGKILL')
  for (let i = 0; i < 300 && !lines(trace).some((l) => l.startsWith('done train a')); i++) await wait(100)
  rmSync(join(exp, 'logs'), { recursive: true, force: true })
  rmSync(join(exp, '.run-experiment'), { recursive: true, force: true })
  const again = await runAction({ inputs: inputsFor(executor, exp) })
  assert.equal(again.outputs['status'], 'partial', again.summary)
  assert.equal(again.outputs['evals-succeeded'], '1', again.summary)
  assert.equal(again.outputs['evals-skipped'], '1', again.summary)
  assert.match(readText(join(exp, 'logs/run-inspect.log')), /DEPENDENCY_RELEASED: a\/caps\/epoch0\n/)
  assert.match(readText(join(exp, 'run-experiment.log')), /CANCEL_JOBS\nDetails: 1 job\(s\) of this run directory/)
  const ran = started(trace).map((l) => l.replace(/ job=.*/, ''))
  // A re-run tries a failed training again (it fails again); the successful one and its evaluation run once.
  assert.deepEqual(ran.sort(), ['eval a/caps/epoch0', 'train a', 'train b', 'train b'], 'b’s evaluation never')
  const ids = [...readText(join(exp, 'run-experiment.log')).matchAll(/job (\d+) /g)].map((m) => m[1] ?? '')
  assert.deepEqual(await pendingOf(executor, exp, ids), [], 'nothing left waiting in the queue')
}

async function failuresAndARetry(executor: 'local' | 'slurm'): Promise<void> {
  const trace = join(tempDir('re-trace-'), 'executions.txt')
  const runs = ['fails', 'empty', 'oom', 'fine'].map((name, i) => ({ name, lr: i + 1, epochs: [0] }))
  const exp = makeExperiment(tempDir(), {
    runs,
    tasks: ['caps'],
    sleep: 1,
    trace,
    failTraining: ['fails'],
    emptyTraining: ['empty'],
    oomAbove: { oom: 4 },
  })
  const r = await runAction({ inputs: inputsFor(executor, exp, { 'output-wait': '0' }) })
  assert.equal(r.outputs['status'], 'partial', r.summary)
  assert.equal(r.outputs['evals-skipped'], '2')
  assert.equal(r.outputs['evals-succeeded'], '2')
  assert.match(r.summary, /fails\/caps\/epoch0[^\n]*training of fails failed: FAILED \(exit 1\)/)
  assert.match(r.summary, /empty\/caps\/epoch0[^\n]*training of empty failed: completed, but checkpoint missing/)
  const ran = started(trace).map((l) => l.replace(/ job=.*/, ''))
  assert.equal(ran.filter((l) => l === 'train oom').length, 2, 'out of memory once, then retried')
  assert.equal(ran.filter((l) => l === 'eval oom/caps/epoch0').length, 1, 'its evaluation ran once')
  assert.ok(ran.lastIndexOf('train oom') < ran.indexOf('eval oom/caps/epoch0'), 'after the retry trained')
  assert.ok(!ran.includes('eval fails/caps/epoch0') && !ran.includes('eval empty/caps/epoch0'), ran.join('\n'))
  assert.deepEqual(await pending(executor, exp), [], 'no job left waiting for one that can never succeed')
}

describe('evaluations queued behind their training (local executor)', () => {
  it('killed right after queueing: the evaluations still run; a re-run adopts them all', async () => {
    await killedRightAfterQueueing('local')
  })
  it('failed, empty and out-of-memory trainings: skipped with reasons, the retry evaluated once', async () => {
    await failuresAndARetry('local')
  })
  it('killed after queueing, the state lost, a training failed: the re-run releases one, cancels the other', async () => {
    await killedForgottenAndFailed('local')
  })
})

describe('evaluations queued behind their training (SLURM)', () => {
  it('killed right after queueing: the evaluations still run under SLURM; a re-run adopts them all', async () => {
    await killedRightAfterQueueing('slurm')
  })
  it('failed, empty and out-of-memory trainings: skipped with reasons, the retry evaluated once', async () => {
    await failuresAndARetry('slurm')
  })
  it('killed after queueing, the state lost, a training failed: the re-run releases one, cancels the other', async () => {
    await killedForgottenAndFailed('slurm')
  })
})
