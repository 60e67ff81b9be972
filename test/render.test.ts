/**
 * What a reader sees: the job summary of a real run (the built action, local executor) and the
 * compute table, rendered as GitHub would (GFM to HTML, mermaid drawing the charts, Chromium laying
 * out the page), checked as rendered HTML: table cells, the bars mermaid drew and what they stand
 * for. Needs `bash scripts/render-setup.sh` (npm test runs it).
 */
import { before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { localInputs, runAction, type ActionResult } from './helpers/action.ts'
import { makeExperiment, tempDir } from './helpers/experiment.ts'
import { pullRequestEvent, useGithubApi } from './helpers/github-api.ts'
import { renderMarkdown, renderToolsMissing, type RenderedFacts } from './helpers/render.ts'
import { commentBody } from '../src/report/comment.ts'
import { computeMarkdown, computeRows } from '../src/report/compute.ts'
import { finalCommentMarkdown } from '../src/report/live.ts'
import { jobSummaryMarkdown, resultsMarkdown, resultsTable } from '../src/report/summary.ts'
import { hostileReport, INJECTION } from './helpers/report.ts'
import { parseSacctUsage } from '../src/scheduler/usage.ts'

const missing = renderToolsMissing()
if (missing) throw new Error(`rendering tools missing: ${missing}`)

describe('the job summary as GitHub renders it', () => {
  let run: ActionResult
  let page: RenderedFacts
  before(async () => {
    const exp = makeExperiment(tempDir(), { tasks: ['caps', 'ood'] })
    run = await runAction({ inputs: localInputs(exp) })
    assert.equal(run.code, 0, run.stdout + run.stderr)
    page = await renderMarkdown(run.summary)
  })

  it('has the sections a reader looks for', () => {
    for (const h of ['Run Experiment Complete', 'Optimization Results', 'Evaluation Results', 'Results', 'Total Time'])
      assert.ok(page.headings.includes(h), `heading ${h} in ${page.headings.join(' | ')}`)
    assert.match(page.text, /Status:\s*✅ success/)
  })

  it('shows the results table with one row per run and the metric of each cell', () => {
    const table = page.tables.find((t) => t[0]?.[0] === 'Run')
    assert.ok(table, `no results table among ${page.tables.length}`)
    const [header = [], ...rows] = table
    assert.deepEqual(header.slice(-6), [
      'caps @ epoch 0',
      'caps @ epoch 1',
      'ood @ epoch 0',
      'ood @ epoch 1',
      'caps',
      'ood',
    ])
    assert.deepEqual(
      rows.map((r) => r[0]),
      ['lr1', 'lr2', 'base'],
    )
    const cell = (run: string, col: string): string => {
      const row = rows.find((r) => r[0] === run) ?? []
      return row[header.indexOf(col)] ?? `(no column ${col})`
    }
    // The fixture's .eval logs score 0.5 + epoch/10 (± 0.05).
    assert.equal(cell('lr1', 'caps @ epoch 0'), '0.500 ± 0.050')
    assert.equal(cell('lr1', 'caps @ epoch 1'), '0.600 ± 0.050')
    assert.equal(cell('lr2', 'ood @ epoch 1'), '0.600 ± 0.050')
    assert.equal(cell('base', 'caps'), '0.500 ± 0.050')
  })

  it('draws one bar chart per task whose bars stand for the scores', () => {
    assert.equal(page.charts.length, 2)
    for (const chart of page.charts) {
      assert.equal(chart.error, null)
      assert.deepEqual(chart.xLabels, ['lr1 ep0', 'lr1 ep1', 'lr2 ep1', 'base'])
      const want = [0.5, 0.6, 0.6, 0.5]
      assert.equal(chart.bars.length, want.length)
      chart.bars.forEach((b, i) => {
        assert.ok(Math.abs(b.value - (want[i] ?? NaN)) < 0.01, `${chart.title} ${b.label}: drawn ${b.value}`)
        assert.ok(b.height > 0)
      })
    }
    assert.deepEqual(
      page.charts.map((c) => c.title),
      ['caps: match accuracy', 'ood: match accuracy'],
    )
  })
})

const github = useGithubApi()

describe('the pull-request comment as GitHub renders it', () => {
  it('shows status, the failed condition, the results table, the chart, and compute folded', async () => {
    const exp = makeExperiment(tempDir(), { tasks: ['caps'] })
    const run = await runAction({
      inputs: localInputs(exp, { 'github-token': 'write-token', require: 'fine-tuned > control' }),
      eventName: 'pull_request',
      event: pullRequestEvent(7),
      env: { GITHUB_API_URL: github().url },
    })
    assert.equal(run.outputs['status'], 'failed', run.stdout)
    const [comment] = github().comments
    assert.ok(comment)
    const page = await renderMarkdown(comment.body)
    assert.deepEqual(page.headings.slice(0, 3), [
      '🧪 Experiment fixture: ❌ failed',
      'Required conditions (0/1 met)',
      'Results',
    ])
    assert.match(page.text, /❌ fine-tuned > control — 1 of 3 do not hold: lr1\/caps\/epoch0: 0\.5 is not > 0\.5/)
    assert.ok(!page.text.includes('<!--'), 'the marker is hidden')
    const [results] = page.tables
    assert.ok(results)
    assert.deepEqual(results[0]?.slice(0, 2), ['Run', 'Type'])
    assert.deepEqual(
      results.slice(1).map((r) => r[0]),
      ['lr1', 'lr2', 'base'],
    )
    const [chart] = page.charts
    assert.ok(chart && page.charts.length === 1)
    assert.equal(chart.error, null)
    assert.deepEqual(
      chart.bars.map((b) => Math.round(b.value * 100) / 100),
      [0.5, 0.6, 0.6, 0.5],
    )
    assert.deepEqual(page.details, ['Compute: 6 jobs, 0.00 GPU-hours'])
    const compute = page.tables.find((t) => t[0]?.[0] === 'Job')
    assert.equal(compute?.length, 1 + 6 + 3, 'a row per job, then totals per phase and overall')
    assert.deepEqual(
      page.links.map((l) => l.text),
      ['workflow run'],
    )
  })
})

describe('the compute table as GitHub renders it', () => {
  it('has a row per job and a total per phase and overall', async () => {
    const usage = parseSacctUsage(
      [
        '81234|COMPLETED|1000|1600|16360|14760|billing=4,gres/gpu=1,node=1|',
        '81234.batch|COMPLETED|1000|1600|16360|14760|gres/gpu=1,node=1|30G',
        '81300|COMPLETED|20000|20060|20660|600|billing=1,gres/gpu=2,node=1|',
      ].join('\n'),
    )
    const md = computeMarkdown(
      computeRows(
        [
          { phase: 'optimize', display: 'lr1e-3', jobId: '81234' },
          { phase: 'evaluate', display: 'lr1e-3/capitalize/epoch1', jobId: '81300' },
        ],
        usage,
        new Map(),
        0,
      ),
    )
    const page = await renderMarkdown(`### Compute\n\n${md}\n`)
    const [table] = page.tables
    assert.ok(table)
    assert.deepEqual(table[0], [
      'Job',
      'Phase',
      'Job ID',
      'State',
      'Queue wait',
      'Wall time',
      'GPUs',
      'GPU-hours',
      'Peak memory',
    ])
    assert.deepEqual(table[1], ['lr1e-3', 'optimize', '81234', 'COMPLETED', '10m 00s', '4h 06m', '1', '4.10', '30 GiB'])
    assert.deepEqual(table[2]?.slice(5, 8), ['10m 00s', '2', '0.33'])
    assert.deepEqual(
      table.slice(3).map((r) => [r[0], r[7]]),
      [
        ['Total optimize', '4.10'],
        ['Total evaluate', '0.33'],
        ['Total', '4.43'],
      ],
    )
  })
})

describe('text from an experiment as GitHub renders it: only text', () => {
  it('the job summary, summary.md and the comment, the injection in every field: no link, emphasis, image or mention', async () => {
    const r = hostileReport()
    const exp = r.experiment
    assert.ok(exp)
    const links = {
      run: 'https://github.com/lab/experiments/actions/runs/1',
      artifact: (id: number) => `https://github.com/lab/experiments/actions/runs/1/artifacts/${id}`,
    }
    const ours = [links.run, links.artifact(7)]
    const withArtifact = { ...r, artifact: { id: 7, name: `${INJECTION} artifact` } }
    const pages = {
      'job summary': jobSummaryMarkdown(withArtifact, resultsTable(exp, r)),
      'summary.md': resultsMarkdown(r).markdown,
      comment: commentBody('exp/experiment_summary.yaml', finalCommentMarkdown(withArtifact, links)),
    }
    const visible = INJECTION.split('\n')[0]?.trim() ?? ''
    for (const [what, markdown] of Object.entries(pages)) {
      const page = await renderMarkdown(markdown)
      const made = (tags: string[]) => page.elements.filter((e) => tags.includes(e.tag))
      assert.deepEqual(
        made(['a']).filter((a) => !ours.includes(a.ref ?? '')),
        [],
        `${what}: our links only`,
      )
      assert.deepEqual(
        made(['img']).filter((i) => i.ref !== 'results.svg'),
        [],
        `${what}: our chart only`,
      )
      assert.deepEqual(made(['script', 'iframe', 'em', 'del', 's', 'blockquote', 'input']), [], `${what}: no markup`)
      // Our own bold labels and headings hold none of the text; no list item or quote starts from it.
      for (const e of made(['strong', 'h1', 'h2', 'h3', 'h4', 'summary']))
        assert.ok(!/Approved by|Injected heading/.test(e.text), `${what}: <${e.tag}> ${e.text}`)
      assert.deepEqual(
        made(['li']).filter((e) => /^\s*injected/.test(e.text)),
        [],
        what,
      )
      // What GitHub links after rendering (mentions, references, bare URLs) has a joiner in it, outside code.
      for (const link of [/@[A-Za-z0-9]/, /#\d/, /GH-\d/i, /https?:\/\//, /www\./i])
        assert.doesNotMatch(page.textOutsideCode, link, what)
      // The text is there, as written.
      assert.ok(page.text.replace(/\u200D/g, '').includes(visible), `${what} shows the text as it is`)
      for (const table of page.tables) {
        const width = table[0]?.length
        assert.ok(
          table.every((row) => row.length === width),
          `${what}: every row of a table has its header's cells`,
        )
      }
      assert.ok(
        page.charts.every((c) => c.error === null),
        JSON.stringify(page.charts.map((c) => c.error)),
      )
    }
  })
})
