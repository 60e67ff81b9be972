/**
 * Which experiment(s) a run of the action runs, from the workflow event. First, whatever else is
 * asked, no fork's code runs unless allowed (fork.ts). Then the `experiment-dir` input wins; on a
 * pull request event, every experiment the pull request touches runs, once each, in a stable order:
 * the experiment directory holding each changed path (changes.ts), and for a changed file outside
 * every experiment, the experiments whose jobs read it (an injected `experimentsReading`). Other
 * events need the input.
 */
import { resolve } from 'node:path'
import type { WorkflowEvent } from '../event.js'
import { err, messageOf, ok, type Problem, type Result } from '../result.js'
import { byPath, changedPaths, experimentsOf, findExperiments, insideWorkspace } from './changes.js'
import { checkFork, type GithubAccess } from './fork.js'

export type { GithubAccess } from './fork.js'

/**
 * The experiments whose jobs read any of `files` (absolute paths in the checkout of changed files
 * outside every experiment; a deleted one no longer exists), chosen among `candidates` (the
 * absolute directories of every experiment in the workspace). Returns a subset of `candidates`.
 */
export type ExperimentsReading = (files: string[], candidates: string[]) => Promise<Result<string[]>>

export interface LocateInput {
  /** The `experiment-dir` input; empty: none. */
  experimentDirInput: string
  /** The event, read once (event.ts). */
  event: WorkflowEvent
  /** GITHUB_WORKSPACE: the checkout. */
  workspace: string
  /** The `allow-fork-pull-requests` input. */
  allowForks: boolean
  /** For the lookup of a commented pull request. */
  github: GithubAccess
  experimentsReading: ExperimentsReading
}

export interface Located {
  /** Absolute experiment directories, in the order to run them; empty: the pull request touches none. */
  dirs: string[]
  /** Why these (for the log). */
  how: string
}

/** Why nothing runs: a refused fork (`failed`) or a question the event and inputs cannot answer (`invalid`). */
export interface NotLocated {
  status: 'failed' | 'invalid'
  problem: Problem
}

export async function locateExperiments(input: LocateInput): Promise<Result<Located, NotLocated>> {
  const { event, workspace } = input
  if (!input.allowForks) {
    const fork = await checkFork(event, input.github)
    if (!fork.ok) return err({ status: 'failed', problem: fork.error })
  }
  if (input.experimentDirInput)
    return ok({ dirs: [resolve(workspace, input.experimentDirInput)], how: 'the experiment-dir input' })
  if (event.kind !== 'pull_request')
    return invalid({
      field: 'experiment-dir',
      message:
        `input experiment-dir is required for a ${event.name || 'non-pull-request'} event: ` +
        'the directory holding experiment_summary.yaml',
      hint: 'on workflow_dispatch, pass it as a workflow input: experiment-dir: ${{ inputs.experiment-dir }}',
    })
  const { number, base, head } = event.pullRequest
  const changed = await changedPaths(workspace, base.sha, head.sha)
  if (!changed.ok) return invalid(changed.error)

  // Each experiment with what made it run, for the log.
  const why = new Map<string, string[]>()
  const add = (dir: string, reason: string): void => {
    why.set(dir, [...(why.get(dir) ?? []), reason])
  }
  const outside: string[] = []
  for (const [path, dir] of experimentsOf(workspace, changed.value)) {
    if (dir === undefined) outside.push(path)
    else add(dir, path)
  }
  if (outside.length > 0) {
    const reading = await readers(input, outside)
    if (!reading.ok) return invalid(reading.error)
    const reason = outside.length === 1 ? `reads ${outside[0] ?? ''}` : `reads changed files outside the experiments`
    for (const dir of reading.value) add(dir, reason)
  }
  const dirs = [...why.keys()].sort(byPath)
  const pr = `pull request #${number}`
  return ok({
    dirs: dirs.map((d) => resolve(workspace, d)),
    how:
      dirs.length === 0
        ? `${pr} touches no experiment (${changed.value.length} changed files)`
        : `${pr} touches ${dirs.length} experiment(s): ` +
          dirs.map((d) => `${d} (${summarize(why.get(d) ?? [])})`).join('; '),
  })
}

const invalid = (problem: Problem): Result<never, NotLocated> => err({ status: 'invalid', problem })

/** The experiments (relative directories) whose jobs read the changed files outside every experiment. */
async function readers(input: LocateInput, outside: string[]): Promise<Result<string[]>> {
  const { workspace } = input
  const candidates = findExperiments(workspace)
  if (!candidates.ok) return candidates
  if (candidates.value.length === 0) return ok([])
  const absolute = candidates.value.map((d) => resolve(workspace, d))
  let answer: Result<string[]>
  try {
    answer = await input.experimentsReading(
      outside.map((f) => resolve(workspace, f)),
      absolute,
    )
  } catch (e) {
    answer = err({ message: messageOf(e) })
  }
  if (!answer.ok)
    return err({
      ...answer.error,
      message: `cannot tell which experiments read the changed files outside every experiment: ${answer.error.message}`,
    })
  const found: string[] = []
  const strays: string[] = []
  for (const dir of answer.value) {
    const rel = insideWorkspace(workspace, resolve(workspace, dir))
    if (rel === undefined || !candidates.value.includes(rel)) strays.push(dir)
    else found.push(rel)
  }
  if (strays.length > 0)
    return err({
      message: `the experiments reading the changed files are not experiments of the workspace: ${strays.join(', ')}`,
    })
  return ok(found)
}

/** A few of the reasons, then how many more. */
function summarize(reasons: string[]): string {
  const shown = reasons.slice(0, 3).join(', ')
  return reasons.length > 3 ? `${shown}, and ${reasons.length - 3} more` : shown
}
