/**
 * The seams are real: a new evaluator and a new scheduler, defined here in test code and registered
 * through the registries' public API only, run a whole experiment through the action's own `run()`.
 * Nothing in src/ names them.
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { resolvePath } from '../../src/cluster/paths.ts'
import type { Transport } from '../../src/cluster/transport.ts'
import { run } from '../../src/main.ts'
import { err, ok, type Result } from '../../src/result.ts'
import { registerScheduler } from '../../src/scheduler/index.ts'
import type {
  DescribedJob,
  JobSpec,
  JobStatus,
  MarkedJob,
  Scheduler,
  SubmitResult,
} from '../../src/scheduler/scheduler.ts'
import { registerTool } from '../../src/tools/index.ts'
import type { ToolModule } from '../../src/tools/tool.ts'
import { tempDir } from '../helpers/experiment.ts'
import { recordingIO } from '../helpers/io.ts'

/** An evaluator whose job script writes `score.txt`; a cell is `{run}/eval/{task}[_{epoch}].toy`. */
const toyEval: ToolModule = {
  name: 'toy-eval',
  phase: 'evaluate',
  logFile: 'run-toy.log',
  stateFile: 'run-toy.state.json',
  submitAction: 'SUBMIT_EVAL',
  async scaffold(experiment, exists) {
    const plan: Awaited<ReturnType<ToolModule['scaffold']>> = { jobs: [], missing: [] }
    for (const cell of experiment.cells) {
      const script = `${cell.task}${cell.epoch === null ? '' : `_${cell.epoch}`}.toy`
      const display = `${cell.run}/${cell.task}`
      if (!(await exists(`${cell.run}/eval/${script}`))) {
        plan.missing.push({ run: cell.run, cell, display, paths: [`${cell.run}/eval/${script}`] })
        continue
      }
      const key = `${cell.run}/eval/${script}`
      plan.jobs.push({ key, display, run: cell.run, cell, dir: `${cell.run}/eval`, script, inputs: [key] })
    }
    return plan
  },
  // What its jobs read and write: the script, and the score beside it (never staged over a run's own).
  files(ctx) {
    const dir = resolvePath(ctx.runDir, ctx.job.dir)
    const file = `${ctx.job.dir}/${ctx.job.script}`
    return Promise.resolve({
      reads: [{ path: `${dir}/${ctx.job.script}`, kind: 'toy script', file, trigger: true }],
      writes: [{ path: `${dir}/${ctx.job.script}.score`, kind: 'score', file }],
      unresolved: [],
    })
  },
  async judge(ctx) {
    const path = `${resolvePath(ctx.runDir, ctx.job.dir)}/${ctx.job.script}.score`
    const text = (await ctx.transport.readFile(path))?.toString('utf8')
    if (text === undefined) return err({ why: `no ${path}` })
    const scores = [{ name: 'toy', metrics: { accuracy: Number(text) } }]
    return ok({ result: { kind: 'evaluation', log: path, status: 'success', scores } })
  },
  nextSteps: (runDir) => [`Look at the scores: \`cat ${runDir}/*/eval/*.score\``],
}

/** A scheduler that runs each job to its end at submission, with bash, and remembers the exit code. */
class InlineScheduler implements Scheduler {
  readonly kind = 'inline'
  readonly submitCommand = 'inline'
  readonly maxInFlight = 10
  readonly staggerSeconds = 0
  readonly outputWaitSeconds = 0
  /** It runs each job at once: it cannot queue one behind another. */
  readonly chainsJobs = false
  readonly ran: string[] = []
  private readonly done = new Map<string, JobStatus>()
  constructor(private readonly transport: Transport) {}
  outputPattern(_text: string, jobDir: string): string {
    return `${jobDir}/inline-%j.out`
  }
  outputPath(pattern: string, jobId: string): string {
    return pattern.replace('%j', jobId)
  }
  classify(status: JobStatus): JobStatus {
    return status
  }
  async submit(job: JobSpec): Promise<SubmitResult> {
    const id = String(this.done.size + 1)
    const r = await this.transport.exec(['bash', '--norc', '--noprofile', job.script], { cwd: job.dir })
    this.ran.push(`${job.dir}/${job.script}`)
    const state = r.code === 0 ? 'COMPLETED' : 'FAILED'
    this.done.set(id, { jobId: id, state, raw: state, exitCode: r.code })
    return { ok: true, value: { jobId: id } }
  }
  poll(jobs: readonly { jobId: string }[]): Promise<Map<string, JobStatus>> {
    return Promise.resolve(
      new Map(jobs.flatMap((j) => (this.done.has(j.jobId) ? [[j.jobId, this.done.get(j.jobId) as JobStatus]] : []))),
    )
  }
  findByName(): Promise<JobStatus[]> {
    return Promise.resolve([])
  }
  findMarked(): Promise<MarkedJob[]> {
    return Promise.resolve([])
  }
  describe(): Promise<Map<string, DescribedJob>> {
    return Promise.resolve(new Map<string, DescribedJob>())
  }
  updateDependency(): Promise<Result<void, string>> {
    return Promise.resolve(err('no dependencies here'))
  }
  cancel(): Promise<void> {
    return Promise.resolve()
  }
}

function write(root: string, rel: string, text: string): void {
  mkdirSync(join(root, rel, '..'), { recursive: true })
  writeFileSync(join(root, rel), text)
}

describe('registries', () => {
  it('a new evaluator and a new scheduler, registered from outside src/, run a whole experiment', async () => {
    const schedulers: InlineScheduler[] = []
    registerTool(toyEval)
    registerScheduler({
      name: 'inline',
      description: 'runs each job at submission (test)',
      create: (o) => {
        const s = new InlineScheduler(o.transport)
        schedulers.push(s)
        return Promise.resolve(ok(s))
      },
    })
    const exp = tempDir()
    write(
      exp,
      'experiment_summary.yaml',
      `experiment: {name: toy}
tools: {preparation: torchtune, evaluation: toy-eval}
controls: {epochs: 1}
runs:
  - {name: ft, type: fine-tuned, model: m, parameters: {lr: 0.1}}
  - {name: base, type: control, model: m, parameters: {}}
evaluation:
  tasks: [{name: caps}]
  matrix:
    - {run: ft, tasks: [caps], epochs: [0]}
    - {run: base, tasks: [caps], epochs: null}
`,
    )
    write(exp, 'ft/finetune.yaml', 'output_dir: artifacts\n')
    write(exp, 'ft/finetune.slurm', 'mkdir -p artifacts/epoch_0 && echo w > artifacts/epoch_0/model.safetensors\n')
    write(exp, 'ft/eval/caps_0.toy', 'echo 0.9 > caps_0.toy.score\n')
    write(exp, 'base/eval/caps.toy', 'echo 0.25 > caps.toy.score\n')

    const io = recordingIO({ 'experiment-dir': exp, executor: 'inline', 'poll-interval': '0.05' })
    const r = await run({ io })
    assert.equal(r.status, 'success', JSON.stringify(io.annotations))
    assert.equal(io.outputs['evals-succeeded'], '2')
    assert.deepEqual(
      schedulers[0]?.ran.map((p) => p.slice(exp.length + 1)),
      ['ft/finetune.slurm', 'ft/eval/caps_0.toy', 'base/eval/caps.toy'],
    )
    const summary = io.summaries.join('\n')
    assert.match(summary, /\| ft \| fine-tuned \| 0\.1 \|[^\n]*0\.900/)
    assert.match(summary, /\| base \| control \|[^\n]*0\.250/)
    assert.match(summary, /Look at the scores/)
    assert.ok(existsSync(join(exp, 'logs/run-toy.log')), 'module logs live in logs/, where cruijff_kit keeps them')
    assert.match(
      readFileSync(join(exp, 'logs/run-toy.log'), 'utf8'),
      /SUBMIT_EVAL: base\/caps\nDetails: inline caps\.toy\nJob ID: 3/,
    )
  })
  it('what a new evaluator names as its output is never staged: a score in the checkout stands for nothing', async () => {
    registerTool(toyEval)
    registerScheduler({
      name: 'inline',
      description: 'runs each job at submission (test)',
      create: (o) => Promise.resolve(ok(new InlineScheduler(o.transport))),
    })
    // The experiment in a checkout: it runs under the run root, staged there.
    const ws = tempDir()
    const exp = join(ws, 'experiments/toy')
    write(
      exp,
      'experiment_summary.yaml',
      `experiment: {name: toy}
tools: {preparation: torchtune, evaluation: toy-eval}
runs:
  - {name: base, type: control, model: m, parameters: {}}
evaluation:
  tasks: [{name: caps}]
  matrix:
    - {run: base, tasks: [caps], epochs: null}
`,
    )
    write(exp, 'base/eval/caps.toy', 'exit 1\n')
    write(exp, 'base/eval/caps.toy.score', '0.99\n') // a committed result the job never wrote
    const root = tempDir()
    const io = recordingIO(
      { 'experiment-dir': 'experiments/toy', executor: 'inline', 'poll-interval': '0.05', 'run-root': root },
      { GITHUB_WORKSPACE: ws, GITHUB_REPOSITORY: 'lab/experiments' },
    )
    const r = await run({ io })
    const runDir = io.outputs['experiment-dir'] ?? ''
    assert.ok(runDir.startsWith(`${root}/`), runDir)
    assert.ok(existsSync(join(runDir, 'base/eval/caps.toy')), 'the script was staged')
    assert.equal(existsSync(join(runDir, 'base/eval/caps.toy.score')), false, 'its output was not')
    assert.equal(r.status, 'failed')
    assert.equal(io.outputs['evals-failed'], '1')
  })
})
