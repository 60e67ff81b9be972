/**
 * Evidence belongs to its run directory. Every state entry and job marker the action writes carries a
 * seal: an HMAC of what it says, the run directory and the job, keyed by a secret of that run directory.
 * The secret lives under the run root (`{run-root}/.keys/`, mode 0600), outside the checkout and outside
 * the run directory, so a copied experiment, a committed state file or a pull request cannot carry a
 * valid seal: what they hold is foreign, and foreign records are never taken as proof of anything.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Transport } from '../cluster/transport.js'
import { err, ok, type Result } from '../result.js'

/** Where the secrets live under the run root. */
export const KEYS_DIR = '.keys'

export class Sealer {
  private constructor(
    private readonly key: Buffer,
    /** The run directory the seals bind to. */
    readonly runDir: string,
  ) {}

  /** The run directory's secret, created (mode 0600) the first time. Call it under the run directory's lock. */
  static async open(transport: Transport, runRoot: string, runDir: string): Promise<Result<Sealer>> {
    const id = createHash('sha256').update(runDir).digest('hex').slice(0, 32)
    const path = `${runRoot}/${KEYS_DIR}/${id}.key`
    const text = (await transport.readFile(path))?.toString('utf8').trim()
    if (text === undefined) {
      const key = randomBytes(32)
      await transport.writeFileAtomic(path, `${key.toString('hex')}\n`, { mode: 0o600 })
      return ok(new Sealer(key, runDir))
    }
    if (!/^[0-9a-f]{64}$/.test(text)) {
      return err({
        file: path,
        message: `the secret of run directory ${runDir} is malformed`,
        hint:
          'restore it from a backup; removing it makes every record of this run directory foreign ' +
          '(finished jobs run again)',
      })
    }
    return ok(new Sealer(Buffer.from(text, 'hex'), runDir))
  }

  /** A key for tests: seals made with it verify only with it. */
  static forTests(runDir: string, key = randomBytes(32)): Sealer {
    return new Sealer(key, runDir)
  }

  /** The seal of a record: what kind it is, and its parts, bound to this run directory. */
  seal(kind: string, ...parts: string[]): string {
    const mac = createHmac('sha256', this.key)
    for (const p of [kind, this.runDir, ...parts]) mac.update(`${Buffer.byteLength(p)}:${p};`)
    return mac.digest('hex').slice(0, 32)
  }

  verify(seal: unknown, kind: string, ...parts: string[]): boolean {
    if (typeof seal !== 'string' || !/^[0-9a-f]{32}$/.test(seal)) return false
    return timingSafeEqual(Buffer.from(seal, 'hex'), Buffer.from(this.seal(kind, ...parts), 'hex'))
  }
}
