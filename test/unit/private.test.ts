/**
 * Private experiments (cruijff_kit's `.ck-private`): found in the experiment's directory or a parent up
 * to the workspace root; their job summary, summary.md and comment carry run names and aggregate
 * numbers only, and their artifact the summaries alone.
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { artifactFiles } from '../../src/report/finish.ts'
import { finalCommentMarkdown } from '../../src/report/live.ts'
import { isPrivateExperiment, PRIVATE_MARKER } from '../../src/report/private.ts'
import { jobSummaryMarkdown, resultsMarkdown } from '../../src/report/summary.ts'
import { tempDir } from '../helpers/experiment.ts'
import { evaluated, experimentOf, reportOf, trained } from '../helpers/report.ts'

describe('isPrivateExperiment', () => {
  it('a .ck-private in the directory or a parent up to the workspace root; none above it', () => {
    const base = tempDir()
    const workspace = join(base, 'ws')
    const exp = join(workspace, 'experiments', 'sweep')
    mkdirSync(exp, { recursive: true })
    assert.equal(isPrivateExperiment(exp, workspace), false)
    // Above the workspace root does not count.
    writeFileSync(join(base, PRIVATE_MARKER), '')
    assert.equal(isPrivateExperiment(exp, workspace), false)
    // In the directory, a parent, or the workspace root itself: private, from there and from below.
    for (const level of ['experiments/sweep', 'experiments', '']) {
      const ws = join(tempDir(), 'ws')
      const sweep = join(ws, 'experiments', 'sweep')
      mkdirSync(join(sweep, 'eval'), { recursive: true })
      writeFileSync(join(ws, level, PRIVATE_MARKER), '')
      assert.equal(isPrivateExperiment(sweep, ws), true, `marker in ws/${level}`)
      assert.equal(isPrivateExperiment(join(sweep, 'eval'), ws), true, `marker in ws/${level}, from below`)
    }
  })

  it('an experiment outside the workspace is looked at up to the filesystem root', () => {
    const base = tempDir()
    const exp = join(base, 'scratch', 'exp')
    mkdirSync(exp, { recursive: true })
    const workspace = join(tempDir(), 'ws')
    assert.equal(isPrivateExperiment(exp, workspace), false)
    writeFileSync(join(base, PRIVATE_MARKER), '')
    assert.equal(isPrivateExperiment(exp, workspace), true)
  })
})

describe('the reports of a private experiment', () => {
  const SECRET = 'SAMPLE-TEXT-7f3a'
  const runDir = '/scratch/exp'
  const exp = experimentOf(
    [
      { name: 'lr1', type: 'fine-tuned', parameters: { lr: 0.001 } },
      { name: 'lr2', type: 'fine-tuned', parameters: { lr: 0.002 } },
      { name: 'lr3', type: 'fine-tuned', parameters: { lr: 0.003 } },
    ],
    [
      { run: 'lr1', task: 'caps', epoch: 0 },
      { run: 'lr2', task: 'caps', epoch: 0 },
      { run: 'lr3', task: 'caps', epoch: 0 },
    ],
  )
  const report = (isPrivate: boolean) =>
    reportOf(
      exp,
      [
        trained('lr1', runDir),
        trained('lr2', runDir),
        trained('lr3', runDir, {
          result: 'failed',
          exitCode: 1,
          error: `FAILED (exit 1) — no checkpoint — last output: prompt "${SECRET}"`,
          outputFile: `${runDir}/lr3/slurm-5.out`,
        }),
      ],
      [
        evaluated({ run: 'lr1', task: 'caps', epoch: 0 }, runDir),
        evaluated({ run: 'lr2', task: 'caps', epoch: 0 }, runDir, [], {
          result: 'failed',
          exitCode: 143,
          error: `the newest .eval log has status "error": ValueError: sample ${SECRET}`,
          outputFile: `${runDir}/lr2/eval/slurm-6.out`,
        }),
      ],
      {
        status: 'partial',
        verdict: '1 of 3 fine-tuning runs failed; 1 of 3 evaluations failed; 1 evaluations skipped',
        skippedEvals: [
          {
            display: 'lr3/caps/epoch0',
            run: 'lr3',
            task: 'caps',
            epoch: 0,
            reason: `training of lr3 failed: ${SECRET}`,
          },
        ],
        private: isPrivate,
        artifact: { id: 9, name: 'run-experiment-capitalize-attempt1' },
      },
    )
  const outputs = (isPrivate: boolean): Record<string, string> => {
    const r = report(isPrivate)
    return {
      'job summary': jobSummaryMarkdown(r, resultsMarkdown(r).table),
      'summary.md': resultsMarkdown(r).markdown,
      comment: finalCommentMarkdown(r, {}),
    }
  }

  it('carry run names, states and numbers, and no text from a job output', () => {
    for (const [what, md] of Object.entries(outputs(true))) {
      assert.ok(!md.includes(SECRET), `${what} quotes a job output:\n${md}`)
      assert.match(md, /🔒 Private experiment/, what)
      for (const name of ['lr1', 'lr2', 'lr3']) assert.ok(md.includes(name), `${what} names ${name}`)
      assert.match(md, /0\.800 ± 0\.050/, `${what} has the metric`)
    }
    const summary = outputs(true)['job summary'] ?? ''
    assert.match(summary, /- lr3 — FAILED \(exit 1\)\n/)
    assert.match(summary, /- lr2\/caps\/epoch0 — FAILED \(exit 143\)\n/)
    assert.match(summary, /- lr3\/caps\/epoch0 — the training of lr3 did not succeed\n/)
    assert.match(summary, /Artifact: `run-experiment-capitalize-attempt1` \(id 9\): the summaries only/)
    assert.match(outputs(true)['summary.md'] ?? '', /\| lr3 \| fine-tuning \| FAILED \| exit 1 \|/)
    assert.match(outputs(true)['comment'] ?? '', /- `lr2\/caps\/epoch0`: FAILED \(exit 143\)/)
  })

  it('an experiment that is not private still says why its jobs failed', () => {
    for (const [what, md] of Object.entries(outputs(false))) {
      assert.ok(md.includes(SECRET), `${what} says why`)
      assert.ok(!md.includes('Private experiment'), what)
    }
  })

  it('its artifact holds the summaries alone: no log, state, job output or .eval log', () => {
    const f = {
      moduleFiles: ['run-torchtune.log', 'logs/run-torchtune.state.json'],
      artifact: {
        name: '',
        retentionDays: 0,
        includeEvalLogs: true,
      },
    }
    assert.deepEqual(artifactFiles(f, report(true), ['/tmp/runner/summary.md']), [
      `${runDir}/summary.md`,
      `${runDir}/run-experiment-summary.md`,
      `${runDir}/results.svg`,
      '/tmp/runner/summary.md',
    ])
    const all = artifactFiles(f, report(false))
    for (const file of [
      `${runDir}/run-experiment.log`,
      `${runDir}/logs/run-torchtune.state.json`,
      `${runDir}/lr1/caps/epoch0/logs/x.eval`,
      `${runDir}/lr3/slurm-5.out`,
      `${runDir}/lr2/eval/slurm-6.out`,
    ])
      assert.ok(all.includes(file), `${file} in ${all.join(', ')}`)
  })
})
