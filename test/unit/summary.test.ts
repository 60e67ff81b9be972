/** What the job summary, summary.md and the results table say about an experiment's results. */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { resultsTable } from '../../src/report/summary.ts'
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
})
