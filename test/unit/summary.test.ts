/**
 * What the job summary, summary.md and the results table say about an experiment's results, and how
 * the checklist judges what the experiment defines (a sweep that evaluates only some of its runs).
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { LogFile } from '../../src/engine/log.ts'
import { compactNames } from '../../src/report/checklist.ts'
import { conclude } from '../../src/pipeline/conclude.ts'
import { finalCommentMarkdown } from '../../src/report/live.ts'
import { mdText } from '../../src/report/markdown.ts'
import type { RunReport } from '../../src/report/model.ts'
import { jobSummaryMarkdown, resultsTable } from '../../src/report/summary.ts'
import { bindGates, parseRequire } from '../../src/require/gates.ts'
import { applyRequirements } from '../../src/require/requirements.ts'
import { inspect } from '../../src/tools/inspect.ts'
import { torchtune } from '../../src/tools/torchtune.ts'
import { FakeScheduler } from '../helpers/fake-scheduler.ts'
import { MemoryTransport } from '../helpers/memory-transport.ts'
import { evaluated, experimentOf, reportOf, trained } from '../helpers/report.ts'

describe('the results table', () => {
  it("labels a cell by its headline metric's key alone, never by the scorer's name", () => {
    const runDir = '/scratch/exp'
    const exp = experimentOf(
      [
        { name: 'a', type: 'fine-tuned', parameters: {} },
        { name: 'b', type: 'fine-tuned', parameters: {} },
        { name: 'c', type: 'fine-tuned', parameters: {} },
      ],
      [
        { run: 'a', task: 'caps', epoch: 0 },
        { run: 'b', task: 'caps', epoch: 0 },
        { run: 'c', task: 'caps', epoch: 0 },
      ],
    )
    const r = reportOf(
      exp,
      ['a', 'b', 'c'].map((run) => trained(run, runDir)),
      [
        // A scorer whose name holds "mean" reports f1: the cell says f1.
        evaluated({ run: 'a', task: 'caps', epoch: 0 }, runDir, [{ name: 'mean_check', metrics: { f1: 0.8 } }]),
        // A scorer named after another metric reporting a mean: a share, shown bare.
        evaluated({ run: 'b', task: 'caps', epoch: 0 }, runDir, [{ name: 'f1_scorer', metrics: { mean: 0.7 } }]),
        evaluated({ run: 'c', task: 'caps', epoch: 0 }, runDir, [
          { name: 'accuracy_like', metrics: { accuracy: 0.6, stderr: 0.05 } },
        ]),
      ],
    )
    const rows = resultsTable(exp, r)
      .split('\n')
      .slice(2)
      .map((line) => line.split(' | ').pop()?.replace(/ \|$/, ''))
    assert.deepEqual(rows, ['f1 0.800', '0.700', '0.600 ± 0.050'])
  })

  it('shows what became of each cell, and the require conditions read the same', () => {
    const runDir = '/scratch/exp'
    const names = ['a', 'b', 'c', 'd']
    const cell = (run: string) => ({ run, task: 'caps', epoch: 0 })
    const exp = experimentOf(
      names.map((name) => ({ name, type: 'fine-tuned' as const, parameters: {} })),
      names.map(cell),
    )
    const skip = (run: string) => ({
      display: `${run}/caps/epoch0`,
      run,
      task: 'caps',
      epoch: 0,
      reason: 'no checkpoint',
    })
    // a: skipped, then evaluated (its outcome stands); b: skipped; c: nothing; d: still running.
    const r = reportOf(
      exp,
      names.map((run) => trained(run, runDir)),
      [evaluated(cell('a'), runDir), evaluated(cell('d'), runDir, [], { result: 'detached', state: 'RUNNING' })],
      { skippedEvals: [skip('a'), skip('b')] },
    )
    const rows = resultsTable(exp, r)
      .split('\n')
      .slice(2)
      .map((line) => line.split(' | ').pop()?.replace(/ \|$/, ''))
    assert.deepEqual(rows, ['0.800 ± 0.050', 'skipped', '–', 'running'])
    const parsed = parseRequire('fine-tuned >= 0.5')
    const bound = parsed.ok ? bindGates(parsed.value, exp) : parsed
    assert.ok(bound.ok)
    applyRequirements(r, bound.value)
    assert.deepEqual(
      r.gates?.[0]?.checks.map((c) => c.missing ?? c.holds),
      [true, 'b/caps/epoch0 skipped', 'c/caps/epoch0 has no result', 'd/caps/epoch0 is still running'],
    )
  })
})

describe('the checklist judges what the experiment defines', () => {
  const runDir = '/scratch/exp'
  const names = Array.from({ length: 30 }, (_, i) => `sweep_${String(i + 1).padStart(2, '0')}`)
  /** 30 fine-tuned runs, every one trained; the matrix evaluates `evaluated` of them, and the base model. */
  async function concluded(evaluatedRuns: string[]): Promise<RunReport> {
    const cells = [
      ...evaluatedRuns.map((run) => ({ run, task: 'caps', epoch: 0 })),
      { run: 'base', task: 'caps', epoch: null },
    ]
    const exp = experimentOf(
      [
        ...names.map((name) => ({ name, type: 'fine-tuned' as const, parameters: {} })),
        { name: 'base', type: 'control', parameters: {} },
      ],
      cells,
    )
    const t = new MemoryTransport()
    const training = names.map((run) => trained(run, runDir))
    const evals = cells.map((c) => evaluated(c, runDir))
    for (const o of [...training, ...evals]) {
      const out = o.output
      if (out?.kind === 'training')
        for (const dir of Object.values(out.checkpoints)) t.put(`${dir}/model.safetensors`, 'w')
      if (out?.kind === 'evaluation') t.put(out.log, 'log')
    }
    t.put(`${runDir}/run-experiment.log`, '')
    const r = reportOf(exp, training, evals)
    await conclude(r, {
      transport: t,
      scheduler: new FakeScheduler(),
      runDir,
      optimizer: torchtune,
      evaluator: inspect,
      gates: [],
      asked: { optimize: true, evaluate: true },
      mainLog: new LogFile(t, `${runDir}/run-experiment.log`),
    })
    return r
  }

  it('30 trained, 3 evaluated: a success, with one warning naming the 27 others compactly', async () => {
    const r = await concluded(names.slice(0, 3))
    assert.equal(r.status, 'success', r.verdict)
    const message = '27 fine-tuned runs are trained but evaluated by no evaluation cell: sweep_{04..30}'
    assert.deepEqual(
      r.warnings.map((w) => w.message),
      [message],
    )
    assert.ok(jobSummaryMarkdown(r).includes(`⚠️ ${mdText(message)}`), 'a line in the job summary')
    assert.ok(finalCommentMarkdown(r, {}).includes(`⚠️ ${mdText(message)}`), 'a line in the comment')
  })

  it('every run evaluated: no warning; none of them evaluated: not a success', async () => {
    const all = await concluded(names)
    assert.equal(all.status, 'success')
    assert.deepEqual(all.warnings, [])
    const none = await concluded([])
    assert.equal(none.status, 'partial')
    assert.match(none.verdict, /no matrix entry evaluates any fine-tuned run/)
    assert.match(none.warnings[0]?.message ?? '', /^30 fine-tuned runs are .*: sweep_\{01\.\.30\}$/)
  })

  it('names runs compactly: ranges of three or more, the rest one by one', () => {
    assert.equal(
      compactNames(['lr_01', 'lr_02', 'lr_03', 'lr_05', 'lr_07', 'lr_08', 'big', 'r9', 'r10', 'r11', 'lr_100']),
      'lr_{01..03}, lr_05, lr_07, lr_08, lr_100, big, r{9..11}',
    )
    assert.equal(compactNames(Array.from({ length: 60 }, (_, i) => `r${i * 2}`)).split(', ').length, 50)
    assert.match(compactNames(Array.from({ length: 60 }, (_, i) => `r${i * 2}`)), / and 10 more$/)
  })
})
