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
import { makeExperiment } from './helpers/experiment.ts'
import { startGithubApi, type GithubApi } from './helpers/github-api.ts'

if (!existsSync(ACT)) throw new Error(`act is not installed: bash scripts/act-setup.sh (${ACT})`)

const workflows = readmeWorkflows()
const byTrigger = (trigger: string) =>
  workflows.find((w) => new RegExp(`^on:[\\s\\S]*?\\b${trigger}:`, 'm').test(w.text))

let artifacts: ArtifactServer
let api: GithubApi
before(async () => {
  artifacts = await startArtifactServer()
  api = await startGithubApi()
})
after(async () => {
  await artifacts.close()
  await api.close()
})

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
      makeExperiment(join(dir, 'experiments/capitalize'), { name: 'capitalize', tasks: ['caps'] })
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
      env: { ...artifacts.env, GITHUB_API_URL: api.url },
      secrets: { GITHUB_TOKEN: 'write-token' },
    })
    figures.push(`pull_request ${(r.ms / 1000).toFixed(1)} s`)
    assert.equal(r.code, 0, r.output.slice(-6000))
    assert.match(r.output, /Job succeeded/)
    // The README's last step echoes the outputs.
    assert.ok(
      r.stepLines.includes('status=success evals=4/4'),
      r.stepLines.filter((l) => l.startsWith('status=')).join('\n') || r.output.slice(-3000),
    )
    // Uploaded after each phase and at the end, each replacing the one before.
    const named = artifacts.artifacts.filter((a) => a.finalized && a.name === 'run-experiment-capitalize-attempt1')
    assert.equal(named.length, 3, artifacts.artifacts.map((a) => a.name).join(', '))
    const uploaded = named.filter((a) => !a.deleted)
    assert.equal(uploaded.length, 1)
    const files = await unzip(uploaded[0]?.zip ?? Buffer.alloc(0))
    const summary = files.get('run-experiment-summary.md')?.toString('utf8') ?? ''
    assert.match(summary, /## Run Experiment Complete/)
    assert.match(summary, /✅ success/)
    assert.ok(files.has('run-torchtune.log') && files.has('run-inspect.log'), [...files.keys()].join(', '))
  })

  it('workflow_dispatch: runs the named experiment', async () => {
    const dispatch = byTrigger('workflow_dispatch')
    assert.ok(dispatch)
    const repo = actRepo(forAct(dispatch.text), (dir) => {
      makeExperiment(join(dir, 'experiments/dispatched'), { name: 'dispatched', tasks: ['caps'] })
    })
    const r = await runAct({
      repo,
      event: 'workflow_dispatch',
      inputs: { 'experiment-dir': 'experiments/dispatched', phases: 'all' },
      env: { ...artifacts.env, GITHUB_API_URL: api.url },
      secrets: { GITHUB_TOKEN: 'write-token' },
    })
    figures.push(`workflow_dispatch ${(r.ms / 1000).toFixed(1)} s`)
    assert.equal(r.code, 0, r.output.slice(-6000))
    assert.match(r.output, /Job succeeded/)
    assert.ok(
      artifacts.artifacts.some((a) => a.finalized && !a.deleted && a.name === 'run-experiment-dispatched-attempt1'),
    )
    assert.equal(api.comments.length, 0, 'no pull request, no comment')
  })
})
