/**
 * Counters for benchmarks and tests, kept out of the production transports: a Transport wrapper that counts
 * the calls of each operation, and an observer that counts an SshTransport's connection events (pass its
 * `onEvent` in the connect options).
 */
import type { SshEvent } from './ssh/connection.js'
import type { DirEntry, ExecOptions, ExecResult, FileStat, Transport, WriteOptions } from './transport.js'

export type TransportOperation = Exclude<keyof Transport, 'description'>

export class CountingTransport implements Transport {
  /** Calls of each operation so far. */
  readonly calls: Record<TransportOperation, number> = {
    exec: 0,
    readFile: 0,
    readRange: 0,
    writeFileAtomic: 0,
    appendFile: 0,
    createExclusive: 0,
    stat: 0,
    realpath: 0,
    list: 0,
    mkdirp: 0,
    remove: 0,
    close: 0,
  }

  constructor(readonly inner: Transport) {}

  get description(): string {
    return this.inner.description
  }

  /** Calls of every operation together. */
  get total(): number {
    return Object.values(this.calls).reduce((a, b) => a + b, 0)
  }

  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult> {
    this.calls.exec++
    return this.inner.exec(argv, options)
  }

  readFile(path: string): Promise<Buffer | null> {
    this.calls.readFile++
    return this.inner.readFile(path)
  }

  readRange(path: string, start: number, length: number): Promise<Buffer | null> {
    this.calls.readRange++
    return this.inner.readRange(path, start, length)
  }

  writeFileAtomic(path: string, data: string | Buffer, options?: WriteOptions): Promise<void> {
    this.calls.writeFileAtomic++
    return this.inner.writeFileAtomic(path, data, options)
  }

  appendFile(path: string, data: string): Promise<void> {
    this.calls.appendFile++
    return this.inner.appendFile(path, data)
  }

  createExclusive(path: string, data: string): Promise<boolean> {
    this.calls.createExclusive++
    return this.inner.createExclusive(path, data)
  }

  stat(path: string): Promise<FileStat | null> {
    this.calls.stat++
    return this.inner.stat(path)
  }

  realpath(path: string): Promise<string | null> {
    this.calls.realpath++
    return this.inner.realpath(path)
  }

  list(path: string): Promise<DirEntry[] | null> {
    this.calls.list++
    return this.inner.list(path)
  }

  mkdirp(path: string): Promise<void> {
    this.calls.mkdirp++
    return this.inner.mkdirp(path)
  }

  remove(path: string): Promise<void> {
    this.calls.remove++
    return this.inner.remove(path)
  }

  close(): Promise<void> {
    this.calls.close++
    return this.inner.close()
  }
}

export interface SshEventCounts {
  /** Connections established: 1, plus one per reconnection. */
  connections: number
  /** Live connections that went away. */
  drops: number
  /** Channel opens the server refused (MaxSessions), each retried. */
  channelRefusals: number
}

/** Counts of an SSH connection's events, and the observer to pass as the connect options' `onEvent`. */
export function countSshEvents(): { counts: SshEventCounts; onEvent: (event: SshEvent) => void } {
  const counts: SshEventCounts = { connections: 0, drops: 0, channelRefusals: 0 }
  return {
    counts,
    onEvent: (event) => {
      if (event.kind === 'connected') counts.connections++
      else if (event.kind === 'dropped') counts.drops++
      else counts.channelRefusals++
    },
  }
}
