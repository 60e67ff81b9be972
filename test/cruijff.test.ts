/**
 * Experiments scaffolded by cruijff_kit's own tools, end to end through the built action, with the
 * stand-ins on PATH (test/helpers/cruijff.ts): on the local executor and on the dev cluster, every
 * training and every cell succeeds with the right counts and a filled results table, and a re-run
 * does nothing; switching between cruijff_kit's runner and the action, either way and mid-experiment,
 * runs no job twice and loses none.
 */
import { describe, it, before } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { monitorCanFinish, parseStateFile, type CruijffEntry } from '../src/engine/cruijff-state.ts'
import {
  localInputs,
  localJobsDir,
  logBlocks,
  readText,
  runAction,
  slurmInputs,
  type ActionResult,
} from './helpers/action.ts'
import { cruijffRun, todo } from './helpers/cruijff-runner.ts'
import { executions, instantiate, type CruijffExperiment, type FixtureName } from './helpers/cruijff.ts'
import { devCluster } from './helpers/dev-cluster.ts'

const EXPECTED: Record<FixtureName, { runs: number; cells: number }> = {
  'workflow_test_base_2026-11-27': { runs: 1, cells: 2 },
  'cap_rank_lr_model_sweep_2026-11-27': { runs: 4, cells: 16 },
}

const local = (exp: CruijffExperiment, extra: Record<string, string> = {}): Record<string, string> =>
  localInputs(exp.dir, { 'max-parallel': '2', ...extra })

function state(exp: CruijffExperiment, tool: 'torchtune' | 'inspect'): Record<string, CruijffEntry> {
  const parsed = parseStateFile(readText(join(exp.dir, 'logs', `run-${tool}.state.json`)) || '{}')
  assert.ok(parsed.ok)
  return parsed.value
}

/** The checks every complete pass of a fixture must meet. */
function assertComplete(exp: CruijffExperiment, r: ActionResult): void {
  const { runs, cells } = EXPECTED[exp.fixture]
  assert.equal(r.outputs['status'], 'success', r.summary)
  assert.equal(r.outputs['runs-total'], String(runs))
  assert.equal(r.outputs['runs-succeeded'], String(runs))
  assert.equal(r.outputs['evals-total'], String(cells))
  assert.equal(r.outputs['evals-succeeded'], String(cells))
  // The results table: a row per run, a number in every cell the matrix asks for.
  const table = readText(join(exp.dir, 'summary.md'))
  const numbers = table.match(/\d\.\d{3} ± \d\.\d{3}/g) ?? []
  assert.equal(numbers.length, cells, table)
  // Where cruijff_kit's tools look: its status reads logs/, its monitor can finish with every entry.
  for (const tool of ['torchtune', 'inspect'] as const) {
    const entries = state(exp, tool)
    assert.deepEqual(
      Object.keys(entries).sort(),
      todo(exp.dir, tool)
        .map((t) => t.key)
        .sort(),
      `${tool}: the keys cruijff_kit's submitter would use`,
    )
    for (const [key, e] of Object.entries(entries)) assert.ok(monitorCanFinish(e), `${key}: ${JSON.stringify(e)}`)
    assert.ok(existsSync(join(exp.dir, 'logs', `run-${tool}.log`)))
  }
  assert.ok(
    existsSync(join(exp.dir, 'run-experiment.log')),
    'the orchestration log stays where the requirement puts it',
  )
}

describe('cruijff_kit fixtures on the local executor', () => {
  for (const fixture of Object.keys(EXPECTED) as FixtureName[]) {
    it(`${fixture}: every training and cell succeeds; a re-run does nothing`, async () => {
      const exp = instantiate(fixture)
      const r = await runAction({ inputs: local(exp), env: exp.env })
      assertComplete(exp, r)
      const { runs, cells } = EXPECTED[fixture]
      assert.equal(executions(exp).filter((l) => l.startsWith('tune ')).length, runs)
      assert.equal(executions(exp).filter((l) => l.startsWith('inspect ')).length, cells)
      // Every cell's job exited 143 (the template's wait on its GPU monitor): one warning each.
      const disagree = r.annotations.filter(
        (a) => a.kind === 'warning' && /exit 143\), but its \.eval log/.test(a.message),
      )
      assert.equal(disagree.length, Math.min(cells, 9), r.annotations.map((a) => a.message).join('\n'))
      if (cells > 9)
        assert.ok(
          r.annotations.some((a) => a.message === `${cells - 9} more warnings: all are listed in the job summary`),
        )
      const again = await runAction({ inputs: local(exp), env: exp.env })
      assertComplete(exp, again)
      assert.equal(executions(exp).length, runs + cells, 'a re-run ran a job again')
      assert.match(again.summary, new RegExp(`Already succeeded \\(not re-run\\): ${runs + cells} `))
    })
  }

  it('without nvidia-smi (exit 127) the cells succeed all the same', async () => {
    const exp = instantiate('workflow_test_base_2026-11-27', { withoutNvidiaSmi: true })
    const r = await runAction({ inputs: local(exp), env: exp.env })
    assertComplete(exp, r)
    assert.ok(r.annotations.some((a) => /exit 127\), but its \.eval log says success/.test(a.message)))
  })

  it('a failing evaluation: that cell fails with inspect’s own error, in the module log too', async () => {
    const exp = instantiate('workflow_test_base_2026-11-27')
    const r = await runAction({
      inputs: local(exp),
      env: { ...exp.env, RE_STANDIN_FAIL: 'Llama-3.2-1B-Instruct_base/eval' },
    })
    assert.equal(r.outputs['status'], 'partial')
    assert.equal(r.outputs['evals-failed'], '1')
    assert.match(r.summary, /CUDA error: an illegal memory access/)
    assert.match(
      readText(join(exp.dir, 'logs/run-inspect.log')),
      /JOB_FAILED: Llama-3\.2-1B-Instruct_base\/capitalization\n.*CUDA error/,
    )
  })
})

describe('switching between cruijff_kit’s runner and the action', () => {
  it('cruijff_kit’s runner first (training and half the cells), then the action: nothing runs twice', async () => {
    const exp = instantiate('cap_rank_lr_model_sweep_2026-11-27')
    const half = todo(exp.dir, 'inspect')
      .filter((_, i) => i % 2 === 0)
      .map((t) => t.key)
    const jobsDir = localJobsDir(undefined, exp.dir)
    assert.equal((await cruijffRun(exp.dir, 'torchtune', { mode: 'local', env: exp.env, jobsDir })).length, 4)
    assert.equal(
      (await cruijffRun(exp.dir, 'inspect', { mode: 'local', env: exp.env, jobsDir, only: (k) => half.includes(k) }))
        .length,
      8,
    )
    // cruijff_kit recorded every cell FAILED (exit 143): the action judges them by their .eval logs.
    assert.ok(Object.values(state(exp, 'inspect')).every((e) => e.state === 'FAILED'))
    const before = executions(exp)
    const r = await runAction({ inputs: local(exp), env: exp.env })
    assertComplete(exp, r)
    const ran = executions(exp).slice(before.length)
    assert.equal(ran.length, 8, ran.join('\n'))
    assert.ok(ran.every((l) => l.startsWith('inspect ') && !half.some((k) => k.startsWith(l.slice(8)))))
    const adopted = logBlocks(readText(join(exp.dir, 'logs/run-inspect.log'))).filter((b) => b.action === 'ADOPTED')
    assert.equal(adopted.length, 8)
    const tt = logBlocks(readText(join(exp.dir, 'logs/run-torchtune.log')))
    assert.equal(tt.filter((b) => b.action === 'ADOPTED').length, 4)
    assert.equal(tt.filter((b) => b.action === 'SUBMIT_JOB').length, 4, 'only cruijff_kit’s four submissions')
    assert.equal(readText(join(exp.dir, 'logs/run-torchtune.log')).match(/^Job ID: /gm)?.length, 4)
  })

  it('the action first, then cruijff_kit’s runner: it finds every job in the state and submits nothing', async () => {
    const exp = instantiate('workflow_test_base_2026-11-27')
    assertComplete(exp, await runAction({ inputs: local(exp), env: exp.env }))
    const before = executions(exp).length
    const jobsDir = localJobsDir(undefined, exp.dir)
    assert.deepEqual(await cruijffRun(exp.dir, 'torchtune', { mode: 'local', env: exp.env, jobsDir }), [])
    assert.deepEqual(await cruijffRun(exp.dir, 'inspect', { mode: 'local', env: exp.env, jobsDir }), [])
    assert.equal(executions(exp).length, before)
  })

  it('logs/.detach (cruijff_kit’s sentinel): the action detaches mid-run, jobs go on; removed, a re-run re-attaches', async () => {
    const exp = instantiate('workflow_test_base_2026-11-27')
    const env = { ...exp.env, RE_STANDIN_SECONDS: '3' }
    const sentinel = join(exp.dir, 'logs/.detach')
    const r = await runAction({
      inputs: local(exp),
      env,
      onSpawn: (child) => {
        const timer = setInterval(() => {
          if (readText(join(exp.dir, 'logs/run-torchtune.log')).includes('SUBMIT_JOB')) {
            clearInterval(timer)
            writeFileSync(sentinel, '')
          }
        }, 50)
        child.on('exit', () => {
          clearInterval(timer)
        })
      },
    })
    assert.equal(r.outputs['status'], 'failed')
    assert.match(r.summary, /detached by logs\/\.detach: jobs keep running; remove it/)
    assert.match(readText(join(exp.dir, 'logs/run-torchtune.log')), /MONITOR_DETACHED\nDetails: reason=sentinel/)
    // Sticky, as cruijff_kit's: while it is there, nothing is submitted.
    const blocked = await runAction({ inputs: local(exp), env })
    assert.equal(blocked.outputs['status'], 'failed')
    rmSync(sentinel)
    const resumed = await runAction({ inputs: local(exp), env })
    assertComplete(exp, resumed)
    assert.equal(executions(exp).filter((l) => l.startsWith('tune ')).length, 1, 'the training ran once')
    assert.equal(executions(exp).filter((l) => l.startsWith('inspect ')).length, 2)
  })

  it('state an earlier version of the action wrote at the run directory root is read, then retired', async () => {
    const exp = instantiate('workflow_test_base_2026-11-27')
    assertComplete(exp, await runAction({ inputs: local(exp), env: exp.env }))
    for (const tool of ['torchtune', 'inspect']) {
      renameSync(join(exp.dir, `logs/run-${tool}.state.json`), join(exp.dir, `run-${tool}.state.json`))
    }
    const before = executions(exp).length
    const r = await runAction({ inputs: local(exp), env: exp.env })
    assertComplete(exp, r)
    assert.equal(executions(exp).length, before)
    assert.ok(!existsSync(join(exp.dir, 'run-torchtune.state.json')))
    assert.ok(existsSync(join(exp.dir, '.run-experiment/run-torchtune.state.json.before-logs')))
  })
})

describe('real experiments differ: layouts, gaps, missing inputs', () => {
  /** The earlier flat layout: every cell's script in {run}/eval/, sharing {run}/eval/logs/. */
  function flatten(exp: CruijffExperiment): void {
    for (const run of readdirSync(exp.dir)) {
      const evalDir = join(exp.dir, run, 'eval')
      if (!existsSync(evalDir)) continue
      for (const cell of readdirSync(evalDir)) {
        const script = join(evalDir, cell, 'cell.slurm')
        if (!existsSync(script)) continue
        const text = readFileSync(script, 'utf8').replace(/^cd .*$/m, `cd ${evalDir}`)
        writeFileSync(join(evalDir, `${cell}.slurm`), text)
        rmSync(script)
      }
    }
  }

  it('the earlier flat layout: cells sharing one log directory each get their own log', async () => {
    const exp = instantiate('cap_rank_lr_model_sweep_2026-11-27')
    flatten(exp)
    const r = await runAction({ inputs: local(exp), env: exp.env })
    assert.equal(r.outputs['status'], 'success', r.summary)
    assert.equal(r.outputs['evals-succeeded'], '16')
    const logs = readdirSync(join(exp.dir, 'Llama-3.2-1B-Instruct_rank16_lr5e-4/eval/logs'))
    assert.equal(logs.length, 6, 'six cells share this directory')
    const used = Object.values(state(exp, 'inspect')).map((e) => (e['output'] as { log?: string } | undefined)?.log)
    assert.equal(new Set(used).size, 16, 'every cell counted a different log')
    // A log no script there accounts for is named, and counted for no cell.
    const stray = join(exp.dir, 'Llama-3.2-1B-Instruct_base/eval/logs')
    const other = join(exp.dir, 'Qwen2.5-3B-Instruct_base/eval/logs')
    const copy = readdirSync(other).find((f) => f.endsWith('.eval')) ?? ''
    writeFileSync(join(stray, `stray-${copy}`), readFileSync(join(other, copy)))
    const before = executions(exp).length
    const again = await runAction({ inputs: local(exp), env: exp.env })
    assert.equal(again.outputs['evals-succeeded'], '16', again.summary)
    assert.equal(executions(exp).length, before, 'nothing ran again')
    assert.ok(again.summary.includes(`stray-${copy}: this .eval log`), again.summary)
  })

  it('an edited eval.yaml (-T config_path) re-runs that cell only, and the summary says which file', async () => {
    const exp = instantiate('workflow_test_base_2026-11-27')
    assertComplete(exp, await runAction({ inputs: local(exp), env: exp.env }))
    const before = executions(exp)
    const cell = 'Llama-3.2-1B-Instruct_rank4/eval/capitalization_epoch0'
    const config = join(exp.dir, cell, 'eval.yaml')
    writeFileSync(config, `${readFileSync(config, 'utf8')}\n# a new system prompt\n`)
    const r = await runAction({ inputs: local(exp), env: exp.env })
    assertComplete(exp, r)
    assert.deepEqual(executions(exp).slice(before.length), [`inspect ${cell}`], 'only that cell ran again')
    assert.match(r.summary, /Llama-3\.2-1B-Instruct_rank4\/capitalization\/epoch0 — .*eval\.yaml/, r.summary)
  })

  it('one missing eval script skips that cell only', async () => {
    const exp = instantiate('workflow_test_base_2026-11-27')
    rmSync(join(exp.dir, 'Llama-3.2-1B-Instruct_base/eval/capitalization/cell.slurm'))
    const r = await runAction({ inputs: local(exp), env: exp.env })
    assert.equal(r.outputs['evals-succeeded'], '1')
    assert.equal(r.outputs['evals-skipped'], '1')
    assert.equal(r.outputs['status'], 'partial')
    assert.match(r.summary, /Llama-3\.2-1B-Instruct_base\/capitalization/)
  })

  it('preflight: a missing base model stops everything before submission, at the line that names it', async () => {
    const exp = instantiate('workflow_test_base_2026-11-27')
    rmSync(join(exp.scratch, 'pretrained-llms/Llama-3.2-1B-Instruct'), { recursive: true })
    const r = await runAction({ inputs: local(exp), env: exp.env })
    assert.equal(r.outputs['status'], 'invalid')
    assert.deepEqual(executions(exp), [])
    const errors = r.annotations.filter((a) => a.kind === 'error')
    const yaml = errors.find((a) => a.file?.endsWith('Llama-3.2-1B-Instruct_rank4/finetune.yaml'))
    assert.ok(yaml, JSON.stringify(errors))
    const lines = readFileSync(join(exp.dir, 'Llama-3.2-1B-Instruct_rank4/finetune.yaml'), 'utf8').split('\n')
    assert.match(lines[Number(yaml.line) - 1] ?? '', /checkpoint_dir:/)
    const cell = errors.find((a) => a.file?.endsWith('Llama-3.2-1B-Instruct_base/eval/capitalization/cell.slurm'))
    assert.ok(cell, 'the control cell reads the base model too')
    const script = readFileSync(join(exp.dir, 'Llama-3.2-1B-Instruct_base/eval/capitalization/cell.slurm'), 'utf8')
    assert.match(script.split('\n')[Number(cell.line) - 1] ?? '', /-M model_path=/)
  })

  it('fine-tuned runs that nothing evaluates: not a success, unless only fine-tuning was asked', async () => {
    const exp = instantiate('workflow_test_base_2026-11-27')
    const path = join(exp.dir, 'experiment_summary.yaml')
    writeFileSync(
      path,
      readFileSync(path, 'utf8').replace(/ {4}- run: "Llama-3\.2-1B-Instruct_rank4"\n(?: {6}.*\n)+/, ''),
    )
    const all = await runAction({ inputs: local(exp), env: exp.env })
    assert.equal(all.outputs['status'], 'partial', all.summary)
    assert.match(all.summary, /no matrix entry evaluates any fine-tuned run/)
    assert.match(
      all.summary,
      /1 fine-tuned run is trained but evaluated by no evaluation cell: Llama-3\.2-1B-Instruct_rank4/,
    )
    const only = await runAction({ inputs: local(exp, { phases: 'optimize' }), env: exp.env })
    assert.equal(only.outputs['status'], 'success', only.summary)
  })
})

describe('cruijff_kit fixtures on the dev cluster (SLURM)', () => {
  /** A site profile the one-node cluster can satisfy: sbatch reads these over the scripts' #SBATCH lines. */
  const site = {
    SBATCH_ACCOUNT: 'root',
    SBATCH_PARTITION: 'debug',
    SBATCH_MEM_PER_NODE: '256M',
    SBATCH_CONSTRAINT: '',
  }
  const slurm = (exp: CruijffExperiment): Record<string, string> => slurmInputs(exp.dir, { 'poll-interval': '1' })
  before(() => {
    devCluster()
  })

  it('both fixtures: every job succeeds; the scaffold’s job names stay visible; a re-run does nothing', async () => {
    for (const fixture of Object.keys(EXPECTED) as FixtureName[]) {
      const exp = instantiate(fixture)
      const env = { ...exp.env, ...site }
      const r = await runAction({ inputs: slurm(exp), env })
      assertComplete(exp, r)
      const ids = Object.values(state(exp, 'inspect')).map((e) => e.job_id)
      // slurmctld's view (squeue keeps finished jobs for MinJobAge): the scaffold's names, not the action's.
      const names = execFileSync('squeue', ['-h', '-t', 'all', '-j', ids.join(','), '-o', '%j'], { encoding: 'utf8' })
      assert.ok(
        names.split('\n').some((n) => n.startsWith('eval-capitalization')),
        names,
      )
      const before = executions(exp).length
      assertComplete(exp, await runAction({ inputs: slurm(exp), env }))
      assert.equal(executions(exp).length, before, `${fixture}: a re-run ran a job again`)
    }
  })

  it('cruijff_kit’s runner submitted and detached; the action re-attaches to its jobs and runs nothing twice', async () => {
    const exp = instantiate('workflow_test_base_2026-11-27')
    const env = { ...exp.env, ...site, RE_STANDIN_SECONDS: '2' }
    assert.equal((await cruijffRun(exp.dir, 'torchtune', { mode: 'slurm', env })).length, 1)
    const r = await runAction({ inputs: slurm(exp), env })
    assertComplete(exp, r)
    assert.equal(executions(exp).filter((l) => l.startsWith('tune ')).length, 1)
    const tt = logBlocks(readText(join(exp.dir, 'logs/run-torchtune.log')))
    assert.equal(tt.filter((b) => b.action === 'SUBMIT_JOB').length, 1, 'only cruijff_kit’s submission')
  })
})
