/**
 * The cluster path on the real dev cluster (scripts/dev-cluster/start.sh: SLURM with accounting and
 * an sshd on 127.0.0.1): the built action with executor slurm, on a login-node runner (local
 * transport) and over SSH. Fails, never skips, when the dev cluster is not running.
 */
import { describe, it, before } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { executions, makeExperiment, tempDir } from './helpers/experiment.ts'
import { logBlocks, readText, runAction, slurmInputs } from './helpers/action.ts'
import { devCluster, runDevScript, type DevCluster } from './helpers/dev-cluster.ts'
import { copyExample, toolsVenv } from './helpers/example.ts'

const sshInputs = (c: DevCluster): Record<string, string> => ({
  'ssh-host': c.host,
  'ssh-port': String(c.port),
  'ssh-user': c.user,
  'ssh-private-key': c.privateKey,
  'ssh-known-hosts': c.knownHosts,
})
/**
 * The action's jobs sacct knows since a time (their comment carries the action's identity), waiting for
 * slurmdbd to catch up to `expect` of them with the identity prefix: each as `identity|job name`.
 */
async function sacctNames(since: string, prefix: string, expect: number): Promise<string[]> {
  let names: string[] = []
  for (let i = 0; i < 30; i++) {
    names = execFileSync('sacct', ['-X', '-n', '-P', '-S', since, '-o', 'Comment%300,JobName%200'], {
      encoding: 'utf8',
    })
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith(`run-experiment:${prefix}`))
      // run-experiment:<identity>:<nonce>|<the script's own job name>
      .map((l) => l.replace(/^run-experiment:([^|]*):[0-9a-f]+\|/, '$1|'))
    // slurmdbd first records a job as "allocation", then with its name.
    if (names.length >= expect && !names.some((n) => n.endsWith('|allocation'))) break
    await new Promise((r) => setTimeout(r, 500))
  }
  return names
}
const nowForSacct = (): string => new Date(Date.now() - 2000).toISOString().slice(0, 19)

/** Runs a dev-cluster script (a restart) as soon as the action has submitted its first job. */
function onFirstSubmission(toolLog: string, script: string, args: string[] = []): (child: ChildProcess) => void {
  return (child) => {
    const timer = setInterval(() => {
      if (readText(toolLog).includes('SUBMIT_JOB')) {
        clearInterval(timer)
        void runDevScript(script, args)
      }
    }, 100)
    child.on('exit', () => {
      clearInterval(timer)
    })
  }
}

let cluster: DevCluster
before(() => {
  cluster = devCluster()
  execFileSync('sinfo', ['-h'], { encoding: 'utf8' })
})

describe('SLURM, runner on the login node', () => {
  it('runs the whole pipeline with real sbatch/squeue/sacct', async () => {
    const exp = makeExperiment(tempDir(), { sleep: 1, name: 'slurm-basic' })
    const since = nowForSacct()
    const r = await runAction({ inputs: slurmInputs(exp) })
    assert.equal(r.outputs['status'], 'success', r.summary + r.stderr)
    assert.equal(r.outputs['evals-succeeded'], '4')
    const names = await sacctNames(since, 're-slurm-basic-', 6)
    assert.equal(names.length, 6, names.join('\n'))
    assert.equal(new Set(names).size, 6, 'identities name experiment and job')
    // squeue and sacct show the scaffold's own #SBATCH --job-name (users search by it).
    assert.deepEqual(names.map((n) => n.split('|')[1]).sort(), [
      'eval-caps',
      'eval-caps_epoch0',
      'eval-caps_epoch1',
      'eval-caps_epoch1',
      'lr1',
      'lr2',
    ])
    const tt = logBlocks(readText(join(exp, 'logs/run-torchtune.log')))
    assert.ok(tt.filter((b) => b.action === 'SUBMIT_JOB').every((b) => /^Job ID: \d+$/.test(b.lines[1] ?? '')))
  })

  it('a failed training: its evaluations never reach sbatch', async () => {
    const exp = makeExperiment(tempDir(), { failTraining: ['lr2'], name: 'slurm-fail' })
    const since = nowForSacct()
    const r = await runAction({ inputs: slurmInputs(exp) })
    assert.equal(r.outputs['status'], 'partial')
    assert.equal(r.outputs['evals-skipped'], '1')
    await sacctNames(since, 're-slurm-fail-', 5)
    await new Promise((r) => setTimeout(r, 2000)) // let accounting settle: no sixth job may appear
    const names = await sacctNames(since, 're-slurm-fail-', 0)
    assert.equal(names.length, 5, names.join('\n'))
    assert.ok(!names.some((n) => n.includes('lr2_eval')), names.join('\n'))
    assert.match(r.summary, /lr2 — FAILED \(exit 1\)/)
  })

  it('TIMEOUT and OUT_OF_MEMORY are reported with their SLURM state', { timeout: 300_000 }, async () => {
    const exp = makeExperiment(tempDir(), {
      runs: [
        { name: 'slow', lr: 1, epochs: [0] },
        { name: 'hog', lr: 1, epochs: [0] },
      ],
      name: 'slurm-limits',
    })
    const header = (extra: string): string => `#!/bin/bash\n#SBATCH --output=artifacts/slurm-%j.out\n${extra}\n`
    writeFileSync(join(exp, 'slow/finetune.slurm'), `${header('#SBATCH --time=0:01')}sleep 300\n`)
    writeFileSync(
      join(exp, 'hog/finetune.slurm'),
      `${header('#SBATCH --mem=50M')}python3 -c "import time; x = bytearray(600 * 1024 * 1024); [x.__setitem__(i, 1) for i in range(0, len(x), 4096)]; time.sleep(30)"\n`,
    )
    const r = await runAction({ inputs: slurmInputs(exp, { 'poll-interval': '2', 'max-poll-interval': '5' }) })
    assert.equal(r.outputs['status'], 'failed', r.summary)
    assert.match(r.summary, /slow — TIMEOUT/)
    assert.match(r.summary, /hog — OUT_OF_MEMORY/)
    const state = JSON.parse(readText(join(exp, 'logs/run-torchtune.state.json'))) as Record<string, { state: string }>
    assert.equal(state['slow/finetune.slurm']?.state, 'TIMEOUT')
    assert.equal(state['hog/finetune.slurm']?.state, 'OUT_OF_MEMORY')
  })

  it(
    'a QoS with MaxSubmitJobsPerUser=3 and 10 jobs: all complete, none lost, the waits logged',
    { timeout: 300_000 },
    async () => {
      execFileSync('bash', ['scripts/dev-cluster/qos.sh', 'reqos3', '3'])
      const runs = Array.from({ length: 10 }, (_, i) => ({ name: `r${i}`, lr: i, epochs: [0] }))
      const exp = makeExperiment(tempDir(), { runs, name: 'slurm-qos', sleep: 1 })
      for (const run of runs) {
        const p = join(exp, run.name, 'finetune.slurm')
        writeFileSync(p, readFileSync(p, 'utf8').replace('#SBATCH --output', '#SBATCH --qos=reqos3\n#SBATCH --output'))
      }
      const r = await runAction({ inputs: slurmInputs(exp, { phases: 'optimize' }) })
      assert.equal(r.outputs['status'], 'success', r.summary)
      assert.equal(r.outputs['runs-succeeded'], '10')
      const main = logBlocks(readText(join(exp, 'run-experiment.log')))
      assert.ok(
        main.some(
          (b) =>
            b.action === 'SUBMIT_DEFERRED' &&
            b.lines.some((l) => /QOSMaxSubmitJobPerUserLimit|accounting\/QOS policy/.test(l)),
        ),
        'no deferral logged',
      )
      const ids = logBlocks(readText(join(exp, 'logs/run-torchtune.log')))
        .filter((b) => b.action === 'SUBMIT_JOB')
        .map((b) => b.lines[1])
      assert.equal(ids.length, 10)
      assert.equal(new Set(ids).size, 10)
      assert.equal(executions(exp).length, 10)
    },
  )

  it('cancel mid-phase, then re-run: re-attaches, nothing runs twice', { timeout: 120_000 }, async () => {
    const exp = makeExperiment(tempDir(), { sleep: 4, name: 'slurm-cancel' })
    const first = await runAction({
      inputs: slurmInputs(exp),
      onSpawn: (child) => {
        const timer = setInterval(() => {
          if ((readText(join(exp, 'logs/run-torchtune.log')).match(/SUBMIT_JOB/g) ?? []).length >= 2) {
            clearInterval(timer)
            child.kill('SIGINT')
          }
        }, 100)
        child.on('exit', () => {
          clearInterval(timer)
        })
      },
    })
    assert.notEqual(first.outputs['status'], 'success')
    assert.match(readText(join(exp, 'logs/run-torchtune.log')), /MONITOR_DETACHED\nDetails: reason=SIGINT/)
    const r = await runAction({ inputs: slurmInputs(exp) })
    assert.equal(r.outputs['status'], 'success', r.summary)
    // Both trainings, and the evaluations the first run had queued behind them by then, are re-attached.
    const resumed = /re-attached: (\d+) · re-submitted: 0 · newly submitted: (\d+)/.exec(r.summary)
    assert.ok(resumed, r.summary)
    assert.ok(Number(resumed[1]) >= 2 && Number(resumed[1]) + Number(resumed[2]) === 6, resumed[0])
    const ran = executions(exp)
    assert.equal(ran.length, 6, ran.join('\n'))
    assert.equal(new Set(ran.map((l) => l.split(' job=')[0])).size, 6)
  })

  it(
    'kill -9 between sbatch and the state write: the re-run finds the job by its marker',
    { timeout: 120_000 },
    async () => {
      const exp = makeExperiment(tempDir(), {
        sleep: 3,
        name: 'slurm-crash',
        runs: [{ name: 'a', lr: 1, epochs: [0] }],
      })
      await runAction({
        inputs: slurmInputs(exp),
        onSpawn: (child) => {
          const timer = setInterval(() => {
            if (
              readText(join(exp, 'logs/run-torchtune.state.json')).includes('"state": "PENDING"') ||
              readText(join(exp, 'logs/run-torchtune.state.json')).includes('"state": "RUNNING"')
            ) {
              clearInterval(timer)
              child.kill('SIGKILL')
            }
          }, 20)
          child.on('exit', () => {
            clearInterval(timer)
          })
        },
      })
      // Put the state back to what a crash right after sbatch leaves when the intent was lost too: no record
      // of the job at all (a hand-made SUBMITTING entry would carry no seal, and be ignored the same way).
      const path = join(exp, 'logs/run-torchtune.state.json')
      const state = JSON.parse(readFileSync(path, 'utf8')) as Record<string, Record<string, unknown>>
      const realId = state['a/finetune.slurm']?.['job_id']
      assert.ok(realId)
      delete state['a/finetune.slurm']
      writeFileSync(path, JSON.stringify(state, null, 2))
      const r = await runAction({ inputs: slurmInputs(exp) })
      assert.equal(r.outputs['status'], 'success', r.summary)
      assert.equal(executions(exp).filter((l) => l.startsWith('train a ')).length, 1, executions(exp).join('\n'))
      const after = JSON.parse(readFileSync(path, 'utf8')) as Record<string, { job_id: string }>
      assert.equal(after['a/finetune.slurm']?.job_id, realId)
      assert.match(readText(join(exp, 'logs/run-torchtune.log')), /FOUND_BY_MARKER: a\nDetails: job \d+ \(/)
    },
  )

  it(
    'slurmctld down for 22 s mid-poll: polls meet the outage, the run completes correctly',
    { timeout: 240_000 },
    async () => {
      const exp = makeExperiment(tempDir(), { sleep: 6, name: 'slurm-restart' })
      // squeue retries the controller for ~18 s before it fails: the outage must be longer to be seen.
      const r = await runAction({
        inputs: slurmInputs(exp),
        onSpawn: onFirstSubmission(join(exp, 'logs/run-torchtune.log'), 'restart-slurmctld.sh', ['22']),
      })
      assert.equal(r.outputs['status'], 'success', r.summary + r.stderr)
      assert.equal(executions(exp).length, 6)
      const log = readText(join(exp, 'logs/run-torchtune.log'))
      assert.match(log, /POLL_UNANSWERED\nDetails: the scheduler did not answer for any job: squeue failed/, log)
      assert.match(log, /POLL_ANSWERED\nDetails: the scheduler answers again after \d+ s/)
    },
  )
})

describe('SLURM over SSH', () => {
  it('stages to the cluster and runs the whole pipeline over one SSH connection', async () => {
    const remote = join(tempDir('re-remote-'), 'scratch/exp')
    const exp = makeExperiment(tempDir(), { sleep: 1, name: 'ssh-basic', dir: remote })
    const r = await runAction({ inputs: { ...slurmInputs(exp), ...sshInputs(cluster) } })
    assert.equal(r.outputs['status'], 'success', r.summary + r.stderr)
    assert.equal(r.outputs['experiment-dir'], remote)
    assert.ok(existsSync(join(remote, 'lr1/artifacts/epoch_1/adapter_model.safetensors')))
    assert.ok(existsSync(join(remote, 'run-experiment.log')))
    assert.ok(!existsSync(join(exp, 'lr1/artifacts')))
    assert.equal(executions(remote).length, 6)
    const keyLine = cluster.privateKey.split('\n')[1] ?? 'none'
    assert.ok(
      !r.stdout
        .split('\n')
        .filter((l) => !l.startsWith('::add-mask::'))
        .join('\n')
        .includes(keyLine) && !r.summary.includes(keyLine),
      'the key leaked',
    )
  })

  it('a changed host key is refused with a clear error', async () => {
    const exp = makeExperiment(tempDir(), { name: 'ssh-badkey', dir: '/tmp/re-never' })
    const wrong = cluster.knownHosts.replace(
      /(ssh-ed25519 )\S+/,
      '$1AAAAC3NzaC1lZDI1NTE5AAAAIJ8V4YkM8jQbTn0yG4zC6cQjJcS3Bb7y0g6bq3Hj8w8K',
    )
    const r = await runAction({ inputs: { ...slurmInputs(exp), ...sshInputs(cluster), 'ssh-known-hosts': wrong } })
    assert.equal(r.outputs['status'], 'failed')
    assert.match(r.summary, /host key/i)
    assert.match(r.summary, /SHA256:/)
    assert.ok(!existsSync('/tmp/re-never'))
  })

  it('sshd restarted mid-poll: reconnects, the run completes', { timeout: 180_000 }, async () => {
    const remote = join(tempDir('re-remote-'), 'exp')
    const exp = makeExperiment(tempDir(), { sleep: 6, name: 'ssh-restart', dir: remote })
    const r = await runAction({
      inputs: { ...slurmInputs(exp), ...sshInputs(cluster) },
      onSpawn: onFirstSubmission(join(remote, 'logs/run-torchtune.log'), 'restart-sshd.sh'),
    })
    assert.equal(r.outputs['status'], 'success', r.summary + r.stderr)
    assert.equal(executions(remote).length, 6)
    // The restart really met the run: the connection dropped and a later command reconnected.
    assert.match(r.stdout, /ssh: connection to \S+ lost/)
    assert.match(r.stdout, /ssh: reconnected to \S+ \(attempt \d+\)/)
  })
})

describe('the real example over SLURM', () => {
  it('fine-tunes with torchtune and evaluates with inspect-ai as SLURM jobs', { timeout: 15 * 60_000 }, async () => {
    const venv = toolsVenv()
    const exp = copyExample('re-example-slurm-')
    const r = await runAction({
      inputs: slurmInputs(exp, { 'poll-interval': '2', 'max-poll-interval': '5' }),
      env: { RUN_EXPERIMENT_VENV: venv },
    })
    assert.equal(r.outputs['status'], 'success', `${r.summary}\n${r.stderr}`)
    assert.equal(r.outputs['evals-succeeded'], '3')
    // What the experiment is for: every fine-tuned run beats the control, and clearly learnt the task.
    // (Not an exact figure: CPU training is not bit-reproducible across thread counts.)
    const accuracy = (run: string): number => {
      const row =
        readText(join(exp, 'summary.md'))
          .split('\n')
          .find((l) => l.startsWith(`| ${run} |`)) ?? ''
      // The example has one task: its metric is the row's last column (`0.990 ± 0.010`).
      const last =
        row
          .split('|')
          .map((c) => c.trim())
          .filter(Boolean)
          .at(-1) ?? ''
      return Number(/^(\d\.\d{3})( ± \d\.\d{3})?$/.exec(last)?.[1] ?? NaN)
    }
    const FLOOR = 0.8
    for (const run of ['lr3e-4', 'lr1e-3']) {
      assert.ok(accuracy(run) > accuracy('base'), `${run} ${accuracy(run)} <= control ${accuracy('base')}`)
      assert.ok(accuracy(run) >= FLOOR, `${run} ${accuracy(run)} < ${FLOOR}`)
    }
  })
})
