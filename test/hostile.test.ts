/**
 * What a pull request can make the action do (issue 15): hostile input through the BUILT action (dist/,
 * as a runner runs it), each case with its exact outcome.
 *
 * 1. Committed state, checkpoints, .eval logs, intents and locks: foreign, ignored with a warning naming
 *    the file; never a success, never watched or cancelled, never read; the gates see only what ran.
 * 2. A copied experiment directory (`cp -r`, `cp -a`), local and SLURM: every job runs again.
 * 3. Reads confined: a secret named by a state entry, an output or a .eval symlink appears nowhere.
 * 4. Markdown in every field: inert text in the job summary, summary.md and the comment.
 * 5. A zstd bomb as a cell's .eval log; 6. summary bombs and max-jobs; 7. forged local job records.
 *
 * Local executor, plus the dev cluster's SLURM where the scheduler's knowledge matters. About 2 minutes.
 * HOSTILE_LONG=1 adds the slow variants (the SLURM copy made with `cp -r` too).
 */
import { before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { mdCode, mdText, mermaidText } from '../src/report/markdown.ts'
import { LocalTransport } from '../src/cluster/local.ts'
import { LocalScheduler } from '../src/scheduler/local.ts'
import {
  localInputs,
  localJobsDir,
  readText,
  runAction,
  slurmInputs,
  type ActionResult,
  type ActionRun,
} from './helpers/action.ts'
import { startArtifactServer, unzip } from './helpers/artifact-server.ts'
import { evalLog, logWithHeader, zstdRleBomb } from './helpers/eval-zip.ts'
import { executions, makeExperiment, tempDir } from './helpers/experiment.ts'
import { cleanCheckout, featureBranch, git } from './helpers/git.ts'
import { pullRequestEvent, useGithubApi } from './helpers/github-api.ts'
import { renderMarkdown, renderToolsMissing } from './helpers/render.ts'

const LONG = process.env['HOSTILE_LONG'] === '1'
const github = useGithubApi()

/** A pull request of `lab/experiments` from its own branch, `base...head`. */
function prEvent(base: string, head: string, number = 41): Record<string, unknown> {
  const repo = { full_name: 'lab/experiments', fork: false }
  return {
    action: 'synchronize',
    number,
    pull_request: { number, base: { sha: base, ref: 'main', repo }, head: { sha: head, ref: 'feature', repo } },
    repository: repo,
  }
}

/** A repository with a base commit; the experiment `experiments/e` is written by `write`, then committed on a branch. */
function repository(): { ws: string; base: string; commit: (message: string) => string } {
  const { ws, base } = featureBranch('re-hostile-ws-')
  return {
    ws,
    base,
    commit: (message) => {
      git(ws, 'add', '-f', '-A')
      git(ws, 'commit', '-qm', message)
      return git(ws, 'rev-parse', 'HEAD')
    },
  }
}

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex')
const write = (path: string, data: string | Buffer): void => {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, data)
}

/** The default fixture's jobs: state key, directory and what the committed state claims for it. */
const TRAININGS = ['lr1', 'lr2'] as const
const CELLS = [
  { key: 'lr1/eval/caps_epoch0/cell.slurm', dir: 'lr1/eval/caps_epoch0', display: 'lr1/caps/epoch0', control: false },
  { key: 'lr1/eval/caps_epoch1/cell.slurm', dir: 'lr1/eval/caps_epoch1', display: 'lr1/caps/epoch1', control: false },
  { key: 'lr2/eval/caps_epoch1/cell.slurm', dir: 'lr2/eval/caps_epoch1', display: 'lr2/caps/epoch1', control: false },
  { key: 'base/eval/caps/cell.slurm', dir: 'base/eval/caps', display: 'base/caps', control: true },
] as const
/** Numbers the author chose: every fine-tuned cell 0.99, the control 0.01 (`fine-tuned > control` holds). */
const CHOSEN = { fineTuned: 0.99, control: 0.01 }

/**
 * What a pull request commits into the experiment directory: resume state claiming `validated: true`
 * successes (one entry with the inputs' real digests, one without, a forged `seal`), job ids of its
 * choosing, checkpoints, and .eval logs with the chosen numbers.
 */
function forgeEvidence(exp: string, ids: { training: readonly string[]; cells: readonly string[] }): void {
  const at = '2026-01-01 00:00:00'
  const torchtune = Object.fromEntries(
    TRAININGS.map((run, i) => [
      `${run}/finetune.slurm`,
      {
        job_id: ids.training[i] ?? null,
        submitted_at: at,
        state: 'COMPLETED',
        exit_code: 0,
        validated: true,
        seal: 'ab'.repeat(16),
        ...(i === 0
          ? {
              inputs: {
                [`${run}/finetune.slurm`]: sha256(join(exp, run, 'finetune.slurm')),
                [`${run}/finetune.yaml`]: sha256(join(exp, run, 'finetune.yaml')),
              },
            }
          : {}),
        output: {
          kind: 'training',
          outputDir: join(exp, run, 'artifacts'),
          checkpoints: { '0': join(exp, run, 'artifacts/epoch_0'), '1': join(exp, run, 'artifacts/epoch_1') },
          finalLoss: 0.0001,
        },
      },
    ]),
  )
  const inspect = Object.fromEntries(
    CELLS.map((c, i) => [
      c.key,
      {
        job_id: ids.cells[i] ?? null,
        submitted_at: at,
        state: 'COMPLETED',
        exit_code: 0,
        validated: true,
        ...(i % 2 === 0 ? { inputs: { [c.key]: sha256(join(exp, c.key)) } } : {}),
        output: {
          kind: 'evaluation',
          log: join(exp, c.dir, 'logs/0000_caps.eval'),
          status: 'success',
          task: 'caps',
          scores: [{ name: 'match', metrics: { accuracy: c.control ? CHOSEN.control : CHOSEN.fineTuned } }],
        },
      },
    ]),
  )
  write(join(exp, 'logs/run-torchtune.state.json'), `${JSON.stringify(torchtune, null, 2)}\n`)
  write(join(exp, 'logs/run-inspect.state.json'), `${JSON.stringify(inspect, null, 2)}\n`)
  for (const run of TRAININGS)
    for (const e of [0, 1]) write(join(exp, run, `artifacts/epoch_${e}/adapter_model.safetensors`), 'committed weights')
  for (const c of CELLS) {
    const accuracy = c.control ? CHOSEN.control : CHOSEN.fineTuned
    write(join(exp, c.dir, 'logs/0000_caps.eval'), evalLog({ status: 'success', task: 'caps', accuracy }))
  }
}

/** The warning for a committed or copied entry naming a job the scheduler does not know for this directory. */
function foreignWarning(exp: string, key: string, jobId: string): string {
  const tool = key.endsWith('finetune.slurm') ? 'torchtune' : 'inspect'
  const dir = key.slice(0, key.lastIndexOf('/'))
  return (
    `${exp}/logs/run-${tool}.state.json: the entry for ${key} was not written by this action for this run ` +
    `directory and names job ${jobId}, which the scheduler does not know as a job of ${exp}/${dir} for this ` +
    'user: ignored (a copied or committed record is not evidence)'
  )
}

const warnings = (r: ActionResult): string[] => r.annotations.filter((a) => a.kind === 'warning').map((a) => a.message)

/**
 * The job ids of the entries the action wrote in the run directory's state files (they carry its job name;
 * the foreign entries it keeps there do not).
 */
function stateJobIds(runDir: string): string[] {
  const ids: string[] = []
  for (const tool of ['torchtune', 'inspect']) {
    const text = readText(join(runDir, `logs/run-${tool}.state.json`))
    if (!text) continue
    for (const e of Object.values(JSON.parse(text) as Record<string, { job_id: string | null; job_name?: string }>))
      if (e.job_id && e.job_name) ids.push(e.job_id)
  }
  return ids.sort((a, b) => Number(a) - Number(b))
}

/** The job ids the main step saved for the post step (the jobs it watched). */
const savedJobIds = (r: ActionResult): string[] =>
  (JSON.parse(r.state['jobs'] ?? '[]') as { jobId: string }[]).map((j) => j.jobId).sort((a, b) => Number(a) - Number(b))

/** The results table of the fixture as the jobs' own logs make it: 0.5 + epoch / 10, the control 0.5. */
const REAL_ROWS = [
  '| lr1 | fine-tuned | 0.001 | 1.8000 | 0.500 ± 0.050 | 0.600 ± 0.050 |  |',
  '| lr2 | fine-tuned | 0.002 | 1.8000 |  | 0.600 ± 0.050 |  |',
  '| base | control |  |  |  |  | 0.500 ± 0.050 |',
]

/** The gate `fine-tuned > control` on the real numbers: one of three checks fails (0.5 is not > 0.5). */
function assertRealGates(r: ActionResult): void {
  const gates = JSON.parse(r.outputs['gates'] ?? '[]') as {
    passed: boolean
    checks: { subject: string; left: number | null; right: number | null }[]
  }[]
  assert.equal(gates.length, 1)
  const [gate] = gates
  assert.ok(gate)
  assert.equal(gate.passed, false)
  assert.deepEqual(
    gate.checks.map((c) => [c.subject, c.left, c.right]),
    [
      ['lr1/caps/epoch0', 0.5, 0.5],
      ['lr1/caps/epoch1', 0.6, 0.5],
      ['lr2/caps/epoch1', 0.6, 0.5],
    ],
  )
  assert.equal(r.outputs['status'], 'failed')
}

/** The committed numbers reach nothing a person or a gate reads. */
function assertNoChosenNumbers(r: ActionResult, runDir: string): void {
  for (const [what, text] of [
    ['job summary', r.summary],
    ['summary.md', readText(join(runDir, 'summary.md'))],
    ['gates', r.outputs['gates'] ?? ''],
  ] as const) {
    assert.doesNotMatch(text, /0\.99|0\.010|\b0\.01\b|0\.0001/, `${what} shows a committed number`)
  }
  for (const row of REAL_ROWS) assert.ok(r.summary.includes(row), `results row ${row}\n${r.summary}`)
}

// ------------------------------------------------------------------------------------------- 1

describe('1. committed state, checkpoints, .eval logs and markers in a pull request', () => {
  it('in place (absolute experiment.dir in the checkout): every job runs; the entries are foreign, named with their file; the gates see what ran', async () => {
    // The user's jobs 1-6 ran earlier from another experiment directory: real jobs this executor knows.
    const root = tempDir('re-hostile-root-')
    const earlier = makeExperiment(tempDir('re-hostile-earlier-'), { name: 'e' })
    const first = await runAction({ inputs: localInputs(earlier, { 'run-root': root }) })
    assert.equal(first.outputs['status'], 'success', first.summary)
    assert.deepEqual(stateJobIds(earlier), ['1', '2', '3', '4', '5', '6'])

    const repo = repository()
    const exp = join(repo.ws, 'experiments/e')
    makeExperiment(exp, { name: 'e', dir: exp })
    // Real job ids (1-4, of the other directory) and unreal ones, with and without inputs.
    const forged = { training: ['1', '999999'], cells: ['3', '4', '888888', '777777'] }
    forgeEvidence(exp, forged)
    const head = repo.commit('experiment e, with the results I want')
    const r = await runAction({
      inputs: { ...localInputs(''), 'experiment-dir': '', 'run-root': root, require: 'fine-tuned > control' },
      workspace: repo.ws,
      eventName: 'pull_request',
      event: prEvent(repo.base, head),
    })
    assert.equal(r.outputs['experiment-dir'], exp, 'runs in place')
    assert.deepEqual(
      executions(exp)
        .map((l) => l.replace(/ job=.*/, ''))
        .sort(),
      [
        'eval base/caps',
        'eval lr1/caps/epoch0',
        'eval lr1/caps/epoch1',
        'eval lr2/caps/epoch1',
        'train lr1',
        'train lr2',
      ],
    )
    const expected = [
      ...TRAININGS.map((run, i) => foreignWarning(exp, `${run}/finetune.slurm`, forged.training[i] ?? '')),
      ...CELLS.map((c, i) => foreignWarning(exp, c.key, forged.cells[i] ?? '')),
    ]
    for (const w of expected) {
      assert.ok(warnings(r).includes(w), `annotation: ${w}\nwarnings: ${warnings(r).join('\n')}`)
      assert.ok(r.summary.includes(mdText(w)), `job summary: ${w}`)
    }
    assert.equal((readText(join(exp, 'logs/run-torchtune.log')).match(/FOREIGN_IGNORED: /g) ?? []).length, 2)
    assert.equal((readText(join(exp, 'logs/run-inspect.log')).match(/FOREIGN_IGNORED: /g) ?? []).length, 4)
    // Its own jobs are 7-12; none of the ids the file names is watched (saved for the post step).
    assert.deepEqual(stateJobIds(exp), ['7', '8', '9', '10', '11', '12'])
    assert.deepEqual(savedJobIds(r), ['7', '8', '9', '10', '11', '12'])
    for (const run of TRAININGS)
      assert.equal(readText(join(exp, run, 'artifacts/epoch_1/adapter_model.safetensors')), 'weights\n')
    assertNoChosenNumbers(r, exp)
    assertRealGates(r)
    assert.match(r.summary, /❌ `fine-tuned > control` — 1 of 3 do not hold: lr1\/caps\/epoch0: 0\.5 is not \\> 0\.5/)
  })

  it('with cancel-on-abort: no job id the committed state names is watched or cancelled, running or not', async () => {
    // Job 1 of the user runs (another experiment, detached): the committed state names it.
    const root = tempDir('re-hostile-root-')
    const other = makeExperiment(tempDir('re-hostile-other-'), { name: 'e', sleep: 60, runs: [{ name: 'a' }] })
    const detached = await runAction({
      inputs: localInputs(other, { 'run-root': root }),
      onSpawn: killWhen(() => submissions(other) >= 1, 'SIGINT'),
    })
    assert.match(detached.summary, /detached by SIGINT/)
    const jobs = join(root, '.local-jobs')
    try {
      const repo = repository()
      const exp = join(repo.ws, 'experiments/e')
      makeExperiment(exp, { name: 'e', dir: exp, sleep: 30 })
      forgeEvidence(exp, { training: ['1', '424242'], cells: ['1', '2', '3', '4'] })
      const head = repo.commit('committed state naming running job 1')
      const inputs = { ...localInputs(''), 'experiment-dir': '', 'run-root': root, 'cancel-on-abort': 'true' }
      const run = { inputs, workspace: repo.ws, eventName: 'pull_request', event: prEvent(repo.base, head) }
      const main = await runAction({ ...run, onSpawn: killWhen(() => submissions(exp) >= 2, 'SIGINT') })
      assert.match(main.summary, /jobs cancelled \(cancel-on-abort\)/)
      const own = stateJobIds(exp)
      assert.ok(own.length >= 2 && own.every((id) => Number(id) >= 2), own.join(' '))
      assert.deepEqual(savedJobIds(main), own, 'watched: its own jobs only')
      const cancelled = /CANCEL_JOBS\nDetails: cancel-on-abort: \d+ job\(s\): ([\d, ]+)\n/.exec(
        readText(join(exp, 'run-experiment.log')),
      )?.[1]
      assert.deepEqual(
        cancelled?.split(', ').sort((a, b) => Number(a) - Number(b)),
        own,
      )
      for (const id of own) assert.ok(existsSync(join(jobs, `${id}.cancelled`)), `job ${id} cancelled`)
      // The post step of a killed main step, with the saved ids: its own jobs, nothing else.
      const post = await runAction({ ...run, env: { STATE_isPost: 'true', STATE_jobs: main.state['jobs'] ?? '' } })
      assert.equal(post.code, 0)
      assert.match(post.stdout, new RegExp(`cancelled job\\(s\\) ${own.join(', ')} of ${exp} \\(cancel-on-abort\\)`))
      assert.ok(!existsSync(join(jobs, '1.cancelled')), 'job 1 of the other experiment was cancelled')
      assert.ok(!existsSync(join(jobs, '1.exit')), 'job 1 of the other experiment ended')
      assert.ok(processAlive(jobs, '1'), 'job 1 of the other experiment was signalled')
    } finally {
      await new LocalScheduler(new LocalTransport(), jobs, 1).cancel(['1'])
    }
  })

  it('committed outputs after a cleaned checkout: the jobs found by their marker do not stand on them; all run again', async () => {
    const repo = repository()
    const exp = join(repo.ws, 'experiments/e')
    makeExperiment(exp, { name: 'e', dir: exp, trace: join(tempDir('re-hostile-trace-'), 'executions.txt') })
    const head1 = repo.commit('experiment e')
    const trace = readFileSync(join(exp, 'lr1/finetune.slurm'), 'utf8').match(/>> '([^']+)'/)?.[1] ?? ''
    const inputs = { ...localInputs(''), 'experiment-dir': '', require: 'fine-tuned > control' }
    const step = (head: string): Promise<ActionResult> =>
      runAction({ inputs, workspace: repo.ws, eventName: 'pull_request', event: prEvent(repo.base, head) })
    const first = await step(head1)
    assert.equal(first.outputs['status'], 'failed', first.summary)
    const ran = stateJobIds(exp)
    assert.deepEqual(ran, ['1', '2', '3', '4', '5', '6'])
    cleanCheckout(repo.ws)
    // Later (more than the 5 s of clock skew the judge allows), the next push commits outputs with the chosen numbers, and a state naming the jobs that really ran
    // from this very directory (their ids are in the job summary); the checkout writes them after those ended.
    await new Promise((resolve) => setTimeout(resolve, 6000))
    forgeEvidence(exp, { training: ['1', '2'], cells: ['3', '4', '5', '6'] })
    const head2 = repo.commit('results')
    cleanCheckout(repo.ws)
    const second = await step(head2)
    assert.equal(readFileSync(trace, 'utf8').trim().split('\n').length, 12, `every job ran again\n${second.summary}`)
    assertNoChosenNumbers(second, exp)
    assertRealGates(second)
    assert.match(
      second.summary,
      /Already succeeded \(not re-run\): 0 · re-attached: 0 · re-submitted: 6 · newly submitted: 0 · skipped: 0/,
    )
  })

  it('staged under run-root: the checkout’s logs/, checkpoints, .eval logs and .run-experiment/ are never staged', async () => {
    const repo = repository()
    const exp = join(repo.ws, 'experiments/e')
    const trace = join(tempDir('re-hostile-trace-'), 'executions.txt')
    makeExperiment(exp, { name: 'e', trace })
    forgeEvidence(exp, { training: ['1', '2'], cells: ['3', '4', '5', '6'] })
    forgeWorkDir(exp)
    const head = repo.commit('experiment e, with the results I want')
    const r = await runAction({
      inputs: { ...localInputs(''), 'experiment-dir': '', require: 'fine-tuned > control' },
      workspace: repo.ws,
      eventName: 'pull_request',
      event: prEvent(repo.base, head),
    })
    const runDir = r.outputs['experiment-dir'] ?? ''
    assert.ok(runDir.endsWith('/lab/experiments/pr-41/experiments/e') && !runDir.startsWith(repo.ws), runDir)
    assert.equal(readFileSync(trace, 'utf8').trim().split('\n').length, 6)
    assert.deepEqual(warnings(r), [], 'nothing foreign reached the run directory')
    assert.deepEqual(stateJobIds(runDir), ['1', '2', '3', '4', '5', '6'])
    for (const c of CELLS) assert.ok(!existsSync(join(runDir, c.dir, 'logs/0000_caps.eval')), c.dir)
    assert.equal(readText(join(runDir, 'lr1/artifacts/epoch_0/adapter_model.safetensors')), 'weights\n')
    assert.deepEqual(readdirSync(join(runDir, '.run-experiment')), [])
    assertNoChosenNumbers(r, runDir)
    assertRealGates(r)
  })

  it('a committed .run-experiment/ in place: the lock refuses until it is stale, then is taken over; the intents are ignored', async () => {
    const repo = repository()
    const exp = join(repo.ws, 'experiments/e')
    makeExperiment(exp, { name: 'e', dir: exp })
    forgeWorkDir(exp)
    const head = repo.commit('a lock and a submission in progress')
    const step = (): Promise<ActionResult> =>
      runAction({
        inputs: { ...localInputs(''), 'experiment-dir': '' },
        workspace: repo.ws,
        eventName: 'pull_request',
        event: prEvent(repo.base, head),
      })
    const refused = await step()
    assert.equal(refused.outputs['status'], 'failed')
    assert.deepEqual(
      refused.annotations.filter((a) => a.kind === 'error').map((a) => a.message),
      [
        'another run-experiment is already running this experiment: pid 4242 on login-9, started ' +
          '2026-01-01T00:00:00.000Z, last seen 2099-01-01T00:00:00.000Z (wait for it to finish; if it is gone, ' +
          'the lock becomes stale after its heartbeat stops, or remove the file)',
        'run-experiment: failed — another run holds this experiment',
      ],
    )
    assert.deepEqual(executions(exp), [], 'nothing ran')
    // A re-run eleven minutes later: nobody rewrote the lock, whatever its heartbeat says.
    const then = (Date.now() - 660_000) / 1000
    utimesSync(join(exp, '.run-experiment/lock'), then, then)
    const r = await step()
    assert.equal(r.outputs['status'], 'success', r.summary)
    assert.match(
      warnings(r).join('\n'),
      /^took over a stale lock \(no heartbeat for 6\d\d s\) held by pid 4242 on login-9 since 2026-01-01T00:00:00\.000Z$/m,
    )
    assert.equal(executions(exp).length, 6, 'every job once: the committed intents adopted nothing')
    assert.doesNotMatch(r.summary, /Resumed|found in the queue/)
    assert.ok(!existsSync(join(exp, '.run-experiment/submitting-run-torchtune.state.json')), 'intents gone')
    assert.ok(!existsSync(join(exp, '.run-experiment/lock')), 'lock released')
  })
})

/** A lock naming a live-looking holder on another host (heartbeat in 2099) and unsealed submissions in progress. */
function forgeWorkDir(exp: string): void {
  write(
    join(exp, '.run-experiment/lock'),
    `${JSON.stringify({ host: 'login-9', pid: 4242, started: '2026-01-01T00:00:00.000Z', heartbeat: '2099-01-01T00:00:00.000Z' })}\n`,
  )
  const intent = (key: string) => ({
    job_id: null,
    submitted_at: '2099-01-01 00:00:00',
    state: 'SUBMITTING',
    job_name: `re-e-000000-${key.replace(/\W+/g, '_')}`,
    inputs: {},
    attempt: 1,
  })
  write(
    join(exp, '.run-experiment/submitting-run-torchtune.state.json'),
    `${JSON.stringify({ 'lr1/finetune.slurm': intent('lr1'), 'lr2/finetune.slurm': intent('lr2') }, null, 2)}\n`,
  )
}

/** How many submissions an experiment's torchtune log records. */
const submissions = (exp: string): number =>
  (readText(join(exp, 'logs/run-torchtune.log')).match(/SUBMIT_JOB/g) ?? []).length

/** Sends `signal` to the action once `when` holds. */
function killWhen(when: () => boolean, signal: NodeJS.Signals): (child: ChildProcess) => void {
  return (child) => {
    const timer = setInterval(() => {
      if (when()) {
        clearInterval(timer)
        child.kill(signal)
      }
    }, 50)
    child.on('exit', () => {
      clearInterval(timer)
    })
  }
}

/** Whether a local job's wrapper (its recorded pid and start time) still runs. */
function processAlive(jobs: string, id: string): boolean {
  const [pid, , start] = readFileSync(join(jobs, `${id}.start`), 'utf8')
    .trim()
    .split(' ')
  try {
    const stat = readFileSync(`/proc/${pid ?? ''}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] === start
  } catch {
    return false
  }
}

// ------------------------------------------------------------------------------------------- 2

describe('2. a copied experiment directory (last month’s, with its state, checkpoints and .eval logs)', () => {
  const copies = async (
    inputsOf: (dir: string, extra: Record<string, string>) => Record<string, string>,
    how: string[],
  ) => {
    const root = tempDir('re-hostile-root-')
    const original = makeExperiment(join(tempDir('re-hostile-orig-'), 'e'), { name: 'e' })
    const first = await runAction({ inputs: inputsOf(original, { 'run-root': root }) })
    assert.equal(first.outputs['status'], 'success', first.summary)
    const originalIds = stateJobIds(original)
    const keys = [...TRAININGS.map((r) => `${r}/finetune.slurm`), ...CELLS.map((c) => c.key)]
    const idOf = (key: string): string => {
      const tool = key.endsWith('finetune.slurm') ? 'torchtune' : 'inspect'
      const state = JSON.parse(readText(join(original, `logs/run-${tool}.state.json`))) as Record<
        string,
        { job_id: string }
      >
      return state[key]?.job_id ?? ''
    }
    for (const flag of how) {
      const copy = join(tempDir('re-hostile-copy-'), 'e')
      execFileSync('cp', [flag, original, copy])
      const r = await runAction({ inputs: inputsOf(copy, { 'run-root': root }) })
      assert.equal(r.outputs['status'], 'success', `${flag}: ${r.summary}`)
      assert.equal(executions(copy).length, 12, `${flag}: the original's 6 lines, then every job once more`)
      for (const key of keys) {
        const w = foreignWarning(copy, key, idOf(key))
        assert.ok(warnings(r).includes(w), `${flag}: ${w}\n${warnings(r).join('\n')}`)
        assert.ok(r.summary.includes(mdText(w)), `${flag}: job summary says ${w}`)
      }
      assert.equal(warnings(r).length, keys.length, warnings(r).join('\n'))
      assert.doesNotMatch(r.summary, /### Resumed/, 'every job newly submitted')
      const mine = stateJobIds(copy)
      assert.equal(mine.length, 6)
      assert.deepEqual(
        mine.filter((id) => originalIds.includes(id)),
        [],
        `${flag}: adopted the original's jobs`,
      )
      assert.deepEqual(savedJobIds(r), mine)
      assert.equal(
        (readText(join(copy, 'logs/run-torchtune.log')) + readText(join(copy, 'logs/run-inspect.log'))).match(
          /FOREIGN_IGNORED: /g,
        )?.length,
        6,
      )
    }
  }

  it('local executor, cp -r and cp -a, one run root: every job runs again; each copied entry is named and why', async () => {
    await copies((dir, extra) => localInputs(dir, extra), ['-r', '-a'])
  })

  it('SLURM, the original’s jobs still known to the scheduler: none adopted, every job runs again', async () => {
    await copies((dir, extra) => slurmInputs(dir, extra), LONG ? ['-a', '-r'] : ['-a'])
  })
})

// ------------------------------------------------------------------------------------------- 3

describe('3. reads confined', () => {
  it('a secret named by a state entry, a job output and a .eval log that are symlinks to it: its content appears nowhere', async () => {
    const token = `TOKEN-${randomBytes(12).toString('hex')}`
    const secret = join(tempDir('re-hostile-home-'), '.ssh/id_rsa')
    write(secret, `-----BEGIN OPENSSH PRIVATE KEY-----\n${token}\n-----END OPENSSH PRIVATE KEY-----\n`)
    const exp = makeExperiment(tempDir('re-hostile-confined-'), { failTraining: ['lr2'] })
    // lr2 fails and leaves its output as a link to the secret; cell lr1/caps/epoch0 leaves a link as its log.
    const train = join(exp, 'lr2/finetune.slurm')
    writeFileSync(
      train,
      readFileSync(train, 'utf8').replace(
        'echo "RuntimeError: training diverged" >&2',
        `touch '${secret}'; ln -sf '${secret}' "artifacts/slurm-$SLURM_JOB_ID.out"`,
      ),
    )
    const cell = join(exp, 'lr1/eval/caps_epoch0/cell.slurm')
    writeFileSync(
      cell,
      readFileSync(cell, 'utf8').replace(/^python3 .*$/m, `touch '${secret}'; ln -s '${secret}' logs/stolen.eval`),
    )
    // A committed entry whose output is the secret.
    write(
      join(exp, 'logs/run-torchtune.state.json'),
      JSON.stringify({
        'lr1/finetune.slurm': {
          job_id: '77',
          submitted_at: '2026-01-01 00:00:00',
          state: 'FAILED',
          exit_code: 1,
          output_file: secret,
        },
      }),
    )
    const artifacts = await startArtifactServer()
    try {
      const r = await runAction({
        inputs: localInputs(exp, { 'github-token': 'write-token' }),
        eventName: 'pull_request',
        event: pullRequestEvent(7),
        env: { GITHUB_API_URL: github().url, ...artifacts.env },
      })
      assert.equal(r.outputs['status'], 'partial', r.summary)
      assert.match(
        r.summary,
        /- lr2 — FAILED \(exit 1\) — torchtune did not finish: the job did not exit 0\n/,
        'no output tail',
      )
      assert.ok(
        r.summary.includes(
          mdText(
            `lr1/caps/epoch0 — completed, but the newest .eval log (${exp}/lr1/eval/caps_epoch0/logs/stolen.eval) ` +
              'has status "unreadable": not a readable .eval archive: it cannot be read (it is gone, or its real ' +
              "path lies outside the places this job's files may be read from)",
          ),
        ),
        r.summary,
      )
      assert.ok(warnings(r).includes(foreignWarning(exp, 'lr1/finetune.slurm', '77')))
      const places: [string, string][] = [
        ['stdout', r.stdout],
        ['stderr', r.stderr],
        ['job summary', r.summary],
        ['summary.md', readText(join(exp, 'summary.md'))],
        ['run-experiment.log', readText(join(exp, 'run-experiment.log'))],
        ...github().comments.map((c): [string, string] => [`comment ${c.id}`, c.body]),
      ]
      assert.equal(github().comments.length, 1)
      assert.ok(artifacts.artifacts.length > 0, 'an artifact was uploaded')
      for (const a of artifacts.artifacts) {
        const files = await unzip(a.zip)
        for (const refused of ['lr1/eval/caps_epoch0/logs/stolen.eval', 'lr2/artifacts/slurm-2.out'])
          assert.ok(!files.has(refused), `${a.name} holds ${refused}, which was not read`)
        for (const [name, bytes] of files) places.push([`artifact ${a.name}: ${name}`, bytes.toString('latin1')])
      }
      for (const [what, text] of places) assert.ok(!text.includes(token), `the secret is in ${what}`)
    } finally {
      await artifacts.close()
    }
  })

  it('allowed-roots: a run directory outside them is refused with the reason; nothing runs', async () => {
    const allowed = tempDir('re-hostile-allowed-')
    const exp = makeExperiment(tempDir('re-hostile-outside-'))
    const r = await runAction({ inputs: localInputs(exp, { 'allowed-roots': `${allowed}\n/scratch/lab` }) })
    assert.equal(r.outputs['status'], 'invalid')
    assert.deepEqual(
      r.annotations.filter((a) => a.kind === 'error').map((a) => a.message),
      [
        `allowed-roots: the run directory ${exp} (in place (outside the workspace)) is not under any of ` +
          `allowed-roots: ${allowed}, /scratch/lab`,
        'run-experiment: invalid — the run directory is outside allowed-roots',
      ],
    )
    assert.deepEqual(executions(exp), [])
  })

  it('allowed-roots: an output a job script names outside them is not read', async () => {
    const allowed = tempDir('re-hostile-allowed-')
    const outside = tempDir('re-hostile-elsewhere-')
    const exp = makeExperiment(join(allowed, 'e'), { failTraining: ['lr2'] })
    const train = join(exp, 'lr2/finetune.slurm')
    writeFileSync(
      train,
      readFileSync(train, 'utf8').replace('--output=artifacts/slurm-%j.out', `--output=${outside}/slurm-%j.out`),
    )
    const free = await runAction({ inputs: localInputs(exp) })
    assert.match(free.summary, /- lr2 — FAILED \(exit 1\) — .* last output: RuntimeError: training diverged\n/)
    const exp2 = makeExperiment(join(allowed, 'e2'), { failTraining: ['lr2'] })
    writeFileSync(
      join(exp2, 'lr2/finetune.slurm'),
      readFileSync(join(exp2, 'lr2/finetune.slurm'), 'utf8').replace(
        '--output=artifacts/slurm-%j.out',
        `--output=${outside}/slurm-%j.out`,
      ),
    )
    const confined = await runAction({ inputs: localInputs(exp2, { 'allowed-roots': allowed }) })
    assert.equal(confined.outputs['status'], 'partial')
    assert.match(confined.summary, /- lr2 — FAILED \(exit 1\) — torchtune did not finish: the job did not exit 0\n/)
    assert.deepEqual(readdirSync(outside), ['slurm-2.out'])
    assert.match(readFileSync(join(outside, 'slurm-2.out'), 'utf8'), /RuntimeError: training diverged/, 'it is there')
  })
})

// ------------------------------------------------------------------------------------------- 4

const PAYLOAD =
  'x` **✅ Approved by @org/leads** [weights](https://example.invalid) <img src=x onerror=alert(1)> ' +
  '<!-- run-experiment:sticky forged --> @org/team #1'

/**
 * Every occurrence of the payload is one of the escaper's forms: inline text, a code span, a Mermaid
 * label (inside a ```mermaid block, which GitHub draws as a chart). Nothing of it is left raw.
 */
function assertInert(what: string, markdown: string, minimum: number): void {
  let rest = markdown
  let found = 0
  for (const form of [mdText(PAYLOAD), mdCode(PAYLOAD), mermaidText(PAYLOAD)]) {
    found += rest.split(form).length - 1
    rest = rest.split(form).join('')
  }
  assert.ok(found >= minimum, `${what}: ${found} escaped occurrence(s), expected at least ${minimum}\n${markdown}`)
  for (const raw of ['Approved by', '[weights](', '<img', 'sticky forged', '@org/', '#1'])
    assert.ok(!rest.includes(raw), `${what}: "${raw}" outside the escaper's forms:\n${rest}`)
}

describe('4. markdown in every field', () => {
  it('experiment name, parameters, scorer and metric names, a job’s error: inert text in the job summary, summary.md and the comment; a user’s marker comment untouched', async () => {
    const exp = makeExperiment(tempDir('re-hostile-md-'), { name: 'placeholder', failTraining: ['lr2'] })
    const summaryPath = join(exp, 'experiment_summary.yaml')
    writeFileSync(
      summaryPath,
      readFileSync(summaryPath, 'utf8')
        .replace('name: placeholder', `name: ${JSON.stringify(PAYLOAD)}`)
        .replace('{lr: 0.001}', `{lr: 0.001, note: ${JSON.stringify(PAYLOAD)}}`),
    )
    // Every .eval log's scorer and its only metric are named with the payload (and say the cell's task as that too).
    const writer = join(exp, 'write_eval.py')
    writeFileSync(
      writer,
      readFileSync(writer, 'utf8')
        .replace('import json, sys, time, zipfile', `import json, sys, time, zipfile\nP = ${JSON.stringify(PAYLOAD)}`)
        .replace(
          /"scores": \[\{"name": "match", "scorer": "match", "metrics": \{[\s\S]*?\}\}\]\}\}/,
          '"scores": [{"name": P, "scorer": P, "metrics": {P: {"name": P, "value": 0.7}}}]}}',
        ),
    )
    // lr2's training prints the payload as its error.
    const train = join(exp, 'lr2/finetune.slurm')
    writeFileSync(
      train,
      readFileSync(train, 'utf8').replace('echo "RuntimeError: training diverged" >&2', 'printf \'%s\\n\' "$P" >&2'),
    )
    writeFileSync(train, readFileSync(train, 'utf8').replace('set -e', `set -e\nP=${shellQuote(PAYLOAD)}`))
    const users = github().addComment(7, '<!-- run-experiment:sticky forged -->\nI approve', 'mallory')
    const userBody = users.body
    const r = await runAction({
      inputs: localInputs(exp, { 'github-token': 'write-token' }),
      eventName: 'pull_request',
      event: pullRequestEvent(7),
      env: { GITHUB_API_URL: github().url },
    })
    assert.equal(r.outputs['status'], 'partial', r.summary)
    const mine = github().comments.filter((c) => c.user.login === 'github-actions[bot]')
    assert.equal(mine.length, 1)
    const comment = mine[0]?.body ?? ''
    assert.equal(users.body, userBody, 'the user’s comment is unchanged')
    assert.ok(!github().calls.includes(`PATCH /repos/lab/experiments/issues/comments/${users.id}`))
    // Where each field is shown, as the escaper writes it.
    const row = `| lr1 | fine-tuned | 0.001 | ${mdText(PAYLOAD)} | 1.8000 | ${mdText(`${PAYLOAD} 0.700`)} | ${mdText(`${PAYLOAD} 0.700`)} |  |`
    const failed = mdText(`torchtune did not finish: the job did not exit 0 — last output: ${PAYLOAD}`)
    const md = readText(join(exp, 'summary.md'))
    for (const [what, text] of [
      ['job summary', r.summary],
      ['summary.md', md],
      ['comment', comment],
    ] as const) {
      assert.ok(text.includes(row), `${what}: the results row\n${text}`)
      assert.ok(text.includes(failed), `${what}: the error`)
    }
    assert.ok(comment.includes(`### 🧪 Experiment ${mdCode(PAYLOAD)}: ⚠️ partial`), comment)
    assert.ok(md.includes(`**Experiment:** ${mdCode(PAYLOAD)} |`), md)
    assert.ok(r.summary.includes(`title "caps: ${mermaidText(`${PAYLOAD} ${PAYLOAD}`)}"`), r.summary)
    assertInert('job summary', r.summary.replaceAll(`${PAYLOAD} ${PAYLOAD}`, mermaidText(PAYLOAD)), 6)
    assertInert('summary.md', md, 5)
    assertInert('comment', comment.replaceAll(`${PAYLOAD} ${PAYLOAD}`, mermaidText(PAYLOAD)), 6)
    if (renderToolsMissing()) return
    for (const [what, markdown] of [
      ['job summary', r.summary],
      ['comment', comment],
    ] as const) {
      const page = await renderMarkdown(markdown)
      const made = (tags: string[]) => page.elements.filter((e) => tags.includes(e.tag))
      assert.deepEqual(
        made(['a']).filter((a) => a.ref !== 'https://github.com/lab/experiments/actions/runs/1'),
        [],
        `${what}: our links only`,
      )
      assert.deepEqual(made(['img', 'script', 'iframe', 'em']), [], `${what}: no image, script or emphasis`)
      for (const e of made(['strong', 'h1', 'h2', 'h3', 'h4', 'summary']))
        assert.ok(!e.text.includes('Approved by'), `${what}: <${e.tag}> ${e.text}`)
      for (const link of [/@[A-Za-z0-9]/, /#\d/, /https?:\/\//]) assert.doesNotMatch(page.textOutsideCode, link, what)
      assert.ok(page.text.replace(/\u200D/g, '').includes('Approved by @org/leads'), `${what} shows the text`)
      assert.ok(
        page.charts.every((c) => c.error === null),
        JSON.stringify(page.charts),
      )
    }
  })

  it('run and task names: refused at their lines, before anything runs; the errors show them as text', async () => {
    const exp = makeExperiment(tempDir('re-hostile-names-'))
    const summaryPath = join(exp, 'experiment_summary.yaml')
    const text = readFileSync(summaryPath, 'utf8')
      .replace('  - name: lr1\n', `  - name: ${JSON.stringify(PAYLOAD)}\n`)
      .replace('    - {name: caps, script: task.py}', `    - {name: ${JSON.stringify(PAYLOAD)}, script: task.py}`)
    writeFileSync(summaryPath, text)
    const r = await runAction({
      inputs: localInputs(exp, { 'github-token': 'write-token' }),
      eventName: 'pull_request',
      event: pullRequestEvent(7),
      env: { GITHUB_API_URL: github().url },
    })
    assert.equal(r.outputs['status'], 'invalid')
    const lineOf = (needle: string): string => String(text.split('\n').findIndex((l) => l.includes(needle)) + 1)
    const errors = r.annotations.filter((a) => a.kind === 'error' && a.file)
    const cut = `${PAYLOAD.slice(0, 56)}...`
    assert.deepEqual(
      errors.slice(0, 2).map((a) => [a.line, a.message]),
      [
        [
          lineOf(`- name: ${JSON.stringify(PAYLOAD)}`),
          `runs[0].name: must be usable as a directory name, but contains a path separator (/ or \\) (found "${cut})`,
        ],
        [
          lineOf(`{name: ${JSON.stringify(PAYLOAD)}`),
          'evaluation.tasks[0].name: must be usable as a directory name, but contains a path separator (/ or \\) ' +
            `(found "${cut})`,
        ],
      ],
    )
    assert.deepEqual(executions(exp), [])
    // The name, cut to 60 characters, in the reason; whole in the list of runs the matrix may name.
    const found = mdText(`(found "${cut})`)
    assert.equal(r.summary.split(found).length - 1, 2, r.summary)
    assert.ok(r.summary.includes(mdText(`(runs are: ${PAYLOAD}, lr2, base)`)), r.summary)
    assertInert('job summary', r.summary.replaceAll(found, ''), 1)
    const comments = github().comments.filter((c) => c.user.login === 'github-actions[bot]')
    assert.equal(comments.length, 1)
    for (const c of comments) {
      assert.equal(c.body.split(found).length - 1, 2, c.body)
      assertInert('comment', c.body.replaceAll(found, ''), 0)
    }
  })
})

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`
}

// ------------------------------------------------------------------------------------------- 5, 6

/** The action's figures: peak RSS read from /proc while it runs (VmHWM), and its CPU time at exit. */
interface Figures {
  hwmKiB: number
  cpuMs: number
}

let usageHook = ''
before(() => {
  usageHook = join(tempDir('re-hostile-usage-'), 'usage.cjs')
  writeFileSync(
    usageHook,
    `process.on('exit', () => {
  const u = process.resourceUsage()
  require('fs').writeFileSync(process.env.RE_USAGE_FILE, JSON.stringify({ cpuUs: u.userCPUTime + u.systemCPUTime, maxRssKiB: u.maxRSS }))
})\n`,
  )
})

async function measured(run: ActionRun): Promise<ActionResult & Figures> {
  const file = join(tempDir('re-hostile-usage-'), 'usage.json')
  let hwmKiB = 0
  const r = await runAction({
    ...run,
    env: { ...run.env, NODE_OPTIONS: `--require ${usageHook}`, RE_USAGE_FILE: file },
    onSpawn: (child) => {
      const read = (): void => {
        try {
          const kib = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid ?? 0}/status`, 'utf8'))?.[1]
          hwmKiB = Math.max(hwmKiB, Number(kib ?? 0))
        } catch {
          // ended between two looks
        }
      }
      const timer = setInterval(read, 10)
      child.on('exit', () => {
        clearInterval(timer)
      })
    },
  })
  const usage = JSON.parse(readFileSync(file, 'utf8')) as { cpuUs: number; maxRssKiB: number }
  assert.ok(hwmKiB > 0, 'VmHWM was read while the action ran')
  return { ...r, hwmKiB: Math.max(hwmKiB, usage.maxRssKiB), cpuMs: usage.cpuUs / 1000 }
}

describe('5. a zstd bomb as a cell’s .eval log', () => {
  it('16 KB that say 512 MiB: the cell fails with the reason; the action stays under 300 MB', async (t) => {
    const exp = makeExperiment(tempDir('re-hostile-bomb-'))
    const bomb = logWithHeader(zstdRleBomb(512 * 1024 * 1024), 93)
    assert.ok(bomb.length < 17_000, `${bomb.length} bytes`)
    const bombFile = join(tempDir('re-hostile-bombs-'), 'bomb.eval')
    writeFileSync(bombFile, bomb)
    const cell = join(exp, 'lr1/eval/caps_epoch0/cell.slurm')
    writeFileSync(cell, readFileSync(cell, 'utf8').replace(/^python3 .*$/m, `cp '${bombFile}' logs/bomb.eval`))
    const r = await measured({ inputs: localInputs(exp) })
    t.diagnostic(`zstd bomb: peak RSS ${(r.hwmKiB / 1024).toFixed(0)} MiB, CPU ${r.cpuMs.toFixed(0)} ms`)
    assert.equal(r.outputs['status'], 'partial', r.summary)
    assert.equal(r.outputs['evals-failed'], '1')
    const log = `${exp}/lr1/eval/caps_epoch0/logs/bomb.eval`
    assert.ok(
      r.summary.includes(
        mdText(
          `lr1/caps/epoch0 — completed, but the newest .eval log (${log}) has status "unreadable": entry ` +
            'header.json of the .eval log decompresses to more than 16777216 bytes: not read',
        ),
      ),
      r.summary,
    )
    assert.ok(r.hwmKiB < 300 * 1024, `peak RSS ${r.hwmKiB} KiB`)
  })
})

describe('6. summary bombs and max-jobs', () => {
  const names = Array.from({ length: 3000 }, (_, i) => `task${i}`)
  const bombs: Record<string, { text: string; line: number; column: number; message: RegExp }> = {
    'a matrix bomb (88 KiB, 9 million cells)': {
      text: [
        'experiment: {name: bomb}',
        'tools: {preparation: torchtune, evaluation: inspect-ai}',
        'controls: {epochs: 3000}',
        'runs: [{name: r, type: fine-tuned}]',
        'evaluation:',
        `  tasks: [${names.map((t) => `{name: ${t}}`).join(', ')}]`,
        `  matrix: [{run: r, tasks: [${names.join(', ')}], epochs: [${names.map((_, i) => i).join(', ')}]}]`,
        '',
      ].join('\n'),
      line: 7,
      column: 12,
      message:
        /^evaluation\.matrix\[0\]: the matrix lists 9000000 evaluation cells, over the cap of 2000; this entry passes it/,
    },
    'a 2 MiB summary': {
      text: `experiment: {name: big}\n# ${'x'.repeat(2 * 1024 * 1024)}\n`,
      line: 1,
      column: 1,
      message: /^is 2097179 bytes, over the cap of 262144: real experiment summaries are tens of KB/,
    },
    'a summary nested 5000 deep': {
      text: `experiment: {name: deep}\ndeep: ${'['.repeat(5000)}${']'.repeat(5000)}\n`,
      line: 2,
      column: 70,
      message: /^nests more than 64 levels deep here/,
    },
  }
  for (const [what, bomb] of Object.entries(bombs)) {
    it(`${what}: a located error in under 2 s of CPU and 200 MB; nothing submitted`, async (t) => {
      const exp = makeExperiment(tempDir('re-hostile-caps-'))
      writeFileSync(join(exp, 'experiment_summary.yaml'), bomb.text)
      const workspace = tempDir('re-hostile-ws-')
      const r = await measured({ inputs: localInputs(exp), workspace })
      t.diagnostic(
        `${what}: ${bomb.text.length} bytes, CPU ${r.cpuMs.toFixed(0)} ms, peak RSS ${(r.hwmKiB / 1024).toFixed(0)} MiB`,
      )
      assert.equal(r.outputs['status'], 'invalid')
      const [e, ...rest] = r.annotations.filter((a) => a.kind === 'error')
      assert.equal(e?.file, join(exp, 'experiment_summary.yaml'))
      assert.deepEqual([e.line, e.col], [String(bomb.line), String(bomb.column)])
      assert.match(e.message, bomb.message)
      assert.equal(rest.length, 1)
      assert.ok(r.cpuMs < 2000, `CPU ${r.cpuMs} ms`)
      assert.ok(r.hwmKiB < 200 * 1024, `peak RSS ${r.hwmKiB} KiB`)
      assert.deepEqual(executions(exp), [])
      assert.ok(!existsSync(localJobsDir(workspace, exp)), 'nothing submitted')
    })
  }

  it('max-jobs exceeded: an error naming the input, the file and the counts; nothing submitted', async () => {
    const exp = makeExperiment(tempDir('re-hostile-jobs-'))
    const r = await runAction({ inputs: localInputs(exp, { 'max-jobs': '5' }) })
    assert.equal(r.outputs['status'], 'invalid')
    const errors = r.annotations.filter((a) => a.kind === 'error')
    assert.deepEqual(
      errors.map((a) => [a.file, a.message]),
      [
        [
          join(exp, 'experiment_summary.yaml'),
          'runs: the experiment would submit 6 jobs (2 fine-tuning, 4 evaluation), more than max-jobs (5) ' +
            '(raise the max-jobs input if this is intended, or split the experiment)',
        ],
        [undefined, 'run-experiment: invalid — too many jobs for one experiment'],
      ],
    )
    assert.deepEqual(executions(exp), [])
  })
})

// ------------------------------------------------------------------------------------------- 7

describe('7. forged local job records', () => {
  it('records claiming pid 1, -1, 0, or a live process that is not the job: cancel-on-abort and the post step signal nothing', () => {
    // In a pid namespace of its own (pid 1 there is the harness, which records any signal it gets), so that
    // a regression (kill -TERM -1: every process of the account) reaches only the sentinels.
    const dir = tempDir('re-hostile-forged-')
    const root = join(dir, 'root')
    const exp = makeExperiment(join(dir, 'e'), {
      sleep: 120,
      runs: ['a', 'b', 'c', 'd', 'f'].map((name) => ({ name, epochs: [0] })),
    })
    // Each training, once running, rewrites its own start record ("pid epoch start").
    const forged: Record<string, string> = {
      a: '1 "$(date +%s)" "$(cut -d" " -f22 /proc/1/stat)"',
      b: '-1 "$(date +%s)" 5',
      c: '0 "$(date +%s)" 0',
      d: '"$GROUP" "$(date +%s)" 1',
      f: '"$NEAR" "$(date +%s)" "$(cut -d" " -f22 /proc/$NEAR/stat)"',
    }
    for (const [run, record] of Object.entries(forged)) {
      const script = join(exp, run, 'finetune.slurm')
      writeFileSync(
        script,
        readFileSync(script, 'utf8').replace(
          'set -e',
          `set -e\nread -r GROUP NEAR < '${dir}/sentinels'\n` +
            `printf '%s %s %s\\n' ${record} > '${root}/.local-jobs/'"$SLURM_JOB_ID.start"\n` +
            `echo forged >> '${dir}/forged'`,
        ),
      )
    }
    const driver = join(dir, 'driver.mts')
    writeFileSync(
      driver,
      `import { readFileSync, existsSync } from 'node:fs'
import { localInputs, runAction } from ${JSON.stringify(join(import.meta.dirname, 'helpers/action.ts'))}
const inputs = localInputs(${JSON.stringify(exp)}, { 'run-root': ${JSON.stringify(root)}, 'cancel-on-abort': 'true', 'max-parallel': '5' })
const forged = () => existsSync(${JSON.stringify(join(dir, 'forged'))}) ? readFileSync(${JSON.stringify(join(dir, 'forged'))}, 'utf8').split('\\n').length - 1 : 0
const main = await runAction({ inputs, onSpawn: (child) => {
  const t = setInterval(() => { if (forged() >= 5) { clearInterval(t); setTimeout(() => child.kill('SIGINT'), 300) } }, 50)
  child.on('exit', () => clearInterval(t))
} })
const post = await runAction({ inputs, env: { STATE_isPost: 'true', STATE_jobs: main.state['jobs'] ?? '' } })
console.log(JSON.stringify({ main: { code: main.code, summary: main.summary, jobs: main.state['jobs'] }, post: { code: post.code, stdout: post.stdout } }))
`,
    )
    const harness = `set -u
dir=$1 repo=$2
trap 'echo TERM >> "$dir/init-signals"' TERM
trap 'echo INT >> "$dir/init-signals"' INT
trap 'echo HUP >> "$dir/init-signals"' HUP
setsid sleep 300 & sleep 0.2; group=$(pgrep -n -x sleep -s 0 || pgrep -n -x sleep)
sleep 300 & near=$!
echo "$group $near" > "$dir/sentinels"
cd "$repo"
node --import tsx "$dir/driver.mts" > "$dir/driver.json"
echo "rc=$?"
sleep 0.5
kill -0 "$group" 2>/dev/null && echo "group alive" || echo "group signalled"
kill -0 "$near" 2>/dev/null && echo "near alive" || echo "near signalled"
echo "jobs running: $(pgrep -c -f '^sleep 120$')"
echo "init signals: $(cat "$dir/init-signals" 2>/dev/null | tr '\\n' ' ')"
echo "cancelled: $(ls "$dir/root/.local-jobs" | sed -n 's/[.]cancelled$//p' | sort -n | tr '\\n' ' ')"
`
    const out = execFileSync(
      'unshare',
      ['--pid', '--fork', '--mount-proc', 'setsid', '--wait', 'bash', '-c', harness, 'h', dir, process.cwd()],
      { encoding: 'utf8', timeout: 120_000 },
    )
    const result = JSON.parse(readFileSync(join(dir, 'driver.json'), 'utf8')) as {
      main: { code: number; summary: string; jobs: string }
      post: { code: number; stdout: string }
    }
    const saved = (JSON.parse(result.main.jobs) as { jobId: string }[])
      .map((j) => j.jobId)
      .sort((a, b) => Number(a) - Number(b))
    assert.deepEqual(out.trim().split('\n'), [
      'rc=0',
      'group alive',
      'near alive',
      'jobs running: 5',
      'init signals: ',
      `cancelled: ${saved.join(' ')}`,
    ])
    // The five trainings (jobs 1-5, each with a forged record) were watched, marked cancelled, and not signalled.
    assert.deepEqual(saved.slice(0, 5), ['1', '2', '3', '4', '5'])
    assert.match(result.main.summary, /jobs cancelled \(cancel-on-abort\)/)
    assert.equal(result.post.code, 0)
    assert.ok(
      result.post.stdout.includes(
        `run-experiment post: cancelled job(s) ${saved.join(', ')} of ${exp} (cancel-on-abort)`,
      ),
      result.post.stdout,
    )
  })
})
