/**
 * The cruijff_kit fixtures' job scripts, run unchanged with the stand-ins on PATH, write what the real
 * tools write: torchtune's epoch_N checkpoints and progress lines, a real inspect-ai .eval log (read
 * back here by inspect-ai itself), and the eval template's trailing `wait` exit status (143, or 127
 * without nvidia-smi). Each script runs as a batch job runs: bash --norc --noprofile in its
 * directory, its output in the file its #SBATCH --output names.
 */
import { describe, it, before } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync, execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { sbatchOutput } from '../src/scheduler/script.ts'
import { readEvalHeader } from '../src/tools/eval-log.ts'
import { instantiate, toolsPython, type CruijffExperiment } from './helpers/cruijff.ts'

let jobId = 100

/** Runs `script` in `dir` as a batch job would; returns its exit status and output. */
function runJob(
  exp: CruijffExperiment,
  dir: string,
  script: string,
  env: Record<string, string> = {},
): { code: number | null; output: string; ms: number } {
  const id = String(++jobId)
  const text = readFileSync(join(dir, script), 'utf8')
  const out = (sbatchOutput(text) ?? 'slurm-%j.out').replace('%j', id)
  const outPath = out.startsWith('/') ? out : join(dir, out)
  mkdirSync(dirname(outPath), { recursive: true })
  const started = Date.now()
  // stdin from /dev/null: with a socket on stdin (node's pipes) Debian's bash would read ~/.bashrc.
  const r = spawnSync(
    'bash',
    ['--norc', '--noprofile', '-c', 'bash --norc --noprofile "$1" > "$2" 2>&1', 'job', script, outPath],
    {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...exp.env, HOME: process.env['HOME'] ?? '/root', SLURM_JOB_ID: id, ...env },
    },
  )
  return { code: r.status, output: readFileSync(outPath, 'utf8'), ms: Date.now() - started }
}

function logsIn(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eval')) : []
}

/** What inspect-ai itself reads from a log. */
function readWithInspect(path: string): Record<string, unknown> {
  const code = `import json, sys
from inspect_ai.log import read_eval_log
log = read_eval_log(sys.argv[1])
print(json.dumps({"status": log.status, "task": log.eval.task, "task_args": log.eval.task_args,
  "metadata": log.eval.metadata, "model": log.eval.model, "model_args": log.eval.model_args,
  "created": log.eval.created, "samples": len(log.samples or []),
  "error": log.error.message if log.error else None}))`
  return JSON.parse(execFileSync(toolsPython(), ['-c', code, path]).toString()) as Record<string, unknown>
}

describe('stand-ins: workflow_test_base, its scripts unchanged', () => {
  let exp: CruijffExperiment
  const run = 'Llama-3.2-1B-Instruct_rank4'
  before(() => {
    exp = instantiate('workflow_test_base_2026-11-27')
  })

  it('fine-tuning: exit 0, an epoch_N checkpoint per epoch, progress lines, the base path made absolute', () => {
    const r = runJob(exp, join(exp.dir, run), 'finetune.slurm')
    assert.equal(r.code, 0, r.output)
    const epoch0 = join(exp.dir, run, 'artifacts/epoch_0')
    for (const f of ['adapter_config.json', 'adapter_model.safetensors', 'adapter_model.pt', 'config.json'])
      assert.ok(existsSync(join(epoch0, f)), f)
    assert.ok(!existsSync(join(exp.dir, run, 'artifacts/epoch_1')), 'the fixture trains one epoch')
    assert.match(r.output, /1\|10\|Loss: \d+\.\d+/)
    const adapter = JSON.parse(readFileSync(join(epoch0, 'adapter_config.json'), 'utf8')) as Record<string, unknown>
    assert.equal(adapter['base_model_name_or_path'], join(exp.scratch, 'pretrained-llms/Llama-3.2-1B-Instruct'))
    assert.match(readFileSync(join(exp.dir, run, 'artifacts/gpu_metrics.csv'), 'utf8'), /^timestamp, /)
  })

  it("evaluation: the template's trailing wait on the killed GPU monitor makes it exit 143, with a successful log", async () => {
    const cell = join(exp.dir, run, 'eval/capitalization_epoch0')
    const startedS = Math.floor(Date.now() / 1000)
    const r = runJob(exp, cell, 'cell.slurm')
    assert.equal(r.code, 143, r.output)
    assert.ok(existsSync(join(exp.dir, run, 'artifacts/epoch_0', `slurm-${jobId}.out`)), 'output beside the checkpoint')
    const logs = logsIn(join(cell, 'logs'))
    assert.equal(logs.length, 1)
    const path = join(cell, 'logs', logs[0] ?? '')
    const seen = readWithInspect(path)
    assert.equal(seen['status'], 'success')
    assert.equal(seen['task'], 'capitalization_rank4', 'tasks name themselves {task}_{vis_label}')
    assert.deepEqual(seen['metadata'], { epoch: 0, is_finetuned: true, source_model: 'Llama-3.2-1B-Instruct' })
    assert.equal(seen['model'], 'hf/Llama-3.2-1B-Instruct_rank4_epoch_0')
    const args = seen['task_args'] as Record<string, unknown>
    assert.equal(args['vis_label'], 'rank4')
    assert.equal(args['use_chat_template'], true)
    assert.equal(args['config_path'], join(cell, 'eval.yaml'))
    assert.equal((seen['model_args'] as Record<string, unknown>)['model_path'], join(exp.dir, run, 'artifacts/epoch_0'))
    assert.equal(seen['samples'], 10)
    assert.ok(Date.parse(String(seen['created'])) / 1000 >= startedS - 1, 'created by this run')
    const ours = await readEvalHeader(readFileSync(path))
    assert.ok(ours.ok)
    assert.equal(ours.value.status, 'success')
    assert.equal(ours.value.task, 'capitalization_rank4')
    assert.ok(ours.value.scores.some((s) => s.name === 'match' && typeof s.metrics['accuracy'] === 'number'))
  })

  it('control cell: its output goes to the run artifacts directory; a second run adds a second log', () => {
    const cell = join(exp.dir, 'Llama-3.2-1B-Instruct_base/eval/capitalization')
    for (let i = 0; i < 2; i++) assert.equal(runJob(exp, cell, 'cell.slurm').code, 143)
    assert.equal(logsIn(join(cell, 'logs')).length, 2)
    const seen = readWithInspect(join(cell, 'logs', logsIn(join(cell, 'logs'))[0] ?? ''))
    assert.equal(seen['task'], 'capitalization_1B_Instruct_control')
    assert.deepEqual(seen['metadata'], { is_finetuned: false, source_model: 'Llama-3.2-1B-Instruct' })
  })

  it("a failing evaluation: inspect's own error log, and still exit 143", () => {
    const cell = join(exp.dir, run, 'eval/capitalization_epoch0')
    const before = new Set(logsIn(join(cell, 'logs')))
    const r = runJob(exp, cell, 'cell.slurm', { RE_STANDIN_FAIL: 'capitalization_epoch0' })
    assert.equal(r.code, 143)
    const added = logsIn(join(cell, 'logs')).filter((f) => !before.has(f))
    assert.equal(added.length, 1)
    const seen = readWithInspect(join(cell, 'logs', added[0] ?? ''))
    assert.equal(seen['status'], 'error')
    assert.match(String(seen['error']), /CUDA error/)
  })

  it('inspect fails before any log when the model is missing; the job exits 143 all the same', () => {
    const other = instantiate('workflow_test_base_2026-11-27')
    const cell = join(other.dir, run, 'eval/capitalization_epoch0')
    const r = runJob(other, cell, 'cell.slurm')
    assert.equal(r.code, 143)
    assert.match(r.output, /does not appear to have a file named config.json/)
    assert.deepEqual(logsIn(join(cell, 'logs')), [])
  })
})

describe('stand-ins: the GPU monitor and failures', () => {
  it('without nvidia-smi the eval script exits 127 (a node without the tool)', () => {
    const exp = instantiate('workflow_test_base_2026-11-27', { withoutNvidiaSmi: true })
    const cell = join(exp.dir, 'Llama-3.2-1B-Instruct_base/eval/capitalization')
    const r = runJob(exp, cell, 'cell.slurm')
    assert.equal(r.code, 127, r.output)
    assert.equal(logsIn(join(cell, 'logs')).length, 1)
  })

  it('training fails as torchtune does: RE_STANDIN_FAIL, a CUDA OOM while batch_size is too big, no dataset', () => {
    const exp = instantiate('workflow_test_base_2026-11-27')
    const dir = join(exp.dir, 'Llama-3.2-1B-Instruct_rank4')
    const failed = runJob(exp, dir, 'finetune.slurm', { RE_STANDIN_FAIL: 'rank4' })
    assert.equal(failed.code, 1)
    assert.match(failed.output, /RuntimeError/)
    const oom = runJob(exp, dir, 'finetune.slurm', { RE_STANDIN_OOM: 'rank4', RE_STANDIN_OOM_ABOVE: '2' })
    assert.equal(oom.code, 1)
    assert.match(oom.output, /torch\.OutOfMemoryError: CUDA out of memory/)
    assert.ok(!existsSync(join(dir, 'artifacts/epoch_0')))
    execFileSync('rm', [join(exp.scratch, 'ck-data/capitalization/words_5L_80P_1000.json')])
    const noData = runJob(exp, dir, 'finetune.slurm')
    assert.equal(noData.code, 1)
    assert.match(noData.output, /FileNotFoundError/)
  })
})

describe('stand-ins: cap_rank_lr_model_sweep (sharded checkpoints, 3 epochs, labels with spaces)', () => {
  it('every training and evaluation script of the sweep runs; each cell has one attributable log', (t) => {
    const exp = instantiate('cap_rank_lr_model_sweep_2026-11-27')
    const runs = readdirSync(exp.dir).filter((d) => existsSync(join(exp.dir, d, 'finetune.slurm')))
    assert.equal(runs.length, 4)
    for (const r of runs) {
      const res = runJob(exp, join(exp.dir, r), 'finetune.slurm')
      assert.equal(res.code, 0, `${r}: ${res.output}`)
      for (const e of [0, 1, 2])
        assert.ok(existsSync(join(exp.dir, r, `artifacts/epoch_${e}/adapter_model.safetensors`)))
    }
    const cells = readdirSync(exp.dir).flatMap((r) =>
      existsSync(join(exp.dir, r, 'eval'))
        ? readdirSync(join(exp.dir, r, 'eval')).map((c) => join(exp.dir, r, 'eval', c))
        : [],
    )
    assert.equal(cells.length, 16)
    const times: number[] = []
    for (const cell of cells) {
      const res = runJob(exp, cell, 'cell.slurm')
      assert.equal(res.code, 143, `${cell}: ${res.output}`)
      assert.equal(logsIn(join(cell, 'logs')).length, 1, cell)
      times.push(res.ms)
    }
    const header = readWithInspect(
      join(
        exp.dir,
        'Llama-3.2-1B-Instruct_base/eval/cap_cue/logs',
        logsIn(join(exp.dir, 'Llama-3.2-1B-Instruct_base/eval/cap_cue/logs'))[0] ?? '',
      ),
    )
    assert.equal(header['task'], 'cap_cue_1B control (cap_cue)')
    assert.equal((header['task_args'] as Record<string, unknown>)['assistant_prefix'], 'Answer: ')
    times.sort((a, b) => a - b)
    t.diagnostic(`eval stand-in per cell: median ${times[Math.floor(times.length / 2)]} ms, max ${times.at(-1)} ms`)
  })
})
