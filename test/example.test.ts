/**
 * The example experiment with the real tools: torchtune fine-tunes a tiny model on CPU, inspect-ai
 * evaluates it, through the built action on the local executor. The fine-tuned runs must beat the
 * base model. Needs the Python tools venv (RUN_EXPERIMENT_VENV, made by scripts/python-env.sh):
 * `npm test` creates it; without it this test fails, it is never skipped.
 */
import { it } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { logBlocks, readText, runAction } from './helpers/action.ts'
import { copyExample, toolsVenv } from './helpers/example.ts'
import { readEvalHeader } from '../src/tools/eval-log.ts'
import { readFileSync } from 'node:fs'

it(
  'runs the capitalize example with real torchtune and inspect-ai; fine-tuned beats the control',
  { timeout: 15 * 60_000 },
  async () => {
    const venv = toolsVenv()
    const exp = copyExample('re-example-')

    const r = await runAction({
      inputs: {
        'experiment-dir': exp,
        executor: 'local',
        'poll-interval': '1',
        'max-poll-interval': '3',
        'max-parallel': '1',
      },
      env: { RUN_EXPERIMENT_VENV: venv },
    })
    assert.equal(r.code, 0, `${r.summary}\n${r.stderr}`)
    assert.equal(r.outputs['status'], 'success')
    assert.equal(r.outputs['runs-succeeded'], '2')
    assert.equal(r.outputs['evals-succeeded'], '3')

    // Real checkpoints.
    for (const run of ['lr3e-4', 'lr1e-3']) {
      const files = readdirSync(join(exp, run, 'artifacts/epoch_1'))
      assert.ok(
        files.some((f) => f.endsWith('.safetensors')),
        `${run}: ${files.join(',')}`,
      )
      assert.ok(files.includes('config.json'))
    }
    // Successful .eval logs, read back in TypeScript (zstd entries).
    const accuracy = new Map<string, number>()
    for (const cell of ['lr3e-4/eval/capitalize_epoch1', 'lr1e-3/eval/capitalize_epoch1', 'base/eval/capitalize']) {
      const logs = readdirSync(join(exp, cell, 'logs')).filter((f) => f.endsWith('.eval'))
      assert.equal(logs.length, 1, cell)
      const h = await readEvalHeader(readFileSync(join(exp, cell, 'logs', logs[0] ?? '')))
      assert.ok(h.ok && h.value.status === 'success', JSON.stringify(h))
      accuracy.set(cell.split('/')[0] ?? '', h.value.scores[0]?.metrics['accuracy'] ?? NaN)
    }
    const control = accuracy.get('base') ?? NaN
    for (const run of ['lr3e-4', 'lr1e-3'])
      assert.ok((accuracy.get(run) ?? 0) > control, `${run} ${accuracy.get(run)} <= control ${control}`)

    // Losses and metrics parsed into summary.md and the job summary.
    const summaryMd = readText(join(exp, 'summary.md'))
    const row = (run: string): string => summaryMd.split('\n').find((l) => l.startsWith(`| ${run} |`)) ?? ''
    for (const run of ['lr3e-4', 'lr1e-3']) {
      const cells = row(run)
        .split('|')
        .map((c) => c.trim())
      assert.equal(cells[2], 'fine-tuned')
      assert.match(cells[4] ?? '', /^\d+\.\d{4}$/, `final loss of ${run}: ${row(run)}`)
      assert.ok(cells[5]?.startsWith((accuracy.get(run) ?? NaN).toFixed(3)), `accuracy of ${run}: ${row(run)}`)
    }
    assert.ok(
      row('base')
        .split('|')
        .map((c) => c.trim())[6]
        ?.startsWith(control.toFixed(3)),
      row('base'),
    )
    assert.ok(summaryMd.includes('![results'), 'summary.md links the chart')
    assert.ok(existsSync(join(exp, 'results.svg')))
    assert.match(r.summary, /lr1e-3 — job \d+, [\dhms ]+, final loss 0\.0\d{3}/)
    assert.match(r.summary, /```mermaid\nxychart-beta/)
    console.log(`accuracies: ${[...accuracy].map(([k, v]) => `${k}=${v}`).join(', ')}`)

    // Logs in the required format.
    const main = logBlocks(readText(join(exp, 'run-experiment.log')))
    assert.ok(main.filter((b) => b.action === 'CHECK').every((b) => b.lines.at(-1) === 'Result: ✓'))
    const tt = logBlocks(readText(join(exp, 'logs/run-torchtune.log')))
    assert.deepEqual(
      tt.filter((b) => b.action === 'SUBMIT_JOB').map((b) => b.description),
      ['lr3e-4', 'lr1e-3'],
    )
    const ins = logBlocks(readText(join(exp, 'logs/run-inspect.log')))
    assert.equal(ins.filter((b) => b.action === 'SUBMIT_EVAL').length, 3)
  },
)
