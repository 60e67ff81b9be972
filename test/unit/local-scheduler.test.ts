/**
 * The local executor (src/scheduler/local.ts) on this machine, fast: a detached job with SLURM's variables,
 * one that outlives its submitter, cancel, concurrent ids. test/local-executor.test.ts has the rest.
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { LocalTransport } from '../../src/cluster/local.ts'
import { LocalScheduler } from '../../src/scheduler/local.ts'
import { tempDir } from '../helpers/experiment.ts'

const transport = new LocalTransport()
const until = async (f: () => Promise<boolean>, ms = 10_000): Promise<void> => {
  const end = Date.now() + ms
  while (!(await f())) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('local executor', () => {
  it('runs a script detached with SLURM-like variables, output to #SBATCH --output, exit recorded', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'job.sh'), 'echo "id=$SLURM_JOB_ID dir=$SLURM_SUBMIT_DIR pwd=$(pwd)"\nexit 7\n')
    const s = new LocalScheduler(transport, join(dir, '.markers'), 2)
    const r = await s.submit({ dir, script: 'job.sh', name: 'exp-job', outputPattern: join(dir, 'out/slurm-%j.out') })
    assert.ok(r.ok)
    const q = [{ jobId: r.value.jobId, submittedAt: new Date().toISOString() }]
    await until(async () => (await s.poll(q)).get(r.value.jobId)?.state === 'FAILED')
    const st = (await s.poll(q)).get(r.value.jobId)
    assert.equal(st?.exitCode, 7)
    assert.ok(st.startedAt && st.endedAt)
    assert.equal(
      readFileSync(join(dir, `out/slurm-${r.value.jobId}.out`), 'utf8'),
      `id=${r.value.jobId} dir=${dir} pwd=${dir}\n`,
    )
    assert.deepEqual(
      (await s.findByName('exp-job')).map((j) => j.jobId),
      [r.value.jobId],
    )
    assert.deepEqual(await s.findByName('other'), [])
  })

  it('#SBATCH --chdir: the script runs there, its relative output lands there, SLURM_SUBMIT_DIR stays', async () => {
    const dir = tempDir()
    const work = tempDir()
    const script = `#!/bin/bash\n#SBATCH --chdir=${work}\n#SBATCH --output=out/%j.log\necho "$SLURM_SUBMIT_DIR $(pwd) $0"\n`
    writeFileSync(join(dir, 'job.sh'), script)
    const s = new LocalScheduler(transport, join(dir, '.markers'), 2)
    const outputPattern = s.outputPattern(script, dir)
    assert.equal(outputPattern, join(work, 'out/%j.log'))
    const r = await s.submit({ dir, script: 'job.sh', name: 'chdir-job', outputPattern })
    assert.ok(r.ok)
    const q = [{ jobId: r.value.jobId, submittedAt: new Date().toISOString() }]
    await until(async () => (await s.poll(q)).get(r.value.jobId)?.state === 'COMPLETED')
    assert.equal(
      readFileSync(join(work, `out/${r.value.jobId}.log`), 'utf8'),
      `${dir} ${work} ${join(dir, 'job.sh')}\n`,
    )
  })

  it('the job outlives its submitter, and a dead job without exit status is a failure', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'job.sh'), 'sleep 30\n')
    const markers = join(dir, '.markers')
    // Submit from a separate node process that exits at once.
    execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `
      import { LocalTransport } from ${JSON.stringify(join(process.cwd(), 'src/cluster/local.ts'))}
      import { LocalScheduler } from ${JSON.stringify(join(process.cwd(), 'src/scheduler/local.ts'))}
      const s = new LocalScheduler(new LocalTransport(), ${JSON.stringify(markers)}, 1)
      await s.submit({ dir: ${JSON.stringify(dir)}, script: 'job.sh', name: 'n', outputPattern: ${JSON.stringify(join(dir, 'o.out'))} })
    `,
      ],
      { cwd: process.cwd() },
    )
    const s = new LocalScheduler(transport, markers, 1)
    const q = [{ jobId: '1', submittedAt: new Date().toISOString() }]
    await until(async () => (await s.poll(q)).get('1')?.state === 'RUNNING')
    const pid = Number(readFileSync(join(markers, '1.start'), 'utf8').split(' ')[0])
    process.kill(-pid, 'SIGKILL')
    await until(async () => (await s.poll(q)).get('1')?.state === 'FAILED')
    assert.match((await s.poll(q)).get('1')?.reason ?? '', /disappeared without recording an exit status/)
  })

  it('cancel ends the process group and reports CANCELLED', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'job.sh'), 'sleep 30 & wait\n')
    const s = new LocalScheduler(transport, join(dir, '.markers'), 1)
    const r = await s.submit({ dir, script: 'job.sh', name: 'n', outputPattern: join(dir, 'o.out') })
    assert.ok(r.ok)
    const q = [{ jobId: r.value.jobId, submittedAt: new Date().toISOString() }]
    await until(async () => (await s.poll(q)).get(r.value.jobId)?.state === 'RUNNING')
    await s.cancel([r.value.jobId])
    await until(async () => (await s.poll(q)).get(r.value.jobId)?.state === 'CANCELLED')
  })

  it('ids are unique under concurrent submission', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'job.sh'), 'true\n')
    const s = new LocalScheduler(transport, join(dir, '.markers'), 10)
    const ids = await Promise.all(
      Array.from({ length: 8 }, () =>
        s.submit({ dir, script: 'job.sh', name: 'n', outputPattern: join(dir, 'o-%j.out') }),
      ),
    )
    const values = ids.map((r) => (r.ok ? r.value.jobId : 'x'))
    assert.equal(new Set(values).size, 8)
  })
})
