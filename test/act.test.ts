/**
 * The README's workflows on GitHub's own tooling: nektos/act runs them in self-hosted mode against
 * the dev cluster (executor slurm, the README's default): a pull_request event whose diff adds an
 * experiment, and a workflow_dispatch run of a named experiment. Needs `bash scripts/act-setup.sh`
 * and the dev cluster (npm test provides both). `ACT_TESTS=all` runs every README workflow (npm
 * run test:act); by default the pull-request one and the dispatch one run.
 */
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { ACT, actRepo, forAct, readmeWorkflows, runAct } from './helpers/act.ts'
import { startArtifactServer, unzip, type ArtifactServer } from './helpers/artifact-server.ts'
import { makeExperiment, type FixtureRun } from './helpers/experiment.ts'
import { useGithubApi } from './helpers/github-api.ts'

if (!existsSync(ACT)) throw new Error(`act is not installed: bash scripts/act-setup.sh (${ACT})`)

const workflows = readmeWorkflows()
const byTrigger = (trigger: string) =>
  workflows.find((w) => new RegExp(`^on:[\\s\\S]*?\\b${trigger}:`, 'm').test(w.text))

let artifacts: ArtifactServer
const github = useGithubApi()
before(async () => {
  artifacts = await startArtifactServer()
})
after(async () => {
  await artifacts.close()
})
/** Where the action's uploads and comments go, and the workflow's token. */
const standIns = (): { env: Record<string, string>; secrets: Record<string, string> } => ({
  env: { ...artifacts.env, GITHUB_API_URL: github().url },
  secrets: { GITHUB_TOKEN: 'write-token' },
})
/** Checkpoints of epoch 1 score 0.6, the control 0.5: fine-tuning beats the control, as the README requires. */
const RUNS: FixtureRun[] = [
  { name: 'lr1', lr: 0.001, epochs: [1] },
  { name: 'lr2', lr: 0.002, epochs: [1] },
  { name: 'base', type: 'control' },
]

const figures: string[] = []
after(() => {
  if (figures.length > 0) console.log(`act figures: ${figures.join('; ')}`)
})

describe("the README's workflows under act", () => {
  it('finds the workflows in the README and adapts only the action reference and the poll interval', () => {
    assert.ok(workflows.length >= 2, `found ${workflows.map((w) => w.name).join(', ')}`)
    const pr = byTrigger('pull_request')
    assert.ok(pr)
    const adapted = forAct(pr.text)
    const changed = adapted.split('\n').filter((l) => !pr.text.split('\n').includes(l))
    assert.deepEqual(
      changed.map((l) => l.trim()),
      ['uses: ./', 'poll-interval: 1'],
    )
  })

  it('pull_request: runs the experiment the diff adds, uploads the artifact, sets outputs', async () => {
    const pr = byTrigger('pull_request')
    assert.ok(pr)
    const repo = actRepo(forAct(pr.text), (dir) => {
      makeExperiment(join(dir, 'experiments/capitalize'), { name: 'capitalize', tasks: ['caps'], runs: RUNS })
    })
    const payload = {
      number: 7,
      pull_request: {
        number: 7,
        base: { sha: repo.base, ref: 'main', repo: { full_name: 'lab/experiments' } },
        head: { sha: repo.head, ref: 'add-capitalize', repo: { full_name: 'lab/experiments' } },
      },
      repository: { full_name: 'lab/experiments' },
    }
    const r = await runAct({
      repo,
      event: 'pull_request',
      payload,
      ...standIns(),
    })
    figures.push(`pull_request ${(r.ms / 1000).toFixed(1)} s`)
    assert.equal(r.code, 0, r.output.slice(-6000))
    assert.match(r.output, /Job succeeded/)
    // The README's last step echoes the outputs.
    assert.ok(
      r.stepLines.includes('status=success evals=3/3'),
      r.stepLines.filter((l) => l.startsWith('status=')).join('\n') || r.output.slice(-3000),
    )
    // Uploaded during the run and at the end, each upload replacing the one before.
    const named = artifacts.artifacts.filter((a) => a.finalized && a.name === 'run-experiment-capitalize-attempt1')
    assert.ok(named.length >= 1, artifacts.artifacts.map((a) => a.name).join(', '))
    const uploaded = named.filter((a) => !a.deleted)
    assert.equal(uploaded.length, 1)
    const files = await unzip(uploaded[0]?.zip ?? Buffer.alloc(0))
    const summary = files.get('run-experiment-summary.md')?.toString('utf8') ?? ''
    assert.match(summary, /## Run Experiment Complete/)
    assert.match(summary, /✅ success/)
    assert.ok(
      [...files.keys()].some((f) => f.endsWith('run-torchtune.log')),
      [...files.keys()].join(', '),
    )
    // The README's require held, and says so.
    assert.match(summary, /### Required conditions \(1\/1 met\)/)
    // Progress in the log, as the runner shows it.
    assert.ok(
      r.stepLines.some((l) => /^optimize: 2\/2 done · /.test(l)),
      r.stepLines.filter((l) => /^(optimize|evaluate):/.test(l)).join('\n'),
    )
    assert.ok(r.stepLines.some((l) => /^evaluate: 3\/3 done · /.test(l)))
    // One comment on pull request 7, with the results.
    const comments = github().comments.filter((c) => c.issue === 7)
    assert.equal(comments.length, 1)
    assert.match(comments[0]?.body ?? '', /### 🧪 Experiment `capitalize`: ✅ success/)
    assert.match(comments[0]?.body ?? '', /#### Required conditions \(1\/1 met\)/)
  })

  it('workflow_dispatch: runs the named experiment', async () => {
    const dispatch = byTrigger('workflow_dispatch')
    assert.ok(dispatch)
    const repo = actRepo(forAct(dispatch.text), (dir) => {
      makeExperiment(join(dir, 'experiments/dispatched'), { name: 'dispatched', tasks: ['caps'], runs: RUNS })
    })
    const r = await runAct({
      repo,
      event: 'workflow_dispatch',
      inputs: { 'experiment-dir': 'experiments/dispatched', phases: 'all' },
      ...standIns(),
    })
    figures.push(`workflow_dispatch ${(r.ms / 1000).toFixed(1)} s`)
    assert.equal(r.code, 0, r.output.slice(-6000))
    assert.match(r.output, /Job succeeded/)
    assert.ok(
      artifacts.artifacts.some((a) => a.finalized && !a.deleted && a.name === 'run-experiment-dispatched-attempt1'),
    )
    assert.equal(github().comments.length, 0, 'no pull request, no comment')
  })
})
