/**
 * The one escaping policy for every text from an experiment, a tool or the cluster (names, paths,
 * parameters, metric names, job states, error messages, warnings) that reaches what the action
 * publishes under its own identity: the job summary, summary.md, the pull-request comment (GitHub
 * markdown), the results SVG (XML) and the Mermaid charts. Such a text is shown as the characters it
 * is, never as markup: no tag, entity, comment (a forged `<!--` marker), emphasis, link, image,
 * autolink, bare URL, @mention, issue reference, heading, quote, list or table cell boundary.
 *
 * - `mdText`: inline text anywhere in a line, a list item or a table cell.
 * - `mdCode`: a code span holding the text exactly (paths, names), outside tables.
 * - `mdSpans`: a tool's sentence whose `…` parts are code (Next Steps).
 * - `mdUrl`: a link destination. `markdownTable`: every cell escaped unless it is our own `Markup`.
 * - `xmlText`: text and attribute values of the SVG. `mermaidText`: a quoted Mermaid label.
 */

/**
 * Invisible, and it breaks what GitHub links after rendering: `@name` (mentions, notifying), `#123`,
 * `GH-123` and `owner/repo#1` (references), `https://…` and `www.…` (autolinks). Backslash escapes do
 * not reach those: GitHub matches them in the rendered text, where the backslashes are gone.
 */
const JOINER = '\u200D'

/** Line breaks and other control characters (tab aside) as spaces: a text stays on the line it was put on. */
function oneLine(s: string): string {
  let out = ''
  for (const c of s) {
    const code = c.charCodeAt(0)
    out += (code < 0x20 && c !== '\t') || code === 0x7f ? ' ' : c
  }
  return out
}
/** Bidirectional overrides and isolates: they reorder how the text around them reads. */
const BIDI = /[\u202A-\u202E\u2066-\u2069]/g

/**
 * Characters that are markup anywhere in a line: escaped with a backslash wherever they are. (`(` and
 * `)` are markup only after `]`, which is escaped; left as they are, notes stay readable in summary.md.)
 */
const ALWAYS = new Set(['\\', '`', '*', '[', ']', '!', '<', '>', '&', '|', '~', '$', '#'])

function isAlnum(c: string | undefined): boolean {
  return c !== undefined && /^[A-Za-z0-9]$/.test(c)
}

/**
 * Inline text: one line (line breaks become spaces, leading blanks go: no indented code), every
 * markup character backslash-escaped (an `_` between two letters or digits cannot emphasise and is
 * left as it is, so `Llama_rank4` reads as written in the source too), a block marker at the start
 * (`- `, `+ `, `---`, `===`, `1. `, `1) `) escaped, and a joiner where GitHub would link a mention, a
 * reference or a URL.
 * Safe in a table cell (pipes are escaped).
 */
export function mdText(s: string): string {
  const flat = oneLine(s).replace(BIDI, '').trimStart()
  const joined = flat
    .replace(/@(?=[A-Za-z0-9])/g, `@${JOINER}`)
    .replace(/#(?=\d)/g, `#${JOINER}`)
    .replace(/\b(gh)-(?=\d)/gi, `$1-${JOINER}`)
    .replace(/:(?=\/)/g, `:${JOINER}`)
    .replace(/\b(www)\./gi, `$1${JOINER}.`)
  let out = ''
  for (let i = 0; i < joined.length; i++) {
    const c = joined.charAt(i)
    if (ALWAYS.has(c)) out += `\\${c}`
    else if (c === '_' && !(isAlnum(joined[i - 1]) && isAlnum(joined[i + 1]))) out += '\\_'
    else out += c
  }
  // What starts a block only at the start of a line: a bullet, a rule or setext underline, `1.` or `1)`.
  return out.replace(/^([-+=])(?=[-+=\s]|$)/, '\\$1').replace(/^(\d{1,9})([.)])(?=\s|$)/, '$1\\$2')
}

/**
 * A code span that shows `s` exactly (on one line): fenced by more backticks than its longest run of
 * them, and padded with a space on both sides (which the span strips) when it starts or ends with a
 * backtick or a space. Inert: GitHub links nothing inside code. Not for table cells (use mdText).
 */
export function mdCode(s: string): string {
  const flat = oneLine(s).replace(BIDI, '')
  if (flat === '') return ''
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(longest + 1)
  const pad = /^[` ]|[` ]$/.test(flat) ? ' ' : ''
  return `${fence}${pad}${flat}${pad}${fence}`
}

/**
 * A tool's sentence whose single-backtick parts are commands or paths (`inspect view --log-dir DIR`):
 * prose through mdText, each code part through mdCode. Whatever backticks a value put into it (a run
 * directory), every part is escaped as one or the other: at worst a span ends in another place.
 */
export function mdSpans(s: string): string {
  return s
    .split('`')
    .map((part, i, all) => (i % 2 === 1 && i < all.length - 1 ? mdCode(part) : mdText(part)))
    .join('')
}

/** A link destination: characters that would end or break `(…)` percent-encoded. */
export function mdUrl(url: string): string {
  return url.replace(/[\s()<>\\`"'[\]]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
}

/** Markdown the report wrote itself (constants, numbers, our own emphasis): a table takes it as it is. */
export interface Markup {
  readonly markdown: string
}

/** `**text**` with the text escaped. */
export function strong(text: string): Markup {
  return { markdown: `**${mdText(text)}**` }
}

/** A table, every text cell escaped; a column is left-aligned unless `align` says `right`. */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly (string | Markup)[])[],
  align: readonly ('left' | 'right')[] = [],
): string {
  const cell = (c: string | Markup): string => (typeof c === 'string' ? mdText(c) : c.markdown)
  return [
    `| ${header.map(cell).join(' | ')} |`,
    `|${header.map((_, i) => (align[i] === 'right' ? '---:' : '---')).join('|')}|`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n')
}

/** Text or an attribute value in XML (the SVG): markup escaped, characters XML 1.0 forbids dropped. */
export function xmlText(s: string): string {
  let kept = ''
  for (const c of s) {
    const code = c.charCodeAt(0)
    if ((code >= 0x20 || c === '\t' || c === '\n' || c === '\r') && c !== '\uFFFE' && c !== '\uFFFF') kept += c
  }
  return kept
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
}

/**
 * A label inside a Mermaid chart's double quotes, on one line of a ```mermaid block: no quote, backtick
 * or line break (which would end the label, the fence or the statement), no `%%` (a directive).
 */
export function mermaidText(s: string): string {
  return s
    .replace(/["`]/g, "'")
    .replace(/[\r\n]+/g, ' ')
    .replace(/%%/g, '% %')
}
