/**
 * One run at a time per experiment: a lock file in the run directory, created with O_EXCL.
 * It names its holder and carries a heartbeat; a lock whose holder is gone (same host, dead pid)
 * or whose heartbeat is older than `staleAfterMs` is stale and taken over, with a warning.
 */
import { hostname } from 'node:os'
import { z } from 'zod'
import type { Transport } from '../cluster/transport.js'
import { err, ok, type Problem, type Result } from '../result.js'

const HolderSchema = z.object({
  host: z.string(),
  pid: z.number(),
  started: z.string(),
  heartbeat: z.string(),
  run: z.string().optional(),
})
export type LockHolder = z.infer<typeof HolderSchema>

export interface AcquiredLock {
  /** A stale lock that was taken over, described for a warning. */
  tookOver?: string
  heartbeat(): Promise<void>
  release(): Promise<void>
}

export async function acquireLock(
  transport: Transport,
  path: string,
  options: { staleAfterMs: number; run?: string },
): Promise<Result<AcquiredLock, Problem>> {
  const now = new Date().toISOString()
  const me: LockHolder = {
    host: hostname(),
    pid: process.pid,
    started: now,
    heartbeat: now,
    ...(options.run ? { run: options.run } : {}),
  }
  let tookOver: string | undefined
  for (let tries = 0; tries < 3; tries++) {
    if (await transport.createExclusive(path, `${JSON.stringify(me)}\n`)) {
      return ok(makeLock(transport, path, me, tookOver))
    }
    const bytes = await transport.readFile(path)
    if (bytes === null) continue // released meanwhile
    const holder = parseHolder(bytes.toString('utf8'))
    const staleWhy = holder ? staleReason(holder, options.staleAfterMs) : 'its content is unreadable'
    if (!staleWhy && holder) {
      return err({
        file: path,
        message: `another run-experiment is already running this experiment: pid ${holder.pid} on ${holder.host}${holder.run ? ` (workflow run ${holder.run})` : ''}, started ${holder.started}, last seen ${holder.heartbeat}`,
        hint: 'wait for it to finish; if it is gone, the lock becomes stale after its heartbeat stops, or remove the file',
      })
    }
    tookOver = `took over a stale lock (${staleWhy})${holder ? ` held by pid ${holder.pid} on ${holder.host} since ${holder.started}` : ''}`
    await transport.remove(path)
  }
  return err({
    file: path,
    message: 'could not take the experiment lock: it keeps being re-created by another process',
  })
}

function makeLock(transport: Transport, path: string, me: LockHolder, tookOver: string | undefined): AcquiredLock {
  return {
    ...(tookOver ? { tookOver } : {}),
    async heartbeat() {
      me.heartbeat = new Date().toISOString()
      await transport.writeFileAtomic(path, `${JSON.stringify(me)}\n`)
    },
    async release() {
      const bytes = await transport.readFile(path)
      const holder = bytes ? parseHolder(bytes.toString('utf8')) : null
      if (holder && holder.pid === me.pid && holder.host === me.host && holder.started === me.started)
        await transport.remove(path)
    },
  }
}

function parseHolder(text: string): LockHolder | null {
  try {
    const parsed = HolderSchema.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

function staleReason(holder: LockHolder, staleAfterMs: number): string | null {
  if (holder.host === hostname() && !pidAlive(holder.pid)) return `process ${holder.pid} no longer exists`
  const age = Date.now() - Date.parse(holder.heartbeat)
  if (Number.isFinite(age) && age > staleAfterMs) return `no heartbeat for ${Math.round(age / 1000)} s`
  return null
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}
