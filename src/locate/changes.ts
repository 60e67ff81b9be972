/**
 * What a pull request changes, from the checkout's git history (`git diff -z --name-only
 * base...head`, through @actions/exec, silent), and which experiment directory each changed path
 * belongs to: the nearest directory above it, inside the workspace, that holds an
 * experiment_summary.yaml in the checkout.
 */
import { getExecOutput } from '@actions/exec'
import { readdirSync, realpathSync, statSync, type Dirent } from 'node:fs'
import { dirname, isAbsolute, join, relative, sep } from 'node:path'
import { err, messageOf, ok, type Result } from '../result.js'

export const SUMMARY_FILE = 'experiment_summary.yaml'

const SHALLOW_HINT = 'use actions/checkout with fetch-depth: 0 (or set experiment-dir explicitly)'

/**
 * Every path base...head changes, relative to the workspace (only those under it): added, modified,
 * deleted, type-changed, and both sides of a rename. NUL-separated, so no path is quoted or cut.
 */
export async function changedPaths(workspace: string, base: string, head: string): Promise<Result<string[]>> {
  for (const [sha, which] of [
    [base, 'base'],
    [head, 'head'],
  ] as const) {
    const found = await git(workspace, ['cat-file', '-e', `${sha}^{commit}`])
    if (!found.ok) return found
    if (found.value.exitCode !== 0)
      return err({
        message:
          `the checkout does not contain the pull request's ${which} commit ${sha.slice(0, 12)}: ` +
          'its history is too shallow to see which experiments the pull request changes',
        hint: SHALLOW_HINT,
      })
  }
  const diff = await git(workspace, [
    'diff',
    '-z',
    '--name-only',
    '--no-renames',
    '--no-color',
    '--relative',
    `${base}...${head}`,
    '--',
  ])
  if (!diff.ok) return diff
  const { exitCode, stdout, stderr } = diff.value
  if (exitCode !== 0) {
    if (/no merge base/i.test(stderr))
      return err({
        message: "the checkout has no merge base between the pull request's base and head: its history is too shallow",
        hint: SHALLOW_HINT,
      })
    const first = stderr.split('\n').find((l) => l.trim()) ?? `exit status ${exitCode}`
    return err({ message: `git diff of the pull request failed: ${first}` })
  }
  return ok([...new Set(stdout.split('\0').filter(Boolean))])
}

/** git in the workspace, its output captured and nothing echoed to the step's log. */
async function git(
  workspace: string,
  args: string[],
): Promise<Result<{ exitCode: number; stdout: string; stderr: string }>> {
  try {
    return ok(await getExecOutput('git', ['-C', workspace, ...args], { silent: true, ignoreReturnCode: true }))
  } catch (e) {
    return err({ message: `git cannot be run: ${messageOf(e)}` })
  }
}

/**
 * The experiment directory (relative to the workspace, `.` for the workspace itself) of each path,
 * or undefined for a path outside every experiment. A directory counts only when its
 * experiment_summary.yaml is a file whose real path stays inside the workspace.
 */
export function experimentsOf(workspace: string, paths: string[]): Map<string, string | undefined> {
  const root = realpathSync(workspace)
  const known = new Map<string, string | undefined>()
  const holding = (dir: string): string | undefined => {
    if (known.has(dir)) return known.get(dir)
    const here = isSummary(root, join(workspace, dir, SUMMARY_FILE))
      ? dir
      : dir === '.'
        ? undefined
        : holding(dirname(dir))
    known.set(dir, here)
    return here
  }
  return new Map(paths.map((p) => [p, holding(dirname(p))]))
}

function isSummary(root: string, path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false
    const real = realpathSync(path)
    return real.startsWith(root + sep)
  } catch {
    return false
  }
}

/** Bounds of the search for every experiment in the workspace. */
export interface WalkLimits {
  /** Experiment directories found. */
  experiments: number
  /** Directory levels below the workspace. */
  depth: number
}
export const WALK_LIMITS: WalkLimits = { experiments: 1000, depth: 12 }

/**
 * Every directory under the workspace (itself included) that holds an experiment_summary.yaml,
 * relative to it and sorted; `.git`, `node_modules` and hidden directories are skipped, links
 * are not followed. Beyond the limits, an error that says which.
 */
export function findExperiments(workspace: string, limits: WalkLimits = WALK_LIMITS): Result<string[]> {
  const found: string[] = []
  const todo: { dir: string; depth: number }[] = [{ dir: '.', depth: 0 }]
  for (let next = todo.pop(); next; next = todo.pop()) {
    let entries: Dirent[]
    try {
      entries = readdirSync(join(workspace, next.dir), { withFileTypes: true })
    } catch (e) {
      return err({ message: `cannot search ${next.dir} for experiments: ${messageOf(e)}` })
    }
    if (entries.some((e) => e.name === SUMMARY_FILE && e.isFile())) {
      found.push(next.dir)
      if (found.length > limits.experiments)
        return err({
          message:
            `more than ${limits.experiments} experiment directories under the workspace: ` +
            'too many to search for the ones reading a changed file',
          hint: 'set experiment-dir explicitly',
        })
    }
    for (const e of entries) {
      if (!e.isDirectory() || e.name.startsWith('.') || e.name === 'node_modules') continue
      const dir = next.dir === '.' ? e.name : join(next.dir, e.name)
      if (next.depth + 1 > limits.depth)
        return err({
          message:
            `${dir} is more than ${limits.depth} directories deep: the search for the experiments reading a ` +
            'changed file stops there',
          hint: 'set experiment-dir explicitly, or keep experiments and their files less deep',
        })
      todo.push({ dir, depth: next.depth + 1 })
    }
  }
  return ok(found.sort(byPath))
}

/** A stable order of relative paths (code units, as git sorts them). */
export function byPath(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** The workspace-relative form of an absolute path, or undefined when it is not inside. */
export function insideWorkspace(workspace: string, path: string): string | undefined {
  const rel = relative(workspace, path)
  if (rel === '') return '.'
  return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel) ? undefined : rel
}
