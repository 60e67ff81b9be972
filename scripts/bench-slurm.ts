/**
 * Let SLURM do the waiting: figures, not pass/fail (issue 16), on the dev cluster. An experiment of N runs
 * whose trainings last 2–20 s (unequal, fixed order) and whose evaluations last 1 s, run by the BUILT
 * action (dist/, as a runner runs it) on a login-node runner, in each evaluate-after mode; with
 * `--baseline DIR` also by another build (e.g. a worktree of an earlier commit, built), in the same run.
 * From SLURM's own accounting (sacct) it prints, per variant:
 *   - evaluation start − its own training's end (median, max);
 *   - first evaluation start − last training end, and how many evaluations started before it;
 *   - makespan (first submission to last end) ÷ critical path (the longest training + its evaluation);
 *   - status calls (squeue + sacct of the polls, counted by shims on PATH) per poll cycle, the other queries
 *     (the marker search at the start, dependency checks, the compute table's accounting), sbatch calls;
 *   - the action's wall time.
 * The cluster needs a slot for every job at once, or capacity, not the design, sets the makespan: the
 * script restarts the dev cluster with 2N+4 slots when it has fewer (RE_SLURM_CPUS; it keeps that size).
 *
 *   npm run bench:slurm -- [--runs 30] [--poll 2] [--modes all,own] [--baseline /path/to/other/checkout]
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { runAction } from '../test/helpers/action.ts'
import { tempDir } from '../test/helpers/experiment.ts'

const args = process.argv.slice(2)
const arg = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback
}
const runs = Number(arg('runs', '30'))
const poll = arg('poll', '2')
const modes = arg('modes', 'all,own').split(',')
const baseline = args.includes('--baseline') ? resolve(arg('baseline', '')) : undefined
const repo = resolve(import.meta.dirname, '..')

/** Seconds of training of run i: 2–20 s, spread, in a fixed shuffled order. */
const trainSeconds = (i: number): number => 2 + Math.round(((i * 7) % runs) * (18 / Math.max(1, runs - 1)))

function ensureSlots(): void {
  const cpus = Number(execFileSync('sinfo', ['-h', '-o', '%c'], { encoding: 'utf8' }).trim().split('\n')[0] ?? 0)
  const need = 2 * runs + 4
  if (cpus >= need) return
  console.log(`the dev cluster has ${cpus} slots, ${need} needed: restarting it with RE_SLURM_CPUS=${need}`)
  execFileSync('bash', [join(repo, 'scripts/dev-cluster/start.sh')], {
    env: { ...process.env, RE_SLURM_CPUS: String(need) },
    stdio: 'inherit',
  })
}

function experiment(root: string): string {
  const exp = join(root, 'exp')
  const put = (rel: string, text: string): void => {
    mkdirSync(join(exp, rel, '..'), { recursive: true })
    writeFileSync(join(exp, rel), text)
  }
  let yaml = 'experiment: {name: bench}\ncontrols: {epochs: 1}\nruns:\n'
  for (let i = 0; i < runs; i++) yaml += `  - {name: r${i}, type: fine-tuned, model: m, parameters: {lr: ${i}}}\n`
  yaml += 'evaluation:\n  tasks: [{name: t, script: task.py}]\n  matrix:\n'
  for (let i = 0; i < runs; i++) yaml += `    - {run: r${i}, tasks: [t], epochs: [0]}\n`
  put('experiment_summary.yaml', yaml)
  put('task.py', '# the task\n')
  for (let i = 0; i < runs; i++) {
    put(`r${i}/finetune.yaml`, 'output_dir: artifacts\n')
    put(
      `r${i}/finetune.slurm`,
      `#!/bin/bash\n#SBATCH --job-name=train-r${i}\n#SBATCH --output=artifacts/slurm-%j.out\n` +
        `sleep ${trainSeconds(i)}\nmkdir -p artifacts/epoch_0 && echo w > artifacts/epoch_0/model.safetensors\n`,
    )
    put(
      `r${i}/eval/t_epoch0/cell.slurm`,
      `#!/bin/bash\n#SBATCH --job-name=eval-r${i}\n#SBATCH --output=slurm-%j.out\nsleep 1\n` +
        `mkdir -p logs && python3 -c "import zipfile,json; z=zipfile.ZipFile('logs/x.eval','w'); ` +
        `z.writestr('header.json', json.dumps({'status':'success','eval':{'task':'t'},'results':{'scores':[]}})); z.close()"\n` +
        `# inspect eval ../../../task.py --log-dir logs\n`,
    )
  }
  return exp
}

/** squeue, sacct and sbatch shims that log each call, then run the real command. */
function shims(root: string): { dir: string; log: string } {
  const dir = join(root, 'shims')
  const log = join(root, 'calls.log')
  mkdirSync(dir)
  for (const cmd of ['squeue', 'sacct', 'sbatch']) {
    const real = execFileSync('bash', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim()
    writeFileSync(join(dir, cmd), `#!/bin/bash\necho "${cmd} $(date +%s.%N) $*" >> '${log}'\nexec '${real}' "$@"\n`)
    chmodSync(join(dir, cmd), 0o755)
  }
  return { dir, log }
}

interface Row {
  name: string
  submit: number
  start: number
  end: number
}

function accounting(ids: string[]): Row[] {
  const out = execFileSync(
    'sacct',
    ['-X', '-n', '-P', '-j', ids.join(','), '-o', 'JobIDRaw,JobName,Submit,Start,End', '-S', 'now-1days'],
    { encoding: 'utf8', env: { ...process.env, SLURM_TIME_FORMAT: '%s' } },
  )
  return out
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [, name = '', submit, start, end] = l.split('|')
      return { name, submit: Number(submit), start: Number(start), end: Number(end) }
    })
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length ? ((s[Math.floor((s.length - 1) / 2)] ?? 0) + (s[Math.ceil((s.length - 1) / 2)] ?? 0)) / 2 : NaN
}

async function variant(label: string, entry: string, inputs: Record<string, string>): Promise<void> {
  const root = tempDir('re-bench-slurm-')
  const exp = experiment(root)
  const { dir, log } = shims(root)
  const started = Date.now()
  const r = await runAction({
    inputs: {
      'experiment-dir': exp,
      executor: 'slurm',
      'poll-interval': poll,
      'max-poll-interval': poll,
      stagger: '0',
      'max-submit': String(4 * runs),
      'output-wait': '10',
      'run-root': join(root, 'run-root'),
      ...inputs,
    },
    env: { PATH: `${dir}:${process.env['PATH'] ?? ''}` },
    entry,
  })
  const wall = (Date.now() - started) / 1000
  const ids = ['run-torchtune', 'run-inspect'].flatMap((f) => {
    const path = join(exp, 'logs', `${f}.state.json`)
    if (!existsSync(path)) return []
    return Object.values(JSON.parse(readFileSync(path, 'utf8')) as Record<string, { job_id?: string | null }>)
      .map((e) => e.job_id)
      .filter((id): id is string => typeof id === 'string')
  })
  const rows = accounting(ids)
  const train = new Map(rows.filter((x) => x.name.startsWith('train-')).map((x) => [x.name.slice(6), x]))
  const evals = rows.filter((x) => x.name.startsWith('eval-'))
  const gaps = evals.flatMap((e) => {
    const t = train.get(e.name.slice(5))
    return t ? [e.start - t.end] : []
  })
  const lastTrainEnd = Math.max(...[...train.values()].map((t) => t.end))
  const firstEvalStart = Math.min(...evals.map((e) => e.start))
  const early = evals.filter((e) => e.start < lastTrainEnd).length
  const makespan = Math.max(...rows.map((x) => x.end)) - Math.min(...rows.map((x) => x.submit))
  const critical = Math.max(
    ...evals.map((e) => {
      const t = train.get(e.name.slice(5))
      return t ? t.end - t.start + (e.end - e.start) : 0
    }),
  )
  const calls = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []
  const count = (cmd: string, kind?: (args: string[]) => boolean): number =>
    calls.filter((l) => l.startsWith(`${cmd} `) && (!kind || kind(l.split(' ').slice(2)))).length
  // A poll asks about given jobs (-j; so does a dependency check, which a job seen held in the last 5 s
  // spares); the marker search at the start lists the user's jobs (--me, -u); the compute table's
  // accounting at the end asks for AllocTRES.
  const polling = (args: string[]): boolean => args.includes('-j') && !args.some((a) => a.includes('AllocTRES'))
  console.log(`\n${label}: status ${r.outputs['status'] ?? '?'}, ${rows.length} jobs, action wall ${wall.toFixed(0)} s`)
  console.log(`  evaluation start - its training's end: median ${median(gaps)} s, max ${Math.max(...gaps)} s`)
  console.log(
    `  first evaluation start - last training end: ${firstEvalStart - lastTrainEnd} s; ` +
      `evaluations started before the last training ended: ${early}`,
  )
  console.log(`  makespan ${makespan} s / critical path ${critical} s = ${(makespan / critical).toFixed(2)}`)
  const cycles = count('squeue', polling)
  console.log(
    `  status calls: ${cycles} squeue + ${count('sacct', polling)} sacct over ${cycles} poll cycles = ` +
      `${((cycles + count('sacct', polling)) / Math.max(1, cycles)).toFixed(2)} per cycle; ` +
      `other queries: ${count('squeue') - cycles} squeue + ${count('sacct') - count('sacct', polling)} sacct ` +
      `(the marker search, the compute table); ${count('sbatch')} sbatch`,
  )
}

ensureSlots()
console.log(
  `${runs} runs: trainings ${trainSeconds(0)}–${Math.max(...Array.from({ length: runs }, (_, i) => trainSeconds(i)))} s, evaluations 1 s; poll ${poll} s; SLURM times are whole seconds`,
)
if (baseline) await variant(`baseline (${baseline})`, join(baseline, 'dist/index.js'), {})
for (const mode of modes)
  await variant(`evaluate-after: ${mode}`, join(repo, 'dist/index.js'), { 'evaluate-after': mode })
