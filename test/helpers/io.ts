/** An ActionIO that records what the pipeline says, for in-process runs. */
import type { ActionIO } from '../../src/io.ts'
import type { InputName } from '../../src/names.ts'
import type { Problem } from '../../src/result.ts'

export interface RecordingIO extends ActionIO {
  outputs: Record<string, string>
  annotations: { kind: string; problem: Problem }[]
  summaries: string[]
  failed: string[]
}

export function recordingIO(inputs: Partial<Record<InputName, string>>, env: Record<string, string> = {}): RecordingIO {
  const io: RecordingIO = {
    outputs: {},
    annotations: [],
    summaries: [],
    failed: [],
    getInput: (name) => inputs[name] ?? '',
    setOutput: (name, value) => {
      io.outputs[name] = String(value)
    },
    info: () => undefined,
    annotate: (kind, problem) => {
      io.annotations.push({ kind, problem })
    },
    writeSummary: (m) => {
      io.summaries.push(m)
      return Promise.resolve()
    },
    setFailed: (m) => {
      io.failed.push(m)
    },
    saveState: () => undefined,
    mask: () => undefined,
    env,
  }
  return io
}
