/**
 * Benchmark of the cluster path (figures, not pass/fail), on the dev cluster
 * (scripts/dev-cluster/start.sh): ~200 trivial jobs (100 fine-tuning runs, one evaluation each)
 * through the pipeline with executor slurm, over SSH by default (`--local` for a login-node runner).
 * Prints: cluster commands per poll cycle, seconds from the last training job's end to the first
 * evaluation's submission, and SSH connections opened.
 *   node --import tsx scripts/bench-slurm.ts [--local] [--runs 100]
 */
import { readFileSync, writeFileSync, mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { run } from '../src/main.ts'
import type { ActionIO } from '../src/io.ts'
import type { Scheduler } from '../src/scheduler/scheduler.ts'
import type { Transport } from '../src/cluster/transport.ts'

const args = process.argv.slice(2)
const local = args.includes('--local')
const runs = Number(args[args.indexOf('--runs') + 1] ?? 100) || 100

const clusterDir = process.env['RE_DEV_CLUSTER_DIR'] ?? '/tmp/re-dev-cluster'
const env: Record<string, string> = {}
for (const line of readFileSync(join(clusterDir, 'env'), 'utf8').split('\n')) {
  const m = /^([A-Z_]+)=(.*)$/.exec(line.trim())
  if (m?.[1]) env[m[1]] = m[2] ?? ''
}

const root = mkdtempSync(join(tmpdir(), 're-bench-slurm-'))
const exp = join(root, 'checkout')
const remote = join(root, 'scratch')
mkdirSync(exp)
let yaml = `experiment: {name: bench, dir: ${remote}}\ntools: {preparation: torchtune, evaluation: inspect-ai}\ncontrols: {epochs: 1}\nruns:\n`
for (let i = 0; i < runs; i++) yaml += `  - {name: r${i}, type: fine-tuned, parameters: {lr: ${i}}}\n`
yaml += 'evaluation:\n  tasks: [{name: t}]\n  matrix:\n'
for (let i = 0; i < runs; i++) yaml += `    - {run: r${i}, tasks: [t], epochs: [0]}\n`
writeFileSync(join(exp, 'experiment_summary.yaml'), yaml)
for (let i = 0; i < runs; i++) {
  mkdirSync(join(exp, `r${i}/eval/t_epoch0`), { recursive: true })
  writeFileSync(join(exp, `r${i}/finetune.yaml`), 'output_dir: artifacts\n')
  writeFileSync(
    join(exp, `r${i}/finetune.slurm`),
    '#!/bin/bash\n#SBATCH --output=artifacts/slurm-%j.out\nmkdir -p artifacts/epoch_0 && echo w > artifacts/epoch_0/model.safetensors\n',
  )
  writeFileSync(
    join(exp, `r${i}/eval/t_epoch0/cell.slurm`),
    `#!/bin/bash\n#SBATCH --output=slurm-%j.out\nmkdir -p logs && python3 -c "import zipfile,json; z=zipfile.ZipFile('logs/x.eval','w'); z.writestr('header.json', json.dumps({'status':'success','eval':{'task':'t'},'results':{'scores':[]}})); z.close()"\n`,
  )
}

const inputs: Record<string, string> = {
  'experiment-dir': exp,
  executor: 'slurm',
  'poll-interval': '2',
  'max-poll-interval': '10',
  stagger: '0',
  'max-submit': '400',
  'output-wait': '30',
  ...(local
    ? {}
    : {
        'ssh-host': env['RE_SSH_HOST'] ?? '',
        'ssh-port': env['RE_SSH_PORT'] ?? '',
        'ssh-user': env['RE_SSH_USER'] ?? '',
        'ssh-private-key': readFileSync(env['RE_SSH_KEY'] ?? '', 'utf8'),
        'ssh-known-hosts': readFileSync(env['RE_SSH_KNOWN_HOSTS'] ?? '', 'utf8'),
      }),
}
// Connections: the first, plus one per reconnection the transport reports in the log (SshTransport keeps no
// counters of its own; see src/cluster/counting.ts for benchmarks that build their transport themselves).
let reconnections = 0
const io: ActionIO = {
  getInput: (n) => inputs[n] ?? '',
  setOutput: () => undefined,
  info: (m) => {
    if (/\breconnected to\b/.test(m)) reconnections++
  },
  annotate: (k, p) => {
    if (k === 'error') console.error(p.message)
  },
  writeSummary: () => Promise.resolve(),
  setFailed: (m) => {
    console.error(m)
  },
  saveState: () => undefined,
  mask: () => undefined,
  env: { GITHUB_WORKSPACE: root },
}

const pollCommands: number[] = []
const started = Date.now()
const result = await run({
  io,
  signal: new AbortController().signal,
  observe: {
    transport: (t: Transport) => {
      if (!local && !t.description.startsWith('ssh:'))
        throw new Error(`expected an SSH transport, got ${t.description}`)
    },
    scheduler: (s: Scheduler): Scheduler => {
      const counted = s as Scheduler & { commands?: number }
      const poll = s.poll.bind(s)
      counted.poll = async (jobs) => {
        const before = counted.commands ?? 0
        const r = await poll(jobs)
        pollCommands.push((counted.commands ?? 0) - before)
        return r
      }
      return counted
    },
  },
})
const wall = (Date.now() - started) / 1000
type StateFile = Record<string, { ended_iso?: string; submitted_iso?: string }>
const state = (f: string): StateFile => JSON.parse(readFileSync(join(remote, f), 'utf8')) as StateFile
const lastTrainEnd = Math.max(
  ...Object.values(state('logs/run-torchtune.state.json'))
    .map((e) => Date.parse(e.ended_iso ?? ''))
    .filter(Number.isFinite),
)
const firstEvalSubmit = Math.min(
  ...Object.values(state('logs/run-inspect.state.json'))
    .map((e) => Date.parse(e.submitted_iso ?? ''))
    .filter(Number.isFinite),
)
console.log(
  `${runs * 2} jobs (${runs} fine-tuning + ${runs} evaluations), executor slurm, ${local ? 'login-node runner (local transport)' : 'over SSH'}: status ${result.status}, wall ${wall.toFixed(0)} s`,
)
console.log(
  `cluster commands per poll cycle: min ${Math.min(...pollCommands)}, max ${Math.max(...pollCommands)}, over ${pollCommands.length} cycles`,
)
console.log(
  `last training job end -> first evaluation submission: ${((firstEvalSubmit - lastTrainEnd) / 1000).toFixed(1)} s (SLURM records end times in whole seconds)`,
)
if (!local) console.log(`SSH connections opened: ${1 + reconnections}`)
