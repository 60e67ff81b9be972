/** The local executor, the lock, the state file and shell quoting, on their own. */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { writeFileSync, readFileSync, existsSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { LocalTransport } from '../../src/cluster/local.ts'
import { shellJoin, shellQuote, commandLine } from '../../src/cluster/quote.ts'
import { acquireLock } from '../../src/engine/lock.ts'
import { StateStore } from '../../src/engine/state.ts'
import { formatBlock } from '../../src/engine/log.ts'
import { LocalScheduler } from '../../src/scheduler/local.ts'
import { normaliseState } from '../../src/scheduler/scheduler.ts'
import { sbatchOutput, substituteOutput } from '../../src/scheduler/script.ts'
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

describe('lock', () => {
  it('a live holder is named; a dead one is taken over', async () => {
    const dir = tempDir()
    const path = join(dir, 'lock')
    const first = await acquireLock(transport, path, { staleAfterMs: 60_000, run: '77' })
    assert.ok(first.ok)
    const second = await acquireLock(transport, path, { staleAfterMs: 60_000 })
    assert.equal(second.ok, false)
    assert.match(second.error.message, new RegExp(`pid ${process.pid} on ${hostname()} \\(workflow run 77\\)`))
    await first.value.release()
    assert.ok(!existsSync(path))
    writeFileSync(
      path,
      JSON.stringify({ host: 'elsewhere', pid: 1, started: '2020-01-01T00:00:00Z', heartbeat: '2020-01-01T00:00:00Z' }),
    )
    const third = await acquireLock(transport, path, { staleAfterMs: 60_000 })
    assert.ok(third.ok)
    assert.match(third.value.tookOver ?? '', /no heartbeat for \d+ s/)
  })
})

describe('state', () => {
  it('round-trips sorted, and a corrupt file is an error, never an empty state', async () => {
    const dir = tempDir()
    const path = join(dir, 'run-torchtune.state.json')
    const s = await StateStore.open(transport, path)
    assert.ok(s.ok)
    await s.value.put('b/finetune.slurm', { job_id: '2', submitted_at: '2026-01-01 00:00:00', state: 'PENDING' })
    await s.value.put('a/finetune.slurm', { job_id: '1', submitted_at: '2026-01-01 00:00:00', state: 'COMPLETED' })
    const text = readFileSync(path, 'utf8')
    assert.ok(text.indexOf('a/finetune.slurm') < text.indexOf('b/finetune.slurm'))
    assert.ok(text.endsWith('}\n'))
    writeFileSync(path, '{"a": ')
    const bad = await StateStore.open(transport, path)
    assert.equal(bad.ok, false)
    assert.match(bad.error.message, /not valid JSON/)
  })
})

describe('small pieces', () => {
  it('quotes hostile arguments so a shell passes them verbatim', () => {
    const hostile = ['$(touch /tmp/pwned)', "'; rm -rf / #", 'a b', 'new\nline', '`id`', '"', '', '-rf', '*']
    const out = execFileSync('bash', ['-c', `printf '%s\\0' ${shellJoin(hostile)}`])
      .toString('utf8')
      .split('\0')
      .slice(0, -1)
    assert.deepEqual(out, hostile)
    assert.equal(shellQuote('plain-word_1.0'), 'plain-word_1.0')
    assert.equal(commandLine(['ls', 'a b'], '/tmp/x y', { A: '1 2' }), "cd '/tmp/x y' && env 'A=1 2' ls 'a b'")
    assert.throws(() => commandLine(['x'], undefined, { 'A;B': '1' }))
  })

  it('normalises SLURM states', () => {
    assert.equal(normaliseState('CANCELLED by 1000'), 'CANCELLED')
    assert.equal(normaliseState('CANCELLED+'), 'CANCELLED')
    assert.equal(normaliseState('OUT_OF_MEMORY'), 'OUT_OF_MEMORY')
    assert.equal(normaliseState('TO'), 'TIMEOUT')
    assert.equal(normaliseState('REQUEUE_HOLD'), 'PENDING')
    assert.equal(normaliseState('weird'), 'UNKNOWN')
  })

  it('reads #SBATCH --output and substitutes patterns', () => {
    assert.equal(
      sbatchOutput(
        '#!/bin/bash\n#SBATCH --job-name=x\n#SBATCH --output=artifacts/slurm-%j.out\necho\n#SBATCH --output=ignored',
      ),
      'artifacts/slurm-%j.out',
    )
    assert.equal(sbatchOutput('#!/bin/bash\n#SBATCH -o "logs/%x-%j.log"\n'), 'logs/%x-%j.log')
    assert.equal(sbatchOutput('#!/bin/bash\necho hi\n'), undefined)
    assert.equal(substituteOutput('a/%x-%j-%%.out', '12', 'name'), 'a/name-12-%.out')
  })

  it('formats log blocks on one line each', () => {
    assert.equal(
      formatBlock(
        {
          action: 'SUBMIT_JOB',
          description: 'lr1',
          details: 'sbatch finetune.slurm',
          lines: ['Job ID: 5'],
          result: 'success',
        },
        new Date(2026, 0, 2, 3, 4, 5),
      ),
      '[2026-01-02 03:04:05] SUBMIT_JOB: lr1\nDetails: sbatch finetune.slurm\nJob ID: 5\nResult: success',
    )
    assert.match(formatBlock({ action: 'X', details: 'a\nb' }), /Details: a \| b$/)
  })
})
