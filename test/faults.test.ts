/**
 * Deterministic reproductions of what fault injection found (issue #9), through the built action on
 * the local executor: an output over 2 GiB (2); a completed job found again is judged, never resubmitted (3); a leftover
 * checkpoint is no success (4); changed inputs re-run the job and what depends on it (5); cancel-on-abort
 * cancels re-attached jobs, before any upload (10); uploads never delay the experiment (11); the summary
 * after a cancellation (13).
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { ChildProcess } from 'node:child_process'
import { existsSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startArtifactServer } from './helpers/artifact-server.ts'
import { executions, makeExperiment, tempDir } from './helpers/experiment.ts'
import { localInputs, localJobsDir, logBlocks, readText, runAction } from './helpers/action.ts'

type State = Record<string, Record<string, unknown>>
const readState = (exp: string, file: string): State => JSON.parse(readText(join(exp, file))) as State
const ran = (exp: string, prefix: string): number => executions(exp).filter((l) => l.startsWith(`${prefix} `)).length

/** Sends `signal` to the action once `ready()` holds (checked every 50 ms). */
function when(ready: () => boolean, signal: NodeJS.Signals, then?: (child: ChildProcess) => void) {
  return (child: ChildProcess): void => {
    const timer = setInterval(() => {
      if (!ready()) return
      clearInterval(timer)
      child.kill(signal)
      then?.(child)
    }, 50)
    child.on('exit', () => {
      clearInterval(timer)
    })
  }
}

describe('defect 2: a job output over 2 GiB', () => {
  it('is read in bounded ranges: no crash, its last lines in the error', async () => {
    const exp = makeExperiment(tempDir(), { runs: [{ name: 'a', lr: 1, epochs: [0] }] })
    const script = join(exp, 'a/finetune.slurm')
    // 2.2 GB of output (a sparse hole: no disk used), then the error torchtune printed last.
    const big = [
      'out=$(readlink /proc/$$/fd/1)',
      'echo "1|10|Loss: 1.500"',
      'truncate -s +2200M "$out"',
      'echo "RuntimeError: boom at the very end" >> "$out"',
      'exit 1',
    ].join('\n')
    writeFileSync(
      script,
      readFileSync(script, 'utf8').replace(/for e in[\s\S]*done/, () => big),
    )
    const r = await runAction({ inputs: localInputs(exp, { 'fail-on': 'never' }) })
    assert.equal(r.code, 0, r.stderr)
    assert.doesNotMatch(`${r.stdout}${r.stderr}`, /ERR_FS_FILE_TOO_LARGE|crashed/)
    assert.equal(r.outputs['runs-failed'], '1', r.summary)
    assert.match(r.summary, /RuntimeError: boom at the very end/)
  })
})

describe('defect 3: a completed job found again', () => {
  it('is judged from its outputs, never submitted again', async () => {
    const exp = makeExperiment(tempDir())
    assert.equal((await runAction({ inputs: localInputs(exp) })).outputs['status'], 'success')
    // What a run killed twice left: the job adopted by name as COMPLETED, never judged.
    const state = readState(exp, 'logs/run-torchtune.state.json')
    const entry = state['lr1/finetune.slurm'] ?? {}
    delete entry['validated']
    delete entry['output']
    writeFileSync(join(exp, 'logs/run-torchtune.state.json'), JSON.stringify(state))
    const r = await runAction({ inputs: localInputs(exp) })
    assert.equal(r.outputs['status'], 'success', r.summary)
    assert.equal(ran(exp, 'train lr1'), 1, executions(exp).join('\n'))
    assert.equal(readState(exp, 'logs/run-torchtune.state.json')['lr1/finetune.slurm']?.['validated'], true)
  })
})

describe('defect 4: a leftover checkpoint', () => {
  it('does not make a retry that wrote nothing a success', async () => {
    const exp = makeExperiment(tempDir(), { runs: [{ name: 'a', lr: 1, epochs: [0] }] })
    const script = join(exp, 'a/finetune.slurm')
    const original = readFileSync(script, 'utf8')
    // Attempt 1 writes its epoch_0 checkpoint, then fails.
    writeFileSync(
      script,
      original.replace(
        /for e in[\s\S]*done/,
        'mkdir -p artifacts/epoch_0\necho w > artifacts/epoch_0/model.safetensors\nexit 1',
      ),
    )
    const first = await runAction({ inputs: localInputs(exp, { 'fail-on': 'never' }) })
    assert.equal(first.outputs['runs-failed'], '1')
    const old = new Date(Date.now() - 600_000)
    utimesSync(join(exp, 'a/artifacts/epoch_0/model.safetensors'), old, old)
    // Attempt 2 exits 0 and writes nothing.
    writeFileSync(script, original.replace(/for e in[\s\S]*done/, 'true'))
    const second = await runAction({ inputs: localInputs(exp, { 'fail-on': 'never' }) })
    assert.equal(second.outputs['runs-succeeded'], '0', second.summary)
    assert.equal(second.outputs['runs-failed'], '1')
    assert.match(second.summary, /written before this attempt was submitted/)
    assert.equal(ran(exp, 'eval a/caps/epoch0'), 0, 'a stale checkpoint was evaluated')
  })
})

describe('defect 5: inputs changed after success', () => {
  it('a changed config re-runs the training and re-evaluates it; nothing else runs', async () => {
    const exp = makeExperiment(tempDir())
    assert.equal((await runAction({ inputs: localInputs(exp) })).outputs['status'], 'success')
    const config = join(exp, 'lr1/finetune.yaml')
    writeFileSync(config, readFileSync(config, 'utf8').replace('lr: 0.001', 'lr: 0.0005'))
    const r = await runAction({ inputs: localInputs(exp) })
    assert.equal(r.outputs['status'], 'success', r.summary)
    assert.equal(ran(exp, 'train lr1'), 2)
    assert.equal(ran(exp, 'eval lr1/caps/epoch0'), 2)
    assert.equal(ran(exp, 'eval lr1/caps/epoch1'), 2)
    assert.equal(ran(exp, 'train lr2'), 1)
    assert.equal(ran(exp, 'eval lr2/caps/epoch1'), 1)
    assert.equal(ran(exp, 'eval base/caps'), 1)
    assert.match(r.summary, /- lr1 — lr1\/finetune\.yaml changed since it ran/)
    assert.match(r.summary, /- lr1\/caps\/epoch0 — the training of lr1 runs again \(job \d+\)/)
    assert.match(readText(join(exp, 'logs/run-torchtune.log')), /INPUTS_CHANGED: lr1/)
    assert.match(readText(join(exp, 'logs/run-inspect.log')), /DEPENDENCY_CHANGED: lr1\/caps\/epoch1/)
  })

  it('an edited evaluation script re-runs that evaluation only', async () => {
    const exp = makeExperiment(tempDir())
    await runAction({ inputs: localInputs(exp) })
    const cell = join(exp, 'base/eval/caps/cell.slurm')
    writeFileSync(cell, `${readFileSync(cell, 'utf8')}\n# edited\n`)
    const r = await runAction({ inputs: localInputs(exp) })
    assert.equal(r.outputs['status'], 'success')
    assert.equal(ran(exp, 'eval base/caps'), 2)
    assert.equal(executions(exp).length, 7, executions(exp).join('\n'))
  })

  it('a deleted checkpoint retrains the run and re-evaluates it: no old score stays in the table', async () => {
    const exp = makeExperiment(tempDir())
    await runAction({ inputs: localInputs(exp) })
    rmSync(join(exp, 'lr2/artifacts'), { recursive: true })
    const r = await runAction({ inputs: localInputs(exp) })
    assert.equal(r.outputs['status'], 'success', r.summary)
    assert.equal(ran(exp, 'train lr2'), 2)
    assert.equal(ran(exp, 'eval lr2/caps/epoch1'), 2)
    assert.equal(ran(exp, 'train lr1'), 1)
    assert.match(r.summary, /- lr2\/caps\/epoch1 — the training of lr2 runs again/)
    assert.doesNotMatch(r.summary, /lr2\/caps\/epoch1 — job \d+[^\n]*done earlier/)
  })
})

describe('defect 10: cancel-on-abort', () => {
  it('cancels the jobs a re-run re-attached to, before an upload that hangs', async () => {
    const exp = makeExperiment(tempDir(), { sleep: 60, runs: [{ name: 'a', lr: 1, epochs: [0] }] })
    const submitted = (): boolean => readText(join(exp, 'logs/run-torchtune.log')).includes('SUBMIT_JOB')
    const workspace = tempDir('re-ws-')
    const first = await runAction({ inputs: localInputs(exp), workspace, onSpawn: when(submitted, 'SIGKILL') })
    assert.equal(first.signal, 'SIGKILL')
    const server = await startArtifactServer()
    server.silent = true
    try {
      // The re-run re-attaches to job 1; the workflow is cancelled: SIGINT, then SIGTERM 1 s later.
      const starts = (): number =>
        (readText(join(exp, 'run-experiment.log')).match(/MODULE_START: torchtune/g) ?? []).length
      const second = await runAction({
        inputs: localInputs(exp, { 'cancel-on-abort': 'true' }),
        workspace,
        env: server.env,
        onSpawn: when(
          () => starts() >= 2,
          'SIGINT',
          (child) => setTimeout(() => child.kill('SIGTERM'), 1000),
        ),
      })
      assert.ok(existsSync(join(localJobsDir(workspace, exp), '1.cancelled')), 'the re-attached job was not cancelled')
      // The saved jobs are the training and, when the first run got to queue it, its evaluation: all cancelled.
      const saved = JSON.parse(second.state['jobs'] ?? '[]') as { runDir: string; jobId: string }[]
      assert.deepEqual(saved[0], { runDir: exp, jobId: '1' })
      for (const { jobId } of saved)
        assert.ok(existsSync(join(localJobsDir(workspace, exp), `${jobId}.cancelled`)), jobId)
      assert.match(second.summary, /a — cancelled \(cancel-on-abort\), job 1/)
    } finally {
      await server.close()
    }
  })
})

describe('after cancel-on-abort', () => {
  it('a re-run submits the cancelled job again, and calls nothing failed', async () => {
    const exp = makeExperiment(tempDir(), { sleep: 3, runs: [{ name: 'a', lr: 1, epochs: [0] }] })
    const submitted = (): boolean => readText(join(exp, 'logs/run-torchtune.log')).includes('SUBMIT_JOB')
    const first = await runAction({
      inputs: localInputs(exp, { 'cancel-on-abort': 'true' }),
      onSpawn: when(submitted, 'SIGINT'),
    })
    assert.match(first.summary, /a — cancelled \(cancel-on-abort\), job 1/)
    const r = await runAction({ inputs: localInputs(exp) })
    assert.equal(r.outputs['status'], 'success', r.summary)
    assert.equal(r.outputs['runs-failed'], '0')
    assert.equal(ran(exp, 'train a'), 2, executions(exp).join('\n'))
    assert.match(readText(join(exp, 'logs/run-torchtune.log')), /CANCELLED_EARLIER: a\nDetails: job 1 was cancelled/)
  })
})

describe('defect 11: uploads never delay the experiment', () => {
  it('the evaluations are submitted before the upload between the phases, which is slow', async () => {
    const server = await startArtifactServer()
    server.slowCreateMs = 4000
    try {
      const exp = makeExperiment(tempDir())
      const r = await runAction({ inputs: localInputs(exp), env: server.env })
      assert.equal(r.outputs['status'], 'success', r.summary)
      const tt = logBlocks(readText(join(exp, 'logs/run-torchtune.log')))
      const ins = logBlocks(readText(join(exp, 'logs/run-inspect.log')))
      const trainingDone = Date.parse((tt.find((b) => b.action === 'ALL_COMPLETE')?.ts ?? '').replace(' ', 'T'))
      const firstEval = Date.parse((ins.find((b) => b.action === 'SUBMIT_EVAL')?.ts ?? '').replace(' ', 'T'))
      assert.ok(firstEval - trainingDone <= 2000, `evaluation submitted ${firstEval - trainingDone} ms after training`)
    } finally {
      await server.close()
    }
  })

  it('a failing upload warns once, with its reason', async () => {
    const server = await startArtifactServer()
    server.failBlobWith = 401
    try {
      const exp = makeExperiment(tempDir())
      const r = await runAction({ inputs: localInputs(exp), env: server.env })
      assert.equal(r.outputs['status'], 'success', r.summary)
      const warnings = r.annotations.filter((a) => a.kind === 'warning' && /artifact upload failed/.test(a.message))
      assert.equal(warnings.length, 1, JSON.stringify(warnings))
      assert.match(warnings[0]?.message ?? '', /artifact upload failed \([^)]*401[^)]*\)/)
    } finally {
      await server.close()
    }
  })
})

describe('defect 13: the summary after a cancellation', () => {
  it('never-submitted runs are not "still running", cancelled jobs are cancelled, counts agree', async () => {
    const exp = makeExperiment(tempDir(), {
      sleep: 60,
      runs: [
        { name: 'a', lr: 1, epochs: [0] },
        { name: 'b', lr: 2, epochs: [0] },
      ],
    })
    const submitted = (): boolean => readText(join(exp, 'logs/run-torchtune.log')).includes('SUBMIT_JOB')
    const r = await runAction({
      inputs: localInputs(exp, { 'cancel-on-abort': 'true', 'max-parallel': '1' }),
      onSpawn: when(submitted, 'SIGINT'),
    })
    assert.equal(r.outputs['runs-failed'], '0')
    assert.equal(r.outputs['runs-succeeded'], '0')
    assert.match(r.summary, /\*\*Failed runs:\*\*\n- none/)
    assert.match(r.summary, /- a — cancelled \(cancel-on-abort\), job 1/)
    assert.match(r.summary, /- b — not submitted/)
    assert.doesNotMatch(r.summary, /still running/)
  })
})
