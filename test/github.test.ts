/**
 * GitHub integration through the built action: experiments found from real event payloads,
 * fork refusal, artifacts uploaded by the real @actions/artifact client to a local stand-in of the
 * artifact service, annotation and summary limits, secrets, and the README's workflows.
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { executions, makeExperiment, tempDir } from './helpers/experiment.ts'
import { localInputs, readText, runAction, runRootFor } from './helpers/action.ts'
import { startArtifactServer, unzip } from './helpers/artifact-server.ts'
import { git } from './helpers/git.ts'

/** A repository whose main has experiment `old`; a branch adds the given experiments. Returns the PR event. */
function prRepo(
  added: string[],
  opts: { fork?: boolean; change?: (ws: string) => void } = {},
): { ws: string; event: unknown } {
  const ws = tempDir('re-ws-')
  git(ws, 'init', '-q', '-b', 'main')
  makeExperiment(join(ws, 'experiments/old'), { runs: [{ name: 'a', lr: 1, epochs: [0] }], name: 'old' })
  writeFileSync(join(ws, 'README.md'), 'lab\n')
  git(ws, 'add', '-A')
  git(ws, 'commit', '-qm', 'base')
  const base = git(ws, 'rev-parse', 'HEAD')
  git(ws, 'checkout', '-qb', 'feature')
  for (const name of added)
    makeExperiment(join(ws, 'experiments', name), { runs: [{ name: 'a', lr: 1, epochs: [0] }], name })
  writeFileSync(join(ws, 'README.md'), 'lab, changed\n')
  opts.change?.(ws)
  git(ws, 'add', '-A')
  git(ws, 'commit', '-qm', 'add experiments')
  const head = git(ws, 'rev-parse', 'HEAD')
  const repo = { full_name: 'lab/experiments', fork: false }
  const headRepo = opts.fork ? { full_name: 'stranger/experiments', fork: true } : repo
  return {
    ws,
    event: {
      action: 'opened',
      number: 7,
      pull_request: {
        number: 7,
        base: { sha: base, ref: 'main', repo },
        head: { sha: head, ref: 'feature', repo: headRepo },
      },
      repository: repo,
    },
  }
}

const fast = { executor: 'local', 'poll-interval': '0.2', 'max-poll-interval': '0.5' }

/** Where an experiment of the checkout `ws` runs for pull request 7: under the test's run root, outside the checkout. */
const runDirOf = (ws: string, experiment: string, ref = 'pr-7'): string =>
  join(runRootFor(ws), 'lab/experiments', ref, experiment)

describe('experiments from the event', () => {
  it('a pull request adding one experiment runs that one only', async () => {
    const { ws, event } = prRepo(['exp1'])
    const r = await runAction({ inputs: fast, workspace: ws, eventName: 'pull_request', event })
    assert.equal(r.outputs['status'], 'success', r.summary + r.stderr)
    assert.equal(r.outputs['experiment-dir'], runDirOf(ws, 'experiments/exp1'))
    assert.equal(executions(runDirOf(ws, 'experiments/old')).length, 0)
    assert.equal(executions(runDirOf(ws, 'experiments/exp1')).length, 2)
    assert.equal(executions(join(ws, 'experiments/exp1')).length, 0, 'nothing ran in the checkout')
  })

  it('a pull request adding two runs each in turn, with a summary section each', async () => {
    const { ws, event } = prRepo(['exp1', 'exp2'])
    const r = await runAction({ inputs: fast, workspace: ws, eventName: 'pull_request', event })
    assert.equal(r.outputs['status'], 'success', r.summary)
    assert.deepEqual(r.outputs['experiment-dir']?.split('\n'), [
      runDirOf(ws, 'experiments/exp1'),
      runDirOf(ws, 'experiments/exp2'),
    ])
    assert.equal(r.outputs['runs-total'], '2')
    assert.equal(r.outputs['evals-succeeded'], '2')
    assert.match(r.summary, /^# Run Experiment: 2 experiments — success/m)
    assert.equal(r.summary.match(/^## Run Experiment Complete/gm)?.length, 2)
    assert.ok(
      r.summary.includes(runDirOf(ws, 'experiments/exp1')) && r.summary.includes(runDirOf(ws, 'experiments/exp2')),
    )
  })

  it('a pull request that changes no experiment succeeds with a notice and runs nothing', async () => {
    const { ws, event } = prRepo([])
    const r = await runAction({ inputs: fast, workspace: ws, eventName: 'pull_request', event })
    assert.equal(r.code, 0)
    assert.equal(r.outputs['status'], 'success')
    assert.equal(r.outputs['runs-total'], '0')
    assert.ok(r.annotations.some((a) => a.kind === 'notice' && /touches no experiment: nothing to run/.test(a.message)))
    assert.equal(executions(runDirOf(ws, 'experiments/old')).length, 0)
  })

  it('a pull request changing only the finetune.yaml of an existing experiment runs that experiment', async () => {
    const { ws, event } = prRepo([], {
      change: (dir) => {
        const config = join(dir, 'experiments/old/a/finetune.yaml')
        writeFileSync(config, `${readFileSync(config, 'utf8')}# tuned\n`)
      },
    })
    const r = await runAction({ inputs: fast, workspace: ws, eventName: 'pull_request', event })
    assert.equal(r.outputs['status'], 'success', r.summary + r.stderr)
    assert.equal(r.outputs['experiment-dir'], runDirOf(ws, 'experiments/old'))
    assert.match(
      r.stdout,
      /pull request #7 touches 1 experiment\(s\): experiments\/old \(experiments\/old\/a\/finetune\.yaml\)/,
    )
    assert.doesNotMatch(r.stdout, /\[command\]/, 'git is not echoed')
  })

  it('a fork pull request is refused unless allowed, also with experiment-dir', async () => {
    const { ws, event } = prRepo(['exp1'], { fork: true })
    const r = await runAction({ inputs: fast, workspace: ws, eventName: 'pull_request', event })
    assert.equal(r.code, 1)
    assert.equal(r.outputs['status'], 'failed')
    assert.ok(
      r.annotations.some((a) => a.kind === 'error' && /fork stranger\/experiments: refusing to run/.test(a.message)),
    )
    assert.equal(executions(runDirOf(ws, 'experiments/exp1')).length, 0)
    const named = await runAction({
      inputs: { ...fast, 'experiment-dir': 'experiments/old' },
      workspace: ws,
      eventName: 'pull_request',
      event,
    })
    assert.equal(named.outputs['status'], 'failed')
    assert.ok(named.annotations.some((a) => a.kind === 'error' && /fork stranger\/experiments/.test(a.message)))
    const namedRunDir = join(runRootFor(ws, 'experiments/old'), 'lab/experiments/pr-7/experiments/old')
    assert.equal(existsSync(namedRunDir), false, 'nothing staged, nothing ran')
    const allowed = await runAction({
      inputs: { ...fast, 'allow-fork-pull-requests': 'true' },
      workspace: ws,
      eventName: 'pull_request_target',
      event,
    })
    assert.equal(allowed.outputs['status'], 'success', allowed.summary)
  })

  it('a shallow checkout says how to fix it', async () => {
    const { ws, event } = prRepo(['exp1'])
    const e = event as { pull_request: { base: { sha: string } } }
    e.pull_request.base.sha = 'f'.repeat(40)
    const r = await runAction({ inputs: fast, workspace: ws, eventName: 'pull_request', event })
    assert.equal(r.outputs['status'], 'invalid')
    assert.ok(r.annotations.some((a) => /too shallow/.test(a.message) && /fetch-depth: 0/.test(a.message)))
  })

  it('workflow_dispatch needs experiment-dir; given, it wins over the event', async () => {
    const { ws, event } = prRepo(['exp1'])
    const none = await runAction({ inputs: fast, workspace: ws, eventName: 'workflow_dispatch', event: { inputs: {} } })
    assert.equal(none.outputs['status'], 'invalid')
    assert.ok(none.annotations.some((a) => /experiment-dir is required for a workflow_dispatch event/.test(a.message)))
    const explicit = await runAction({
      inputs: { ...fast, 'experiment-dir': 'experiments/old' },
      workspace: ws,
      eventName: 'pull_request',
      event,
    })
    // experiment-dir names it relative to the workspace: it runs under the run root, keyed like the PR's.
    const inputs = { ...fast, 'experiment-dir': 'experiments/old' }
    assert.equal(
      explicit.outputs['experiment-dir'],
      join(runRootFor(ws, inputs['experiment-dir']), 'lab/experiments/pr-7/experiments/old'),
    )
    assert.equal(executions(runDirOf(ws, 'experiments/exp1')).length, 0)
  })

  it('a dispatch re-run resumes and says what was resumed', async () => {
    const exp = makeExperiment(tempDir(), { failTraining: ['lr2'] })
    await runAction({ inputs: localInputs(exp), eventName: 'workflow_dispatch' })
    const again = await runAction({ inputs: localInputs(exp, { 'fail-on': 'never' }), eventName: 'workflow_dispatch' })
    assert.match(
      again.summary,
      /### Resumed\n\nAlready succeeded \(not re-run\): 4 · re-attached: 0 · re-submitted: 1 · newly submitted: 0 · skipped: 1/,
    )
    assert.match(again.summary, /lr2\/caps\/epoch1 — training of lr2 failed/)
  })
})

describe('artifacts', () => {
  it('uploads logs, state, summaries and .eval logs (never checkpoints) with the attempt in the name', async () => {
    const server = await startArtifactServer()
    try {
      const exp = makeExperiment(tempDir())
      const r = await runAction({
        inputs: localInputs(exp, { 'retention-days': '5' }),
        env: { ...server.env, GITHUB_RUN_ATTEMPT: '2' },
      })
      assert.equal(r.outputs['status'], 'success', r.summary + r.stderr)
      const live = server.artifacts.filter((a) => !a.deleted)
      assert.equal(live.length, 1, JSON.stringify(server.calls))
      const art = live[0]
      assert.ok(art)
      assert.equal(art.name, 'run-experiment-fixture-attempt2')
      assert.equal(r.outputs['artifact-id'], String(art.id))
      assert.ok(art.expiresAt, 'retention-days sets an expiry')
      // Uploaded once the evaluations are submitted (the training's logs), then at the end, replacing it.
      assert.equal(server.calls.filter((c) => c === 'CreateArtifact').length, 2, server.calls.join(','))
      const files = await unzip(art.zip)
      const names = [...files.keys()].sort()
      for (const f of [
        'run-experiment.log',
        'logs/run-torchtune.log',
        'logs/run-inspect.log',
        'logs/run-torchtune.state.json',
        'logs/run-inspect.state.json',
        'summary.md',
        'run-experiment-summary.md',
      ])
        assert.ok(names.includes(f), `${f} missing: ${names.join(', ')}`)
      assert.equal(names.filter((n) => n.endsWith('.eval')).length, 4)
      assert.ok(!names.some((n) => n.includes('/artifacts/')), `checkpoints uploaded: ${names.join(', ')}`)
      assert.match(files.get('run-experiment.log')?.toString('utf8') ?? '', /MODULE_END: inspect-ai/)
      assert.match(r.summary, /Artifact: `run-experiment-fixture-attempt2` \(id \d+\)/)
      const noEval = await runAction({
        inputs: localInputs(makeExperiment(tempDir(), { name: 'other' }), {
          'include-eval-logs': 'false',
          'artifact-name': 'logs',
        }),
        env: server.env,
      })
      const other = server.artifacts.find((a) => a.name === 'logs-attempt1' && !a.deleted)
      assert.ok(other, `${JSON.stringify(server.artifacts.map((a) => a.name))} ${noEval.stderr}`)
      assert.equal([...(await unzip(other.zip)).keys()].filter((n) => n.endsWith('.eval')).length, 0)
    } finally {
      await server.close()
    }
  })

  it('an upload failure is a warning, never a lost result', async () => {
    const server = await startArtifactServer()
    server.failWith = 403
    try {
      const exp = makeExperiment(tempDir())
      const r = await runAction({ inputs: localInputs(exp), env: server.env })
      assert.equal(r.code, 0)
      assert.equal(r.outputs['status'], 'success')
      assert.ok(r.annotations.some((a) => a.kind === 'warning' && /artifact upload failed/.test(a.message)))
      assert.match(r.summary, /Artifact upload failed \(.*\): the files stay in/)
      assert.ok(readText(join(exp, 'run-experiment.log')).includes('COMPLETE'))
    } finally {
      await server.close()
    }
  })
})

describe('limits and safety', () => {
  it('more than 10 problems: 10 annotated, all listed in the summary', async () => {
    const exp = makeExperiment(tempDir())
    const path = join(exp, 'experiment_summary.yaml')
    const extra = Array.from({ length: 25 }, (_, i) => `    - {run: ghost${i}, tasks: [caps], epochs: [0]}`).join('\n')
    writeFileSync(path, `${readFileSync(path, 'utf8').trimEnd()}\n${extra}\n`)
    const r = await runAction({ inputs: localInputs(exp) })
    const errors = r.annotations.filter((a) => a.kind === 'error')
    assert.equal(errors.length, 10, 'GitHub shows 10 error annotations a step, the failure message included')
    assert.ok(errors.slice(0, 8).every((a) => a.file?.endsWith('experiment_summary.yaml') && Number(a.line) > 0))
    assert.match(errors[8]?.message ?? '', /17 more problems: all are listed in the job summary/)
    assert.match(errors[9]?.message ?? '', /run-experiment: invalid/)
    for (let i = 0; i < 25; i++) assert.ok(r.summary.includes(`names run "ghost${i}"`), `ghost${i} not listed`)
  })

  it('a job summary over 1 MiB is trimmed with a pointer, not an error', async () => {
    const exp = makeExperiment(tempDir())
    const path = join(exp, 'experiment_summary.yaml')
    const extra = Array.from(
      { length: 9000 },
      (_, i) => `    - {run: ghost_run_with_a_long_name_${i}, tasks: [caps], epochs: [0]}`,
    ).join('\n')
    writeFileSync(path, `${readFileSync(path, 'utf8').trimEnd()}\n${extra}\n`)
    const r = await runAction({ inputs: localInputs(exp, { 'max-summary-bytes': '2000000' }) })
    assert.equal(r.outputs['status'], 'invalid')
    assert.ok(Buffer.byteLength(r.summary) < 1024 * 1024, `${Buffer.byteLength(r.summary)} bytes`)
    assert.match(r.summary, /This summary was trimmed: it exceeded GitHub's 1 MiB limit/)
  })

  it('the SSH private key never appears in logs, summaries or outputs', async () => {
    const secret =
      '-----BEGIN OPENSSH PRIVATE KEY-----\nRECOGNISABLE-FAKE-KEY-0123456789abcdef\n-----END OPENSSH PRIVATE KEY-----'
    const exp = makeExperiment(tempDir(), { dir: '/tmp/re-remote-never-used' })
    const r = await runAction({
      inputs: {
        ...localInputs(exp),
        executor: 'slurm',
        'ssh-host': '127.0.0.1',
        'ssh-port': '1',
        'ssh-user': 'root',
        'ssh-private-key': secret,
        'ssh-known-hosts':
          '[127.0.0.1]:1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ8V4YkM8jQbTn0yG4zC6cQjJcS3Bb7y0g6bq3Hj8w8K',
      },
    })
    assert.equal(r.outputs['status'], 'failed')
    // The only place the key may appear is the runner's own ::add-mask:: command, which masks it.
    const masks = r.stdout.split('\n').filter((l) => l.startsWith('::add-mask::'))
    assert.ok(
      masks.some((l) => l === '::add-mask::RECOGNISABLE-FAKE-KEY-0123456789abcdef'),
      'each line of the key is masked',
    )
    const everything = [
      r.stdout
        .split('\n')
        .filter((l) => !l.startsWith('::add-mask::'))
        .join('\n'),
      r.stderr,
      r.summary,
      JSON.stringify(r.outputs),
      readText(join(exp, 'run-experiment.log')),
    ].join('\n')
    assert.ok(!everything.includes('RECOGNISABLE-FAKE-KEY'), 'the key leaked')
  })
})

describe('README', () => {
  it('its workflows are valid YAML that use only real inputs', () => {
    const readme = readFileSync('README.md', 'utf8')
    const action = parseYaml(readFileSync('action.yml', 'utf8')) as {
      inputs: Record<string, unknown>
      outputs: Record<string, unknown>
    }
    const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '')
    assert.ok(blocks.length >= 3, `only ${blocks.length} yaml blocks`)
    let uses = 0
    for (const text of blocks) {
      const wf = parseYaml(text) as {
        on?: unknown
        jobs?: Record<string, { steps?: { uses?: string; with?: Record<string, unknown> }[] }>
      }
      if (!wf.jobs) {
        // A fragment of a workflow: its keys are workflow keys or the action's inputs.
        for (const key of Object.keys(wf))
          assert.ok(
            ['permissions', 'env', 'concurrency'].includes(key) || key in action.inputs,
            `fragment ${key}:\n${text}`,
          )
        continue
      }
      assert.ok(wf.on, `not a workflow:\n${text}`)
      for (const job of Object.values(wf.jobs)) {
        for (const step of job.steps ?? []) {
          if (!step.uses?.includes('run-experiment')) continue
          uses++
          for (const key of Object.keys(step.with ?? {})) assert.ok(key in action.inputs, `unknown input ${key}`)
        }
      }
    }
    assert.ok(uses >= 2)
    // Every input and output is documented in the README's tables.
    for (const name of [...Object.keys(action.inputs), ...Object.keys(action.outputs)])
      assert.ok(readme.includes(`\`${name}\``), `${name} not in README`)
  })
})
