/**
 * Compute accounting on the real dev cluster (SLURM 22.05 with slurmdbd and gres gpu:2): one sacct
 * for several jobs gives each job's GPUs (AllocTRES), elapsed time, queue wait and peak memory
 * (MaxRSS of its steps), and the compute table shows GPU-hours from them.
 */
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LocalTransport } from '../src/cluster/local.ts'
import { computeMarkdown, computeRows } from '../src/report/compute.ts'
import { isTerminal } from '../src/scheduler/scheduler.ts'
import { SlurmScheduler } from '../src/scheduler/slurm.ts'
import { devCluster } from './helpers/dev-cluster.ts'

describe('SlurmScheduler.usage on the dev cluster', () => {
  const t = new LocalTransport()
  const s = new SlurmScheduler(t, { staggerSeconds: 0 })
  const dir = mkdtempSync(join(tmpdir(), 're-usage-'))
  const jobs: { jobId: string; submittedAt: string }[] = []

  before(async () => {
    assert.equal(devCluster().slurm, true, 'the dev cluster runs SLURM')
    // One job on a GPU that holds 200 MiB for 3 s, one without a GPU.
    writeFileSync(
      join(dir, 'gpu.sh'),
      '#!/bin/bash\n#SBATCH --gres=gpu:1\n#SBATCH --mem=600M\npython3 -c "b=bytearray(200*1024*1024); import time; time.sleep(3)"\n',
    )
    writeFileSync(join(dir, 'cpu.sh'), '#!/bin/bash\n#SBATCH --mem=100M\nsleep 1\n')
    for (const script of ['gpu.sh', 'cpu.sh']) {
      const submittedAt = new Date().toISOString()
      const r = await s.submit({
        dir,
        script,
        name: `re-usage-${script}`,
        outputPattern: join(dir, `${script}-%j.out`),
      })
      assert.ok(r.ok, r.ok ? '' : r.error.message)
      jobs.push({ jobId: r.value.jobId, submittedAt })
    }
    const deadline = Date.now() + 120_000
    for (;;) {
      const st = await s.poll(jobs)
      if (jobs.every((j) => isTerminal(st.get(j.jobId)?.state ?? 'UNKNOWN'))) break
      if (Date.now() > deadline) throw new Error('the jobs did not finish in 2 minutes')
      await new Promise((r) => setTimeout(r, 1000))
    }
  })
  after(async () => {
    await t.exec(['rm', '-rf', dir])
  })

  it('reads GPUs, times and peak memory of every job with one sacct', async () => {
    const before = s.commands
    let u = await s.usage(jobs)
    // Accounting may lag the end of a job by a moment: ask again (still one command a call).
    for (let i = 0; i < 10 && [...u.values()].some((x) => x.maxRssBytes === undefined); i++) {
      await new Promise((r) => setTimeout(r, 1000))
      u = await s.usage(jobs)
    }
    const calls = s.commands - before
    const gpu = u.get(jobs[0]?.jobId ?? '')
    const cpu = u.get(jobs[1]?.jobId ?? '')
    assert.ok(gpu && cpu, JSON.stringify([...u.entries()]))
    assert.ok(calls >= 1 && calls <= 11)
    assert.equal(gpu.state, 'COMPLETED')
    assert.equal(gpu.gpus, 1)
    assert.equal(cpu.gpus, 0)
    assert.ok((gpu.elapsedS ?? 0) >= 3, `elapsed ${gpu.elapsedS}`)
    assert.ok((gpu.maxRssBytes ?? 0) >= 150 * 1024 * 1024, `MaxRSS ${gpu.maxRssBytes}`)
    assert.ok(gpu.submittedAt !== undefined && gpu.startedAt !== undefined && gpu.startedAt >= gpu.submittedAt)

    const rows = computeRows(
      [
        { phase: 'optimize', display: 'gpu', jobId: jobs[0]?.jobId ?? '' },
        { phase: 'optimize', display: 'cpu', jobId: jobs[1]?.jobId ?? '' },
      ],
      u,
      new Map(),
      Date.now(),
    )
    assert.equal(rows[0]?.gpuHours, (1 * (gpu.elapsedS ?? 0)) / 3600)
    assert.equal(rows[1]?.gpuHours, 0)
    assert.match(computeMarkdown(rows), /\| gpu \| optimize \| \d+ \| COMPLETED \|/)
  })
})
