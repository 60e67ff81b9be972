/**
 * Reading inspect-ai .eval headers in TypeScript: stored, deflated, zstd entries; partial and broken files;
 * logs that would decompress past the caps (bombs), and what memory reading them takes.
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { deflateRawSync } from 'node:zlib'
import { jobSummaryMarkdown } from '../../src/report/summary.ts'
import { MAX_COMPRESSED_BYTES, MAX_ENTRY_BYTES, readEvalHeader } from '../../src/tools/eval-log.ts'
import { inspect } from '../../src/tools/inspect.ts'
import { logWithHeader, zipOf, zstdRleBomb } from '../helpers/eval-zip.ts'
import { tempDir } from '../helpers/experiment.ts'
import {
  INSPECT_HEADER_CRC,
  INSPECT_HEADER_SIZE,
  INSPECT_HEADER_ZSTD,
  repeatedHeaderFrame,
} from '../helpers/inspect-header.ts'
import { MemoryTransport } from '../helpers/memory-transport.ts'
import { evaluated, experimentOf, reportOf, trained } from '../helpers/report.ts'

const HEADER = {
  version: 2,
  status: 'success',
  eval: { task: 'capitalize', model: 'hf/lr1_epoch_1', created: '2026-11-26T10:00:00+00:00', metadata: { epoch: 1 } },
  results: {
    total_samples: 40,
    completed_samples: 40,
    scores: [
      {
        name: 'match',
        scorer: 'match',
        metrics: { accuracy: { name: 'accuracy', value: 0.875 }, stderr: { name: 'stderr', value: 0.05 } },
      },
      { name: 'includes', scorer: 'includes', metrics: { accuracy: { name: 'accuracy', value: 0.9 } } },
    ],
  },
}

function zipWith(entries: Record<string, string>, method: 'ZIP_DEFLATED' | 'ZIP_STORED'): Buffer {
  const dir = tempDir()
  const out = join(dir, 'x.eval')
  writeFileSync(join(dir, 'entries.json'), JSON.stringify(entries))
  execFileSync('python3', [
    '-c',
    `import json,sys,zipfile
entries=json.load(open(sys.argv[1]))
with zipfile.ZipFile(sys.argv[2],'w',zipfile.${method}) as z:
    [z.writestr(k,v) for k,v in entries.items()]`,
    join(dir, 'entries.json'),
    out,
  ])
  return readFileSync(out)
}

it('reads status, task, model, metadata, samples and every scorer (deflate and stored)', async () => {
  for (const method of ['ZIP_DEFLATED', 'ZIP_STORED'] as const) {
    const r = await readEvalHeader(
      zipWith(
        { '_journal/start.json': '{}', 'samples/1_epoch_1.json': '{"x":1}', 'header.json': JSON.stringify(HEADER) },
        method,
      ),
    )
    assert.ok(r.ok, JSON.stringify(r))
    assert.equal(r.value.status, 'success')
    assert.equal(r.value.task, 'capitalize')
    assert.equal(r.value.model, 'hf/lr1_epoch_1')
    assert.deepEqual(r.value.metadata, { epoch: 1 })
    assert.equal(r.value.totalSamples, 40)
    assert.equal(r.value.completedSamples, 40)
    assert.deepEqual(r.value.scores, [
      { name: 'match', metrics: { accuracy: 0.875, stderr: 0.05 } },
      { name: 'includes', metrics: { accuracy: 0.9 } },
    ])
  }
})

it('an error log carries its message', async () => {
  const r = await readEvalHeader(
    zipWith(
      {
        'header.json': JSON.stringify({
          ...HEADER,
          status: 'error',
          results: null,
          error: { message: 'CUDA out of memory\ntraceback' },
        }),
      },
      'ZIP_DEFLATED',
    ),
  )
  assert.ok(r.ok)
  assert.equal(r.value.status, 'error')
  assert.equal(r.value.error, 'CUDA out of memory\ntraceback')
})

it('a log still being written reads as started', async () => {
  const r = await readEvalHeader(zipWith({ '_journal/start.json': '{}' }, 'ZIP_DEFLATED'))
  assert.ok(r.ok)
  assert.equal(r.value.status, 'started')
})

it('garbage is an error value, not an exception', async () => {
  for (const bytes of [
    Buffer.from('not a zip'),
    Buffer.alloc(0),
    zipWith({ 'header.json': '{not json' }, 'ZIP_STORED'),
    zipWith({ 'other.txt': 'x' }, 'ZIP_STORED'),
  ]) {
    const r = await readEvalHeader(bytes)
    assert.equal(r.ok, false)
  }
})

it('a log of many samples is read by ranges: the header, not the samples', async () => {
  // Samples first, as inspect writes them: 24 MB of entries before header.json.
  const samples: Record<string, string> = {}
  for (let i = 0; i < 24; i++) samples[`samples/${i}.json`] = `${i}`.repeat(1024 * 1024)
  const bytes = zipWith(
    { '_journal/start.json': '{}', ...samples, 'header.json': JSON.stringify(HEADER) },
    'ZIP_STORED',
  )
  let read = 0
  const source = {
    size: bytes.length,
    read: (start: number, length: number) => {
      read += length
      return Promise.resolve(bytes.subarray(start, start + length))
    },
  }
  const h = await readEvalHeader(source)
  assert.ok(h.ok, h.ok ? '' : h.error)
  assert.equal(h.value.scores[0]?.metrics['accuracy'], 0.875)
  assert.ok(bytes.length > 24 * 1024 * 1024)
  assert.ok(read < 2 * 1024 * 1024, `read ${read} bytes of ${bytes.length}`)
})

describe('bounded decompression: a log cannot exhaust memory', () => {
  const cap = MAX_ENTRY_BYTES
  const tooLarge = (entry: string, log = 'the .eval log'): RegExp =>
    new RegExp(
      `^entry ${entry.replace(/[.]/g, '\\.')} of ${log.replace(/[./]/g, '\\$&')} decompresses to more than ${cap} bytes: not read$`,
    )
  const named = (bytes: Buffer, name: string) => ({
    size: bytes.length,
    name,
    read: (start: number, length: number) => Promise.resolve(bytes.subarray(start, start + length)),
  })

  it('a real inspect-ai header (zstd, compressed blocks, no content size) reads as before', async () => {
    const r = await readEvalHeader(
      zipOf([
        {
          name: 'header.json',
          data: INSPECT_HEADER_ZSTD,
          method: 93,
          size: INSPECT_HEADER_SIZE,
          crc: INSPECT_HEADER_CRC,
        },
      ]),
    )
    assert.ok(r.ok, r.ok ? '' : r.error)
    assert.deepEqual(
      [r.value.status, r.value.task, r.value.model, r.value.registryName, r.value.totalSamples],
      ['success', 'template', 'mockllm/model', 'template', 10],
    )
    assert.deepEqual(r.value.scores, [
      { name: 'match', metrics: { accuracy: 0.8, stderr: 0.13333333333333333 } },
      { name: 'includes', metrics: { accuracy: 0.8, stderr: 0.13333333333333333 } },
    ])
  })

  it('16 KB of zstd that say 512 MiB: an error value naming the entry and the log', async () => {
    const bomb = zstdRleBomb(512 * 1024 * 1024)
    assert.ok(bomb.length < 17_000, `${bomb.length} bytes`)
    const r = await readEvalHeader(named(logWithHeader(bomb, 93), '/scratch/lr1/logs/x.eval'))
    assert.ok(!r.ok)
    assert.match(r.error, tooLarge('header.json', '/scratch/lr1/logs/x.eval'))
  })

  it('a frame that declares too much is refused before anything is decoded: content size, window', async () => {
    const declared = await readEvalHeader(logWithHeader(zstdRleBomb(1024, { contentSize: 512 * 1024 * 1024 }), 93))
    assert.ok(!declared.ok)
    assert.match(declared.error, tooLarge('header.json'))
    const window = await readEvalHeader(logWithHeader(zstdRleBomb(1024, { windowLog: 31 }), 93))
    assert.ok(!window.ok)
    assert.equal(
      window.error,
      `entry header.json of the .eval log asks for a zstd window of ${2 ** 31} bytes, more than the ${cap} it ` +
        'may decompress to: not read',
    )
  })

  it('compressed blocks are counted while they decode: a frame of many copies of a real header block', async () => {
    const frame = repeatedHeaderFrame(Math.ceil(cap / INSPECT_HEADER_SIZE) + 1)
    assert.ok(frame.length < MAX_COMPRESSED_BYTES)
    const r = await readEvalHeader(logWithHeader(frame, 93))
    assert.ok(!r.ok)
    assert.match(r.error, tooLarge('header.json'))
    // Under the cap the copies decode: three headers, one after another, are not one JSON document.
    const few = await readEvalHeader(logWithHeader(repeatedHeaderFrame(3), 93))
    assert.ok(!few.ok && /header\.json is not JSON/.test(few.error), few.ok ? '' : few.error)
  })

  it("many frames: their windows count together (the decoder allocates each frame's)", async () => {
    const frames = Buffer.concat(Array.from({ length: 40 }, () => INSPECT_HEADER_ZSTD))
    const r = await readEvalHeader(logWithHeader(frames, 93))
    assert.ok(!r.ok)
    assert.equal(
      r.error,
      `entry header.json of the .eval log has zstd frames that ask for more than ${4 * cap} bytes of windows ` +
        'in all: not read',
    )
    const two = await readEvalHeader(logWithHeader(Buffer.concat([INSPECT_HEADER_ZSTD, INSPECT_HEADER_ZSTD]), 93))
    assert.ok(!two.ok && /is not JSON/.test(two.error), 'two frames decode (two headers: not one JSON)')
  })

  it('deflate, stored, the compressed size and every entry read (the journal too) have their caps', async () => {
    const deflated = deflateRawSync(Buffer.alloc(cap + 1024 * 1024))
    const inflate = await readEvalHeader(logWithHeader(deflated, 8, 100))
    assert.ok(!inflate.ok)
    assert.match(inflate.error, tooLarge('header.json'))
    const stored = await readEvalHeader(logWithHeader(Buffer.from('{}'), 0, cap + 1))
    assert.ok(!stored.ok)
    assert.match(stored.error, tooLarge('header.json'))
    const compressed = await readEvalHeader(logWithHeader(randomBytes(MAX_COMPRESSED_BYTES + 1), 8, 100))
    assert.ok(!compressed.ok)
    assert.equal(
      compressed.error,
      `entry header.json of the .eval log is more than ${MAX_COMPRESSED_BYTES} bytes compressed: not read`,
    )
    const journal = await readEvalHeader(
      zipOf([{ name: '_journal/start.json', data: zstdRleBomb(64 * 1024 * 1024), method: 93, size: 10, crc: 0 }]),
    )
    assert.ok(!journal.ok)
    assert.match(journal.error, tooLarge('_journal/start.json'))
  })

  it('peak memory stays under 300 MB reading the bombs (a child process: VmHWM)', (t) => {
    const dir = tempDir()
    const logs = {
      'rle 16 KB -> 512 MiB': logWithHeader(zstdRleBomb(512 * 1024 * 1024), 93),
      'a real block repeated -> 16 MiB+': logWithHeader(
        repeatedHeaderFrame(Math.ceil(cap / INSPECT_HEADER_SIZE) + 1),
        93,
      ),
    }
    for (const [what, bytes] of Object.entries(logs)) {
      const path = join(dir, 'bomb.eval')
      writeFileSync(path, bytes)
      const script = join(dir, 'read.mts')
      writeFileSync(
        script,
        `import { readFileSync } from 'node:fs'
import { readEvalHeader } from ${JSON.stringify(join(import.meta.dirname, '../../src/tools/eval-log.ts'))}
const r = await readEvalHeader(readFileSync(${JSON.stringify(path)}))
const hwm = /VmHWM:\\s+(\\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]
console.log(JSON.stringify({ ok: r.ok, error: r.ok ? '' : r.error, hwmKiB: Number(hwm) }))`,
      )
      const out = JSON.parse(
        execFileSync(process.execPath, ['--import', 'tsx', script], {
          cwd: join(import.meta.dirname, '../..'),
        }).toString(),
      ) as { ok: boolean; error: string; hwmKiB: number }
      t.diagnostic(`${what}: ${bytes.length} bytes, peak RSS ${(out.hwmKiB / 1024).toFixed(0)} MiB`)
      assert.equal(out.ok, false)
      assert.match(out.error, /decompresses to more than/)
      assert.ok(out.hwmKiB > 0 && out.hwmKiB < 300 * 1024, `${what}: peak ${out.hwmKiB} KiB`)
    }
  })

  it('the cell fails with that reason, and the job summary says it', async () => {
    const t = new MemoryTransport()
    const runDir = '/scratch/exp'
    const cell = { run: 'lr1', task: 'caps', epoch: 0 }
    const job = {
      key: 'lr1/eval/caps_epoch0/cell.slurm',
      display: 'lr1/caps/epoch0',
      run: 'lr1',
      cell,
      dir: 'lr1/eval/caps_epoch0',
      script: 'cell.slurm',
      inputs: [],
    }
    t.put(`${runDir}/lr1/eval/caps_epoch0/cell.slurm`, '#!/bin/bash\n')
    t.put(`${runDir}/lr1/eval/caps_epoch0/logs/x.eval`, logWithHeader(zstdRleBomb(512 * 1024 * 1024), 93))
    const exp = experimentOf([{ name: 'lr1', type: 'fine-tuned', parameters: {} }], [cell])
    const judged = await inspect.judge({ transport: t, runDir, experiment: exp, job, state: 'COMPLETED', exitCode: 0 })
    assert.ok(!judged.ok)
    assert.match(
      judged.error.why,
      /x\.eval\) has status "unreadable": entry header\.json of .* decompresses to more than/,
    )
    const failed = evaluated(cell, runDir, [], { result: 'failed', error: judged.error.why })
    const summary = jobSummaryMarkdown(reportOf(exp, [trained('lr1', runDir)], [failed], { status: 'partial' }))
    assert.match(
      summary,
      /\*\*Failed evaluations:\*\*\n- lr1\/caps\/epoch0 — .*decompresses to more than 16777216 bytes: not read/,
    )
  })
})
