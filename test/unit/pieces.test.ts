/**
 * Small pieces, fast: the inputs (and action.yml agreeing with them), the verdict, the eligible cells,
 * the job summary, the log format, and the layering of src/ (no import runs back up, none goes round).
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { parse } from 'yaml'
import { gateEvaluations, trainingFromOutcomes } from '../../src/engine/eligible.ts'
import { formatBlock, formatDuration } from '../../src/engine/log.ts'
import type { JobOutcome } from '../../src/engine/types.ts'
import { readSettings } from '../../src/inputs.ts'
import { INPUTS, OUTPUTS, type InputName } from '../../src/names.ts'
import type { RunReport } from '../../src/report/model.ts'
import { jobSummaryMarkdown, resultsMarkdown } from '../../src/report/summary.ts'
import { countOutcomes, shouldFail, statusOf } from '../../src/report/verdict.ts'
import { err, ok } from '../../src/result.ts'
import type { PlannedJob } from '../../src/tools/tool.ts'

const ROOT = join(import.meta.dirname, '..', '..')

describe('inputs', () => {
  it('action.yml declares exactly the inputs, defaults and outputs of src/names.ts', () => {
    const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
      inputs: Record<string, { default?: string }>
      outputs: Record<string, unknown>
    }
    const declared = Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, v.default ?? '']))
    assert.deepEqual(declared, { ...INPUTS })
    assert.deepEqual(Object.keys(action.outputs).sort(), [...OUTPUTS].sort())
  })

  it('defaults apply to empty inputs, and every bad value is named', () => {
    const given: Partial<Record<InputName, string>> = { 'poll-interval': 'soon', executor: 'pbs', 'ssh-host': 'x' }
    const r = readSettings((n) => given[n] ?? '')
    assert.ok(!r.ok)
    const fields = r.error.map((p) => p.field).sort()
    assert.deepEqual(fields, ['executor', 'poll-interval', 'ssh-known-hosts', 'ssh-private-key', 'ssh-user'])
    assert.match(r.error.find((p) => p.field === 'executor')?.message ?? '', /one of slurm, local/)
    const d = readSettings(() => '')
    assert.ok(d.ok)
    assert.equal(d.value.executor, 'slurm')
    assert.equal(d.value.maxSubmit, 25)
    assert.equal(d.value.localTimeLimit, 24 * 3600)
  })

  it('local-time-limit takes SLURM time formats, 0 and unlimited; anything else is named', () => {
    const limit = (v: string): number | string => {
      const r = readSettings((n) => (n === 'local-time-limit' ? v : ''))
      return r.ok ? r.value.localTimeLimit : r.error.map((p) => `${p.field}: ${p.message}`).join('; ')
    }
    assert.equal(limit('2-00:00:00'), 2 * 86400)
    assert.equal(limit('90'), 90 * 60)
    assert.equal(limit('0'), 0)
    assert.equal(limit('unlimited'), 0)
    assert.match(String(limit('1h')), /^local-time-limit: .*SBATCH --time.*"1h"/)
  })

  it('the caps on one experiment are whole numbers of at least 1', () => {
    const d = readSettings(() => '')
    assert.ok(d.ok)
    assert.deepEqual([d.value.maxSummaryBytes, d.value.maxCells, d.value.maxJobs], [262144, 2000, 2000])
    const given: Partial<Record<InputName, string>> = {
      'max-summary-bytes': '1e6',
      'max-cells': '0',
      'max-jobs': '2.5',
    }
    const r = readSettings((n) => given[n] ?? '')
    assert.ok(!r.ok)
    assert.deepEqual(
      r.error.map((p) => p.message),
      [
        'input max-cells must be a whole number of at least 1 (got "0")',
        'input max-jobs must be a whole number of at least 1 (got "2.5")',
      ],
    )
  })
})

const job = (run: string, epoch: number | null = null): PlannedJob => ({
  key: `${run}/x`,
  display: epoch === null ? `${run}/caps` : `${run}/caps/epoch${epoch}`,
  run,
  cell: { run, task: 'caps', epoch },
  dir: run,
  script: 'cell.slurm',
  inputs: [],
})
const outcome = (run: string, result: JobOutcome['result'], extra: Partial<JobOutcome> = {}): JobOutcome => ({
  job: { ...job(run), cell: undefined, display: run },
  result,
  resolution: 'submitted',
  state: result === 'succeeded' ? 'COMPLETED' : 'FAILED',
  jobId: '1',
  attempt: 1,
  ...extra,
})

describe('verdict and eligible cells', () => {
  it('success, partial, failed, and fail-on', () => {
    const all = countOutcomes([outcome('a', 'succeeded')], [outcome('a', 'succeeded')], [])
    assert.deepEqual(statusOf(all), { status: 'success', verdict: 'all 2 jobs succeeded' })
    const some = countOutcomes([outcome('a', 'succeeded'), outcome('b', 'failed')], [], [])
    assert.equal(statusOf(some).status, 'partial')
    assert.match(statusOf(some).verdict, /1 of 2 fine-tuning runs failed/)
    assert.equal(statusOf(countOutcomes([outcome('b', 'failed')], [], [])).status, 'failed')
    assert.equal(shouldFail({ status: 'partial' }, 'any-failure'), true)
    assert.equal(shouldFail({ status: 'partial' }, 'all-failed'), false)
    assert.equal(shouldFail({ status: 'invalid' }, 'never'), true)
  })

  it('cells of failed or missing training are skipped with the reason; controls always run', () => {
    const verdicts = trainingFromOutcomes([
      outcome('a', 'succeeded'),
      outcome('b', 'failed', { error: 'FAILED (exit 1)' }),
    ])
    const g = gateEvaluations([job('a', 0), job('b', 0), job('c', 1), job('base')], verdicts)
    assert.deepEqual(
      g.runnable.map((j) => j.display),
      ['a/caps/epoch0', 'base/caps'],
    )
    assert.deepEqual(
      g.skipped.map((s) => s.reason),
      ['training of b failed: FAILED (exit 1)', 'training of c did not run'],
    )
    assert.deepEqual(verdicts.get('a'), ok(true))
    assert.deepEqual(verdicts.get('b'), err('training of b failed: FAILED (exit 1)'))
  })
})

describe('report', () => {
  it('the job summary has the requirement sections, the results table and the tools next steps', () => {
    const started = new Date('2026-01-01T00:00:00Z')
    const train = outcome('ft', 'succeeded', {
      attempt: 3,
      retries: [
        { batch_size: 4, gradient_accumulation_steps: 2 },
        { resume_from_epoch: 1, epoch_0_mtime_ms: 5 },
      ],
      output: {
        kind: 'training',
        outputDir: '/r/ft/artifacts',
        checkpoints: { '0': '/r/ft/artifacts/epoch_0' },
        finalLoss: 0.5,
      },
    })
    const evaluation = {
      ...outcome('ft', 'succeeded'),
      job: job('ft', 0),
      output: {
        kind: 'evaluation' as const,
        log: '/r/ft/x.eval',
        status: 'success',
        scores: [{ name: 'match', metrics: { accuracy: 0.75, stderr: 0.05 } }],
      },
    }
    const phase = { startedAt: started, endedAt: new Date(started.getTime() + 65_000), detached: false, submissions: 1 }
    const report: RunReport = {
      status: 'success',
      verdict: 'all 2 jobs succeeded',
      experiment: {
        name: 'e',
        summaryPath: '/r/experiment_summary.yaml',
        sourceDir: '/r',
        tools: { preparation: 'torchtune', evaluation: 'inspect-ai', defaulted: false },
        runs: [{ name: 'ft', type: 'fine-tuned', parameters: { lr: 0.1 } }],
        tasks: [{ name: 'caps' }],
        cells: [{ run: 'ft', task: 'caps', epoch: 0 }],
      },
      experimentName: 'e',
      runDir: '/r',
      startedAt: started,
      endedAt: new Date(started.getTime() + 130_000),
      optimize: { ...phase, outcomes: [train] },
      evaluate: { ...phase, outcomes: [evaluation] },
      skippedEvals: [],
      priorTraining: [],
      counts: countOutcomes([train], [evaluation], []),
      errors: [],
      warnings: [],
      logFiles: ['/r/run-experiment.log'],
      nextSteps: ['View results: `inspect view`'],
      detached: false,
      private: false,
    }
    const table = resultsMarkdown(report).table
    assert.match(table, /\| ft \| fine-tuned \| 0\.1 \| 0\.5000 \| 0\.750 ± 0\.050 \|/)
    const md = jobSummaryMarkdown(report, table)
    for (const heading of [
      '## Run Experiment Complete',
      '### Optimization Results',
      '### Evaluation Results',
      '### Total Time',
      '### Next Steps',
    ]) {
      assert.ok(md.includes(heading), heading)
    }
    assert.match(md, /✓ 1\/1 runs completed successfully\nDuration: 1m 05s/)
    assert.match(md, /1\. View results: `inspect view`\n2\. Analyze results/)
    assert.match(md, /`\/r\/ft\/artifacts\/epoch_0`/)
    assert.match(
      md,
      /- ft — job 1, attempt 3, 1 out-of-memory retry: batch_size → 4, gradient_accumulation_steps → 2; 1 resume: continued from epoch 1,/,
    )
  })

  it('log blocks and durations keep their formats', () => {
    const at = new Date(2026, 0, 2, 3, 4, 5)
    assert.equal(
      formatBlock(
        { action: 'SUBMIT_JOB', description: 'a', details: 'x\ny', lines: ['Job ID: 5'], result: 'success' },
        at,
      ),
      '[2026-01-02 03:04:05] SUBMIT_JOB: a\nDetails: x | y\nJob ID: 5\nResult: success',
    )
    assert.equal(formatDuration(45_000), '45s')
    assert.equal(formatDuration(3 * 3600_000 + 5 * 60_000), '3h 05m')
  })
})

/** Layers, top to bottom: a module imports only from its own folder or from layers below. */
const LAYER: Record<string, number> = {
  'index.ts': 8,
  'main.ts': 7,
  'post.ts': 7,
  'connect.ts': 6,
  locate: 6,
  pipeline: 5,
  'inputs.ts': 4.5,
  'io.ts': 4.5,
  require: 4.25,
  report: 4,
  engine: 3,
  tools: 2,
  scheduler: 2,
  cluster: 1,
  experiment: 1,
  'event.ts': 0.5,
  'github.ts': 0.5,
  'yaml.ts': 0.25,
  'sbatch.ts': 0.25,
  'names.ts': 0,
  'result.ts': 0,
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n)
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : []
  })
}

/** The files of src/ a file imports: `import` and `export ... from` (type-only ones too) and `import()`. */
function importsOf(file: string): { spec: string; to: string }[] {
  const text = readFileSync(file, 'utf8')
  const statics = text.matchAll(/^(?:import|export)\b[^'"]*? from '(\.[^']+)'/gm)
  const dynamics = text.matchAll(/\bimport\('(\.[^']+)'\)/g)
  return [...statics, ...dynamics].map((m) => {
    const spec = m[1] ?? ''
    return { spec, to: join(file, '..', spec).replace(/\.js$/, '.ts') }
  })
}

/** Every circle of imports, each as the chain of files from its first file back to it. */
function circles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = []
  const done = new Set<string>()
  const path: string[] = []
  const visit = (file: string): void => {
    if (done.has(file)) return
    const back = path.indexOf(file)
    if (back >= 0) {
      found.push([...path.slice(back), file])
      return
    }
    path.push(file)
    for (const next of graph.get(file) ?? []) visit(next)
    path.pop()
    done.add(file)
  }
  for (const file of [...graph.keys()].sort()) visit(file)
  return found
}

describe('layering', () => {
  const src = join(ROOT, 'src')
  const files = sources(src)

  it('no import in src/ runs back up: main -> locate/connect -> pipeline -> require -> report -> engine -> tools/scheduler -> cluster/experiment -> event/github', () => {
    const roomOf = (file: string): string => relative(src, file).split('/')[0] ?? ''
    const wrong: string[] = []
    for (const file of files) {
      const from = roomOf(file)
      for (const { spec, to: target } of importsOf(file)) {
        const to = roomOf(target)
        if (to === from) continue
        const a = LAYER[from]
        const b = LAYER[to]
        if (a === undefined || b === undefined) wrong.push(`${relative(src, file)}: unknown room ${from} or ${to}`)
        else if (b >= a) wrong.push(`${relative(src, file)} imports ${spec} (${to} is not below ${from})`)
      }
    }
    assert.deepEqual(wrong, [])
  })

  it('inside a room too, no file imports one that leads back to it (type-only imports included)', () => {
    const graph = new Map(files.map((f) => [f, importsOf(f).map((i) => i.to)]))
    const missing = [...graph].flatMap(([f, tos]) => tos.filter((t) => !graph.has(t)).map((t) => `${f} -> ${t}`))
    assert.deepEqual(missing, [], 'every import names a file of src/')
    assert.deepEqual(
      circles(graph).map((c) => c.map((f) => relative(src, f)).join(' -> ')),
      [],
    )
  })

  it('finds a circle, and names it file by file', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts', 'd.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', []],
    ])
    assert.deepEqual(circles(graph), [['a.ts', 'b.ts', 'c.ts', 'a.ts']])
    assert.deepEqual(
      circles(
        new Map([
          ['a.ts', ['b.ts']],
          ['b.ts', []],
        ]),
      ),
      [],
    )
  })
})
