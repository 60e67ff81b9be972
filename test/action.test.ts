/** The built action end to end on the local executor, with plain-bash experiments in both layouts. */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DEFAULT_JOBS, executions, makeExperiment, tempDir } from './helpers/experiment.ts'
import { localInputs, localJobsDir, logBlocks, readText, runAction } from './helpers/action.ts'

describe('local executor, all succeed', () => {
  for (const layout of ['cell', 'flat'] as const) {
    it(`runs training then evaluation (${layout} layout)`, async () => {
      const exp = makeExperiment(tempDir(), { layout })
      const r = await runAction({ inputs: localInputs(exp) })
      assert.equal(r.code, 0, r.stdout + r.stderr)
      assert.equal(r.outputs['status'], 'success')
      assert.equal(r.outputs['runs-total'], '2')
      assert.equal(r.outputs['runs-succeeded'], '2')
      assert.equal(r.outputs['runs-failed'], '0')
      assert.equal(r.outputs['evals-total'], '4')
      assert.equal(r.outputs['evals-succeeded'], '4')
      assert.equal(r.outputs['evals-skipped'], '0')
      assert.equal(r.outputs['experiment-dir'], exp)
      assert.equal(r.outputs['summary-path'], join(exp, 'run-experiment-summary.md'))

      // Every training job ran before any evaluation.
      const ran = executions(exp)
      assert.equal(ran.length, 6)
      const lastTrain = Math.max(...ran.map((l, i) => (l.startsWith('train') ? i : -1)))
      const firstEval = ran.findIndex((l) => l.startsWith('eval'))
      assert.ok(lastTrain < firstEval, ran.join('\n'))

      // Logs in the required format.
      const main = logBlocks(readText(join(exp, 'run-experiment.log')))
      const actions = main.map((b) => b.action)
      for (const a of [
        'DISCOVER_EXPERIMENT',
        'VALIDATE_EXPERIMENT',
        'READ_TOOLS',
        'VERIFY_SCAFFOLD',
        'MODULE_START',
        'MODULE_END',
        'CHECK',
        'COMPLETE',
      ])
        assert.ok(actions.includes(a), `${a} missing from ${actions.join(',')}`)
      for (const b of main)
        assert.ok(
          b.lines.some((l) => l.startsWith('Result: ')),
          `block ${b.action} has no Result line`,
        )
      assert.equal(main.filter((b) => b.action === 'CHECK').length, 8)
      assert.ok(main.filter((b) => b.action === 'CHECK').every((b) => b.lines.includes('Result: ✓')))
      const tt = logBlocks(readText(join(exp, 'logs/run-torchtune.log')))
      const submits = tt.filter((b) => b.action === 'SUBMIT_JOB')
      assert.deepEqual(
        submits.map((b) => b.description),
        ['lr1', 'lr2'],
      )
      for (const s of submits) {
        // The local executor's word for a submission; SLURM's blocks say `sbatch finetune.slurm` (cluster.test).
        assert.deepEqual(s.lines[0], 'Details: bash finetune.slurm')
        assert.match(s.lines[1] ?? '', /^Job ID: \d+$/)
        assert.equal(s.lines[2], 'Result: success')
      }
      assert.ok(tt.some((b) => b.action === 'STATE_CHANGE'))
      assert.equal(tt.at(-1)?.action, 'ALL_COMPLETE')
      const ins = logBlocks(readText(join(exp, 'logs/run-inspect.log')))
      assert.deepEqual(
        ins
          .filter((b) => b.action === 'SUBMIT_EVAL')
          .map((b) => b.description)
          .sort(),
        ['base/caps', 'lr1/caps/epoch0', 'lr1/caps/epoch1', 'lr2/caps/epoch1'],
      )

      // cruijff_kit-compatible state.
      const state = JSON.parse(readText(join(exp, 'logs/run-inspect.state.json'))) as Record<
        string,
        { job_id: string; state: string; submitted_at: string }
      >
      const key = layout === 'cell' ? 'lr1/eval/caps_epoch0/cell.slurm' : 'lr1/eval/caps_epoch0.slurm'
      assert.equal(state[key]?.state, 'COMPLETED')
      assert.match(state[key].submitted_at, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/)

      // The job summary in the requirement's shape, and the same markdown in the run directory.
      for (const heading of [
        '## Run Experiment Complete',
        '### Optimization Results',
        '### Evaluation Results',
        '### Total Time',
        '### Next Steps',
        '**Completed runs:**',
        '**Failed runs:**',
        '**Model checkpoints:**',
        '**Evaluation logs:**',
        'inspect view',
        'inspect log export',
      ]) {
        assert.ok(r.summary.includes(heading), `summary lacks ${heading}`)
      }
      assert.ok(r.summary.includes('✓ 2/2 runs completed successfully'))
      assert.ok(r.summary.includes('✓ 4/4 evaluations completed successfully'))
      assert.equal(readText(join(exp, 'run-experiment-summary.md')).trim(), r.summary.trim())
      const results = readText(join(exp, 'summary.md'))
      assert.match(results, /\| lr1 \| fine-tuned \| 0\.001 \| 1\.8000 \| 0\.500 ± 0\.050 \| 0\.600 ± 0\.050 \|/)
    })
  }
})

describe('failures', () => {
  it('a training failure skips its cells and gives partial', async () => {
    const exp = makeExperiment(tempDir(), { failTraining: ['lr2'] })
    const r = await runAction({ inputs: localInputs(exp) })
    assert.equal(r.code, 1)
    assert.equal(r.outputs['status'], 'partial')
    assert.equal(r.outputs['runs-failed'], '1')
    assert.equal(r.outputs['runs-succeeded'], '1')
    assert.equal(r.outputs['evals-skipped'], '1')
    assert.equal(r.outputs['evals-succeeded'], '3')
    assert.ok(!executions(exp).some((l) => l.startsWith('eval lr2')), 'an evaluation of the failed run ran')
    assert.match(r.summary, /lr2 — FAILED \(exit 1\).*training diverged/)
    assert.match(r.summary, /lr2\/caps\/epoch1 — training of lr2 failed/)
    const never = await runAction({ inputs: localInputs(exp, { 'fail-on': 'never' }) })
    assert.equal(never.code, 0)
  })

  it('an evaluation failure is reported with the .eval error', async () => {
    const exp = makeExperiment(tempDir(), { failEval: ['lr1/caps/epoch0'] })
    const r = await runAction({ inputs: localInputs(exp, { 'fail-on': 'all-failed' }) })
    assert.equal(r.code, 0)
    assert.equal(r.outputs['status'], 'partial')
    assert.equal(r.outputs['evals-failed'], '1')
    assert.equal(r.outputs['evals-succeeded'], '3')
    assert.match(r.summary, /lr1\/caps\/epoch0 — FAILED \(exit 1\)/)
  })

  it('CUDA out of memory: re-submitted with half the batch and twice the accumulation, at most 3 times', async () => {
    const exp = makeExperiment(tempDir(), {
      runs: [
        { name: 'big', lr: 1, epochs: [0] },
        { name: 'huge', lr: 1, epochs: [0] },
      ],
      oomAbove: { big: 2, huge: 0 },
    })
    const r = await runAction({ inputs: localInputs(exp) })
    assert.equal(r.outputs['runs-succeeded'], '1', r.summary)
    assert.equal(r.outputs['runs-failed'], '1')
    const yaml = readFileSync(join(exp, 'big/finetune.yaml'), 'utf8')
    assert.match(yaml, /^batch_size: 2 {2}# per device$/m)
    assert.match(yaml, /^gradient_accumulation_steps: 4$/m)
    const log = logBlocks(readText(join(exp, 'logs/run-torchtune.log')))
    const retries = log.filter((b) => b.action === 'OOM_RETRY' && b.description === 'big')
    assert.deepEqual(
      retries.map((b) => b.lines[0]),
      [
        'Details: batch_size 8 -> 4, gradient_accumulation_steps 1 -> 2 (attempt 1/3); finetune.yaml updated',
        'Details: batch_size 4 -> 2, gradient_accumulation_steps 2 -> 4 (attempt 2/3); finetune.yaml updated',
      ],
    )
    assert.match(retries[0]?.lines[1] ?? '', /^Result: resubmitted as job \d+$/)
    assert.equal(log.filter((b) => b.action === 'OOM_RETRY' && b.description === 'huge').length, 3)
    assert.equal(log.filter((b) => b.action === 'OOM_EXHAUSTED' && b.description === 'huge').length, 1)
    assert.match(r.summary, /big — job \d+, \d+s, attempt 3, 2 out-of-memory retries: batch_size → 4 → 2/)
    assert.match(r.summary, /huge — FAILED \(exit 1\): out of memory again after 3 retries/)
    const state = JSON.parse(readText(join(exp, 'logs/run-torchtune.state.json'))) as Record<
      string,
      { retry_history: unknown; oom_detected_via: string }
    >
    assert.deepEqual(state['big/finetune.slurm']?.retry_history, [
      { batch_size: 4, gradient_accumulation_steps: 2 },
      { batch_size: 2, gradient_accumulation_steps: 4 },
    ])
    assert.equal(state['big/finetune.slurm'].oom_detected_via, 'cuda_log')
    // A re-run keeps the adjusted config and runs nothing again.
    const before = executions(exp).length
    const again = await runAction({ inputs: localInputs(exp, { 'fail-on': 'never' }) })
    assert.equal(again.code, 0)
    assert.equal(executions(exp).filter((l) => l.startsWith('train big')).length, 3)
    assert.ok(executions(exp).length > before, 'the failed run is retried on a re-run')
  })

  it('everything failing gives failed', async () => {
    const exp = makeExperiment(tempDir(), { runs: [{ name: 'a', lr: 1, epochs: [0] }], failTraining: ['a'] })
    const r = await runAction({ inputs: localInputs(exp, { 'fail-on': 'all-failed' }) })
    assert.equal(r.outputs['status'], 'failed')
    assert.equal(r.code, 1)
  })
})

describe('re-runs', () => {
  it('a re-run after success executes nothing', async () => {
    const exp = makeExperiment(tempDir())
    const first = await runAction({ inputs: localInputs(exp) })
    assert.equal(first.outputs['status'], 'success')
    const before = executions(exp).length
    const second = await runAction({ inputs: localInputs(exp) })
    assert.equal(second.outputs['status'], 'success')
    assert.equal(executions(exp).length, before, 'a job ran again')
    assert.match(
      second.summary,
      /Already succeeded \(not re-run\): 6 · re-attached: 0 · re-submitted: 0 · newly submitted: 0/,
    )
    const tt = logBlocks(readText(join(exp, 'logs/run-torchtune.log')))
    assert.equal(tt.filter((b) => b.action === 'SUBMIT_JOB').length, 2)
  })

  it('a failed job is re-submitted on re-run, with the attempt counted', async () => {
    const exp = makeExperiment(tempDir(), { failTraining: ['lr2'] })
    await runAction({ inputs: localInputs(exp) })
    // Fix the script, as a researcher would, and re-run.
    const script = join(exp, 'lr2/finetune.slurm')
    writeFileSync(
      script,
      readFileSync(script, 'utf8').replace(
        'exit 1',
        'mkdir -p artifacts/epoch_0 artifacts/epoch_1; echo w > artifacts/epoch_0/a.safetensors; echo w > artifacts/epoch_1/a.safetensors',
      ),
    )
    const r = await runAction({ inputs: localInputs(exp) })
    assert.equal(r.outputs['status'], 'success', r.summary)
    const state = JSON.parse(readText(join(exp, 'logs/run-torchtune.state.json'))) as Record<
      string,
      { attempt: number; history?: unknown[] }
    >
    assert.equal(state['lr2/finetune.slurm']?.attempt, 2)
    assert.equal(state['lr2/finetune.slurm'].history?.length, 1)
    assert.equal(state['lr1/finetune.slurm']?.attempt, 1)
    assert.equal(executions(exp).filter((l) => l.startsWith('train lr1')).length, 1)
    assert.match(r.summary, /re-submitted: 1/)
  })

  it('kill -9 mid-phase, then a re-run picks up finished jobs and runs nothing twice', async () => {
    const exp = makeExperiment(tempDir(), { sleep: 2 })
    const killed = await runAction({
      inputs: localInputs(exp),
      onSpawn: (child) => {
        child.on('exit', () => {
          clearInterval(timer)
        })
        const timer = setInterval(() => {
          const s = readText(join(exp, 'logs/run-torchtune.state.json'))
          if (s.includes('"job_id": "2"')) {
            clearInterval(timer)
            child.kill('SIGKILL')
          }
        }, 50)
      },
    })
    assert.equal(killed.signal, 'SIGKILL')
    // Let the orphaned jobs finish while no action watches them.
    await new Promise((r) => setTimeout(r, 3000))
    const r = await runAction({ inputs: localInputs(exp) })
    assert.equal(r.outputs['status'], 'success', r.summary)
    const ran = executions(exp)
    for (const line of DEFAULT_JOBS) {
      assert.equal(
        ran.filter((l) => l.startsWith(`${line} `)).length,
        1,
        `${line} ran ${ran.filter((l) => l.startsWith(`${line} `)).length} times:\n${ran.join('\n')}`,
      )
    }
    assert.match(r.summary, /re-attached: 2/)
  })

  it('a second run while one holds the lock fails with the holder named', async () => {
    const exp = makeExperiment(tempDir(), { sleep: 2, runs: [{ name: 'a', lr: 1, epochs: [0] }] })
    const first = runAction({ inputs: localInputs(exp) })
    for (let i = 0; i < 100 && !existsSync(join(exp, '.run-experiment/lock')); i++)
      await new Promise((r) => setTimeout(r, 50))
    const second = await runAction({ inputs: localInputs(exp) })
    assert.equal(second.outputs['status'], 'failed')
    assert.match(second.summary, /already running this experiment: pid \d+ on /)
    assert.equal((await first).outputs['status'], 'success')
  })

  it('a stale lock (dead holder) is taken over', async () => {
    const exp = makeExperiment(tempDir(), { runs: [{ name: 'a', lr: 1, epochs: [0] }] })
    const { hostname } = await import('node:os')
    const { mkdirSync } = await import('node:fs')
    mkdirSync(join(exp, '.run-experiment'), { recursive: true })
    writeFileSync(
      join(exp, '.run-experiment/lock'),
      JSON.stringify({
        host: hostname(),
        pid: 999999,
        started: new Date().toISOString(),
        heartbeat: new Date().toISOString(),
      }),
    )
    const r = await runAction({ inputs: localInputs(exp) })
    assert.equal(r.outputs['status'], 'success')
    assert.ok(r.annotations.some((a) => a.kind === 'warning' && /stale lock/.test(a.message)))
  })
})

describe('job environment', () => {
  it('jobs get SLURM-like variables but never the action inputs or the runner tokens', async () => {
    const exp = makeExperiment(tempDir(), { runs: [{ name: 'a', lr: 1, epochs: [0] }] })
    const script = join(exp, 'a/finetune.slurm')
    writeFileSync(script, readFileSync(script, 'utf8').replace('set -e', 'set -e\nenv > job-env.txt'))
    const r = await runAction({
      inputs: localInputs(exp),
      env: { ACTIONS_RUNTIME_TOKEN: 'runtime-token-xyz', GITHUB_TOKEN: 'gh-token-xyz' },
    })
    assert.equal(r.outputs['status'], 'success', r.summary)
    const env = readFileSync(join(exp, 'a/job-env.txt'), 'utf8')
    assert.match(env, /^SLURM_JOB_ID=\d+$/m)
    assert.match(env, new RegExp(`^SLURM_SUBMIT_DIR=${join(exp, 'a')}$`, 'm'))
    assert.ok(!/^INPUT_/m.test(env), 'action inputs leaked into the job')
    assert.ok(!env.includes('runtime-token-xyz') && !env.includes('gh-token-xyz'), 'runner tokens leaked into the job')
  })
})

describe('cancellation', () => {
  const waitForSubmission =
    (exp: string, n: number) => (child: import('node:child_process').ChildProcess, signal: NodeJS.Signals) => {
      const timer = setInterval(() => {
        if ((readText(join(exp, 'logs/run-torchtune.log')).match(/SUBMIT_JOB/g) ?? []).length >= n) {
          clearInterval(timer)
          child.kill(signal)
        }
      }, 50)
      child.on('exit', () => {
        clearInterval(timer)
      })
    }

  it('SIGINT detaches: state flushed, jobs keep running, a re-run re-attaches', async () => {
    const exp = makeExperiment(tempDir(), { sleep: 3 })
    const first = await runAction({
      inputs: localInputs(exp),
      onSpawn: (c) => {
        waitForSubmission(exp, 2)(c, 'SIGINT')
      },
    })
    assert.equal(first.code, 1)
    assert.match(first.summary, /detached by SIGINT: jobs keep running; re-run to re-attach/)
    assert.match(
      readText(join(exp, 'logs/run-torchtune.log')),
      /MONITOR_DETACHED\nDetails: reason=SIGINT; state breakdown: /,
    )
    const r = await runAction({ inputs: localInputs(exp) })
    assert.equal(r.outputs['status'], 'success')
    assert.equal(executions(exp).length, 6)
  })

  it('cancel-on-abort: SIGINT cancels the jobs', async () => {
    const exp = makeExperiment(tempDir(), { sleep: 30, runs: [{ name: 'a', lr: 1, epochs: [0] }] })
    const workspace = tempDir('re-ws-')
    const first = await runAction({
      inputs: localInputs(exp, { 'cancel-on-abort': 'true' }),
      workspace,
      onSpawn: (c) => {
        waitForSubmission(exp, 1)(c, 'SIGINT')
      },
    })
    assert.match(first.summary, /jobs cancelled \(cancel-on-abort\)/)
    assert.match(readText(join(exp, 'run-experiment.log')), /CANCEL_JOBS/)
    assert.ok(existsSync(join(localJobsDir(workspace, exp), '1.cancelled')))
  })

  it('the post step cancels the jobs of a main step that was killed, with cancel-on-abort', async () => {
    const exp = makeExperiment(tempDir(), { sleep: 30, runs: [{ name: 'a', lr: 1, epochs: [0] }] })
    const inputs = localInputs(exp, { 'cancel-on-abort': 'true' })
    const workspace = tempDir('re-ws-')
    const main = await runAction({
      inputs,
      workspace,
      onSpawn: (c) => {
        waitForSubmission(exp, 1)(c, 'SIGKILL')
      },
    })
    assert.equal(main.signal, 'SIGKILL')
    assert.equal(main.state['isPost'], 'true')
    assert.deepEqual(JSON.parse(main.state['jobs'] ?? '[]'), [{ runDir: exp, jobId: '1' }])
    const post = await runAction({
      inputs,
      workspace,
      env: { STATE_isPost: 'true', STATE_jobs: main.state['jobs'] ?? '' },
    })
    assert.equal(post.code, 0)
    assert.match(post.stdout, /cancelled job\(s\) 1 of .* \(cancel-on-abort\)/)
    assert.ok(existsSync(join(localJobsDir(workspace, exp), '1.cancelled')))
    // Without cancel-on-abort the post step leaves the jobs alone.
    const polite = await runAction({
      inputs: localInputs(exp),
      workspace,
      env: { STATE_isPost: 'true', STATE_jobs: main.state['jobs'] ?? '' },
    })
    assert.match(polite.stdout, /its jobs keep running/)
  })
})

describe('phases and scaffolding', () => {
  it('optimize, then evaluate separately', async () => {
    const exp = makeExperiment(tempDir())
    const opt = await runAction({ inputs: localInputs(exp, { phases: 'optimize' }) })
    assert.equal(opt.outputs['status'], 'success')
    assert.equal(opt.outputs['evals-total'], '0')
    assert.ok(!executions(exp).some((l) => l.startsWith('eval')))
    const ev = await runAction({ inputs: localInputs(exp, { phases: 'evaluate' }) })
    assert.equal(ev.outputs['status'], 'success', ev.summary)
    assert.equal(ev.outputs['evals-succeeded'], '4')
    assert.equal(executions(exp).filter((l) => l.startsWith('train')).length, 2)
  })

  it('evaluate without checkpoints skips the fine-tuned cells', async () => {
    const exp = makeExperiment(tempDir())
    const r = await runAction({ inputs: localInputs(exp, { phases: 'evaluate' }) })
    assert.equal(r.outputs['status'], 'partial')
    assert.equal(r.outputs['evals-skipped'], '3')
    assert.equal(r.outputs['evals-succeeded'], '1')
    assert.match(r.summary, /no usable checkpoint for lr1/)
  })

  it('missing training scripts: invalid, listed by run, nothing submitted', async () => {
    const exp = makeExperiment(tempDir(), { omit: ['lr2/finetune.yaml', 'lr2/finetune.slurm', 'lr1/finetune.slurm'] })
    const r = await runAction({ inputs: localInputs(exp) })
    assert.equal(r.code, 1)
    assert.equal(r.outputs['status'], 'invalid')
    assert.match(r.summary, /lr1: lr1\/finetune\.slurm|run lr1: lr1\/finetune\.slurm/)
    assert.match(r.summary, /lr2\/finetune\.yaml, lr2\/finetune\.slurm/)
    assert.equal(executions(exp).length, 0)
    assert.ok(!existsSync(join(exp, '.run-experiment')))
  })

  it('a missing evaluation script skips that cell only, named in a warning', async () => {
    const exp = makeExperiment(tempDir(), { omit: ['base/eval/caps/cell.slurm'] })
    const r = await runAction({ inputs: localInputs(exp) })
    assert.equal(r.outputs['status'], 'partial')
    assert.equal(r.outputs['runs-succeeded'], '2')
    assert.equal(r.outputs['evals-skipped'], '1')
    assert.equal(r.outputs['evals-succeeded'], '3')
    assert.ok(r.annotations.some((a) => a.kind === 'warning' && a.message.includes('base/eval/caps/cell.slurm')))
    assert.match(r.summary, /base\/caps — no job script \(base\/eval\/caps\/cell\.slurm/)
    assert.equal(executions(exp).filter((l) => l.startsWith('eval')).length, 3)
  })

  it('stages a checkout into an absolute experiment.dir; a script edited after success runs again', async () => {
    const runDir = join(tempDir(), 'scratch', 'exp')
    const checkout = makeExperiment(tempDir(), { dir: runDir, runs: [{ name: 'a', lr: 1, epochs: [0] }] })
    const r = await runAction({ inputs: localInputs(checkout) })
    assert.equal(r.outputs['status'], 'success', r.summary)
    assert.equal(r.outputs['experiment-dir'], runDir)
    assert.ok(existsSync(join(runDir, 'a/artifacts/epoch_0/adapter_model.safetensors')))
    assert.ok(existsSync(join(runDir, 'run-experiment.log')))
    assert.ok(!existsSync(join(checkout, 'a/artifacts')))
    // A fresh checkout whose script differs from the one the successful job ran with.
    writeFileSync(
      join(checkout, 'a/finetune.slurm'),
      `${readFileSync(join(checkout, 'a/finetune.slurm'), 'utf8')}\n# edited\n`,
    )
    const again = await runAction({ inputs: localInputs(checkout) })
    assert.equal(again.outputs['status'], 'success', again.summary)
    // Staged (no job runs with it now), and the job that ran with the old version runs again (#9, defect 5).
    assert.ok(readFileSync(join(runDir, 'a/finetune.slurm'), 'utf8').includes('# edited'))
    assert.ok(!again.annotations.some((x) => /staging conflict/.test(x.message)))
    assert.equal(executions(runDir).filter((l) => l.startsWith('train a ')).length, 2)
    assert.match(again.summary, /- a — a\/finetune\.slurm changed since it ran/)
  })
})

describe('invalid input', () => {
  it('an invalid experiment gives annotations on the right lines and submits nothing', async () => {
    const exp = makeExperiment(tempDir())
    const path = join(exp, 'experiment_summary.yaml')
    const text = readFileSync(path, 'utf8')
      .replace('type: control', 'type: baseline')
      .replace('- run: lr2', '- run: lr9')
    writeFileSync(path, text)
    const lines = text.split('\n')
    const r = await runAction({ inputs: localInputs(exp), workspace: exp })
    assert.equal(r.code, 1)
    assert.equal(r.outputs['status'], 'invalid')
    const errors = r.annotations.filter((a) => a.kind === 'error')
    assert.ok(errors.length >= 1)
    const typeErr = errors.find((a) => a.message.includes('runs[2].type'))
    assert.ok(typeErr, JSON.stringify(errors))
    assert.equal(typeErr.file, 'experiment_summary.yaml')
    assert.equal(Number(typeErr.line), lines.findIndex((l) => l.includes('type: baseline')) + 1)
    assert.equal(executions(exp).length, 0)
    assert.ok(!existsSync(join(exp, '.run-experiment')))
    // Fix the type: the cross-check error points at the matrix line.
    writeFileSync(path, text.replace('type: baseline', 'type: control'))
    const r2 = await runAction({ inputs: localInputs(exp), workspace: exp })
    const runErr = r2.annotations.find((a) => a.kind === 'error' && a.message.includes('lr9'))
    assert.ok(runErr)
    assert.equal(Number(runErr.line), text.split('\n').findIndex((l) => l.includes('- run: lr9')) + 1)
  })

  it('bad inputs name the input and what is allowed', async () => {
    const exp = makeExperiment(tempDir())
    const r = await runAction({ inputs: localInputs(exp, { 'poll-interval': 'abc', phases: 'train' }) })
    assert.equal(r.state['isPost'], 'true', 'even a run that stops at once tells the post step what it is')
    assert.equal(r.outputs['status'], 'invalid')
    assert.ok(r.annotations.some((a) => /poll-interval must be a number/.test(a.message)))
    assert.ok(
      r.annotations.some((a) => /phases must be one of all, optimize, evaluate \(got "train"\)/.test(a.message)),
    )
    assert.equal(executions(exp).length, 0)
  })

  it('no experiment_summary.yaml: suggests the design step', async () => {
    const dir = tempDir()
    const r = await runAction({ inputs: localInputs(dir) })
    assert.equal(r.outputs['status'], 'invalid')
    assert.match(r.summary, /no experiment_summary\.yaml in .*design-experiment/)
    assert.deepEqual(readdirSync(dir), [])
  })

  it('executor slurm without SLURM fails at once and names the alternatives', async () => {
    const exp = makeExperiment(tempDir())
    const r = await runAction({ inputs: { 'experiment-dir': exp }, env: { PATH: '/nonexistent' } })
    assert.equal(r.outputs['status'], 'failed')
    assert.match(r.summary, /no SLURM client/)
    assert.match(r.summary, /executor: local/)
    assert.equal(executions(exp).length, 0)
  })
})
