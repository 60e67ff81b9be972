/**
 * The README's workflows under nektos/act, in self-hosted mode (`-P label=-self-hosted`: steps run
 * on this machine, no Docker), against a throw-away repository that holds the built action (its
 * action.yml, package.json and dist/) and the experiments. What the workflows get changed, and
 * only that: `uses: lab/run-experiment@v1` becomes `uses: ./` (the action under test), and the
 * action step polls every second (`poll-interval: 1`) so that a test takes seconds, not minutes.
 * act skips `actions/checkout` of the repository itself and copies the working tree, history
 * included. Uploads go to the project's artifact stand-in (act's own server does not accept
 * @actions/artifact 6: nektos/act#6114), comments to the GitHub REST stand-in.
 */
import { execFile, execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parse } from 'yaml'

const ROOT = resolve(import.meta.dirname, '../..')
export const ACT = join(ROOT, '.venv-act/bin/act')

export interface ReadmeWorkflow {
  /** The workflow's `name:`. */
  name: string
  text: string
}

/** The README's workflow examples that use the action, as written there. */
export function readmeWorkflows(): ReadmeWorkflow[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const out: ReadmeWorkflow[] = []
  for (const m of readme.matchAll(/```yaml\n([\s\S]*?)```/g)) {
    const text = m[1] ?? ''
    if (!/uses: lab\/run-experiment@v1/.test(text) || !/^on:/m.test(text)) continue
    const doc = parse(text) as { name?: unknown }
    out.push({ name: typeof doc.name === 'string' ? doc.name : '', text })
  }
  return out
}

/** The two changes act needs (see the file comment); throws if the workflow has no action step. */
export function forAct(text: string): string {
  const lines = text.split('\n')
  const at = lines.findIndex(
    (l) => /^\s*(- )?uses: lab\/run-experiment@v1\s*$/.test(l) || /uses: lab\/run-experiment@v1/.test(l),
  )
  if (at < 0) throw new Error('no step uses lab/run-experiment@v1')
  const line = lines[at] ?? ''
  lines[at] = line.replace('lab/run-experiment@v1', './')
  const indent = /^(\s*)(?:- )?/.exec(line)?.[0].length ?? 0
  const pad = ' '.repeat(indent)
  const withAt = lines.findIndex((l, i) => i > at && l.startsWith(`${pad}with:`))
  const nextStep = lines.findIndex(
    (l, i) => i > at && /^\s*- /.test(l) && (/^(\s*)/.exec(l)?.[1]?.length ?? 0) < indent,
  )
  if (withAt > 0 && (nextStep < 0 || withAt < nextStep)) {
    const existing = lines.findIndex(
      (l, i) => i > withAt && /^\s+poll-interval:/.test(l) && (nextStep < 0 || i < nextStep),
    )
    if (existing > 0) lines[existing] = (lines[existing] ?? '').replace(/poll-interval:.*/, 'poll-interval: 1')
    else lines.splice(withAt + 1, 0, `${pad}  poll-interval: 1`)
  } else {
    lines.splice(at + 1, 0, `${pad}with:`, `${pad}  poll-interval: 1`)
  }
  return lines.join('\n')
}

export interface ActRepo {
  dir: string
  base: string
  head: string
  git(...args: string[]): string
}

/**
 * A repository with the built action and the workflow at the base commit; `addExperiment` then
 * writes the head commit (a pull request's diff).
 */
export function actRepo(workflow: string, addExperiment: (dir: string) => void): ActRepo {
  const dir = mkdtempSync(join(tmpdir(), 're-act-repo-'))
  const git = (...args: string[]): string =>
    execFileSync('git', ['-C', dir, ...args], {
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'test',
        GIT_AUTHOR_EMAIL: 't@example.org',
        GIT_COMMITTER_NAME: 'test',
        GIT_COMMITTER_EMAIL: 't@example.org',
      },
    }).trim()
  git('init', '-q', '-b', 'main')
  git('remote', 'add', 'origin', 'https://github.com/lab/experiments.git')
  for (const f of ['action.yml', 'package.json', 'dist']) cpSync(join(ROOT, f), join(dir, f), { recursive: true })
  mkdirSync(join(dir, '.github/workflows'), { recursive: true })
  writeFileSync(join(dir, '.github/workflows/experiment.yml'), workflow)
  git('add', '-A')
  git('commit', '-qm', 'the action and its workflow')
  const base = git('rev-parse', 'HEAD')
  addExperiment(dir)
  git('add', '-A')
  git('commit', '-qm', 'add an experiment')
  return { dir, base, head: git('rev-parse', 'HEAD'), git }
}

export interface ActRun {
  repo: ActRepo
  event: 'pull_request' | 'workflow_dispatch'
  payload?: unknown
  inputs?: Record<string, string>
  env?: Record<string, string>
  secrets?: Record<string, string>
  timeoutMs?: number
}

export interface ActResult {
  code: number | null
  /** act's output with colours removed. */
  output: string
  /** The lines the job's steps printed (act's `| ` lines), prefixes removed. */
  stepLines: string[]
  ms: number
}

/** Runs the repository's workflow for one event under act; HOME is a fresh directory (act's cache). */
export async function runAct(r: ActRun): Promise<ActResult> {
  const home = mkdtempSync(join(tmpdir(), 're-act-home-'))
  const eventPath = join(home, 'event.json')
  // act reads workflow_dispatch inputs from the event payload when one is given, as GitHub sends them.
  const payload = r.payload ?? (r.event === 'workflow_dispatch' ? { inputs: r.inputs ?? {} } : {})
  writeFileSync(eventPath, JSON.stringify(payload))
  const args = [
    r.event,
    '-W',
    '.github/workflows/experiment.yml',
    '-e',
    eventPath,
    '-P',
    'self-hosted=-self-hosted',
    '-P',
    'slurm-login=-self-hosted',
    '-P',
    'lab=-self-hosted',
    '--no-cache-server',
    '--cache-server-addr',
    '127.0.0.1',
    '--artifact-server-addr',
    '127.0.0.1',
    ...Object.entries(r.inputs ?? {}).flatMap(([k, v]) => ['--input', `${k}=${v}`]),
    ...Object.entries(r.env ?? {}).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
    ...Object.entries(r.secrets ?? {}).flatMap(([k, v]) => ['-s', `${k}=${v}`]),
  ]
  const t0 = Date.now()
  const { code, output } = await new Promise<{ code: number | null; output: string }>((done) => {
    execFile(
      ACT,
      args,
      {
        cwd: r.repo.dir,
        timeout: r.timeoutMs ?? 300_000,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, HOME: home, ACT_DISABLE_VERSION_CHECK: '1', NO_COLOR: '1' },
      },
      (e, stdout, stderr) => {
        const exit = e && typeof e.code === 'number' ? e.code : e ? null : 0
        done({ code: exit, output: `${stdout}${stderr}` })
      },
    )
  })
  const ms = Date.now() - t0
  // eslint-disable-next-line no-control-regex
  const plain = output.replace(/\u001b\[[0-9;]*m/g, '')
  const stepLines = plain
    .split('\n')
    .map((l) => /^\[[^\]]+\]\s+\| ?(.*)$/.exec(l)?.[1])
    .filter((l): l is string => l !== undefined)
  rmSync(home, { recursive: true, force: true })
  return { code, output: plain, stepLines, ms }
}
