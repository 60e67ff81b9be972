/**
 * Benchmarks (figures, not pass/fail): the bundle's cold start, and the time to load, validate and plan
 * a 200-run x 4-cell experiment. Goals: under 300 ms and under 200 ms.
 *   npm run build && npm run bench
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { loadExperiment } from '../src/experiment/load.ts'
import { loaderToolNames, toolFor } from '../src/tools/index.ts'
import type { PlannedJob } from '../src/tools/tool.ts'
import { existsSync } from 'node:fs'

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN

// 1. Cold start: a fresh `node dist/index.js` that reads its inputs, finds no experiment and exits.
const work = mkdtempSync(join(tmpdir(), 're-bench-'))
const env = {
  ...process.env,
  GITHUB_WORKSPACE: work,
  GITHUB_OUTPUT: join(work, 'out'),
  GITHUB_STEP_SUMMARY: join(work, 'sum'),
  'INPUT_EXPERIMENT-DIR': 'missing',
  INPUT_EXECUTOR: 'local',
}
writeFileSync(join(work, 'out'), '')
writeFileSync(join(work, 'sum'), '')
const bare: number[] = []
const cold: number[] = []
for (let i = 0; i < 7; i++) {
  let t = performance.now()
  spawnSync(process.execPath, ['-e', ''], { env })
  bare.push(performance.now() - t)
  t = performance.now()
  const r = spawnSync(process.execPath, ['dist/index.js'], { env })
  cold.push(performance.now() - t)
  if (!readFileSync(join(work, 'out'), 'utf8').includes('invalid'))
    throw new Error(`the bundle did not run: ${r.stderr.toString()}`)
}
console.log(
  `bundle cold start (node dist/index.js, to exit): median ${median(cold).toFixed(0)} ms (node itself: ${median(bare).toFixed(0)} ms; goal < 300 ms)`,
)

// 2. Load, validate and plan 200 runs x 4 cells.
const exp = join(work, 'big')
const runs = Array.from({ length: 200 }, (_, i) => `run${String(i).padStart(3, '0')}`)
const tasks = ['t1', 't2']
let yaml =
  'experiment: {name: big, project: bench}\ntools: {preparation: torchtune, evaluation: inspect-ai}\ncontrols: {epochs: 2, batch_size: 8}\nruns:\n'
for (const [i, r] of runs.entries())
  yaml += `  - {name: ${r}, type: fine-tuned, model: m, parameters: {lr: ${(i + 1) * 1e-5}, lora_rank: ${8 + (i % 4)}}}\n`
yaml += `evaluation:\n  tasks:\n${tasks.map((t) => `    - {name: ${t}, script: task.py}`).join('\n')}\n  matrix:\n`
for (const r of runs) yaml += `    - {run: ${r}, tasks: [${tasks.join(', ')}], epochs: [0, 1]}\n`
mkdirSync(exp)
writeFileSync(join(exp, 'experiment_summary.yaml'), yaml)
for (const r of runs) {
  mkdirSync(join(exp, r))
  writeFileSync(join(exp, r, 'finetune.yaml'), 'output_dir: artifacts\n')
  writeFileSync(join(exp, r, 'finetune.slurm'), '#!/bin/bash\n')
  for (const t of tasks)
    for (const e of [0, 1]) {
      mkdirSync(join(exp, r, 'eval', `${t}_epoch${e}`), { recursive: true })
      writeFileSync(join(exp, r, 'eval', `${t}_epoch${e}`, 'cell.slurm'), '#!/bin/bash\n')
    }
}
const times: number[] = []
let cells = 0
for (let i = 0; i < 7; i++) {
  const t = performance.now()
  const text = readFileSync(join(exp, 'experiment_summary.yaml'), 'utf8')
  const loaded = loadExperiment(
    text,
    join(exp, 'experiment_summary.yaml'),
    'experiment_summary.yaml',
    loaderToolNames(),
  )
  const experiment = loaded.experiment
  if (!experiment) throw new Error(JSON.stringify(loaded.errors.slice(0, 3)))
  const exists = (rel: string): Promise<boolean> => Promise.resolve(existsSync(join(exp, rel)))
  const jobs: PlannedJob[] = []
  for (const phase of ['optimize', 'evaluate'] as const) {
    const tool = toolFor(phase, phase === 'optimize' ? experiment.tools.preparation : experiment.tools.evaluation)
    if (tool) jobs.push(...(await tool.scaffold(experiment, exists)).jobs)
  }
  times.push(performance.now() - t)
  cells = jobs.length
}
console.log(
  `load + validate + plan, 200 runs x 4 cells (${cells} jobs): median ${median(times).toFixed(1)} ms, first ${times[0]?.toFixed(1)} ms (goal < 200 ms)`,
)
