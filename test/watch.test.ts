/**
 * Watching a run from GitHub, through the built action on the local executor: progress lines in
 * the log and the module logs, the sticky pull-request comment (against the REST stand-in), the
 * require gates deciding the check, and the compute table.
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { localInputs, logBlocks, readText, runAction, type ActionRun } from './helpers/action.ts'
import { executions, makeExperiment, tempDir } from './helpers/experiment.ts'
import { pullRequestEvent, useGithubApi } from './helpers/github-api.ts'

const github = useGithubApi()

/** A pull_request run of one experiment (explicit experiment-dir: no git diff needed). */
function onPullRequest(exp: string, inputs: Record<string, string> = {}): ActionRun {
  return {
    inputs: localInputs(exp, { 'github-token': 'write-token', ...inputs }),
    eventName: 'pull_request',
    event: pullRequestEvent(7),
    env: { GITHUB_API_URL: github().url },
  }
}

const bodies = (): string[] => github().comments.map((c) => c.body)

// The fixture's evaluations score 0.5 + epoch/10; the control `base` scores 0.5. So lr1 at epoch 0
// ties the control and every other fine-tuned cell beats it.
describe('require: the status check says whether fine-tuning beat the control', () => {
  it('fails the step when a fine-tuned cell does not beat the control, naming it', async () => {
    const exp = makeExperiment(tempDir())
    const r = await runAction(onPullRequest(exp, { require: 'fine-tuned > control\ncaps >= 0.5' }))
    assert.equal(r.code, 1, r.stdout)
    assert.equal(r.outputs['status'], 'failed')
    assert.equal(r.outputs['evals-succeeded'], '4', 'every job succeeded: only the gate failed')
    const gates = JSON.parse(r.outputs['gates'] ?? '[]') as { condition: string; passed: boolean; checks: unknown[] }[]
    assert.deepEqual(
      gates.map((g) => [g.condition, g.passed, g.checks.length]),
      [
        ['fine-tuned > control', false, 3],
        ['caps >= 0.5', true, 3],
      ],
    )
    const annotation = r.annotations.find((a) => a.kind === 'error' && /fine-tuned > control/.test(a.message))
    assert.ok(annotation, JSON.stringify(r.annotations))
    assert.match(annotation.message, /lr1\/caps\/epoch0: 0\.5 is not > 0\.5 \(base\/caps\)/)
    assert.match(r.summary, /### Required conditions \(1\/2 met\)/)
    assert.match(r.summary, /❌ `fine-tuned > control`/)
    assert.match(r.summary, /✅ `caps >= 0\.5`/)
    // The comment says the same.
    const [body = ''] = bodies()
    assert.match(body, /❌ failed/)
    assert.match(body, /#### Required conditions \(1\/2 met\)/)
  })

  it('passes when every condition holds; fail-on never lets a failing gate pass the step', async () => {
    const exp = makeExperiment(tempDir())
    const ok = await runAction(onPullRequest(exp, { require: 'fine-tuned >= control' }))
    assert.equal(ok.code, 0, ok.stdout)
    assert.equal(ok.outputs['status'], 'success')
    const never = await runAction(onPullRequest(exp, { require: 'lr2 > lr1 + 0.5', 'fail-on': 'never' }))
    assert.equal(never.code, 0)
    assert.equal(never.outputs['status'], 'failed')
    assert.equal(executions(exp).length, 6, 'the re-runs ran nothing again')
  })

  it('refuses a bad condition or a name the experiment lacks before anything runs', async () => {
    const exp = makeExperiment(tempDir())
    const bad = await runAction(onPullRequest(exp, { require: 'caps >= 0.8\nfine-tuned >> control' }))
    assert.equal(bad.outputs['status'], 'invalid')
    assert.match(
      bad.annotations.map((a) => a.message).join('\n'),
      /input require: "fine-tuned >> control" \(line 2, column 13\): expected a reference or a number after ">", not ">"/,
    )
    const unknown = await runAction(onPullRequest(exp, { require: 'capitalize >= 0.8' }))
    assert.equal(unknown.outputs['status'], 'invalid')
    assert.match(unknown.annotations.map((a) => a.message).join('\n'), /"capitalize" is not fine-tuned, control/)
    assert.equal(executions(exp).length, 0, 'nothing was submitted')
  })
})

describe('progress in the log', () => {
  it('prints a line per change with details folded, and the same lines in the module logs', async () => {
    const exp = makeExperiment(tempDir(), { sleep: 1 })
    const r = await runAction({ inputs: localInputs(exp) })
    assert.equal(r.code, 0, r.stdout + r.stderr)
    const lines = r.stdout.split('\n')
    const progress = lines.filter((l) => /^(optimize|evaluate): \d+\/\d+ done/.test(l))
    assert.ok(
      progress.some((l) => /^optimize: 0\/2 done, (2 running|1 running, 1 queued|2 queued)/.test(l)),
      progress.join('\n'),
    )
    assert.ok(
      progress.some((l) => /^optimize: 2\/2 done · \d+s/.test(l)),
      progress.join('\n'),
    )
    assert.ok(
      progress.some((l) => /^evaluate: 4\/4 done · /.test(l)),
      progress.join('\n'),
    )
    assert.ok(
      progress.some((l) => / COMPLETED \(job \d+, \d+s\)/.test(l)),
      'a change names the job',
    )
    assert.ok(lines.includes('::group::optimize: 2 jobs') && lines.includes('::endgroup::'))
    // The module log has the same lines, as STATUS_CHECK blocks.
    const tt = logBlocks(
      readText(join(exp, 'logs', 'run-torchtune.log')) || readText(join(exp, 'logs/run-torchtune.log')),
    )
    const checks = tt.filter((b) => b.action === 'STATUS_CHECK')
    assert.ok(checks.length >= 2, tt.map((b) => b.action).join(','))
    assert.equal(checks.length, progress.filter((l) => l.startsWith('optimize:')).length)
    assert.ok(checks.every((b) => !b.lines.some((l) => l.startsWith('Job ID:'))))
  })
})

describe('the sticky pull-request comment', () => {
  it('is created once, updated at each phase boundary and at the end, and found again by a re-run', async () => {
    const exp = makeExperiment(tempDir())
    const r = await runAction(onPullRequest(exp))
    assert.equal(r.code, 0, r.stdout)
    assert.equal(github().comments.length, 1)
    const writes = github().calls.filter((c) => !c.startsWith('GET'))
    assert.equal(writes.filter((c) => c.startsWith('POST')).length, 1)
    assert.ok(writes.filter((c) => c.startsWith('PATCH')).length >= 3, writes.join('\n'))
    const body = bodies()[0] ?? ''
    assert.match(body, /^<!-- run-experiment:sticky /)
    assert.match(body, /### 🧪 Experiment `fixture`: ✅ success/)
    assert.match(body, /\| Run \| Type \|/)
    assert.match(body, /```mermaid/)
    assert.match(body, /<summary>Compute: 6 jobs, 0\.00 GPU-hours<\/summary>/)
    assert.match(body, /\[workflow run\]\(https:\/\/github\.com\/lab\/experiments\/actions\/runs\/1\)/)

    const again = await runAction(onPullRequest(exp))
    assert.equal(again.code, 0)
    assert.equal(github().comments.length, 1, 'the re-run updated the same comment')
  })

  it('with a read-only token: one warning, and the run succeeds', async () => {
    const exp = makeExperiment(tempDir())
    const r = await runAction(onPullRequest(exp, { 'github-token': 'read-token' }))
    assert.equal(r.code, 0, r.stdout)
    assert.equal(r.outputs['status'], 'success')
    const warnings = r.annotations.filter((a) => a.kind === 'warning' && /pull-requests: write/.test(a.message))
    assert.equal(warnings.length, 1, JSON.stringify(r.annotations))
    assert.equal(github().comments.length, 0)
  })

  it('on-failure: no comment for a run that passes; never: no request at all', async () => {
    const exp = makeExperiment(tempDir())
    await runAction(onPullRequest(exp, { comment: 'on-failure' }))
    assert.equal(github().comments.length, 0)
    const failing = makeExperiment(tempDir(), { failTraining: ['lr2'] })
    await runAction(onPullRequest(failing, { comment: 'on-failure' }))
    assert.equal(github().comments.length, 1)
    assert.match(bodies()[0] ?? '', /#### What failed/)
    github().calls.length = 0
    await runAction(onPullRequest(makeExperiment(tempDir()), { comment: 'never' }))
    assert.deepEqual(github().calls, [])
  })
})

describe('compute', () => {
  it('reads the GPU samples a job wrote (cruijff_kit gpu_metrics.csv), keeping only its own time window', async () => {
    const exp = makeExperiment(tempDir())
    const script = join(exp, 'lr1', 'finetune.slurm')
    const header =
      'timestamp, utilization.gpu [%], utilization.memory [%], memory.used [MiB], memory.total [MiB], power.draw [W]'
    const csv = [
      'mkdir -p artifacts',
      `{ echo "${header}"`,
      '  echo "1999/01/01 00:00:00.000, 5 %, 1 %, 90000 MiB, 81559 MiB, 60.00 W"', // another job's, long ago
      '  echo "$(date \'+%Y/%m/%d %H:%M:%S.000\'), 87 %, 40 %, 30720 MiB, 81559 MiB, 300.00 W"',
      '} > artifacts/gpu_metrics.csv',
    ].join('\n')
    writeFileSync(script, readFileSync(script, 'utf8').replace('set -e\n', `set -e\n${csv}\n`))
    const r = await runAction({ inputs: localInputs(exp) })
    assert.equal(r.code, 0, r.stdout)
    const header2 = r.summary.split('\n').find((l) => l.startsWith('| Job | Phase |')) ?? ''
    assert.match(header2, /GPU util \(mean\) \| Peak GPU memory \|$/)
    const lr1 = r.summary.split('\n').find((l) => l.startsWith('| lr1 | optimize |')) ?? ''
    assert.match(lr1, /\| 87% \| 30 GiB \|$/)
    const lr2 = r.summary.split('\n').find((l) => l.startsWith('| lr2 | optimize |')) ?? ''
    assert.match(lr2, /\| – \| – \|$/)
  })

  it('lists every job of the pass with its times in the job summary and summary.md (local: no GPUs)', async () => {
    const exp = makeExperiment(tempDir())
    const r = await runAction({ inputs: localInputs(exp) })
    assert.equal(r.code, 0)
    assert.match(r.summary, /### Compute/)
    const rows = r.summary
      .split('\n')
      .filter((l) => /^\| (lr1|lr2|base)/.test(l) && /\| (optimize|evaluate) \|/.test(l))
    assert.equal(rows.length, 6, rows.join('\n'))
    assert.ok(
      rows.every((l) => / \| 0 \| 0\.00 \| /.test(l)),
      rows.join('\n'),
    )
    assert.match(readText(join(exp, 'summary.md')), /## Compute/)
  })
})
