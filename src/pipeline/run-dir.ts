/**
 * Where an experiment runs. A run directory must survive the runner: `actions/checkout` cleans the
 * workspace (`git clean -ffdx`, `git reset --hard`) on every run, which would lose the state, the logs
 * and the checkpoints, and with them the knowledge of which jobs already ran. So:
 *
 * 1. the `remote-experiment-dir` input, when given;
 * 2. an absolute `experiment.dir` from the summary, as given (with a warning when it lies inside the
 *    workspace: a cleaned checkout loses its outputs there);
 * 3. an experiment checked out in the workspace (or reached over SSH) runs under the persistent run
 *    root, in `{run-root}/{owner}/{repo}/{pr-N | branch-X | tag-X}/{experiment path}`: re-runs of one pull
 *    request resume, two pull requests never share a directory;
 * 4. an experiment directory outside the workspace (a path on the login node) runs in place.
 */
import { createHash } from 'node:crypto'
import { realpathSync } from 'node:fs'
import { homedir } from 'node:os'
import { isAbsolute, relative, resolve } from 'node:path'
import { isWithin } from '../cluster/paths.js'
import type { Transport } from '../cluster/transport.js'
import { err, ok, type Problem, type Result } from '../result.js'

export interface RunDirInput {
  /** The checked-out experiment directory (absolute, on the runner). */
  expDir: string
  workspace: string
  /** `experiment.dir` as the summary declares it. */
  declaredDir?: string | undefined
  /** The remote-experiment-dir input (one experiment only). */
  remoteRunDir?: string | undefined
  /** True when the cluster is another machine (SSH). */
  remote: boolean
  /** The run root, absolute on the cluster (see resolveRunRoot). */
  runRoot: string
  /** `owner/repo`, from GITHUB_REPOSITORY. */
  repository: string
  /** `pr-12`, `branch-main`, ...: see refKey. */
  ref: string
}

export interface RunDirChoice {
  runDir: string
  /** In words, for the log: why this directory. */
  how: string
  warning?: Problem
}

export function chooseRunDir(input: RunDirInput): RunDirChoice {
  if (input.remoteRunDir) return { runDir: resolve(input.remoteRunDir), how: 'the remote-experiment-dir input' }
  const declared = input.declaredDir && isAbsolute(input.declaredDir) ? resolve(input.declaredDir) : undefined
  if (declared) {
    const inside = !input.remote && isWithin(real(input.workspace), real(declared))
    return {
      runDir: declared,
      how: 'experiment.dir in experiment_summary.yaml',
      ...(inside
        ? {
            warning: {
              field: 'experiment.dir',
              message:
                `experiment.dir ${declared} lies inside the workspace, which actions/checkout cleans on every run: ` +
                'its state, logs and checkpoints are lost then (running jobs are found again by their marker, ' +
                'finished ones run again)',
              hint:
                'leave experiment.dir relative (the action then runs under run-root), or point it outside ' +
                'the checkout',
            },
          }
        : {}),
    }
  }
  const rel = relative(real(input.workspace), real(input.expDir))
  const inWorkspace = !rel.startsWith('..') && !isAbsolute(rel)
  if (!inWorkspace && !input.remote) return { runDir: input.expDir, how: 'in place (outside the workspace)' }
  const [owner = 'local', repo = 'local'] = input.repository.split('/')
  const experimentPath = inWorkspace ? rel || '_root' : `_outside/${safeName(input.expDir)}`
  const parts = [owner, repo, input.ref, ...experimentPath.split('/')].map(safeName)
  return { runDir: [input.runRoot, ...parts].join('/'), how: `under run-root (${input.runRoot})` }
}

/**
 * What the run directory is keyed by besides the repository: the pull request, else the branch or tag,
 * else `local` (outside GitHub).
 */
export function refKey(env: Record<string, string | undefined>, pullRequest: number | undefined): string {
  if (pullRequest !== undefined) return `pr-${pullRequest}`
  const name = env['GITHUB_REF_NAME']
  if (!name) return 'local'
  return `${env['GITHUB_REF_TYPE'] === 'tag' ? 'tag' : 'branch'}-${name}`
}

/**
 * The run-root input as an absolute path on the cluster: `~` is the home directory there. It may not lie
 * inside the workspace (checked when the cluster is this machine).
 */
export async function resolveRunRoot(
  transport: Transport,
  input: string,
  workspace: string,
  remote: boolean,
): Promise<Result<string>> {
  let root = input
  if (input === '~' || input.startsWith('~/')) {
    const dir = remote ? (await transport.exec(['printenv', 'HOME'], { timeoutMs: 30_000 })).stdout.trim() : homedir()
    if (!dir.startsWith('/'))
      return err({ field: 'run-root', message: `run-root is ${input}, but the home directory there is unknown` })
    root = `${dir}${input.slice(1)}`
  }
  root = resolve(root)
  if (!remote && isWithin(real(workspace), real(root))) {
    return err({
      field: 'run-root',
      message: `run-root ${root} lies inside the workspace ${workspace}, which actions/checkout cleans on every run`,
      hint: "point run-root at a directory outside the checkout, on the cluster's shared filesystem",
    })
  }
  return ok(root)
}

/** A path component that is safe and unambiguous on any filesystem: others get a readable form plus a hash. */
function safeName(component: string): string {
  const readable = component.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_')
  if (readable === component && readable !== '') return readable
  return `${readable.slice(0, 60)}-${createHash('sha256').update(component).digest('hex').slice(0, 8)}`
}

/** The real path of a directory on this machine, or the path itself when it does not exist (yet). */
function real(path: string): string {
  try {
    return realpathSync(path)
  } catch {
    return resolve(path)
  }
}
