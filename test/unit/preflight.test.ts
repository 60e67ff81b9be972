/**
 * Before anything is submitted: what the jobs will read must exist, each missing path located at the
 * line that names it; how an eval script's inspect command line reads; and the checklist's gate on the
 * verdict.
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { gated, checklist } from '../../src/report/checklist.ts'
import type { RunReport } from '../../src/report/model.ts'
import { countOutcomes } from '../../src/report/verdict.ts'
import type { Experiment } from '../../src/experiment/model.ts'
import { inspect } from '../../src/tools/inspect.ts'
import { cliValue, inspectInvocation, logDirOf, sameValue } from '../../src/tools/inspect-script.ts'
import { launchOf } from '../../src/tools/launch.ts'
import { readScript } from '../../src/tools/shell.ts'
import { torchtune } from '../../src/tools/torchtune.ts'
import { MemoryTransport } from '../helpers/memory-transport.ts'
import { experimentAt, plannedJobs, RUN_DIR } from '../helpers/phase.ts'

const FINETUNE_YAML = `output_dir: /scratch/exp/lr1/artifacts/
models_dir: /models
input_dir: /data/
dataset_label: words
tokenizer:
  path: \${models_dir}/Llama/original/tokenizer.model
checkpointer:
  checkpoint_dir: \${models_dir}/Llama/
  checkpoint_files:
    filename_format: model-{}-of-{}.safetensors
    max_filename: '00002'
dataset:
  data_files: \${input_dir}/\${dataset_label}.json
`

const CELL = `#!/bin/bash
#SBATCH --job-name=eval-caps
cd /scratch/exp/base/eval/caps
/usr/bin/time -p inspect eval /ck/blueprints/caps/inspect_task.py@caps \\
  --model hf/base_control \\
  -M model_path="/models/Llama" \\
  -T data_path="/data/words.json" \\
  -T vis_label="1B control (caps)" \\
  -T assistant_prefix='"Answer: "' \\
  --metadata is_finetuned="false" \\
  --log-dir ./logs \\
  --log-level info
wait $GPU_MONITOR_PID 2>/dev/null
`

/** lr1 trained for one epoch and the control base, each evaluated on caps. */
const experiment = (): Experiment =>
  experimentAt([
    { run: 'lr1', task: 'caps', epoch: 0 },
    { run: 'base', task: 'caps', epoch: null },
  ])

/** The first inspect command line of a script submitted from /scratch/exp/job. */
function invocation(text: string) {
  for (const c of readScript(text, '/scratch/exp/job').commands) {
    const launch = launchOf(c)
    const inv = launch && inspectInvocation(launch)
    if (inv) return inv
  }
  return undefined
}

describe('inspect command lines of eval scripts', () => {
  it('reads the task, the -M/-T/--metadata values and their lines, shell quoting undone', () => {
    const inv = invocation(CELL)
    assert.ok(inv)
    assert.equal(inv.line, 4)
    assert.deepEqual(
      inv.tasks.map((w) => [w.value, w.line]),
      [['/ck/blueprints/caps/inspect_task.py@caps', 4]],
    )
    assert.equal(inv.task, 'caps')
    assert.equal(inv.model?.value, 'hf/base_control')
    assert.deepEqual([inv.modelArgs['model_path']?.value, inv.modelArgs['model_path']?.line], ['/models/Llama', 6])
    assert.equal(inv.taskArgs['vis_label']?.value, '1B control (caps)')
    assert.equal(inv.taskArgs['assistant_prefix']?.value, '"Answer: "')
    assert.equal(inv.metadata['is_finetuned']?.value, 'false')
    assert.deepEqual(logDirOf(inv).where, { value: '/scratch/exp/base/eval/caps/logs' })
  })

  it('values compare as inspect reads them (YAML): "0" is 0, "true" is true', () => {
    assert.equal(cliValue('0'), 0)
    assert.equal(cliValue('true'), true)
    assert.equal(cliValue('yes'), true, 'PyYAML reads YAML 1.1')
    assert.equal(cliValue('"Answer: "'), 'Answer: ')
    assert.ok(sameValue('x', "'x'"))
    assert.ok(sameValue(0, '0'))
    assert.ok(sameValue(false, 'false'))
    assert.ok(sameValue('rank4', 'rank4'))
    assert.ok(!sameValue(1, '0'))
    assert.ok(!sameValue(undefined, '0'))
  })

  it('a value only known when the script runs ($VAR) has no value but a reason', () => {
    const inv = invocation('inspect eval "$TASK"@caps -T data_path="$DATA" --log-dir logs\n')
    assert.ok(inv)
    assert.equal(inv.tasks[0]?.value, undefined)
    assert.match(inv.tasks[0]?.why ?? '', /\$TASK is not set in the script/)
    assert.equal(inv.taskArgs['data_path']?.value, undefined)
    assert.equal(invocation('echo no evaluation here\n'), undefined)
  })
})

describe('preflight', () => {
  async function plans(t: MemoryTransport) {
    const exp = experiment()
    const exists = (rel: string): Promise<boolean> => Promise.resolve(t.files.has(`${RUN_DIR}/${rel}`))
    return { exp, training: await torchtune.scaffold(exp, exists), evaluation: await inspect.scaffold(exp, exists) }
  }
  function scaffold(t: MemoryTransport): void {
    t.put(`${RUN_DIR}/lr1/finetune.yaml`, FINETUNE_YAML)
    t.put(`${RUN_DIR}/lr1/finetune.slurm`, '#!/bin/bash\nmodule purge\ntune run recipe --config finetune.yaml\n')
    t.put(`${RUN_DIR}/base/eval/caps/cell.slurm`, CELL)
    t.put(
      `${RUN_DIR}/lr1/eval/caps_epoch0/cell.slurm`,
      CELL.replace('"/models/Llama"', '"/scratch/exp/lr1/artifacts/epoch_0"'),
    )
  }

  it('everything in place: no problem', async () => {
    const t = new MemoryTransport()
    scaffold(t)
    for (const f of [
      '/models/Llama/original/tokenizer.model',
      '/models/Llama/model-00001-of-00002.safetensors',
      '/models/Llama/model-00002-of-00002.safetensors',
      '/data/words.json',
      '/ck/blueprints/caps/inspect_task.py',
    ])
      t.put(f, 'x')
    const { exp, training, evaluation } = await plans(t)
    const ctx = { transport: t, runDir: RUN_DIR, experiment: exp }
    assert.deepEqual(await torchtune.preflight?.({ ...ctx, jobs: training.jobs }), [])
    assert.deepEqual(await inspect.preflight?.({ ...ctx, jobs: evaluation.jobs }), [])
  })

  it('a missing base model, dataset and task file: each at the line naming it, said once', async () => {
    const t = new MemoryTransport()
    scaffold(t)
    const { exp, training, evaluation } = await plans(t)
    const ctx = { transport: t, runDir: RUN_DIR, experiment: exp }
    const tt = (await torchtune.preflight?.({ ...ctx, jobs: training.jobs })) ?? []
    const lines = FINETUNE_YAML.split('\n')
    // The tokenizer under the missing base model directory is not named again.
    assert.deepEqual(
      tt.map((p) => [p.file, lines[(p.line ?? 0) - 1]?.trim(), p.message]),
      [
        [
          'lr1/finetune.yaml',
          'checkpoint_dir: ${models_dir}/Llama/',
          'the base model directory /models/Llama does not exist on the cluster',
        ],
        [
          'lr1/finetune.yaml',
          'data_files: ${input_dir}/${dataset_label}.json',
          'the training dataset /data/words.json does not exist on the cluster',
        ],
      ],
    )
    assert.match(tt[0]?.hint ?? '', /lr1\/finetune\.slurm:3 runs torchtune with finetune\.yaml/)
    const ev = (await inspect.preflight?.({ ...ctx, jobs: evaluation.jobs })) ?? []
    const control = ev.filter((p) => p.file === 'base/eval/caps/cell.slurm')
    assert.deepEqual(
      control.map((p) => p.line),
      [4, 7, 6],
      'task file (line 4), dataset (7), base model (6)',
    )
    // The fine-tuned cell's model is the checkpoint its training will write: not checked now.
    assert.ok(!ev.some((p) => p.file === 'lr1/eval/caps_epoch0/cell.slurm' && /model directory/.test(p.message)))
  })

  it('a training script that names another config: scaffolded, and that config checked at its --config', async () => {
    const t = new MemoryTransport()
    t.put(`${RUN_DIR}/lr1/finetune.slurm`, '#!/bin/bash\ncd configs\ntune run recipe \\\n  --config ft.yaml epochs=3\n')
    const { exp, training } = await plans(t)
    assert.deepEqual(training.missing, [])
    assert.deepEqual(training.jobs[0]?.inputs, ['lr1/finetune.slurm'])
    const ctx = { transport: t, runDir: RUN_DIR, experiment: exp, jobs: training.jobs }
    const problems = (await torchtune.preflight?.(ctx)) ?? []
    assert.deepEqual(
      problems.map((p) => [p.file, p.line, p.message]),
      [['lr1/finetune.slurm', 4, 'the training config /scratch/exp/lr1/configs/ft.yaml does not exist on the cluster']],
    )
    t.put(`${RUN_DIR}/lr1/configs/ft.yaml`, 'output_dir: out\n')
    assert.deepEqual(await torchtune.preflight?.(ctx), [])
  })

  it("an adapter whose base model moved (cruijff_kit's STALE_LOCAL_BASE_PATH)", async () => {
    const t = new MemoryTransport()
    scaffold(t)
    t.put('/data/words.json', 'x')
    t.put('/ck/blueprints/caps/inspect_task.py', 'x')
    t.put('/models/Llama/adapter_config.json', JSON.stringify({ base_model_name_or_path: '/old/pretrained/Llama' }))
    const { exp, evaluation } = await plans(t)
    const ctx = { transport: t, runDir: RUN_DIR, experiment: exp, jobs: evaluation.jobs }
    const [only, ...more] = (await inspect.preflight?.(ctx)) ?? []
    assert.deepEqual(more, [])
    assert.match(only?.message ?? '', /names its base model \/old\/pretrained\/Llama, which does not exist/)
  })
})

describe('a hostile training config: a located reason, never a crash or an unbounded read', () => {
  const CONFIG = `${RUN_DIR}/lr1/finetune.yaml`
  const bomb = ['a0: &a0 [x]']
  for (let k = 1; k < 8; k++)
    bomb.push(
      `a${k}: &a${k} [${Array(10)
        .fill(`*a${k - 1}`)
        .join(', ')}]`,
    )
  const HOSTILE: [string, string, RegExp, number][] = [
    [
      'nested 5000 deep',
      `output_dir: /out\ndataset: ${'['.repeat(5000)}${']'.repeat(5000)}\n`,
      /^lr1\/finetune\.yaml:2:\d+: nests more than 64 levels deep here \(torchtune configs nest a few\)/,
      2,
    ],
    [
      'an alias bomb',
      `output_dir: /out\n${bomb.join('\n')}\n`,
      /^lr1\/finetune\.yaml:1:1: cannot be read: ReferenceError: Excessive alias count/,
      1,
    ],
    [
      'megabytes',
      `output_dir: /out\n# ${'x'.repeat(3 * 1024 * 1024)}\n`,
      /^lr1\/finetune\.yaml:1:1: is over the cap of 1048576 bytes: real torchtune configs are a few KB$/,
      1,
    ],
    ['broken YAML', 'output_dir: /out\ndataset: {source: json\n', /^lr1\/finetune\.yaml:3:1: YAML syntax: /, 3],
  ]

  /** A transport that refuses to read the config whole: a reader must stop at the cap. */
  class BoundedReads extends MemoryTransport {
    override readFile(path: string): Promise<Buffer | null> {
      if (path === CONFIG) throw new Error(`read whole: ${path}`)
      return super.readFile(path)
    }
  }

  for (const [name, text, reason, line] of HOSTILE) {
    it(name, async () => {
      const t = new BoundedReads()
      t.put(`${RUN_DIR}/lr1/finetune.slurm`, '#!/bin/bash\ntune run recipe --config finetune.yaml\n')
      t.put(CONFIG, text)
      const jobs = await plannedJobs(t, experiment())
      const job = jobs[0]
      assert.ok(job)
      const files = await torchtune.files?.({ runDir: RUN_DIR, job, read: (p, max) => t.readRange(p, 0, max ?? 1e9) })
      const note = files?.unresolved.find((u) => u.file === 'lr1/finetune.yaml')
      assert.ok(note, JSON.stringify(files?.unresolved))
      assert.match(note.why, reason)
      assert.equal(note.line, line)
      assert.deepEqual(
        files?.reads.map((r) => r.kind),
        ['training config'],
        'nothing read from a config that cannot be read',
      )
      // The preflight goes on: the config is there; what it names is not known, so nothing is refused.
      const ctx = { transport: t, runDir: RUN_DIR, experiment: experiment(), jobs }
      assert.deepEqual(await torchtune.preflight?.(ctx), [])
    })
  }

  it('a value on the command line nested 5000 deep is taken as text (torchtune override, inspect -T)', async () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`
    const t = new MemoryTransport()
    t.put(`${RUN_DIR}/lr1/finetune.slurm`, `#!/bin/bash\ntune run recipe --config finetune.yaml 'output_dir=${deep}'\n`)
    t.put(CONFIG, 'output_dir: /out\n')
    const job = {
      key: 'lr1/finetune.slurm',
      display: 'lr1',
      run: 'lr1',
      dir: 'lr1',
      script: 'finetune.slurm',
      inputs: [],
    }
    const files = await torchtune.files?.({ runDir: RUN_DIR, job, read: (p) => t.readFile(p) })
    assert.deepEqual(
      files?.writes.map((w) => [w.path, w.line]),
      [[`${RUN_DIR}/lr1/${deep}`, 2]],
    )
    assert.equal(cliValue(deep), deep)
  })
})

describe('the checklist gates the verdict', () => {
  const report = (exp: Experiment): RunReport => ({
    status: 'success',
    verdict: 'all 1 jobs succeeded',
    experiment: exp,
    experimentName: exp.name,
    runDir: RUN_DIR,
    startedAt: new Date(),
    endedAt: new Date(),
    skippedEvals: [],
    priorTraining: [],
    counts: countOutcomes([], [], []),
    errors: [],
    warnings: [],
    logFiles: [],
    nextSteps: [],
    detached: false,
    private: false,
  })

  it('fine-tuned runs none of which is evaluated: partial, naming the item; fine with phases: optimize', async () => {
    const t = new MemoryTransport()
    t.put(`${RUN_DIR}/run-experiment.log`, 'x')
    const exp = { ...experiment(), cells: [{ run: 'base', task: 'caps', epoch: null }] }
    const all = await checklist(t, `${RUN_DIR}/run-experiment.log`, report(exp))
    const g = gated(report(exp), all)
    assert.equal(g.status, 'partial')
    assert.match(
      g.verdict,
      /the validation checklist fails: Evaluator module executed and completed \(no matrix entry evaluates any fine-tuned run\)/,
    )
    const only = await checklist(t, `${RUN_DIR}/run-experiment.log`, report(exp), { optimize: true, evaluate: false })
    assert.equal(gated(report(exp), only).status, 'success')
  })

  it('a verdict that is not a success is left as it is', () => {
    const r = { status: 'failed' as const, verdict: 'nothing succeeded' }
    assert.deepEqual(gated(r, [['x', false]]), r)
  })
})
