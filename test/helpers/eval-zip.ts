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
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const [name, text] of Object.entries(entries)) {
    const data = Buffer.from(text)
    const file = Buffer.from(name)
    const crc = crc32(data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(data.length, 18)
    local.writeUInt32LE(data.length, 22)
    local.writeUInt16LE(file.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(data.length, 20)
    central.writeUInt32LE(data.length, 24)
    central.writeUInt16LE(file.length, 28)
    central.writeUInt32LE(offset, 42)
    locals.push(local, file, data)
    centrals.push(central, file)
    offset += local.length + file.length + data.length
  }
  const dir = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(Object.keys(entries).length, 8)
  end.writeUInt16LE(Object.keys(entries).length, 10)
  end.writeUInt32LE(dir.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, dir, end])
}
