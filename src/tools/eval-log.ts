/**
 * Reads the header of an inspect-ai `.eval` log (a zip archive) without Python: status, task,
 * model, metadata, sample counts and every scorer's metrics. Entries may be stored, deflated or
 * zstd-compressed (inspect-ai >= 0.3.206); a log still being written has no header.json yet and
 * reads as status "started".
 *
 * A log is input like any other: every entry read has a cap on its compressed size and on what it
 * decompresses to, counted while it decompresses (16 KB of zstd can say 512 MiB), and a zstd frame
 * may not ask for a larger window than that. Past a cap the entry is not read: an error value.
 */
import { Readable } from 'node:stream'
import { inflateRawSync } from 'node:zlib'
import yauzl from 'yauzl'
import { Decompress as ZstdStream } from 'fzstd'
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

/** Largest entry read, decompressed: a header.json is kilobytes (megabytes for a very large eval). */
export const MAX_ENTRY_BYTES = 16 * 1024 * 1024
/** Largest entry read, compressed (a stored entry is its own size). */
export const MAX_COMPRESSED_BYTES = 16 * 1024 * 1024

/**
 * Where a log's bytes come from: ranges of a file that may be gigabytes (sample data) and may be on
 * another machine. Only the zip's directory and the two small entries the header needs are read.
 */
export interface RangeSource {
  size: number
  /** null: the file cannot be read (gone, or refused: its real path lies outside where its job's files are read). */
  read(start: number, length: number): Promise<Buffer | null>
  /** The log's path, for messages. */
  name?: string
}

/** A whole log in memory (tests, small files). */
function bufferSource(bytes: Buffer): RangeSource {
  return { size: bytes.length, read: (start, length) => Promise.resolve(bytes.subarray(start, start + length)) }
}

export async function readEvalHeader(source: Buffer | RangeSource): Promise<Result<EvalHeader, string>> {
  let entries: Map<string, Buffer>
  const src = Buffer.isBuffer(source) ? bufferSource(source) : source
  try {
    const read = await readEntries(src, (name) => name === 'header.json' || name === '_journal/start.json')
    if (!read.ok) return read
    entries = read.value
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

const UNREADABLE =
  "it cannot be read (it is gone, or its real path lies outside the places this job's files may be read from)"

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
          if (bytes === null) throw new Error(UNREADABLE)
          if (bytes.length === 0) throw new Error(`the file ended at byte ${pos} (it is being rewritten?)`)
          yield bytes
        }
      })(),
    )
  }
}

/**
 * The wanted entries of a zip, decompressed; an entry past a cap is an error value (a broken archive
 * rejects).
 */
function readEntries(
  source: RangeSource,
  wanted: (name: string) => boolean,
): Promise<Result<Map<string, Buffer>, string>> {
  const of = source.name ?? 'the .eval log'
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
        resolve(ok(out))
      })
      const refuse = (message: string): void => {
        zip.close()
        resolve(err(message))
      }
      zip.on('entry', (entry: yauzl.Entry) => {
        if (!wanted(entry.fileName)) {
          zip.readEntry()
          return
        }
        const tooLarge = `entry ${entry.fileName} of ${of} decompresses to more than ${MAX_ENTRY_BYTES} bytes: not read`
        if (entry.uncompressedSize > MAX_ENTRY_BYTES) {
          refuse(tooLarge)
          return
        }
        if (entry.compressedSize > MAX_COMPRESSED_BYTES) {
          refuse(`entry ${entry.fileName} of ${of} is more than ${MAX_COMPRESSED_BYTES} bytes compressed: not read`)
          return
        }
        const onStream = (streamErr: Error | null, stream?: Readable): void => {
          if (streamErr || !stream) {
            reject(streamErr ?? new Error('cannot read entry'))
            return
          }
          const chunks: Buffer[] = []
          let size = 0
          stream.on('data', (c: Buffer) => {
            size += c.length
            chunks.push(c)
            // The directory's sizes are the archive's word: the bytes are counted too.
            if (size > MAX_COMPRESSED_BYTES) {
              stream.destroy()
              refuse(`entry ${entry.fileName} of ${of} is more than ${MAX_COMPRESSED_BYTES} bytes compressed: not read`)
            }
          })
          stream.on('error', reject)
          stream.on('end', () => {
            try {
              const data = decompress(Buffer.concat(chunks), entry.compressionMethod, MAX_ENTRY_BYTES)
              if (data === TOO_LARGE) refuse(tooLarge)
              else if (typeof data === 'string') refuse(`entry ${entry.fileName} of ${of} ${data}: not read`)
              else {
                out.set(entry.fileName, data)
                zip.readEntry()
              }
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

/** What an entry decompresses to past the cap. */
const TOO_LARGE = Symbol('too large')

/**
 * An entry's bytes, decompressed with a running cap on the output: TOO_LARGE past `cap`, or why a zstd
 * frame is refused before any of it is decoded. A broken stream throws (the archive is unreadable).
 */
function decompress(raw: Buffer, method: number, cap: number): Buffer | typeof TOO_LARGE | string {
  switch (method) {
    case 0:
      return raw.length > cap ? TOO_LARGE : raw
    case 8:
      try {
        return inflateRawSync(raw, { maxOutputLength: cap })
      } catch (e) {
        if (e instanceof RangeError && 'code' in e && e.code === 'ERR_BUFFER_TOO_LARGE') return TOO_LARGE
        throw e
      }
    case 93:
      return zstdCapped(raw, cap)
    default:
      throw new Error(`unsupported zip compression method ${method}`)
  }
}

const ZSTD_MAGIC = 0xfd2fb528
/** A zstd block never regenerates more than this (RFC 8878 Block_Maximum_Size). */
const ZSTD_BLOCK_MAX = 128 * 1024
/**
 * The decoder allocates each frame's window (at least a block): what all the frames of one entry may
 * ask for together. inspect-ai writes one frame of a 2 MiB window; a million tiny frames of big
 * windows would be a million allocations.
 */
const ZSTD_WINDOWS_BUDGET = 4 * MAX_ENTRY_BYTES

interface ZstdFrame {
  start: number
  end: number
  skippable: boolean
  /** What its raw and RLE blocks regenerate (compressed blocks are counted while they decode). */
  known: number
}

/**
 * The frames of a zstd stream, walked by their headers alone (RFC 8878): TOO_LARGE when what they
 * declare (content size, raw and RLE blocks) is past `cap`, why they are refused when a window is past
 * it or all their windows past ZSTD_WINDOWS_BUDGET (the decoder allocates them), or throws when the
 * frames are malformed.
 */
function zstdFrames(raw: Buffer, cap: number): ZstdFrame[] | typeof TOO_LARGE | string {
  const frames: ZstdFrame[] = []
  let pos = 0
  let known = 0
  let windows = 0
  const need = (n: number): void => {
    if (pos + n > raw.length) throw new Error('truncated zstd frame')
  }
  while (pos < raw.length) {
    const start = pos
    need(8)
    const magic = raw.readUInt32LE(pos)
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      pos += 8 + raw.readUInt32LE(pos + 4)
      need(0)
      frames.push({ start, end: pos, skippable: true, known: 0 })
      continue
    }
    if (magic !== ZSTD_MAGIC) throw new Error('not a zstd frame')
    const fhd = raw.readUInt8(pos + 4)
    const singleSegment = (fhd & 0x20) !== 0
    const checksum = (fhd & 0x04) !== 0
    const dictBytes = [0, 1, 2, 4][fhd & 3] ?? 0
    const fcsBytes = [singleSegment ? 1 : 0, 2, 4, 8][fhd >> 6] ?? 0
    if (fhd & 0x08) throw new Error('zstd frame header: reserved bit set')
    pos += 5
    let window = 0
    if (!singleSegment) {
      const wd = raw.readUInt8(pos)
      const base = 2 ** (10 + (wd >> 3))
      window = base + (base / 8) * (wd & 7)
      pos += 1
    }
    pos += dictBytes
    need(fcsBytes)
    const contentSize =
      fcsBytes === 0
        ? undefined
        : fcsBytes === 8
          ? Number(raw.readBigUInt64LE(pos))
          : raw.readUIntLE(pos, fcsBytes) + (fcsBytes === 2 ? 256 : 0)
    pos += fcsBytes
    if (contentSize !== undefined && contentSize > cap) return TOO_LARGE
    if (singleSegment) window = contentSize ?? 0
    if (window > cap) return `asks for a zstd window of ${window} bytes, more than the ${cap} it may decompress to`
    windows += Math.max(window, ZSTD_BLOCK_MAX)
    if (windows > ZSTD_WINDOWS_BUDGET)
      return `has zstd frames that ask for more than ${ZSTD_WINDOWS_BUDGET} bytes of windows in all`
    for (let last = false; !last;) {
      need(3)
      const header = raw.readUIntLE(pos, 3)
      last = (header & 1) === 1
      const type = (header >> 1) & 3
      const size = header >>> 3
      if (type === 3 || size > ZSTD_BLOCK_MAX) throw new Error('malformed zstd block')
      pos += 3 + (type === 1 ? 1 : size)
      need(0)
      if (type !== 2) known += size
      if (known > cap) return TOO_LARGE
    }
    pos += checksum ? 4 : 0
    need(0)
    frames.push({ start, end: pos, skippable: false, known })
  }
  return frames
}

/** zstd decoded a frame at a time, a block at a time, counting: TOO_LARGE as soon as the output passes `cap`. */
function zstdCapped(raw: Buffer, cap: number): Buffer | typeof TOO_LARGE | string {
  const frames = zstdFrames(raw, cap)
  if (!Array.isArray(frames)) return frames
  const chunks: Buffer[] = []
  let size = 0
  for (const f of frames) {
    if (f.skippable) continue
    const over = new RangeError('over the cap')
    const stream = new ZstdStream((data) => {
      size += data.length
      // Stops the decoder inside its block loop: nothing more is decoded.
      if (size > cap) throw over
      if (data.length > 0) chunks.push(Buffer.from(data.buffer, data.byteOffset, data.length))
    })
    try {
      stream.push(raw.subarray(f.start, f.end), true)
    } catch (e) {
      if (e === over) return TOO_LARGE
      throw e
    }
  }
  return Buffer.concat(chunks, size)
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e))
}
