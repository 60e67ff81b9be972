/**
 * Bounded reads over any transport: the tail of a file, and a file's lines in fixed-size chunks.
 * Job outputs can be gigabytes; the action's memory must not grow with them.
 */
import { StringDecoder } from 'node:string_decoder'
import type { Transport } from './transport.js'

/** Chunk size of scans: large enough to be few round trips over SSH, small enough for memory. */
export const SCAN_CHUNK_BYTES = 1024 * 1024

/** The last `maxBytes` bytes of a file, or null when it does not exist. */
export async function readTail(transport: Transport, path: string, maxBytes: number): Promise<Buffer | null> {
  const st = await transport.stat(path)
  if (!st) return null
  const start = Math.max(0, st.size - maxBytes)
  return transport.readRange(path, start, st.size - start)
}

/**
 * Calls `onLine` for every line of the file (split on \n, \r\n and \r), reading it in chunks. A line
 * longer than `maxLineBytes` is cut there. Returns false when the file does not exist.
 */
export async function scanLines(
  transport: Transport,
  path: string,
  onLine: (line: string) => void,
  maxLineBytes = 64 * 1024,
): Promise<boolean> {
  const st = await transport.stat(path)
  if (!st) return false
  const decoder = new StringDecoder('utf8')
  let carry = ''
  for (let pos = 0; pos < st.size; pos += SCAN_CHUNK_BYTES) {
    const chunk = await transport.readRange(path, pos, Math.min(SCAN_CHUNK_BYTES, st.size - pos))
    if (!chunk || chunk.length === 0) break
    const parts = (carry + decoder.write(chunk)).split(/\r\n|\n|\r/)
    carry = parts.pop() ?? ''
    if (carry.length > maxLineBytes) carry = carry.slice(0, maxLineBytes)
    for (const line of parts) onLine(line.length > maxLineBytes ? line.slice(0, maxLineBytes) : line)
  }
  carry += decoder.end()
  if (carry) onLine(carry)
  return true
}
