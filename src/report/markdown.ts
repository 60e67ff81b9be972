/** Small markdown helpers shared by the job summary, summary.md and the pull-request comment. */
import type { Status } from './model.js'

export function statusIcon(s: Status): string {
  return s === 'success' ? '✅' : s === 'partial' ? '⚠️' : '❌'
}

/** Text safe inside a table cell. */
export function escapeCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ')
}

/** A table, every cell escaped; a column is left-aligned unless `align` says `right`. */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly ('left' | 'right')[] = [],
): string {
  return [
    `| ${header.map(escapeCell).join(' | ')} |`,
    `|${header.map((_, i) => (align[i] === 'right' ? '---:' : '---')).join('|')}|`,
    ...rows.map((row) => `| ${row.map(escapeCell).join(' | ')} |`),
  ].join('\n')
}

/** Text that GitHub shows as written (no HTML tags). */
export function escapeMd(s: string): string {
  return s.replace(/</g, '&lt;').replace(/>/g, '&gt;')
}
