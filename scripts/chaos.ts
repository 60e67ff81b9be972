/**
 * The chaos suite (`npm run chaos`): the built action is killed at a uniformly random moment of a
 * whole run — submission, state writes, polls, the phase boundary, the summary, the artifact upload —
 * with SIGKILL or with SIGINT then SIGTERM (as a runner cancels a step), one to three times in a row,
 * then re-run until it finishes. On the local executor and on the dev cluster's SLURM. Each trial then
 * checks that every job ran exactly once, none was lost, nothing was reported failed that did not
 * fail, nothing reported done that is not there, the state files parse, and no run crashed.
 *
 *   npm run chaos -- [--trials 50] [--seed N] [--executor local|slurm|both] [--sleep 1] [--lock FILE]
 *                    [--json FILE] [--keep]
 *
 * --trials   trials per executor (default 50)          --seed    seed of every random choice (default: random)
 * --sleep    seconds each job sleeps (default 1)       --lock    flock this file around each SLURM trial
 * --json     also write the figures there              --keep    keep the directories of trials that found a fault
 *
 * The moment of each kill is uniform over the duration of a clean run, measured first on each executor.
 * Prints one line per trial and the figures; exits 1 when any figure other than trials and kills is not 0.
 */
import { spawn, execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { StateFileSchema } from '../src/engine/state.ts'
import { TERMINAL_STATES } from '../src/scheduler/scheduler.ts'
import { startArtifactServer, type ArtifactServer } from '../test/helpers/artifact-server.ts'
import { DEFAULT_JOBS, makeExperiment, tempDir } from '../test/helpers/experiment.ts'
import { localInputs, runAction, slurmInputs, type ActionResult } from '../test/helpers/action.ts'

type Executor = 'local' | 'slurm'
type FaultKind = 'SIGKILL' | 'SIGINT'

interface Options {
  trials: number
  seed: number
  executors: Executor[]
  sleep: number
  lock?: string
  json?: string
  keep: boolean
}

interface Fault {
  kind: FaultKind
  /** Milliseconds after the start of the run. */
  atMs: number
  /** Whether the signal reached a running action (the run may have ended first). */
  landed: boolean
}

interface TrialResult {
  executor: Executor
  trial: number
  faults: Fault[]
  runs: number
  duplicates: string[]
  lost: string[]
  falseFailures: string[]
  falseResults: string[]
  stateErrors: string[]
  crashes: string[]
  /** Runs a signal ended before the action ran any code (nothing to check). */
  neverStarted: number
  durationMs: number
  dir: string
}

/** Every terminal state but success. */
const FAILED_STATES = new Set<string>(TERMINAL_STATES.filter((st) => st !== 'COMPLETED'))

function parseArgs(argv: string[]): Options {
  const o: Options = {
    trials: 50,
    seed: Math.floor(Math.random() * 2 ** 31),
    executors: ['local', 'slurm'],
    sleep: 1,
    keep: false,
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const value = (): string => {
      const v = argv[++i]
      if (v === undefined) throw new Error(`${a ?? ''} needs a value`)
      return v
    }
    if (a === '--trials') o.trials = Number(value())
    else if (a === '--seed') o.seed = Number(value())
    else if (a === '--sleep') o.sleep = Number(value())
    else if (a === '--lock') o.lock = value()
    else if (a === '--json') o.json = value()
    else if (a === '--keep') o.keep = true
    else if (a === '--executor') {
      const v = value()
      if (v !== 'local' && v !== 'slurm' && v !== 'both') throw new Error(`--executor local|slurm|both, got ${v}`)
      o.executors = v === 'both' ? ['local', 'slurm'] : [v]
    } else throw new Error(`unknown argument ${a ?? ''}`)
  }
  if (!Number.isInteger(o.trials) || o.trials < 0) throw new Error('--trials must be a whole number')
  if (!Number.isFinite(o.seed)) throw new Error('--seed must be a number')
  return o
}

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** One run of the action, with an optional fault at `fault.atMs`. */
async function runOnce(
  executor: Executor,
  exp: string,
  server: ArtifactServer,
  fault: Fault | undefined,
): Promise<{ result: ActionResult; ms: number }> {
  const t0 = Date.now()
  const result = await runAction({
    inputs: executor === 'local' ? localInputs(exp) : slurmInputs(exp),
    env: server.env,
    onSpawn: (child) => {
      if (!fault) return
      const timers: NodeJS.Timeout[] = []
      const later = (ms: number, f: () => void): void => {
        timers.push(setTimeout(f, ms))
      }
      child.on('exit', () => {
        timers.forEach(clearTimeout)
      })
      later(fault.atMs, () => {
        if (child.exitCode !== null || child.signalCode !== null) return
        fault.landed = true
        if (fault.kind === 'SIGKILL') {
          child.kill('SIGKILL')
          return
        }
        // As a runner cancels a step: SIGINT, SIGTERM a little later, SIGKILL when it still runs.
        child.kill('SIGINT')
        later(500 + Math.floor(fault.atMs % 2500), () => child.kill('SIGTERM'))
        later(15_000, () => child.kill('SIGKILL'))
      })
    },
  })
  return { result, ms: Date.now() - t0 }
}

/** What a run left behind that must hold after any fault: parsable state, no job recorded failed. */
function checkState(exp: string, where: string, t: TrialResult): void {
  for (const f of ['logs/run-torchtune.state.json', 'logs/run-inspect.state.json']) {
    const path = join(exp, f)
    if (!existsSync(path)) continue
    let data: unknown
    try {
      data = JSON.parse(readFileSync(path, 'utf8'))
    } catch (e) {
      t.stateErrors.push(`${where}: ${f} is not JSON (${(e as Error).message})`)
      continue
    }
    const parsed = StateFileSchema.safeParse(data)
    if (!parsed.success) {
      t.stateErrors.push(`${where}: ${f} does not parse: ${parsed.error.issues[0]?.message ?? '?'}`)
      continue
    }
    for (const [key, entry] of Object.entries(parsed.data))
      if (FAILED_STATES.has(entry.state))
        t.falseFailures.push(`${where}: ${key} recorded ${entry.state}: ${entry.error ?? entry.reason ?? ''}`)
  }
}

/**
 * A run that was not killed outright must end with outputs, a summary and no crash. A signal that came
 * before node ran any of the action's code (its handlers are the first thing it installs) leaves no
 * trace: that run never started.
 */
function checkRun(
  r: ActionResult,
  where: string,
  killed: Fault | undefined,
  t: TrialResult,
  traceBefore: string,
  traceAfter: string,
): void {
  const text = `${r.stdout}\n${r.stderr}`
  if (/run-experiment crashed|\n\s+at .+\(.+:\d+:\d+\)/.test(text))
    t.crashes.push(`${where}: ${text.split('\n').find((l) => /crashed|Error/.test(l)) ?? 'stack trace'}`)
  const sigkilled = r.signal === 'SIGKILL'
  const neverStarted = r.signal !== null && traceBefore === traceAfter && r.stdout === ''
  if (neverStarted) t.neverStarted++
  else if (!sigkilled && r.outputs['status'] === undefined)
    t.crashes.push(`${where}: ended (${r.signal ?? `exit ${String(r.code)}`}) without setting its outputs`)
  const failed = Number(r.outputs['runs-failed'] ?? 0) + Number(r.outputs['evals-failed'] ?? 0)
  if (failed > 0) t.falseFailures.push(`${where}: outputs say ${failed} job(s) failed (${r.outputs['status'] ?? ''})`)
  if (!killed?.landed && r.outputs['status'] !== undefined && r.outputs['status'] !== 'success')
    t.falseFailures.push(`${where}: status ${r.outputs['status']} without a fault`)
}

/** The trial's verdict once the last run finished: exactly once, nothing lost, results that are there. */
function checkFinal(exp: string, r: ActionResult, t: TrialResult): void {
  const lines = existsSync(join(exp, 'executions.txt'))
    ? readFileSync(join(exp, 'executions.txt'), 'utf8').trim().split('\n').filter(Boolean)
    : []
  for (const job of DEFAULT_JOBS) {
    const starts = lines.filter((l) => l.startsWith(`${job} job=`)).length
    const ends = lines.filter((l) => l.startsWith(`done ${job} job=`)).length
    if (starts > 1) t.duplicates.push(`${job} started ${starts} times`)
    if (ends === 0) t.lost.push(`${job} never finished`)
  }
  // Gating: no evaluation of a run began before that run's training finished.
  for (const [i, l] of lines.entries()) {
    const m = /^eval (\w+)\//.exec(l)
    if (m?.[1] && m[1] !== 'base' && !lines.slice(0, i).some((x) => x.startsWith(`done train ${m[1]} `)))
      t.falseResults.push(`${l} began before training of ${m[1]} finished`)
  }
  const want: Record<string, string> = {
    status: 'success',
    'runs-total': '2',
    'runs-succeeded': '2',
    'runs-failed': '0',
    'evals-total': '4',
    'evals-succeeded': '4',
    'evals-failed': '0',
    'evals-skipped': '0',
  }
  for (const [k, v] of Object.entries(want)) {
    if (r.outputs[k] === v) continue
    const msg = `final run: ${k}=${r.outputs[k] ?? '(unset)'}, expected ${v}`
    if (r.outputs['status'] === 'success') t.falseResults.push(msg)
    else if (k === 'status') t.falseFailures.push(`${msg}: ${r.summary.split('\n').slice(0, 3).join(' ')}`)
  }
  if (r.outputs['status'] !== 'success') return
  // What the success stands on must be there, written by jobs that finished.
  for (const ckpt of ['lr1/artifacts/epoch_0', 'lr1/artifacts/epoch_1', 'lr2/artifacts/epoch_1'])
    if (!existsSync(join(exp, ckpt, 'adapter_model.safetensors'))) t.falseResults.push(`success without ${ckpt}`)
  for (const cell of ['lr1/eval/caps_epoch0', 'lr1/eval/caps_epoch1', 'lr2/eval/caps_epoch1', 'base/eval/caps']) {
    const logs = join(exp, cell, 'logs')
    if (!existsSync(logs) || !readdirSync(logs).some((f) => f.endsWith('.eval')))
      t.falseResults.push(`success without a .eval log in ${cell}`)
  }
  for (const f of ['logs/run-torchtune.state.json', 'logs/run-inspect.state.json']) {
    const parsed = StateFileSchema.safeParse(JSON.parse(readFileSync(join(exp, f), 'utf8')))
    if (!parsed.success) continue
    for (const [key, e] of Object.entries(parsed.data))
      if (e.state !== 'COMPLETED' || e.validated !== true)
        t.falseResults.push(`success while ${key} is ${e.state}${e.validated ? '' : ', not validated'}`)
  }
  const summary = existsSync(join(exp, 'summary.md')) ? readFileSync(join(exp, 'summary.md'), 'utf8') : ''
  for (const run of ['lr1', 'lr2', 'base'])
    if (!new RegExp(`^\\| ${run} \\|`, 'm').test(summary)) t.falseResults.push(`summary.md has no row for ${run}`)
}

async function trial(
  executor: Executor,
  n: number,
  o: Options,
  cleanMs: number,
  server: ArtifactServer,
): Promise<TrialResult> {
  const random = rng(o.seed * 1000003 + n * 7919 + (executor === 'slurm' ? 1 : 0))
  const exp = makeExperiment(tempDir(`re-chaos-${executor}-`), { sleep: o.sleep, traceEnd: true, name: `chaos${n}` })
  const t: TrialResult = {
    executor,
    trial: n,
    faults: [],
    runs: 0,
    duplicates: [],
    lost: [],
    falseFailures: [],
    falseResults: [],
    stateErrors: [],
    crashes: [],
    neverStarted: 0,
    durationMs: 0,
    dir: exp,
  }
  const t0 = Date.now()
  const faults = n === 0 ? 0 : 1 + Math.floor(random() * 3)
  for (let i = 0; i < faults; i++) {
    const fault: Fault = {
      kind: random() < 0.5 ? 'SIGKILL' : 'SIGINT',
      atMs: Math.floor(random() * cleanMs),
      landed: false,
    }
    t.faults.push(fault)
    const before = trace(exp)
    const { result } = await runOnce(executor, exp, server, fault)
    t.runs++
    const where = `run ${t.runs} (${fault.kind} at ${fault.atMs} ms${fault.landed ? '' : ', not reached'})`
    checkRun(result, where, fault, t, before, trace(exp))
    checkState(exp, where, t)
    // Jobs go on while no action watches them.
    await new Promise((r) => setTimeout(r, Math.floor(random() * 2000)))
  }
  for (let attempt = 0; ; attempt++) {
    const before = trace(exp)
    const { result } = await runOnce(executor, exp, server, undefined)
    t.runs++
    const where = `run ${t.runs} (final)`
    checkRun(result, where, undefined, t, before, trace(exp))
    checkState(exp, where, t)
    // A run refused because a killed run's lock is not yet provably stale would be a fault of its own.
    if (result.outputs['status'] === 'success' || attempt >= 2) {
      checkFinal(exp, result, t)
      break
    }
  }
  if (executor === 'slurm') {
    const left = execFileSync('squeue', ['-h', '-o', '%j'], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.startsWith(`re-chaos${n}-`))
    if (left.length > 0) t.lost.push(`${left.length} job(s) of the experiment still queued after the final run`)
  }
  t.durationMs = Date.now() - t0
  return t
}

/** What a run leaves in the run directory first (its orchestration log), to tell a run that never started. */
function trace(exp: string): string {
  const log = join(exp, 'run-experiment.log')
  return existsSync(log) ? readFileSync(log, 'utf8') : ''
}

/** Holds `flock FILE` for the duration of `f` (the dev cluster is shared: one heavy user at a time). */
async function withLock<T>(file: string | undefined, f: () => Promise<T>): Promise<T> {
  if (!file) return f()
  const holder = spawn('flock', [file, '-c', 'echo locked; read _'], { stdio: ['pipe', 'pipe', 'inherit'] })
  await new Promise<void>((resolve, reject) => {
    holder.stdout.once('data', () => {
      resolve()
    })
    holder.once('exit', (code) => {
      reject(new Error(`flock ${file} ended (${String(code)})`))
    })
  })
  try {
    return await f()
  } finally {
    holder.stdin.end()
  }
}

function faultsFound(t: TrialResult): number {
  return (
    t.duplicates.length +
    t.lost.length +
    t.falseFailures.length +
    t.falseResults.length +
    t.stateErrors.length +
    t.crashes.length
  )
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2))
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'ignore' })
  process.stdout.write(
    `chaos: ${o.trials} trial(s) per executor (${o.executors.join(', ')}), seed ${o.seed}, jobs sleep ${o.sleep} s\n`,
  )
  const server = await startArtifactServer()
  const all: TrialResult[] = []
  const clean: Record<string, number> = {}
  try {
    for (const executor of o.executors) {
      // Trial 0 runs without a fault: it measures the whole run, over which kills are then spread.
      const calibration = await withLock(executor === 'slurm' ? o.lock : undefined, () =>
        trial(executor, 0, o, 0, server),
      )
      const cleanMs = calibration.durationMs
      clean[executor] = cleanMs
      report(calibration, o)
      all.push(calibration)
      for (let n = 1; n <= o.trials; n++) {
        const t = await withLock(executor === 'slurm' ? o.lock : undefined, () =>
          trial(executor, n, o, cleanMs, server),
        )
        report(t, o)
        all.push(t)
      }
    }
  } finally {
    await server.close()
  }
  // Figures over every trial, the clean one included (a fault without a fault is the worst kind).
  const figures = o.executors.map((executor) => {
    const ts = all.filter((t) => t.executor === executor)
    const sum = (f: (t: TrialResult) => number): number => ts.reduce((n, t) => n + f(t), 0)
    return {
      executor,
      trials: ts.filter((t) => t.trial > 0).length,
      cleanRunMs: clean[executor] ?? 0,
      runs: sum((t) => t.runs),
      sigkill: sum((t) => t.faults.filter((f) => f.kind === 'SIGKILL' && f.landed).length),
      sigint: sum((t) => t.faults.filter((f) => f.kind === 'SIGINT' && f.landed).length),
      duplicates: sum((t) => t.duplicates.length),
      lost: sum((t) => t.lost.length),
      falseFailures: sum((t) => t.falseFailures.length),
      falseResults: sum((t) => t.falseResults.length),
      stateUnparsable: sum((t) => t.stateErrors.length),
      crashes: sum((t) => t.crashes.length),
      neverStarted: sum((t) => t.neverStarted),
    }
  })
  const columns: [string, (f: (typeof figures)[number]) => string | number][] = [
    ['executor', (f) => f.executor],
    ['trials', (f) => f.trials],
    ['runs', (f) => f.runs],
    ['SIGKILL', (f) => f.sigkill],
    ['SIGINT+TERM', (f) => f.sigint],
    ['duplicates', (f) => f.duplicates],
    ['lost', (f) => f.lost],
    ['false-failures', (f) => f.falseFailures],
    ['false-results', (f) => f.falseResults],
    ['state-unparsable', (f) => f.stateUnparsable],
    ['crashes', (f) => f.crashes],
  ]
  process.stdout.write(`\n${columns.map(([h]) => h).join('  ')}\n`)
  for (const f of figures)
    process.stdout.write(`${columns.map(([h, v]) => String(v(f)).padStart(h.length)).join('  ')}\n`)
  const took = o.executors.map((e) => `${String(clean[e] ?? 0)} ms on ${e}`).join(', ')
  const early = figures.map((f) => `${String(f.neverStarted)} on ${f.executor}`).join(', ')
  process.stdout.write(
    `(seed ${String(o.seed)}; a clean run took ${took}; kills that missed a running action are not counted; ` +
      `runs ended by a signal before node ran the action: ${early})\n`,
  )
  if (o.json) writeFileSync(o.json, `${JSON.stringify({ seed: o.seed, figures, trials: all }, null, 2)}\n`)
  const bad = all.filter((t) => faultsFound(t) > 0)
  if (bad.length > 0) {
    process.stdout.write(
      `\n${bad.length} trial(s) found faults; rerun one with --seed ${o.seed} --executor ... --keep\n`,
    )
    process.exitCode = 1
  }
}

function report(t: TrialResult, o: Options): void {
  const faults = t.faults.map((f) => `${f.kind}@${f.atMs}${f.landed ? '' : '(missed)'}`).join(' ') || 'none'
  const found = [
    ...t.duplicates.map((x) => `duplicate: ${x}`),
    ...t.lost.map((x) => `lost: ${x}`),
    ...t.falseFailures.map((x) => `false failure: ${x}`),
    ...t.falseResults.map((x) => `false result: ${x}`),
    ...t.stateErrors.map((x) => `state: ${x}`),
    ...t.crashes.map((x) => `crash: ${x}`),
  ]
  process.stdout.write(
    `${t.executor} trial ${t.trial}: faults ${faults}; ${t.runs} runs, ${(t.durationMs / 1000).toFixed(1)} s: ${found.length ? 'FAULTS' : 'clean'}\n`,
  )
  for (const line of found) process.stdout.write(`    ${line}\n`)
  if (found.length > 0 && o.keep) process.stdout.write(`    kept: ${t.dir}\n`)
  else rmSync(t.dir, { recursive: true, force: true })
}

main().catch((e: unknown) => {
  process.stderr.write(`chaos: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
  process.exitCode = 2
})
