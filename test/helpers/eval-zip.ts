/**
 * A minimal `.eval` log (a zip archive with stored entries) in memory, for tests of the fast tier that
 * judge evaluation cells without Python: `header.json` as inspect-ai writes it (status, eval spec with
 * task, task_args, model_args, metadata, results) and the journal's start record.
 */
import { crc32 } from 'node:zlib'

export interface EvalLogSpec {
  status: string
  task: string
  /** The task function's name (inspect's task_registry_name). */
  registryName?: string
  taskArgs?: Record<string, unknown>
  modelArgs?: Record<string, unknown>
  metadata?: Record<string, unknown>
  model?: string
  accuracy?: number
  error?: string
  /** When inspect created the run (ISO); default: now. */
  created?: string
}

export function evalLog(spec: EvalLogSpec): Buffer {
  const evalSpec = {
    task: spec.task,
    ...(spec.registryName ? { task_registry_name: spec.registryName } : {}),
    task_args: spec.taskArgs ?? {},
    model: spec.model ?? 'hf/model',
    model_args: spec.modelArgs ?? {},
    metadata: spec.metadata ?? null,
    created: spec.created ?? new Date().toISOString(),
  }
  const header = {
    version: 2,
    status: spec.status,
    eval: evalSpec,
    results: {
      total_samples: 10,
      completed_samples: 10,
      scores: [{ name: 'match', metrics: { accuracy: { name: 'accuracy', value: spec.accuracy ?? 0.8 } } }],
    },
    ...(spec.error ? { error: { message: spec.error } } : {}),
  }
  return storedZip({
    '_journal/start.json': JSON.stringify({ version: 2, eval: evalSpec }),
    ...(spec.status === 'started' ? {} : { 'header.json': JSON.stringify(header) }),
  })
}

/** A zip of stored (uncompressed) entries. */
export function storedZip(entries: Record<string, string>): Buffer {
  return zipOf(
    Object.entries(entries).map(([name, text]) => {
      const data = Buffer.from(text)
      return { name, data, method: 0, size: data.length, crc: crc32(data) }
    }),
  )
}

/** One entry as it lies in the archive: its bytes already compressed by `method` (0 stored, 8 deflate, 93 zstd). */
export interface ZipEntry {
  name: string
  data: Buffer
  method: number
  /** Uncompressed size, as the archive declares it. */
  size: number
  crc: number
}

/** A zip archive of entries as given (sizes and CRCs are what the entries say, true or not). */
export function zipOf(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const { name, data, method, size, crc } of entries) {
    const file = Buffer.from(name)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(method, 8)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(data.length, 18)
    local.writeUInt32LE(size, 22)
    local.writeUInt16LE(file.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(method, 10)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(data.length, 20)
    central.writeUInt32LE(size, 24)
    central.writeUInt16LE(file.length, 28)
    central.writeUInt32LE(offset, 42)
    locals.push(local, file, data)
    centrals.push(central, file)
    offset += local.length + file.length + data.length
  }
  const dir = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(dir.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, dir, end])
}

/**
 * A zstd frame of RLE blocks (RFC 8878): 4 bytes a block regenerate 128 KiB of zeros, so 16 KB say
 * 512 MiB. The header declares a window (`windowLog`, default 17: 128 KiB) or, single-segment, a
 * content size (`contentSize`, then the window is that size).
 */
export function zstdRleBomb(outputBytes: number, header: { windowLog?: number; contentSize?: number } = {}): Buffer {
  const block = 128 * 1024
  const blocks = Math.ceil(outputBytes / block)
  const head =
    header.contentSize === undefined
      ? Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, ((header.windowLog ?? 17) - 10) << 3])
      : Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0xe0]), u64(header.contentSize)])
  const body = Buffer.alloc(blocks * 4)
  for (let i = 0; i < blocks; i++) {
    const size = i === blocks - 1 ? outputBytes - block * i : block
    body.writeUIntLE((size << 3) | (1 << 1) | (i === blocks - 1 ? 1 : 0), i * 4, 3)
  }
  return Buffer.concat([head, body])
}

function u64(n: number): Buffer {
  const b = Buffer.alloc(8)
  b.writeBigUInt64LE(BigInt(n))
  return b
}

/** A .eval log whose header.json is `data`, compressed by `method`, declaring `size` (default: small). */
export function logWithHeader(data: Buffer, method: number, size = 4096): Buffer {
  return zipOf([{ name: 'header.json', data, method, size, crc: 0 }])
}
