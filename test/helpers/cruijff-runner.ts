/**
 * cruijff_kit's own runner (`submit_torchtune` / `submit_inspect`, release 0.3.4) as far as its files
 * go, for tests that switch between it and the action: what it submits (fine-tuned runs of
 * experiment_summary.yaml with a finetune.slurm; every `*\/eval/*\/cell.slurm`), its rule on resume (a key
 * already in its state file is never submitted again, whatever its state), and what it writes in
 * `logs/`: state entries `{job_id, submitted_at (local time), state}` keyed `<work dir>/<script>`, and
 * the SUBMIT_* / STATE_CHANGE / ALL_COMPLETE / MONITOR_DETACHED blocks. cruijff_kit itself is not on PyPI,
 * so CI cannot install it; this follows its source (see ../shared/reference/cruijff_kit_run_spec.md).
 *
 * `local`: a machine without SLURM, where the embedded local executor is what knows jobs: each job is
 * run by it (its records in `jobsDir`, the action's run root) to its end (the state then says what SLURM
 * would: COMPLETED for exit 0, FAILED otherwise). `slurm`: jobs go to sbatch and the runner detaches at
 * once, leaving them PENDING in its state (a watcher that was stopped).
 */
import { spawnSync } from 'node:child_process'
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { LocalTransport } from '../../src/cluster/local.ts'
import { LocalScheduler } from '../../src/scheduler/local.ts'
import { isTerminal } from '../../src/scheduler/scheduler.ts'
import { outputPatternOf, sbatchOutput } from '../../src/scheduler/script.ts'

export type CruijffTool = 'torchtune' | 'inspect'

export interface RunnerOptions {
  mode: 'local' | 'slurm'
  /** The environment of the jobs (the stand-ins' PATH; SBATCH_* site overrides for slurm). */
  env: Record<string, string>
  /** Submit only these state keys (a runner stopped part way); default every one not yet in the state. */
  only?: (key: string) => boolean
  /** `local`: the local executor's records (the action's run root's .local-jobs, see localJobsDir). */
  jobsDir?: string
}

interface Todo {
  key: string
  workDir: string
  script: string
  name: string
}

/** Runs one of cruijff_kit's submitters on the experiment; returns the keys it submitted. */
export async function cruijffRun(expDir: string, tool: CruijffTool, options: RunnerOptions): Promise<string[]> {
  const statePath = join(expDir, 'logs', `run-${tool}.state.json`)
  const logPath = join(expDir, 'logs', `run-${tool}.log`)
  const state = existsSync(statePath)
    ? (JSON.parse(readFileSync(statePath, 'utf8')) as Record<string, Record<string, unknown>>)
    : {}
  const action = tool === 'torchtune' ? 'SUBMIT_JOB' : 'SUBMIT_EVAL'
  const submitted: string[] = []
  for (const item of todo(expDir, tool)) {
    if (item.key in state || (options.only && !options.only(item.key))) continue
    const local = options.mode === 'local' ? await localJob(item, options) : undefined
    const id = local ? local.id : sbatch(item, options.env)
    block(logPath, `${action}: ${item.name}`, [`Details: sbatch ${item.script}`, `Job ID: ${id}`, 'Result: success'])
    state[item.key] = { job_id: id, state: 'PENDING', submitted_at: localNow() }
    writeState(statePath, state)
    submitted.push(item.key)
    if (local) {
      const end = (await local.ended) === 0 ? 'COMPLETED' : 'FAILED'
      block(logPath, `STATE_CHANGE: ${item.key}`, [`Details: job ${id}: PENDING -> ${end}`, 'Result: tracked'])
      state[item.key] = { ...state[item.key], state: end }
      writeState(statePath, state)
    }
  }
  const counts = new Map<string, number>()
  for (const e of Object.values(state)) counts.set(String(e['state']), (counts.get(String(e['state'])) ?? 0) + 1)
  const breakdown = [...counts.keys()]
    .sort()
    .map((k) => `${k}=${counts.get(k) ?? 0}`)
    .join(', ')
  if (options.mode === 'slurm') {
    block(logPath, 'MONITOR_DETACHED', [
      `Details: reason=SIGTERM; state breakdown: ${breakdown || '(no state)'}`,
      'Result: monitoring paused; jobs continue',
    ])
  } else if (!existsSync(logPath) || !readFileSync(logPath, 'utf8').includes('ALL_COMPLETE')) {
    block(logPath, 'ALL_COMPLETE', [`Details: terminal-state breakdown: ${breakdown}`, 'Result: done'])
  }
  return submitted
}

/** What the submitter would submit, in its order, with its keys and names. */
export function todo(expDir: string, tool: CruijffTool): Todo[] {
  if (tool === 'torchtune') {
    const summary = parseYaml(readFileSync(join(expDir, 'experiment_summary.yaml'), 'utf8')) as {
      runs?: { name?: string; type?: string }[]
    }
    return (summary.runs ?? [])
      .filter((r) => r.type === 'fine-tuned' && r.name && existsSync(join(expDir, r.name, 'finetune.slurm')))
      .map((r) => ({
        key: `${r.name ?? ''}/finetune.slurm`,
        workDir: join(expDir, r.name ?? ''),
        script: 'finetune.slurm',
        name: r.name ?? '',
      }))
  }
  const cells: Todo[] = []
  for (const run of readdirSync(expDir).sort()) {
    const evalDir = join(expDir, run, 'eval')
    if (!existsSync(evalDir)) continue
    for (const cell of readdirSync(evalDir).sort()) {
      if (!existsSync(join(evalDir, cell, 'cell.slurm'))) continue
      const at = cell.indexOf('_epoch')
      const name = at < 0 ? `${run}/${cell}` : `${run}/${cell.slice(0, at)}/epoch${cell.slice(at + '_epoch'.length)}`
      cells.push({ key: `${run}/eval/${cell}/cell.slurm`, workDir: join(evalDir, cell), script: 'cell.slurm', name })
    }
  }
  return cells.sort((a, b) => (a.key < b.key ? -1 : 1))
}

/** A job run by the local executor (so that it knows the job, as SLURM would): its id, and its exit code when it ends. */
async function localJob(
  item: Todo,
  options: RunnerOptions,
): Promise<{ id: string; ended: Promise<number | undefined> }> {
  if (!options.jobsDir) throw new Error('cruijffRun local mode needs the local executor records (jobsDir)')
  const scheduler = new LocalScheduler(new LocalTransport(), options.jobsDir, 1)
  const text = readFileSync(join(item.workDir, item.script), 'utf8')
  const outputPattern = outputPatternOf(text, item.workDir)
  const r = await scheduler.submit({
    dir: item.workDir,
    script: item.script,
    name: item.name,
    outputPattern,
    env: { ...options.env, HOME: process.env['HOME'] ?? '/root' },
  })
  if (!r.ok) throw new Error(`local executor ${item.key}: ${r.error.message}`)
  const id = r.value.jobId
  const ended = (async (): Promise<number | undefined> => {
    for (;;) {
      const s = (await scheduler.poll([{ jobId: id, submittedAt: new Date(0).toISOString() }])).get(id)
      if (s && isTerminal(s.state)) return s.exitCode
      await new Promise((res) => setTimeout(res, 100))
    }
  })()
  return { id, ended }
}

function sbatch(item: Todo, env: Record<string, string>): string {
  // cruijff_kit's submitters do not create the --output directory; the tests' scaffold has it.
  const text = readFileSync(join(item.workDir, item.script), 'utf8')
  const out = sbatchOutput(text)
  if (out) mkdirSync(dirname(out.startsWith('/') ? out : join(item.workDir, out)), { recursive: true })
  const r = spawnSync('sbatch', ['--parsable', item.script], {
    cwd: item.workDir,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  })
  const id = /^(\d+)/.exec(r.stdout.trim())?.[1]
  if (r.status !== 0 || !id) throw new Error(`sbatch ${item.key}: ${r.stderr}`)
  return id
}

function localNow(): string {
  const d = new Date()
  const p = (n: number): string => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`
}

function block(path: string, heading: string, lines: string[]): void {
  mkdirSync(dirname(path), { recursive: true })
  appendFileSync(path, `[${localNow()}] ${heading}\n${lines.join('\n')}\n\n`)
}

/** json.dumps(state, indent=2, sort_keys=True) + newline, as cruijff_kit writes it. */
function writeState(path: string, state: Record<string, Record<string, unknown>>): void {
  const sorted: Record<string, Record<string, unknown>> = {}
  for (const key of Object.keys(state).sort()) {
    const entry = state[key] ?? {}
    sorted[key] = Object.fromEntries(
      Object.keys(entry)
        .sort()
        .map((k) => [k, entry[k]]),
    )
  }
  writeFileSync(`${path}.tmp`, `${JSON.stringify(sorted, null, 2)}\n`)
  renameSync(`${path}.tmp`, path)
}
