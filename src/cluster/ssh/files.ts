/**
 * The file half of the Transport interface, as the SSH transport's two implementations provide it:
 * over SFTP (sftp.ts) and, where the server offers no SFTP subsystem, over plain exec channels (exec-files.ts).
 */
import type { Transport } from '../transport.js'

export type FileOps = Pick<
  Transport,
  | 'readFile'
  | 'readRange'
  | 'writeFileAtomic'
  | 'appendFile'
  | 'createExclusive'
  | 'stat'
  | 'list'
  | 'mkdirp'
  | 'remove'
  | 'close'
>

/** `${path}.tmp-PID-RANDOM`: the name a write goes to before it is renamed into place. */
export function tempName(path: string, random: string): string {
  return `${path}.tmp-${process.pid}-${random}`
}
