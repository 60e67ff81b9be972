/**
 * Renders markdown as a reader sees it on GitHub and reads the result back as facts: the markdown
 * becomes HTML with micromark and its GFM extension (CommonMark + GitHub's tables, the renderer
 * closest to GitHub's cmark-gfm on npm), every ```mermaid block is drawn by mermaid itself, and
 * headless Chromium (Debian's) lays the page out. A script in the page then reads the DOM: the
 * tables cell by cell, each chart's bars (and the values they stand for, read back through the
 * y-axis labels), headings, folded sections, links. Tests assert on those facts, not on strings.
 *
 * Needs `bash scripts/render-setup.sh` (Chromium from apt, test/github-tools' npm packages).
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const RENDER_DIR = resolve(import.meta.dirname, '../github-tools')
const MERMAID = join(RENDER_DIR, 'node_modules/mermaid/dist/mermaid.min.js')

export interface ChartFacts {
  /** Why mermaid refused the block, if it did. */
  error: string | null
  title: string
  xLabels: string[]
  /** Each bar: its label and the value its top stands for on the y axis. */
  bars: { label: string; value: number; height: number }[]
}

export interface RenderedFacts {
  headings: string[]
  /** Every table: rows of cell texts, the header row first. */
  tables: string[][][]
  charts: ChartFacts[]
  details: string[]
  links: { text: string; href: string }[]
  /** Every element of the page (in charts: links, images, scripts only), its text outside code, its src or href. */
  elements: { tag: string; text: string; ref: string | null }[]
  /** Text of the whole page (for "this sentence is visible"). */
  text: string
  /** The page's text without its code (spans and blocks): where GitHub would still link mentions and URLs. */
  textOutsideCode: string
}

export function chromiumPath(): string | undefined {
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p))
}

export function renderToolsMissing(): string | undefined {
  if (!chromiumPath()) return 'chromium is not installed (bash scripts/render-setup.sh)'
  if (!existsSync(MERMAID)) return 'test/github-tools has no node_modules (bash scripts/render-setup.sh)'
  return undefined
}

interface Micromark {
  micromark(
    value: string,
    options: { extensions: unknown[]; htmlExtensions: unknown[]; allowDangerousHtml: boolean },
  ): string
}
interface Gfm {
  gfm(): unknown
  gfmHtml(): unknown
}

/** GitHub-flavoured markdown to HTML (raw HTML such as <details> kept, as GitHub keeps it). */
export async function markdownToHtml(markdown: string): Promise<string> {
  const mm = (await import(pathToFileURL(join(RENDER_DIR, 'node_modules/micromark/index.js')).href)) as Micromark
  const gfm = (await import(
    pathToFileURL(join(RENDER_DIR, 'node_modules/micromark-extension-gfm/index.js')).href
  )) as Gfm
  return mm.micromark(markdown, { extensions: [gfm.gfm()], htmlExtensions: [gfm.gfmHtml()], allowDangerousHtml: true })
}

/** The script that runs in the page: draws the charts, then writes the facts into #facts. */
const READER = `
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
(async () => {
  const charts = [];
  let n = 0;
  for (const code of [...document.querySelectorAll('pre > code.language-mermaid')]) {
    const holder = document.createElement('div');
    holder.className = 'mermaid-chart';
    code.parentElement.replaceWith(holder);
    try {
      const { svg } = await mermaid.render('chart' + n++, code.textContent);
      holder.innerHTML = svg;
      const s = holder.querySelector('svg');
      const ys = [...s.querySelectorAll('g.left-axis g.label text')].map((t) => ({
        v: Number(t.textContent),
        y: Number(/translate\\([^,]+,\\s*([^)]+)\\)/.exec(t.getAttribute('transform'))[1]),
      })).filter((p) => Number.isFinite(p.v));
      const a = ys.length > 1 ? (ys[ys.length - 1].y - ys[0].y) / (ys[ys.length - 1].v - ys[0].v) : NaN;
      const b = ys.length > 1 ? ys[0].y - a * ys[0].v : NaN;
      const xLabels = [...s.querySelectorAll('g.bottom-axis g.label text')].map((t) => t.textContent);
      const rects = [...s.querySelectorAll('g.plot g[class^="bar-plot"] rect')];
      charts.push({
        error: null,
        title: s.querySelector('g.chart-title text')?.textContent ?? '',
        xLabels,
        bars: rects.map((r, i) => ({
          label: xLabels[i] ?? '',
          height: Number(r.getAttribute('height')),
          value: (Number(r.getAttribute('y')) - b) / a,
        })),
      });
    } catch (e) {
      charts.push({ error: String(e && e.message || e), title: '', xLabels: [], bars: [] });
    }
  }
  const facts = {
    headings: [...document.querySelectorAll('h1, h2, h3, h4')].map((h) => h.textContent.trim()),
    tables: [...document.querySelectorAll('#doc table')].map((t) =>
      [...t.rows].map((r) => [...r.cells].map((c) => c.textContent.trim()))),
    charts,
    details: [...document.querySelectorAll('details > summary')].map((s) => s.textContent.trim()),
    links: [...document.querySelectorAll('#doc a')].map((a) => ({ text: a.textContent.trim(), href: a.getAttribute('href') })),
    elements: [...document.querySelectorAll('#doc *')]
      .filter((e) => !e.closest('.mermaid-chart') || e.tagName === 'A' || e.tagName === 'IMG' || e.tagName === 'SCRIPT')
      .map((e) => {
        const copy = e.cloneNode(true);
        for (const c of copy.querySelectorAll('code')) c.remove();
        const text = e.tagName === 'CODE' ? e.textContent : copy.textContent;
        return { tag: e.tagName.toLowerCase(), text, ref: e.getAttribute('href') ?? e.getAttribute('src') };
      }),
    text: document.getElementById('doc').innerText,
    textOutsideCode: (() => {
      const copy = document.getElementById('doc').cloneNode(true);
      for (const c of copy.querySelectorAll('code, pre, .mermaid-chart')) c.remove();
      return copy.textContent;
    })(),
  };
  document.getElementById('facts').textContent = JSON.stringify(facts);
})();
`

/** Renders markdown in headless Chromium and returns what a reader would see. */
export async function renderMarkdown(markdown: string): Promise<RenderedFacts> {
  const missing = renderToolsMissing()
  if (missing) throw new Error(missing)
  const html = await markdownToHtml(markdown)
  const dir = mkdtempSync(join(tmpdir(), 're-render-'))
  const page = join(dir, 'page.html')
  writeFileSync(
    page,
    `<!doctype html><html><head><meta charset="utf-8"><script src="${pathToFileURL(MERMAID).href}"></script></head>` +
      `<body><div id="doc">${html}</div><pre id="facts"></pre><script>${READER}</script></body></html>`,
  )
  const dom = await new Promise<string>((done, fail) => {
    execFile(
      chromiumPath() ?? 'chromium',
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--allow-file-access-from-files',
        `--user-data-dir=${join(dir, 'profile')}`,
        '--virtual-time-budget=20000',
        '--dump-dom',
        pathToFileURL(page).href,
      ],
      { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      (e, stdout, stderr) => {
        if (e) fail(new Error(`chromium failed: ${e.message}\n${stderr.slice(-2000)}`))
        else done(stdout)
      },
    )
  })
  const m = /<pre id="facts">([^<]*)<\/pre>/.exec(dom)
  if (!m?.[1]) throw new Error('the page wrote no facts (did mermaid load?)')
  const text = m[1]
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
  return JSON.parse(text) as RenderedFacts
}
