/**
 * Every experiment a pull request touches runs: real git repositories in temporary directories (a
 * base commit, a head commit per case), experiments at several depths, a non-ASCII directory, every
 * change kind, a shared file outside the experiments (an injected `experimentsReading`), and a
 * shallow clone. git runs with no global or system configuration: core.quotePath at its default.
 */
import { before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { getExecOutput } from '@actions/exec'
import { execFileSync } from 'node:child_process'
import { mkdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { WorkflowEvent } from '../../src/event.ts'
import { changedPaths, experimentsOf, findExperiments } from '../../src/locate/changes.ts'
import { locateExperiments, type ExperimentsReading } from '../../src/locate/index.ts'
import { err, ok, type Result } from '../../src/result.ts'
import { run } from '../../src/main.ts'
import { tempDir } from '../helpers/experiment.ts'
import { recordingIO, type RecordingIO } from '../helpers/io.ts'
import { git } from '../helpers/git.ts'

process.env['GIT_CONFIG_NOSYSTEM'] = '1'
process.env['GIT_CONFIG_GLOBAL'] = '/dev/null'

const write = (root: string, rel: string, text = 'x\n'): void => {
  mkdirSync(dirname(join(root, rel)), { recursive: true })
  writeFileSync(join(root, rel), text)
}

const UBER = 'experiments/über-α'
const WEIRD = `${UBER}/notes with space\nand newline "q".txt`
const SUMMARIES = [
  'experiments/a', // depth 2
  'experiments/group/deep/b', // depth 4
  UBER, // non-ASCII
  'experiments/c',
  'experiments/d',
  'experiments/gone',
  'solo', // depth 1
]

let ws = ''
let base = ''
before(() => {
  ws = tempDir('re-changes-')
  git(ws, 'init', '-q', '-b', 'main')
  for (const e of SUMMARIES) write(ws, `${e}/experiment_summary.yaml`, `experiment: {name: ${e}}\n`)
  write(ws, 'experiments/a/ft_0/finetune.yaml')
  write(ws, 'experiments/a/ft_0/finetune.slurm')
  write(ws, 'experiments/group/deep/b/ft/eval/caps/cell.slurm')
  write(ws, `${UBER}/ft_0/finetune.yaml`)
  write(ws, 'experiments/c/data.json')
  write(ws, 'experiments/gone/ft_0/finetune.yaml')
  write(ws, 'shared/tasks/caps.py')
  write(ws, 'README.md')
  git(ws, 'add', '-A')
  git(ws, 'commit', '-qm', 'base')
  base = git(ws, 'rev-parse', 'HEAD')
})

/** A head commit on a new branch from base, made by `change`; the checkout is left at it. */
let branches = 0
function headAfter(change: (root: string) => void): string {
  git(ws, 'checkout', '-q', '-B', `case-${++branches}`, base)
  change(ws)
  git(ws, 'add', '-A')
  git(ws, 'commit', '-qm', 'change', '--allow-empty')
  return git(ws, 'rev-parse', 'HEAD')
}

const prEvent = (head: string, baseSha = base): WorkflowEvent => ({
  name: 'pull_request',
  repository: 'lab/experiments',
  kind: 'pull_request',
  pullRequest: {
    number: 7,
    base: { sha: baseSha, repo: 'lab/experiments' },
    head: { sha: head, repo: 'lab/experiments' },
  },
})

/** The hook as a test implementation: records what it was asked, answers `answer`. */
function reading(answer: (files: string[], candidates: string[]) => Result<string[]>) {
  const asked: { files: string[]; candidates: string[] }[] = []
  const hook: ExperimentsReading = (files, candidates) => {
    asked.push({ files, candidates })
    return Promise.resolve(answer(files, candidates))
  }
  return { hook, asked }
}

async function touched(head: string, hook: ExperimentsReading = reading(() => ok([])).hook, workspace = ws) {
  const r = await locateExperiments({
    experimentDirInput: '',
    event: prEvent(head),
    workspace,
    allowForks: false,
    github: { token: '' },
    experimentsReading: hook,
  })
  assert.ok(r.ok, JSON.stringify(r))
  return r.value
}
const rel = (dirs: string[]): string[] => dirs.map((d) => d.slice(ws.length + 1))

describe('the experiments a pull request touches', () => {
  it('a change only to ft_0/finetune.yaml runs that experiment', async () => {
    const head = headAfter((root) => {
      write(root, 'experiments/a/ft_0/finetune.yaml', 'lr: 2\n')
    })
    const located = await touched(head)
    assert.deepEqual(rel(located.dirs), ['experiments/a'])
    assert.match(
      located.how,
      /^pull request #7 touches 1 experiment\(s\): experiments\/a \(experiments\/a\/ft_0\/finetune\.yaml\)$/,
    )
  })

  it('a change only to a .slurm four directories down runs its experiment', async () => {
    const head = headAfter((root) => {
      write(root, 'experiments/group/deep/b/ft/eval/caps/cell.slurm', '#!/bin/bash\n')
    })
    assert.deepEqual(rel((await touched(head)).dirs), ['experiments/group/deep/b'])
  })

  it('paths with non-ASCII characters, spaces or newlines are read exactly (core.quotePath at its default)', async () => {
    const head = headAfter((root) => {
      write(root, WEIRD)
      write(root, `${UBER}/ft_0/finetune.yaml`, 'lr: 3\n')
    })
    assert.throws(() => git(ws, 'config', 'core.quotePath'), 'core.quotePath is unset: git would quote these names')
    assert.deepEqual(await changedPaths(ws, base, head), ok([`${UBER}/ft_0/finetune.yaml`, WEIRD].sort()))
    assert.deepEqual(rel((await touched(head)).dirs), [UBER])
  })

  it('a deleted file runs its experiment; a deleted experiment is outside every experiment', async () => {
    const head = headAfter((root) => {
      unlinkSync(join(root, 'experiments/c/data.json'))
      rmSync(join(root, 'experiments/gone'), { recursive: true })
    })
    const r = reading(() => ok([]))
    assert.deepEqual(rel((await touched(head, r.hook)).dirs), ['experiments/c'])
    assert.deepEqual(r.asked[0]?.files, [
      join(ws, 'experiments/gone/experiment_summary.yaml'),
      join(ws, 'experiments/gone/ft_0/finetune.yaml'),
    ])
  })

  it('a rename between experiments runs both: the side it left and the side it reached', async () => {
    const head = headAfter((root) => {
      mkdirSync(join(root, 'experiments/d/ft_0'))
      git(root, 'mv', 'experiments/a/ft_0/finetune.slurm', 'experiments/d/ft_0/finetune.slurm')
    })
    assert.deepEqual(
      await changedPaths(ws, base, head),
      ok(['experiments/a/ft_0/finetune.slurm', 'experiments/d/ft_0/finetune.slurm']),
    )
    assert.deepEqual(rel((await touched(head)).dirs), ['experiments/a', 'experiments/d'])
  })

  it('a shared file outside the experiments runs the experiments whose jobs read it', async () => {
    const head = headAfter((root) => {
      write(root, 'shared/tasks/caps.py', 'def caps(): ...\n')
    })
    const r = reading((_files, candidates) =>
      ok(candidates.filter((c) => c.endsWith('group/deep/b') || c.endsWith('solo'))),
    )
    const located = await touched(head, r.hook)
    assert.deepEqual(rel(located.dirs), ['experiments/group/deep/b', 'solo'])
    assert.deepEqual(r.asked, [
      {
        files: [join(ws, 'shared/tasks/caps.py')],
        candidates: [...SUMMARIES].sort().map((e) => join(ws, e)),
      },
    ])
    assert.match(located.how, /experiments\/group\/deep\/b \(reads shared\/tasks\/caps\.py\)/)
  })

  it('each experiment once, in a stable order, whatever touched it', async () => {
    const head = headAfter((root) => {
      write(root, 'solo/x.yaml')
      write(root, 'experiments/a/ft_0/finetune.yaml', 'lr: 9\n')
      write(root, 'experiments/a/experiment_summary.yaml', 'experiment: {name: a9}\n')
      write(root, 'shared/tasks/caps.py', 'v2\n')
      write(root, 'README.md', 'v2\n')
    })
    const r = reading((_f, candidates) => ok(candidates.filter((c) => c.endsWith('experiments/a'))))
    const first = await touched(head, r.hook)
    assert.deepEqual(rel(first.dirs), ['experiments/a', 'solo'])
    assert.deepEqual(r.asked[0]?.files, [join(ws, 'README.md'), join(ws, 'shared/tasks/caps.py')])
    assert.deepEqual(await touched(head, r.hook), first)
  })

  it('a pull request that touches no experiment runs nothing', async () => {
    const head = headAfter((root) => {
      write(root, 'README.md', 'only docs\n')
    })
    const located = await touched(head)
    assert.deepEqual(located.dirs, [])
    assert.match(located.how, /touches no experiment \(1 changed files\)/)
  })

  it("the hook's failure, or an answer that is no experiment of the workspace, is invalid", async () => {
    const head = headAfter((root) => {
      write(root, 'shared/tasks/caps.py', 'v3\n')
    })
    const cases: [ExperimentsReading, RegExp][] = [
      [
        () => Promise.resolve(err({ message: 'finetune.yaml unreadable' })),
        /cannot tell which experiments read .*: finetune\.yaml unreadable/,
      ],
      [() => Promise.resolve(ok(['/elsewhere'])), /not experiments of the workspace: \/elsewhere/],
      [() => Promise.resolve(ok([join(ws, 'shared')])), /not experiments of the workspace: .*\/shared$/],
      [() => Promise.reject(new Error('boom')), /cannot tell which experiments read .*: boom/],
    ]
    for (const [hook, message] of cases) {
      const r = await locateExperiments({
        experimentDirInput: '',
        event: prEvent(head),
        workspace: ws,
        allowForks: false,
        github: { token: '' },
        experimentsReading: hook,
      })
      assert.ok(!r.ok && r.error.status === 'invalid', JSON.stringify(r))
      assert.match(r.error.problem.message, message)
    }
  })

  it('git is run silently: nothing is echoed to the step log', async () => {
    const head = headAfter((root) => {
      write(root, 'solo/y.yaml')
    })
    const written: string[] = []
    const original = process.stdout.write.bind(process.stdout)
    const capture = async (work: () => Promise<unknown>): Promise<string> => {
      written.length = 0
      process.stdout.write = (chunk: string | Uint8Array): boolean => {
        written.push(String(chunk))
        return true
      }
      try {
        await work()
      } finally {
        process.stdout.write = original
      }
      return written.join('')
    }
    // What @actions/exec echoes when not silent (so this test can see it) ...
    const loud = await capture(() => getExecOutput('git', ['-C', ws, 'rev-parse', 'HEAD']))
    assert.match(loud, /\[command\].*git -C .* rev-parse HEAD/)
    // ... and what changedPaths lets through: nothing of git's.
    const quiet = await capture(() => changedPaths(ws, base, head))
    assert.doesNotMatch(quiet, /\[command\]/)
  })
})

describe("run(): the pull request's experiments through main.ts", () => {
  it('a shared-file change goes to the experimentsReading dep; by default, no experiment that reads it', async () => {
    const head = headAfter((root) => {
      write(root, 'shared/tasks/caps.py', 'v4\n')
    })
    const path = join(tempDir(), 'event.json')
    const side = (sha: string) => ({ sha, repo: { full_name: 'lab/experiments' } })
    writeFileSync(path, JSON.stringify({ pull_request: { number: 7, base: side(base), head: side(head) } }))
    const env = {
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: path,
      GITHUB_WORKSPACE: ws,
      GITHUB_REPOSITORY: 'lab/experiments',
    }
    const nothingRuns = (io: RecordingIO): void => {
      assert.equal(io.outputs['status'], 'success')
      assert.equal(io.outputs['runs-total'], '0')
      assert.deepEqual(
        io.annotations.map((a) => [a.kind, a.problem.message]),
        [['notice', 'this pull request touches no experiment: nothing to run']],
      )
    }
    const r = reading(() => ok([]))
    const injected = recordingIO({ executor: 'local', comment: 'never' }, env)
    await run({ io: injected, experimentsReading: r.hook })
    assert.deepEqual(
      r.asked.map((a) => a.files),
      [[join(ws, 'shared/tasks/caps.py')]],
    )
    nothingRuns(injected)
    const placeholder = recordingIO({ executor: 'local', comment: 'never' }, env)
    await run({ io: placeholder })
    nothingRuns(placeholder)
  })
})

describe('a checkout without the history', () => {
  it('a shallow clone missing the base commit gives the clear error', async () => {
    const head = headAfter((root) => {
      write(root, 'experiments/a/ft_0/finetune.yaml', 'lr: 4\n')
    })
    const shallow = join(tempDir('re-shallow-'), 'clone')
    execFileSync('git', ['clone', '-q', '--depth', '1', '--branch', `case-${branches}`, `file://${ws}`, shallow])
    const r = await locateExperiments({
      experimentDirInput: '',
      event: prEvent(head),
      workspace: shallow,
      allowForks: false,
      github: { token: '' },
      experimentsReading: reading(() => ok([])).hook,
    })
    assert.ok(!r.ok)
    assert.equal(r.error.status, 'invalid')
    assert.match(
      r.error.problem.message,
      new RegExp(`does not contain the pull request's base commit ${base.slice(0, 12)}: its history is too shallow`),
    )
    assert.match(r.error.problem.hint ?? '', /fetch-depth: 0/)
  })

  it('a workspace that is not a git checkout says git failed', async () => {
    const r = await changedPaths(tempDir(), base, base)
    assert.ok(!r.ok)
    assert.match(r.error.message, /too shallow|not a git repository/)
  })
})

describe('finding experiments', () => {
  it('nearest holding directory, inside the workspace; a summary linked from outside does not count', () => {
    const root = tempDir('re-find-')
    write(root, 'x/experiment_summary.yaml')
    write(root, 'x/y/experiment_summary.yaml')
    mkdirSync(join(root, 'z'))
    const outside = join(tempDir(), 'experiment_summary.yaml')
    writeFileSync(outside, 'x')
    symlinkSync(outside, join(root, 'z/experiment_summary.yaml'))
    assert.deepEqual(
      experimentsOf(root, ['x/a.txt', 'x/y/z/b.txt', 'x/y/experiment_summary.yaml', 'z/c.txt', 'top.txt']),
      new Map([
        ['x/a.txt', 'x'],
        ['x/y/z/b.txt', 'x/y'],
        ['x/y/experiment_summary.yaml', 'x/y'],
        ['z/c.txt', undefined],
        ['top.txt', undefined],
      ]),
    )
    write(root, 'experiment_summary.yaml')
    assert.equal(experimentsOf(root, ['top.txt']).get('top.txt'), '.', 'the workspace itself may be the experiment')
  })

  it('the walk skips .git, node_modules, hidden directories and links, and is bounded', () => {
    const root = tempDir('re-walk-')
    for (const d of ['a', 'b/c', 'node_modules/pkg', '.hidden/e', 'd1/d2/d3'])
      write(root, `${d}/experiment_summary.yaml`)
    symlinkSync(join(root, 'a'), join(root, 'link'))
    assert.deepEqual(findExperiments(root), ok(['a', 'b/c', 'd1/d2/d3']))
    const many = findExperiments(root, { experiments: 2, depth: 12 })
    assert.ok(!many.ok && /more than 2 experiment directories/.test(many.error.message))
    const deep = findExperiments(root, { experiments: 100, depth: 2 })
    assert.ok(!deep.ok)
    assert.match(deep.error.message, /^d1\/d2\/d3 is more than 2 directories deep/)
  })
})
