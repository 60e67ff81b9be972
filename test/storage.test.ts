/**
 * A run directory on a disk that fills up or turns read-only (issue #9, defect 8), on a real file system
 * (a small tmpfs; the tests run as root, as CI does): the action fails cleanly — outputs set, the summary
 * written (on the runner when the run directory refuses it), the state left whole — and once the disk is
 * fixed a re-run continues without running a finished job again. A job that could not write its exit
 * marker does not read as failed when its outputs are there.
 */
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { StateFileSchema } from '../src/engine/state.ts'
import { executions, makeExperiment, tempDir } from './helpers/experiment.ts'
import { localInputs, readText, runAction } from './helpers/action.ts'

let disk = ''

before(() => {
  disk = tempDir('re-tmpfs-')
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', disk], { stdio: 'pipe' })
  } catch (e) {
    throw new Error(`these tests need root to mount a small tmpfs (as CI runs them): ${(e as Error).message}`, {
      cause: e,
    })
  }
})
after(() => {
  execFileSync('umount', ['-l', disk])
})

/** Fills the disk to the last block. */
function fill(): void {
  try {
    execFileSync('dd', ['if=/dev/zero', `of=${join(disk, 'filler')}`, 'bs=1M'], { stdio: 'ignore' })
  } catch {
    // dd ends with "No space left on device": that is the point
  }
}

function stateParses(exp: string): void {
  for (const f of ['logs/run-torchtune.state.json', 'logs/run-inspect.state.json']) {
    const p = join(exp, f)
    if (existsSync(p)) assert.ok(StateFileSchema.safeParse(JSON.parse(readFileSync(p, 'utf8'))).success, f)
  }
}

describe('defect 8: a full or read-only run directory', () => {
  it('a disk that fills up mid-run stops it cleanly; once freed, the re-run continues', async () => {
    const exp = makeExperiment(join(disk, 'full'), { runs: [{ name: 'a', lr: 1, epochs: [0] }] })
    // The training writes its checkpoint, then runs 3 s more: the disk fills meanwhile.
    const script = join(exp, 'a/finetune.slurm')
    writeFileSync(script, readFileSync(script, 'utf8').replace(/done\n$/, 'done\nsleep 3\n'))
    const ckpt = join(exp, 'a/artifacts/epoch_0/adapter_model.safetensors')
    const r = await runAction({
      inputs: localInputs(exp),
      onSpawn: (child: ChildProcess) => {
        const timer = setInterval(() => {
          if (!existsSync(ckpt)) return
          clearInterval(timer)
          fill()
        }, 50)
        child.on('exit', () => {
          clearInterval(timer)
        })
      },
    })
    const text = `${r.stdout}\n${r.stderr}`
    assert.equal(r.signal, null)
    assert.doesNotMatch(text, /crashed|\n\s+at .+:\d+:\d+\)/, text)
    assert.equal(r.outputs['status'], 'failed', r.summary)
    assert.match(r.summary, /no space left on the device \(ENOSPC\)/)
    assert.ok(r.outputs['summary-path'] && !r.outputs['summary-path'].startsWith(disk), r.outputs['summary-path'])
    stateParses(exp)

    rmSync(join(disk, 'filler'))
    const again = await runAction({ inputs: localInputs(exp) })
    assert.equal(again.outputs['status'], 'success', again.summary)
    assert.equal(executions(exp).filter((l) => l.startsWith('train a ')).length, 1, executions(exp).join('\n'))
    // The training, and its evaluation when the first run had queued it behind it before the disk filled.
    assert.match(again.summary, /re-attached: [12] ·/)
    stateParses(exp)
  })

  it('a read-only run directory fails cleanly; writable again, nothing runs twice', async () => {
    const exp = makeExperiment(join(disk, 'ro'), { runs: [{ name: 'a', lr: 1, epochs: [0] }] })
    assert.equal((await runAction({ inputs: localInputs(exp) })).outputs['status'], 'success')
    const before = readText(join(exp, 'logs/run-torchtune.state.json'))
    execFileSync('mount', ['-o', 'remount,ro', disk])
    let r
    try {
      r = await runAction({ inputs: localInputs(exp) })
    } finally {
      execFileSync('mount', ['-o', 'remount,rw', disk])
    }
    const text = `${r.stdout}\n${r.stderr}`
    assert.doesNotMatch(text, /crashed|\n\s+at .+:\d+:\d+\)/, text)
    assert.equal(r.outputs['status'], 'failed', r.summary)
    assert.match(r.summary, /read-only \(EROFS\)/)
    assert.equal(readText(join(exp, 'logs/run-torchtune.state.json')), before)
    const again = await runAction({ inputs: localInputs(exp) })
    assert.equal(again.outputs['status'], 'success', again.summary)
    assert.equal(executions(exp).length, 2, executions(exp).join('\n'))
  })

  it('a run directory read-only from the start fails with the reason, not a crash; writable, it runs', async () => {
    const exp = makeExperiment(join(disk, 'ro-start'), { runs: [{ name: 'a', lr: 1, epochs: [0] }] })
    execFileSync('mount', ['-o', 'remount,ro', disk])
    let r
    try {
      r = await runAction({ inputs: localInputs(exp) })
    } finally {
      execFileSync('mount', ['-o', 'remount,rw', disk])
    }
    const text = `${r.stdout}\n${r.stderr}`
    assert.doesNotMatch(text, /crashed|ENOENT|\n\s+at .+:\d+:\d+\)/, text)
    assert.equal(r.outputs['status'], 'failed', r.summary)
    assert.match(r.summary, /read-only \(EROFS\)/)
    assert.equal(executions(exp).length, 0)
    const again = await runAction({ inputs: localInputs(exp) })
    assert.equal(again.outputs['status'], 'success', again.summary)
  })

  it('a run root that cannot be written (its secrets, the local job records) fails with the reason', async () => {
    const exp = makeExperiment(tempDir(), { runs: [{ name: 'a', lr: 1, epochs: [0] }] })
    const root = join(disk, 'root-ro')
    execFileSync('mkdir', ['-p', root])
    execFileSync('mount', ['-o', 'remount,ro', disk])
    let r
    try {
      r = await runAction({ inputs: localInputs(exp, { 'run-root': root }) })
    } finally {
      execFileSync('mount', ['-o', 'remount,rw', disk])
    }
    const text = `${r.stdout}\n${r.stderr}`
    assert.doesNotMatch(text, /crashed|\n\s+at .+:\d+:\d+\)/, text)
    assert.equal(r.outputs['status'], 'failed', r.summary)
    assert.match(r.summary, /read-only \(EROFS\)/)
    assert.equal(executions(exp).length, 0, 'nothing submitted')
  })

  it('a job whose exit marker did not fit on the disk still reports its exit status', async () => {
    const { LocalTransport } = await import('../src/cluster/local.ts')
    const { LocalScheduler } = await import('../src/scheduler/local.ts')
    const dir = join(disk, 'marker')
    execFileSync('mkdir', ['-p', dir])
    // The job writes its output, then waits until the disk is full (a flag outside it says so).
    const full = join(tempDir(), 'full')
    writeFileSync(join(dir, 'job.sh'), `echo wrote > out.txt\nwhile [ ! -e ${full} ]; do sleep 0.05; done\n`)
    const s = new LocalScheduler(new LocalTransport(), join(dir, '.markers'), 1)
    const sub = await s.submit({ dir, script: 'job.sh', name: 'n', outputPattern: join(dir, 'o.out') })
    assert.ok(sub.ok)
    fill()
    writeFileSync(full, '')
    try {
      const q = [{ jobId: sub.value.jobId, submittedAt: new Date().toISOString() }]
      let st = (await s.poll(q)).get(sub.value.jobId)
      for (let i = 0; i < 100 && st?.state === 'RUNNING'; i++) {
        await new Promise((res) => setTimeout(res, 50))
        st = (await s.poll(q)).get(sub.value.jobId)
      }
      assert.equal(st?.state, 'COMPLETED', JSON.stringify(st))
      assert.equal(st.exitCode, 0)
      assert.ok(!existsSync(join(dir, '.markers', `${sub.value.jobId}.exit`)), 'the disk was not full')
    } finally {
      rmSync(join(disk, 'filler'))
    }
  })
})
