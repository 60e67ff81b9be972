/**
 * Reads the header of an inspect-ai `.eval` log (a zip archive) without Python: status, task,
 * model, metadata, sample counts and every scorer's metrics. Entries may be stored, deflated or
 * zstd-compressed (inspect-ai >= 0.3.206); a log still being written has no header.json yet and
 * reads as status "started".
 */
import { Readable } from 'node:stream'
import { inflateRawSync } from 'node:zlib'
import yauzl from 'yauzl'
import { decompress as zstdDecompress } from 'fzstd'
import { z } from 'zod'
import { err, ok, messageOf, type Result } from '../result.js'

const MetricSchema = z.looseObject({ name: z.string().optional(), value: z.unknown() })
const ScoreSchema = z.looseObject({
  name: z.string(),
  scorer: z.string().optional(),
  metrics: z.record(z.string(), MetricSchema).optional(),
})
const HeaderSchema = z.looseObject({
  status: z.string(),
  eval: z
    .looseObject({
      task: z.string().optional(),
      model: z.string().optional(),
      created: z.string().optional(),
      metadata: z.record(z.string(), z.unknown()).nullish(),
      task_args: z.record(z.string(), z.unknown()).nullish(),
      model_args: z.record(z.string(), z.unknown()).nullish(),
      task_registry_name: z.string().nullish(),
    })
    .optional(),
  results: z
    .looseObject({
      total_samples: z.number().optional(),
      completed_samples: z.number().optional(),
      scores: z.array(ScoreSchema).optional(),
    })
    .nullish(),
  error: z.looseObject({ message: z.string().optional() }).nullish(),
})

export interface EvalScore {
  /** Scorer name, e.g. `match` or `exact_match`. */
  name: string
  /** Metric name -> value, e.g. { accuracy: 0.9, stderr: 0.03 }. */
  metrics: Record<string, number>
}

export interface EvalHeader {
  status: string
  task?: string
  model?: string
  created?: string
  metadata: Record<string, unknown>
  /** The task's arguments (`-T`) and the model's (`-M`), as inspect recorded them: what identifies the run. */
  taskArgs: Record<string, unknown>
  modelArgs: Record<string, unknown>
  /** The task function's registered name (`capitalization`), whatever name the task gave itself. */
  registryName?: string
  totalSamples?: number
  completedSamples?: number
  scores: EvalScore[]
  error?: string
}

const MAX_ENTRY_BYTES = 64 * 1024 * 1024

/**
 * Where a log's bytes come from: ranges of a file that may be gigabytes (sample data) and may be on
 * another machine. Only the zip's directory and the two small entries the header needs are read.
 */
export interface RangeSource {
  size: number
  read(start: number, length: number): Promise<Buffer | null>
}

/** A whole log in memory (tests, small files). */
function bufferSource(bytes: Buffer): RangeSource {
  return { size: bytes.length, read: (start, length) => Promise.resolve(bytes.subarray(start, start + length)) }
}

export async function readEvalHeader(source: Buffer | RangeSource): Promise<Result<EvalHeader, string>> {
  let entries: Map<string, Buffer>
  const src = Buffer.isBuffer(source) ? bufferSource(source) : source
  try {
    entries = await readEntries(src, (name) => name === 'header.json' || name === '_journal/start.json')
  } catch (e) {
    return err(`not a readable .eval archive: ${messageOf(e)}`)
  }
  const header = entries.get('header.json')
  const start = entries.get('_journal/start.json')
  if (!header && !start) return err('no header.json in the archive')
  let json: unknown
  try {
    // A log still being written has only its start record: what ran, with status "started".
    json = header
      ? JSON.parse(header.toString('utf8'))
      : { ...(JSON.parse((start as Buffer).toString('utf8')) as object), status: 'started' }
  } catch (e) {
    return err(`${header ? 'header.json' : '_journal/start.json'} is not JSON: ${messageOf(e)}`)
  }
  const parsed = HeaderSchema.safeParse(json)
  if (!parsed.success) return err(`header.json has an unexpected shape: ${parsed.error.issues[0]?.message ?? ''}`)
  const h = parsed.data
  const scores: EvalScore[] = (h.results?.scores ?? []).map((s) => {
    const metrics: Record<string, number> = {}
    for (const [k, m] of Object.entries(s.metrics ?? {}))
      if (typeof m.value === 'number') metrics[m.name ?? k] = m.value
    return { name: s.name, metrics }
  })
  return ok({
    status: h.status,
    ...(h.eval?.task !== undefined ? { task: h.eval.task } : {}),
    ...(h.eval?.model !== undefined ? { model: h.eval.model } : {}),
    ...(h.eval?.created !== undefined ? { created: h.eval.created } : {}),
    metadata: h.eval?.metadata ?? {},
    taskArgs: h.eval?.task_args ?? {},
    modelArgs: h.eval?.model_args ?? {},
    ...(h.eval?.task_registry_name ? { registryName: h.eval.task_registry_name } : {}),
    ...(h.results?.total_samples !== undefined ? { totalSamples: h.results.total_samples } : {}),
    ...(h.results?.completed_samples !== undefined ? { completedSamples: h.results.completed_samples } : {}),
    scores,
    ...(h.error?.message ? { error: h.error.message } : {}),
  })
}

/** Bytes per read of a range source: a handful of round trips over SSH, bounded memory. */
const RANGE_CHUNK = 1024 * 1024

/** yauzl's random access over a RangeSource. */
class SourceReader extends yauzl.RandomAccessReader {
  constructor(private readonly source: RangeSource) {
    super()
  }

  override _readStreamForRange(start: number, end: number): Readable {
    const source = this.source
    return Readable.from(
      (async function* chunks(): AsyncGenerator<Buffer> {
        for (let pos = start; pos < end; pos += RANGE_CHUNK) {
          const bytes = await source.read(pos, Math.min(RANGE_CHUNK, end - pos))
          if (!bytes || bytes.length === 0) throw new Error(`the file ended at byte ${pos} (it is being rewritten?)`)
          yield bytes
        }
      })(),
    )
  }
}

/** The wanted entries of a zip, decompressed. */
function readEntries(source: RangeSource, wanted: (name: string) => boolean): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    const options = { lazyEntries: true, decodeStrings: true, validateEntrySizes: false }
    yauzl.fromRandomAccessReader(new SourceReader(source), source.size, options, (openErr, zip) => {
      if (openErr) {
        reject(openErr)
        return
      }
      const out = new Map<string, Buffer>()
      zip.on('error', reject)
      zip.on('end', () => {
        resolve(out)
      })
      zip.on('entry', (entry: yauzl.Entry) => {
        if (!wanted(entry.fileName)) {
          zip.readEntry()
          return
        }
        if (entry.uncompressedSize > MAX_ENTRY_BYTES) {
          reject(new Error(`${entry.fileName} is too large`))
          return
        }
        const onStream = (streamErr: Error | null, stream?: NodeJS.ReadableStream): void => {
          if (streamErr || !stream) {
            reject(streamErr ?? new Error('cannot read entry'))
            return
          }
          const chunks: Buffer[] = []
          stream.on('data', (c: Buffer) => chunks.push(c))
          stream.on('error', reject)
          stream.on('end', () => {
            try {
              out.set(entry.fileName, decompress(Buffer.concat(chunks), entry.compressionMethod))
              zip.readEntry()
            } catch (e) {
              reject(asError(e))
            }
          })
        }
        try {
          // Raw bytes: we decompress ourselves (yauzl knows no zstd).
          zip.openReadStream(entry, { decodeFileData: false } as yauzl.ZipFileOptions, onStream)
        } catch (e) {
          reject(asError(e))
        }
      })
      zip.readEntry()
    })
  })
}

function decompress(raw: Buffer, method: number): Buffer {
  switch (method) {
    case 0:
      return raw
    case 8:
      return inflateRawSync(raw, { maxOutputLength: MAX_ENTRY_BYTES })
    case 93:
      return Buffer.from(zstdDecompress(raw))
    default:
      throw new Error(`unsupported zip compression method ${method}`)
  }
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e))
}
