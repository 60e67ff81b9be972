/**
 * The log format of the requirement, shared with cruijff_kit's readers:
 *
 *   [YYYY-MM-DD HH:MM:SS] ACTION: Description
 *   Details: ...
 *   Result: ...
 *
 * Blocks are separated by one blank line. Only successful SUBMIT_* blocks carry a `Job ID:` line,
 * so cruijff_kit's harvest regex pairs every job id with the right run.
 */
import type { Transport } from '../cluster/transport.js'
import type { Problem } from '../result.js'
import { localTimestamp } from './cruijff-state.js'
import { storageProblem } from './storage.js'

/** This machine's local time as `YYYY-MM-DD HH:MM:SS` (the format of cruijff_kit's logs and state files). */
export function timestamp(date: Date = new Date()): string {
  return localTimestamp(date, -date.getTimezoneOffset())
}

export interface Block {
  action: string
  description?: string
  /** Lines between the heading and Result, e.g. `Details: ...`, `Job ID: 42`. */
  lines?: string[]
  details?: string
  result?: string
}

/** One block as text, without the separating blank line. Newlines inside values are flattened. */
export function formatBlock(block: Block, date: Date = new Date()): string {
  const flat = (s: string): string => s.replace(/\s*\n\s*/g, ' | ').trimEnd()
  const out = [`[${timestamp(date)}] ${block.action}${block.description ? `: ${flat(block.description)}` : ''}`]
  if (block.details !== undefined) out.push(`Details: ${flat(block.details)}`)
  for (const line of block.lines ?? []) out.push(flat(line))
  if (block.result !== undefined) out.push(`Result: ${flat(block.result)}`)
  return out.join('\n')
}

/**
 * Appends blocks to one log file through the transport (the file lives beside the experiment). A log
 * the disk refuses (full, read-only) never stops the run: the first refusal is kept in `refused`, and
 * what must not be lost (the resume state) stops it where it is written.
 */
export class LogFile {
  /** Why a block could not be written, the first time it happened. */
  refused: Problem | undefined

  constructor(
    private readonly transport: Transport,
    readonly path: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async write(block: Block): Promise<void> {
    try {
      await this.transport.appendFile(this.path, `${formatBlock(block, this.clock())}\n\n`)
    } catch (e) {
      const problem = storageProblem(e)
      if (!problem) throw e
      this.refused ??= { ...problem, file: this.path }
    }
  }
}

/** Human durations: 45s, 3m 12s, 2h 05m. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000))
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`
}
