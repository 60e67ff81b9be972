/** Compute accounting: sacct usage, gpu_metrics.csv, rows, totals per phase, the table. */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import type { JobOutcome } from '../../src/engine/types.ts'
import {
  collectCompute,
  computeMarkdown,
  computeRows,
  computeTotals,
  formatBytes,
  localUsage,
  parseGpuMetricsCsv,
  type GpuMetrics,
} from '../../src/report/compute.ts'
import {
  gpusOfTres,
  parseSacctTime,
  parseSacctUsage,
  parseSlurmSize,
  SACCT_USAGE_FIELDS,
} from '../../src/scheduler/usage.ts'

/**
 * Captured from the dev cluster (SLURM 22.05, gres gpu:2): a 3-second job with --gres=gpu:1 that
 * allocated 150 MiB, read with `sacct -n -P -j 1 -o JobIDRaw,State,Submit,Start,End,ElapsedRaw,
 * AllocTRES,MaxRSS`, first with the default time format, then with SLURM_TIME_FORMAT=%s.
 */
const DEV_CLUSTER_ISO = [
  '1|COMPLETED|2026-11-27T02:24:59|2026-11-27T02:24:59|2026-11-27T02:25:02|3|billing=1,cpu=1,gres/gpu=1,mem=500M,node=1|',
  '1.batch|COMPLETED|2026-11-27T02:24:59|2026-11-27T02:24:59|2026-11-27T02:25:02|3|cpu=1,gres/gpu=1,mem=500M,node=1|169928K',
].join('\n')
const DEV_CLUSTER_EPOCH = [
  '1|COMPLETED|1795746299|1795746299|1795746302|3|billing=1,cpu=1,gres/gpu=1,mem=500M,node=1|',
  '1.batch|COMPLETED|1795746299|1795746299|1795746302|3|cpu=1,gres/gpu=1,mem=500M,node=1|169928K',
].join('\n')

const HOUR = 3600

describe('sacct usage', () => {
  it('reads the dev cluster job: times, one GPU, MaxRSS from its batch step', () => {
    const epoch = parseSacctUsage(DEV_CLUSTER_EPOCH).get('1')
    assert.deepEqual(epoch, {
      jobId: '1',
      state: 'COMPLETED',
      submittedAt: 1795746299_000,
      startedAt: 1795746299_000,
      endedAt: 1795746302_000,
      elapsedS: 3,
      gpus: 1,
      maxRssBytes: 169928 * 1024,
    })
    // The default format is local time without an offset: the same instants on this machine.
    assert.deepEqual(parseSacctUsage(DEV_CLUSTER_ISO).get('1')?.elapsedS, 3)
    assert.equal(SACCT_USAGE_FIELDS.length, DEV_CLUSTER_EPOCH.split('\n')[0]?.split('|').length)
  })

  it('takes the largest MaxRSS over steps, typed GPUs, running and pending jobs, and skips junk', () => {
    const text = [
      'sacct: warning: something the cluster says',
      '900|RUNNING|1000|1600|Unknown|400|billing=8,cpu=8,gres/gpu:a100=2,mem=64G,node=1|',
      '900.batch|RUNNING|1600|1600|Unknown|400|cpu=8,gres/gpu:a100=2,mem=64G,node=1|2G',
      '900.0|RUNNING|1600|1600|Unknown|380|cpu=8,gres/gpu:a100=2,mem=64G,node=1|31.5G',
      '900.extern|RUNNING|1600|1600|Unknown|400|billing=8,cpu=8,gres/gpu:a100=2,mem=64G,node=1|0',
      '901|PENDING|1000|Unknown|Unknown|0|billing=4,cpu=4,mem=16G,node=1|',
      '902|CANCELLED by 1000|1000|None|1200|0||',
      '903|OUT_OF_MEMORY|1000|1010|1100|90|cpu=1,gres/gpu=4,gres/gpu:h100=4,mem=1G,node=1|',
      'truncated|line',
    ].join('\n')
    const u = parseSacctUsage(text)
    assert.deepEqual([...u.keys()], ['900', '901', '902', '903'])
    assert.equal(u.get('900')?.gpus, 2)
    assert.equal(u.get('900')?.maxRssBytes, 31.5 * 1024 ** 3)
    assert.equal(u.get('900')?.endedAt, undefined)
    assert.equal(u.get('901')?.startedAt, undefined)
    assert.equal(u.get('901')?.gpus, 0)
    assert.equal(u.get('902')?.state, 'CANCELLED')
    assert.equal(u.get('903')?.gpus, 4, 'the untyped count is not added to the typed one')
  })

  it('parses sizes, times and TRES by their documented forms', () => {
    assert.deepEqual(['169928K', '2G', '31.5G', '0', '512M', '1T', 'x', ''].map(parseSlurmSize), [
      169928 * 1024,
      2 * 1024 ** 3,
      31.5 * 1024 ** 3,
      0,
      512 * 1024 ** 2,
      1024 ** 4,
      undefined,
      undefined,
    ])
    assert.deepEqual(['Unknown', 'None', '', '1795746299'].map(parseSacctTime), [
      undefined,
      undefined,
      undefined,
      1795746299_000,
    ])
    assert.equal(parseSacctTime('2026-11-27T02:24:59'), new Date(2026, 10, 27, 2, 24, 59).getTime())
    assert.deepEqual(
      ['cpu=4,mem=16G', 'gres/gpu=3', 'gres/gpu:a100=1,gres/gpu:v100=2', 'gres/gpumem=80G'].map(gpusOfTres),
      [0, 3, 3, 0],
    )
  })

  it('never throws on arbitrary sacct text', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.array(fc.constantFrom('1', '1.batch', 'RUNNING', 'Unknown', '12K', 'gres/gpu=1', '', 'x=y'), {
            maxLength: 9,
          }),
        ),
        (rows) => {
          const u = parseSacctUsage(rows.map((r) => r.join('|')).join('\n'))
          for (const v of u.values()) assert.ok(Number.isFinite(v.gpus))
        },
      ),
    )
  })
})

describe('gpu_metrics.csv', () => {
  const header =
    'timestamp, utilization.gpu [%], utilization.memory [%], memory.used [MiB], memory.total [MiB], power.draw [W], temperature.gpu'

  it('reads cruijff_kit nvidia-smi samples: mean utilisation, peak memory', () => {
    const csv = [
      header,
      '2026/01/05 09:00:00.101, 0 %, 0 %, 3 MiB, 81559 MiB, 61.20 W, 31',
      '2026/01/05 09:00:30.104, 90 %, 40 %, 40960 MiB, 81559 MiB, 310.50 W, 58',
      '2026/01/05 09:01:00.107, 96 %, 44 %, 41210 MiB, 81559 MiB, 330.10 W, 61',
      '2026/01/05 09:01:30.110, 94', // the job was killed while nvidia-smi wrote this line
    ].join('\n')
    const g = parseGpuMetricsCsv(csv)
    assert.ok(g.ok)
    assert.equal(g.value.samples, 3)
    assert.equal(g.value.utilMeanPct, (0 + 90 + 96) / 3)
    assert.equal(g.value.utilMaxPct, 96)
    assert.equal(g.value.memPeakMiB, 41210)
    assert.equal(g.value.memTotalMiB, 81559)
    assert.ok(Math.abs((g.value.powerMeanW ?? 0) - (61.2 + 310.5 + 330.1) / 3) < 1e-9)
  })

  it('keeps only the samples of a time window (jobs that share one file)', () => {
    const csv = [
      header,
      '2026/01/05 09:00:00.000, 10 %, 0 %, 1000 MiB, 81559 MiB, 60 W, 30',
      '2026/01/05 10:00:00.000, 90 %, 0 %, 5000 MiB, 81559 MiB, 300 W, 60',
      '2026/01/05 10:00:30.000, 80 %, 0 %, 6000 MiB, 81559 MiB, 300 W, 60',
    ].join('\n')
    const from = new Date(2026, 0, 5, 9, 59, 0).getTime()
    const g = parseGpuMetricsCsv(csv, { from, to: from + 5 * 60_000 })
    assert.ok(g.ok)
    assert.deepEqual([g.value.samples, g.value.utilMeanPct, g.value.memPeakMiB], [2, 85, 6000])
    const none = parseGpuMetricsCsv(csv, { from: 0, to: 1 })
    assert.ok(none.ok && none.value.samples === 0)
  })

  it('keeps memory when utilisation is [N/A] (MIG), finds columns by name, reads header-less files', () => {
    const mig = parseGpuMetricsCsv(
      [header, '2026/01/05 09:00:00.1, [N/A], [N/A], 9000 MiB, 20096 MiB, [N/A], 40'].join('\n'),
    )
    assert.ok(mig.ok)
    assert.equal(mig.value.utilMeanPct, undefined)
    assert.equal(mig.value.memPeakMiB, 9000)
    const reordered = parseGpuMetricsCsv('memory.used [MiB], utilization.gpu [%]\n100 MiB, 50 %\n300 MiB, 70 %\n')
    assert.ok(reordered.ok)
    assert.deepEqual([reordered.value.utilMeanPct, reordered.value.memPeakMiB], [60, 300])
    const bare = parseGpuMetricsCsv('2026/01/05 09:00:00.1, 20 %, 1 %, 500 MiB, 81559 MiB, 70 W, 30\n')
    assert.ok(bare.ok)
    assert.equal(bare.value.utilMeanPct, 20)
    const empty = parseGpuMetricsCsv('')
    assert.ok(empty.ok)
    assert.equal(empty.value.samples, 0)
    const junk = parseGpuMetricsCsv('a, b\n1, 2\n')
    assert.ok(junk.ok && junk.value.samples === 0, 'rows that are not samples are skipped')
    assert.deepEqual(parseGpuMetricsCsv('memory.total [MiB], power.draw [W]\n81559 MiB, 60 W\n'), {
      ok: false,
      error: 'no utilization.gpu or memory.used column',
    })
  })
})

describe('compute rows and table', () => {
  const usage = parseSacctUsage(
    [
      '81234.batch|COMPLETED|1000|1600|16360|14760|gres/gpu=1,node=1|30G',
      '81234|COMPLETED|1000|1600|16360|14760|billing=4,gres/gpu=1,node=1|',
      '81235|FAILED|1005|1605|1905|300|billing=8,gres/gpu=2,node=1|',
      '81235.batch|FAILED|1005|1605|1905|300|gres/gpu=2,node=1|12G',
      '81300|COMPLETED|20000|20060|20660|600|billing=1,gres/gpu=1,node=1|',
      '81300.batch|COMPLETED|20000|20060|20660|600|gres/gpu=1,node=1|6G',
    ].join('\n'),
  )
  const gpu = new Map<string, GpuMetrics>([['81234', { samples: 10, utilMeanPct: 91.4, memPeakMiB: 40960 }]])
  const jobs = [
    { phase: 'optimize', display: 'lr1e-3', jobId: '81234' },
    { phase: 'optimize', display: 'lr3e-4', jobId: '81235' },
    { phase: 'evaluate', display: 'lr1e-3/capitalize/epoch1', jobId: '81300' },
    { phase: 'evaluate', display: 'lr3e-4/capitalize/epoch1', jobId: null },
  ]

  it('joins jobs with their usage: queue wait, wall time, GPU-hours = GPUs × elapsed', () => {
    const rows = computeRows(jobs, usage, gpu, 30_000_000)
    assert.deepEqual(
      rows.map((r) => [r.display, r.queueS, r.wallS, r.gpus, r.gpuHours, r.peakRssBytes, r.gpuUtilMeanPct]),
      [
        ['lr1e-3', 600, 14760, 1, 14760 / HOUR, 30 * 1024 ** 3, 91.4],
        ['lr3e-4', 600, 300, 2, (2 * 300) / HOUR, 12 * 1024 ** 3, undefined],
        ['lr1e-3/capitalize/epoch1', 60, 600, 1, 600 / HOUR, 6 * 1024 ** 3, undefined],
        ['lr3e-4/capitalize/epoch1', undefined, undefined, 0, 0, undefined, undefined],
      ],
    )
  })

  it('counts a running job up to now, and a local job as no GPU', () => {
    const running = parseSacctUsage('7|RUNNING|100|160|Unknown||gres/gpu=4|')
    assert.equal(running.get('7')?.elapsedS, undefined)
    const r = computeRows(
      [{ phase: 'optimize', display: 'big', jobId: '7' }],
      running,
      new Map(),
      160_000 + 2 * HOUR * 1000,
    )
    assert.equal(r[0]?.wallS, 2 * HOUR)
    assert.equal(r[0].gpuHours, 8)
    const local = localUsage('local-1', {
      submittedIso: '2026-01-05T09:00:00.000Z',
      startedIso: '2026-01-05T09:00:02.000Z',
      endedIso: '2026-01-05T09:10:02.000Z',
    })
    const [row] = computeRows(
      [{ phase: 'optimize', display: 'lr1e-3', jobId: 'local-1' }],
      new Map([['local-1', local]]),
      new Map(),
      0,
    )
    assert.deepEqual([row?.queueS, row?.wallS, row?.gpus, row?.gpuHours], [2, 600, 0, 0])
  })

  it('totals per phase and overall', () => {
    const totals = computeTotals(computeRows(jobs, usage, gpu, 0))
    assert.deepEqual(
      totals.map((t) => [t.phase, t.jobs, t.wallS, Number(t.gpuHours.toFixed(6)), t.maxQueueS, t.peakRssBytes]),
      [
        ['optimize', 2, 15060, Number(((14760 + 600) / HOUR).toFixed(6)), 600, 30 * 1024 ** 3],
        ['evaluate', 2, 600, Number((600 / HOUR).toFixed(6)), 60, 6 * 1024 ** 3],
        ['all', 4, 15660, Number(((14760 + 600 + 600) / HOUR).toFixed(6)), 600, 30 * 1024 ** 3],
      ],
    )
    assert.equal(computeTotals(computeRows(jobs.slice(0, 2), usage, gpu, 0)).length, 1, 'no overall row for one phase')
  })

  it('renders one row per job and a total row per phase', () => {
    const md = computeMarkdown(computeRows(jobs, usage, gpu, 0))
    const lines = md.split('\n')
    assert.equal(lines.length, 2 + 4 + 3)
    const cells = (l: string | undefined): string[] => (l ?? '').slice(2, -2).split(' | ')
    assert.deepEqual(cells(lines[0]).slice(-2), ['GPU util (mean)', 'Peak GPU memory'])
    assert.deepEqual(cells(lines[2]), [
      'lr1e-3',
      'optimize',
      '81234',
      'COMPLETED',
      '10m 00s',
      '4h 06m',
      '1',
      '4.10',
      '30 GiB',
      '91%',
      '40 GiB',
    ])
    assert.deepEqual(cells(lines[5]).slice(0, 4), ['lr3e-4/capitalize/epoch1', 'evaluate', '–', '–'])
    assert.deepEqual(cells(lines[8]).slice(0, 3), ['**Total**', '', '4 jobs'])
    assert.equal(computeMarkdown([]), '')
    assert.ok(!computeMarkdown(computeRows(jobs.slice(1, 2), usage, new Map(), 0)).includes('GPU util'))
  })

  it('formats bytes in binary units', () => {
    assert.deepEqual([0, 1023, 169928 * 1024, 1.6 * 1024 ** 3, 30 * 1024 ** 3].map(formatBytes), [
      '0 B',
      '1023 B',
      '166 MiB',
      '1.6 GiB',
      '30 GiB',
    ])
  })
})

describe('attempts', () => {
  it('an out-of-memory retry: the first attempt is a row of its own and counts in the totals', async () => {
    const sacct = [
      '500|OUT_OF_MEMORY|1000|1060|1660|600|billing=1,gres/gpu=1,node=1|',
      '501|COMPLETED|1700|1760|5360|3600|billing=1,gres/gpu=1,node=1|',
    ].join('\n')
    const asked: string[] = []
    const scheduler = {
      usage: (queries: readonly { jobId: string }[]) => {
        asked.push(...queries.map((q) => q.jobId))
        return Promise.resolve(parseSacctUsage(sacct))
      },
    }
    const job = { key: 'lr/finetune.slurm', display: 'lr', run: 'lr', dir: 'lr', script: 'finetune.slurm', inputs: [] }
    const outcome: JobOutcome = {
      job,
      result: 'succeeded',
      resolution: 'resubmitted',
      state: 'COMPLETED',
      jobId: '501',
      attempt: 2,
      submittedIso: new Date(1_700_000).toISOString(),
      earlier: [{ job_id: '500', state: 'OUT_OF_MEMORY', submitted_iso: new Date(1_000_000).toISOString() }],
    }
    const { rows } = await collectCompute(scheduler, [{ phase: 'optimize', outcomes: [outcome] }], new Map(), 0)
    assert.deepEqual(asked, ['500', '501'], 'one accounting call for both attempts')
    assert.deepEqual(
      rows.map((r) => [r.display, r.jobId, r.gpuHours]),
      [
        ['lr (attempt 1, OUT_OF_MEMORY)', '500', 600 / HOUR],
        ['lr', '501', 1],
      ],
    )
    assert.equal(computeTotals(rows)[0]?.gpuHours, 1 + 600 / HOUR)
  })
})
