/**
 * Private experiments (cruijff_kit's `.ck-private` marker). What the action publishes of one (the job
 * summary, summary.md, the comment, the artifact) carries run names and aggregate numbers only: no
 * output of a job, no error text copied from one, no `.eval` log (its samples), no log or state file
 * (they quote job outputs). Those stay in the run directory.
 */
import { existsSync } from 'node:fs'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import type { SkippedEval } from '../engine/eligible.js'
import type { JobOutcome } from '../engine/types.js'

/** The file that marks an experiment private, in its directory or a parent. */
export const PRIVATE_MARKER = '.ck-private'

/**
 * Whether `dir` is marked private: a `.ck-private` in it or in a parent, up to `stopAt` (the
 * workspace root) included. A directory outside `stopAt` is looked at up to the filesystem root: in
 * doubt, private.
 */
export function isPrivateExperiment(dir: string, stopAt: string): boolean {
  const root = resolve(stopAt)
  const inside = (d: string): boolean => {
    const rel = relative(root, d)
    return rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel)
  }
  const bounded = inside(resolve(dir))
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, PRIVATE_MARKER))) return true
    if ((bounded && d === root) || dirname(d) === d) return false
  }
}

/** One line for the reports: the experiment is private, and what they leave out. */
export const PRIVATE_NOTE =
  '🔒 Private experiment (`.ck-private`): job outputs, error text and `.eval` logs stay in the run directory.'

/** Why a job failed, as a report says it: its words, or for a private experiment its state and exit code. */
export function failureText(o: JobOutcome, isPrivate: boolean): string {
  if (!isPrivate) return o.error ?? o.state
  return `${o.state}${o.exitCode !== undefined ? ` (exit ${o.exitCode})` : ''}`
}

/** Why an evaluation was skipped: the reason (it quotes its training's error), or for a private one, whose. */
export function skipText(s: SkippedEval, isPrivate: boolean): string {
  return isPrivate ? `the training of ${s.run} did not succeed` : s.reason
}
