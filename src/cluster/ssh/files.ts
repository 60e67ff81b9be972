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
  | 'realpath'
  | 'list'
  | 'mkdirp'
  | 'remove'
  | 'close'
>
