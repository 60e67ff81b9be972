/**
 * One escaping policy for every text that reaches markdown: the job summary, summary.md, the comment
 * (final and in progress) and the SVG, rendered from a report whose every field holds markup of every
 * kind, keep none of it live. (test/render.test.ts renders the same report as GitHub would.)
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { LogFile } from '../../src/engine/log.ts'
import type { PhaseSnapshot } from '../../src/engine/types.ts'
import { resultsSvg } from '../../src/report/chart.ts'
import { commentBody, commentMarker, StickyComment } from '../../src/report/comment.ts'
import { finalCommentMarkdown, LiveReport } from '../../src/report/live.ts'
import { markdownTable, mdCode, mdSpans, mdText, mdUrl, xmlText } from '../../src/report/markdown.ts'
import type { RunReport } from '../../src/report/model.ts'
import { jobSummaryMarkdown, resultsMarkdown, resultsTable } from '../../src/report/summary.ts'
import { useGithubApi } from '../helpers/github-api.ts'
import { MemoryTransport } from '../helpers/memory-transport.ts'
import { hostileReport, INJECTION } from '../helpers/report.ts'

const github = useGithubApi()
const JOINER = '\u200D'

/** The text of a code span as CommonMark reads it: between the fences, one padding space stripped from each side. */
function codeSpanContent(span: string): string {
  const fence = /^`+/.exec(span)?.[0] ?? ''
  const inner = span.slice(fence.length, span.length - fence.length)
  return /^ .* $/s.test(inner) && inner.trim() !== '' ? inner.slice(1, -1) : inner
}

/** A line with its code spans (CommonMark: a backtick run closed by the next run of the same length) taken out. */
function outsideCode(line: string): { rest: string; spans: string[] } {
  let rest = ''
  const spans: string[] = []
  let i = 0
  while (i < line.length) {
    const c = line.charAt(i)
    if (c === '\\') {
      rest += line.slice(i, i + 2)
      i += 2
      continue
    }
    if (c !== '`') {
      rest += c
      i++
      continue
    }
    const run = /^`+/.exec(line.slice(i))?.[0] ?? '`'
    const close = new RegExp(`(?<!\`)${run}(?!\`)`, 'g')
    close.lastIndex = i + run.length
    const m = close.exec(line)
    if (!m) {
      rest += run
      i += run.length
      continue
    }
    spans.push(line.slice(i, m.index + run.length))
    i = m.index + run.length
  }
  return { rest, spans }
}

/** Occurrences of `token` not preceded by a backslash escape. */
function unescaped(text: string, token: string): boolean {
  for (let at = text.indexOf(token); at >= 0; at = text.indexOf(token, at + 1)) {
    let slashes = 0
    for (let j = at - 1; j >= 0 && text[j] === '\\'; j--) slashes++
    if (slashes % 2 === 0) return true
  }
  return false
}

/** Pipes that split a table row (not escaped). */
const cellBounds = (line: string): number => [...line.matchAll(/(?<!\\)(?:\\\\)*\|/g)].length

/** Every way the injection could still be markup in `markdown`; empty when none. */
function liveMarkup(markdown: string, what: string): string[] {
  const found: string[] = []
  const lines = markdown.split('\n')
  let header: number | undefined
  let mermaid = false
  lines.forEach((line, n) => {
    const where = `${what} line ${n + 1}: ${line.slice(0, 160)}`
    // A Mermaid block is code to markdown; in it, a label must not end its quotes, the fence or the line.
    if (line === '```mermaid' || (mermaid && line === '```')) {
      mermaid = !mermaid
      return
    }
    if (mermaid) {
      if (/`|%%/.test(line) || (line.match(/"/g) ?? []).length % 2 !== 0) found.push(`a label breaks out: ${where}`)
      return
    }
    if (/^\s*(#+ Injected|[-*+] injected|> injected|\|? ?injected \|)/.test(line))
      found.push(`a block from the text: ${where}`)
    const { rest } = outsideCode(line)
    for (const token of [
      '**✅',
      '[weights]',
      '](https://example',
      '![pic]',
      '<img',
      '<script',
      '<!--',
      '<https://example',
      '&lt;',
      '_em_',
      '~~gone',
      '$\\textsf',
      '```',
    ]) {
      if (unescaped(rest, token) && !(token === '<!--' && what === 'comment' && n === 0))
        found.push(`${token} is live: ${where}`)
    }
    for (const link of ['@org', '@octocat', '#123', 'GH-123', 'repo#1', 'https://example', 'www.example'])
      if (rest.replace(/\\/g, '').includes(link)) found.push(`${link} would be linked: ${where}`)
    // A table row keeps its header's number of cells.
    if (line.startsWith('|')) {
      header ??= cellBounds(line)
      if (cellBounds(line) !== header) found.push(`a table row of ${cellBounds(line)} bounds, not ${header}: ${where}`)
    } else header = undefined
  })
  return found
}

function snapshot(phase: string, final: boolean, r: RunReport): PhaseSnapshot {
  const outcomes = (phase === 'optimize' ? r.optimize : r.evaluate)?.outcomes ?? []
  return {
    phase,
    now: r.startedAt.getTime() + 60_000,
    startedAt: r.startedAt.getTime(),
    final,
    jobs: outcomes.map((o, i) => ({
      key: `${phase}-${i}`,
      display: o.job.display,
      state: o.state,
      category: final ? ('succeeded' as const) : ('running' as const),
      jobId: o.jobId,
    })),
  }
}

describe('escaping: one policy', () => {
  it('mdText: the injection in one line, every markup character escaped, links broken by a joiner', () => {
    const t = mdText(INJECTION)
    assert.ok(!t.includes('\n'))
    assert.deepEqual(liveMarkup(t, 'text'), [])
    assert.ok(t.includes(`@${JOINER}org/leads`) && t.includes(`https:${JOINER}//example`))
    assert.ok(t.includes(`\\#${JOINER}123`) && t.includes(`GH-${JOINER}123`) && t.includes(`www${JOINER}.example`))
    // Block markers only where a line would start; numbers and dashes inside stay as written.
    assert.deepEqual(
      [
        '1. x',
        '2) x',
        '- x',
        '+ x',
        '---',
        '===',
        '  # x',
        '-0.5',
        '0.750 ± 0.050',
        'lr1e-3',
        'Llama_rank4',
        '_x_',
      ].map(mdText),
      [
        '1\\. x',
        '2\\) x',
        '\\- x',
        '\\+ x',
        '\\---',
        '\\===',
        '\\# x',
        '-0.5',
        '0.750 ± 0.050',
        'lr1e-3',
        'Llama_rank4',
        '\\_x\\_',
      ],
    )
    assert.equal(mdText('caps @ epoch 0 (mean)'), 'caps @ epoch 0 (mean)', 'nothing to link, nothing to escape')
  })

  it('mdCode: a fence longer than any backtick run inside, padded when the text starts or ends with one', () => {
    for (const s of ['/r/x', 'a`b', '``a', 'b```', ' lead', 'trail ', '` `', INJECTION]) {
      const span = mdCode(s)
      const { rest, spans } = outsideCode(`x ${span} y`)
      assert.equal(rest, 'x  y', `${JSON.stringify(s)} is one span: ${span}`)
      assert.equal(codeSpanContent(spans[0] ?? ''), s.replace(/\n/g, ' '), `${JSON.stringify(s)} reads back`)
    }
    assert.equal(mdCode('a``b'), '```a``b```')
    assert.equal(mdCode('`x'), '`` `x ``')
    assert.equal(mdCode(''), '', 'no empty span (CommonMark has none)')
  })

  it('a table cell cannot split its row, a tool sentence keeps its code, a URL cannot end its link', () => {
    const table = markdownTable(['Run', 'a|b'], [[INJECTION, 'x\\|y|z']])
    assert.deepEqual(table.split('\n').map(cellBounds), [3, 3, 3])
    assert.equal(mdSpans('View: `inspect view --log-dir /r`'), 'View: `inspect view --log-dir /r`')
    assert.deepEqual(liveMarkup(mdSpans(`Run \`x ${INJECTION}\` then`), 'spans'), [])
    assert.equal(mdUrl('https://h/a b)(c'), 'https://h/a%20b%29%28c')
    assert.equal(xmlText('<a href="x">&\u0001\'</a>'), '&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;')
  })
})

describe('escaping: the injection in every field of the report', () => {
  it('the job summary, summary.md and the final comment keep no live markup', () => {
    const r = hostileReport()
    const exp = r.experiment
    assert.ok(exp)
    const outputs = {
      'job summary': jobSummaryMarkdown(r, resultsTable(exp, r)),
      'summary.md': resultsMarkdown(r).markdown,
      comment: commentBody('exp/experiment_summary.yaml', finalCommentMarkdown(r, {})),
      'comment with an artifact': finalCommentMarkdown(
        { ...r, artifact: { id: 7, name: `${INJECTION} artifact` } },
        { run: 'https://github.com/lab/x/actions/runs/1', artifact: (id) => `https://github.com/a/${id}` },
      ),
      'job summary with an artifact': jobSummaryMarkdown({ ...r, artifact: { id: 7, name: `${INJECTION} a` } }),
      'job summary, not uploaded': jobSummaryMarkdown({ ...r, artifact: { skipped: `${INJECTION} skipped` } }),
      'job summary, private': jobSummaryMarkdown({ ...r, private: true }, resultsTable(exp, r)),
      'comment, private': finalCommentMarkdown({ ...r, private: true }, {}),
    }
    for (const [what, markdown] of Object.entries(outputs)) {
      assert.deepEqual(liveMarkup(markdown, what), [], what)
      // Every field is there, as text: the tags each injected copy ends with.
      // (A private experiment's reports quote no error: its jobs' states stand for them.)
      for (const tag of ['run-ft', 'task', 'metric', what.endsWith('private') ? 'state' : 'eval error'])
        assert.ok(markdown.includes(` ${tag}`), `${what} shows ${tag}`)
    }
    for (const tag of [
      'scorer',
      'param',
      'value',
      'verdict',
      'training error',
      'warning',
      'error message',
      'hint',
      'log',
    ])
      assert.ok(outputs['job summary'].includes(` ${tag}`), `the job summary shows ${tag}`)
    assert.ok(outputs['summary.md'].includes(' skipped'), 'the skipped reason in Incomplete Runs')
    assert.ok(outputs['summary.md'].includes(' state |'), "a failed job's state in Incomplete Runs")
    assert.ok(outputs['job summary'].includes(' sacct state'), 'the compute table')
    assert.ok(outputs['job summary'].includes(' run-unevaluated'), 'the line on runs nothing evaluates')
    assert.ok(outputs.comment.includes(' run-unevaluated'), 'the line on runs nothing evaluates')
    assert.ok(outputs.comment.startsWith(`${commentMarker('exp/experiment_summary.yaml')}\n`))
  })

  it('the comment while the phases run keeps no live markup either', async () => {
    const r = hostileReport()
    const live = new LiveReport({
      experimentName: r.experimentName,
      info: () => undefined,
      warn: (w) => assert.fail(w),
      logFor: (phase) => new LogFile(new MemoryTransport(), `/run/run-${phase}.log`),
      comment: {
        sticky: new StickyComment({
          token: 'write-token',
          target: { owner: 'lab', repo: 'experiments', issueNumber: 7 },
          key: 'exp/experiment_summary.yaml',
          apiUrl: github().url,
        }),
        mode: 'always',
      },
      links: { run: 'https://github.com/lab/experiments/actions/runs/1' },
    })
    await live.progress(snapshot('optimize', false, r))
    await live.progress(snapshot('optimize', true, r))
    await live.flush()
    const body = github().comments[0]?.body ?? ''
    assert.match(body, /⏳ training done/)
    assert.deepEqual(liveMarkup(body, 'comment'), [])
  })

  it('the SVG is well-formed XML whose only elements are the chart', () => {
    const svg = resultsSvg(hostileReport()) ?? ''
    assert.ok(svg.includes('run-control'))
    execFileSync(
      'python3',
      ['-c', 'import sys, xml.dom.minidom; xml.dom.minidom.parseString(sys.stdin.buffer.read())'],
      {
        input: svg,
      },
    )
    assert.deepEqual([...new Set([...svg.matchAll(/<([a-zA-Z]+)/g)].map((m) => m[1]))].sort(), ['rect', 'svg', 'text'])
  })
})
