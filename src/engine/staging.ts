/**
 * Resume policy for staging the checkout into the run directory: which paths belong to the run (the
 * action's own files, and what the jobs write as their tools and the scheduler name it: never copied
 * over), and which scaffold files a live job runs with (a different
 * checked-out version is a reported conflict, not a file swapped under a running job). A file of a job
 * that finished is staged: when it changed, the engine sees its hash differ and runs the job again.
 * Inputs the action itself edited (out-of-memory retries) stay as edited while the checkout holds the
 * version they were made from; a new version from the user replaces them (and re-runs the job).
 */
import { createHash } from 'node:crypto'
import type { StagePolicy } from '../cluster/stage.js'
import { FILES } from '../names.js'
import { SHARED_DIR } from './cruijff-state.js'
import { isTerminal } from '../scheduler/scheduler.js'
import type { StateEntry } from './state.js'

/** The action's own files (relative, '/'-separated): its logs, state, summaries, working and temporary files. */
function isActionFile(rel: string): boolean {
  const parts = rel.split('/')
  const base = parts[parts.length - 1] ?? ''
  if (parts[0] === SHARED_DIR || parts.some((p) => p === '.git' || p.startsWith(FILES.workDir))) return true
  if (/^run-.*\.(log|state\.json)$/.test(base) || base === FILES.results || base === FILES.jobSummary) return true
  return base === FILES.chart || base.endsWith('.tmp')
}

/**
 * The policy for a run directory whose jobs' states are `entries`; `written(rel)`: the path is something a
 * job writes (its tool's log or output directory, the scheduler's output file), never copied over.
 */
export function stagingPolicy(entries: readonly StateEntry[], written: (rel: string) => boolean): StagePolicy {
  // Which file hash each live job runs with.
  const inUse = new Map<string, { hash: string; state: string; name: string }>()
  // Files the action itself edited for a retry, with the user's version they were made from.
  const edited = new Map<string, string | undefined>()
  for (const e of entries) {
    for (const path of Object.keys(e.edits ?? {})) edited.set(path, e.inputs?.[path])
    const live = !isTerminal(e.state)
    if (!live || !e.inputs) continue
    for (const [path, hash] of Object.entries(e.inputs)) inUse.set(path, { hash, state: e.state, name: e.name ?? path })
  }
  return {
    skip: (rel) => isActionFile(rel) || written(rel),
    decide(rel, data, existing) {
      if (!existing) return 'copy'
      const sha = (): string => createHash('sha256').update(data).digest('hex')
      // The action's edit stays while the checkout still holds the version it was made from.
      if (edited.has(rel) && edited.get(rel) === sha()) return 'keep'
      const used = inUse.get(rel)
      if (used && used.hash !== sha()) {
        return {
          conflict:
            `job ${used.name} (${used.state}) runs with the version in the run directory; ` +
            'the checked-out file differs and was not copied (re-run when it has finished)',
        }
      }
      return 'copy'
    },
  }
}
