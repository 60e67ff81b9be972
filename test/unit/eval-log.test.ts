/** Reading inspect-ai .eval headers in TypeScript: stored, deflated, zstd entries; partial and broken files. */
import { it } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { readEvalHeader } from '../../src/tools/eval-log.ts'
import { tempDir } from '../helpers/experiment.ts'

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
