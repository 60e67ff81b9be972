/**
 * The README's pull-request workflow on a checkout that actions/checkout cleans between runs (issue 14,
 * item 2): the action is cancelled while the training runs (SIGINT, as a runner cancels a step), the
 * checkout is cleaned as actions/checkout cleans it (`git clean -ffdx`, `git reset --hard`), and the
 * workflow is re-run. Every job runs exactly once and the result is success, for an experiment in the
 * checkout (it runs under run-root) and for an absolute experiment.dir inside the workspace (its state
 * is lost with the clean: the running job is found again by its marker), on the local executor and on
 * the dev cluster's SLURM.
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { makeExperiment, tempDir } from './helpers/experiment.ts'
import { localInputs, runAction, slurmInputs, type ActionResult } from './helpers/action.ts'
import { cleanCheckout, featureBranch, git } from './helpers/git.ts'

interface Checkout {
  ws: string
  event: unknown
  /** Where every job appends a line when it starts (outside the checkout: it survives the clean). */
  trace: string
}

/** A repository whose pull request adds experiment `e` (two runs, one evaluation each, 15 s trainings). */
function checkout(absoluteDir: boolean): Checkout {
  const { ws, base } = featureBranch('re-checkout-')
  const trace = join(tempDir('re-trace-'), 'executions.txt')
  const exp = join(ws, 'experiments/e')
  makeExperiment(exp, {
    name: 'e',
    runs: [
      { name: 'a', lr: 1, epochs: [0] },
      { name: 'b', lr: 2, epochs: [0] },
    ],
    trainEpochs: 1,
    // Long enough that the training still runs when the checkout is cleaned (the cancelled step takes a
    // few seconds to detach): what a cleaned checkout loses then is what the running job has not written.
    sleep: 15,
    trace,
    ...(absoluteDir ? { dir: exp } : {}),
  })
  git(ws, 'add', '-A')
  git(ws, 'commit', '-qm', 'add experiment e')
  const head = git(ws, 'rev-parse', 'HEAD')
  const repo = { full_name: 'lab/experiments', fork: false }
  const event = {
    action: 'synchronize',
    number: 41,
    pull_request: { number: 41, base: { sha: base, ref: 'main', repo }, head: { sha: head, ref: 'feature', repo } },
    repository: repo,
  }
  return { ws, event, trace }
}

const lines = (trace: string): string[] =>
  existsSync(trace) ? readFileSync(trace, 'utf8').trim().split('\n').filter(Boolean) : []

/**
 * Runs the workflow's step; with `cancelWhenTraining`, sends SIGINT once both trainings have started (a
 * job still queued when the checkout is cleaned cannot start in place: SLURM finds its --output directory
 * gone, and the job fails to launch).
 */
function step(c: Checkout, inputs: Record<string, string>, cancelWhenTraining: boolean): Promise<ActionResult> {
  return runAction({
    inputs,
    workspace: c.ws,
    eventName: 'pull_request',
    event: c.event,
    ...(cancelWhenTraining
      ? {
          onSpawn: (child: ChildProcess) => {
            const timer = setInterval(() => {
              if (lines(c.trace).filter((l) => l.startsWith('train ')).length < 2) return
              clearInterval(timer)
              child.kill('SIGINT')
            }, 100)
            child.on('exit', () => {
              clearInterval(timer)
            })
          },
        }
      : {}),
  })
}

async function cancelCleanRerun(absoluteDir: boolean, inputsFor: () => Record<string, string>) {
  const c = checkout(absoluteDir)
  const inputs = inputsFor()
  const first = await step(c, inputs, true)
  assert.equal(first.outputs['status'], 'failed', first.summary)
  assert.match(first.summary, /detached by SIGINT/)
  cleanCheckout(c.ws)
  let last = await step(c, inputs, false)
  // A re-run while the adopted training still runs watches it to its end: one re-run suffices.
  assert.equal(last.outputs['status'], 'success', last.summary + last.stderr)
  assert.deepEqual(
    lines(c.trace)
      .map((l) => l.replace(/ job=.*/, ''))
      .sort(),
    ['eval a/caps/epoch0', 'eval b/caps/epoch0', 'train a', 'train b'],
    'every job ran exactly once',
  )
  if (absoluteDir) {
    assert.match(last.summary + last.annotations.map((a) => a.message).join('\n'), /inside the workspace/)
  } else {
    const runDir = last.outputs['experiment-dir'] ?? ''
    assert.ok(!runDir.startsWith(c.ws), `${runDir} is outside the checkout`)
  }
  cleanCheckout(c.ws)
  last = await step(c, inputs, false)
  assert.equal(last.outputs['status'], 'success', last.summary)
  if (absoluteDir) {
    // The clean took the finished jobs' outputs with it: they run again, and the summary says why.
    assert.equal(lines(c.trace).length, 8)
    assert.match(last.summary, /found by its marker[^\n]*checkpoint missing/)
  } else assert.equal(lines(c.trace).length, 4, 'resumed from the run root: nothing ran again')
}

/** The workflow's inputs: no experiment-dir (the pull request's changes say which experiment). */
const without = ({ 'experiment-dir': _dir, ...inputs }: Record<string, string>): Record<string, string> => inputs
const local = (): Record<string, string> => without(localInputs(''))
const slurm = (): Record<string, string> => without(slurmInputs(''))

describe('a checkout cleaned between runs (local executor)', () => {
  it('an experiment in the checkout runs under run-root: cancel, clean, re-run: every job once', async () => {
    await cancelCleanRerun(false, local)
  })
  it('an absolute experiment.dir inside the workspace: the running training is found again by its marker', async () => {
    await cancelCleanRerun(true, local)
  })
})

describe('a checkout cleaned between runs (SLURM)', () => {
  it('an experiment in the checkout runs under run-root: cancel, clean, re-run: every job once', async () => {
    await cancelCleanRerun(false, slurm)
  })
  it('an absolute experiment.dir inside the workspace: the running training is found again by its marker', async () => {
    await cancelCleanRerun(true, slurm)
  })
})
