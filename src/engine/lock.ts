/**
 * One run at a time per experiment: a lock file in the run directory, created with O_EXCL.
 * It names its holder (host, pid, the process's start time and the machine's boot id) and carries a
 * heartbeat. A lock is taken over, with a warning, only when its holder is provably gone — same host
 * and no process with that pid, a zombie, another process under a reused pid (its start time
 * differs) or a machine restarted since (its boot id differs) — or when its heartbeat is older than
 * `staleAfterMs` (a heartbeat counts from the file's last write at the latest). An empty or
 * half-written file is a run between creating and writing it: it is waited for, and taken over only
 * when it stays so for `EMPTY_GRACE_MS`.
 */
import { readFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { z } from 'zod'
import type { Transport } from '../cluster/transport.js'
import { err, ok, type Result } from '../result.js'

const HolderSchema = z.object({
  host: z.string(),
  pid: z.number(),
  started: z.string(),
  heartbeat: z.string(),
  run: z.string().optional(),
  /** The holder process's start time, clock ticks since boot (field 22 of /proc/PID/stat). */
  pid_start: z.string().optional(),
  /** /proc/sys/kernel/random/boot_id of the holder's machine. */
  boot_id: z.string().optional(),
})
export type LockHolder = z.infer<typeof HolderSchema>

/** How long a lock file may stay empty or unreadable before it counts as abandoned by its creator. */
const EMPTY_GRACE_MS = 10_000

export interface AcquiredLock {
  /** A stale lock that was taken over, described for a warning. */
  tookOver?: string
  heartbeat(): Promise<void>
  release(): Promise<void>
}

export interface LockOptions {
  staleAfterMs: number
  run?: string
  /** How long an empty lock file is waited for (tests shorten it). */
  emptyGraceMs?: number
}

export async function acquireLock(
  transport: Transport,
  path: string,
  options: LockOptions,
): Promise<Result<AcquiredLock>> {
  const now = new Date().toISOString()
  const self = processIdentity(process.pid)
  const bootId = readBootId()
  const me: LockHolder = {
    host: hostname(),
    pid: process.pid,
    started: now,
    heartbeat: now,
    ...(options.run ? { run: options.run } : {}),
    ...(self && self !== 'unknown' ? { pid_start: self.start } : {}),
    ...(bootId ? { boot_id: bootId } : {}),
  }
  const emptyGrace = options.emptyGraceMs ?? EMPTY_GRACE_MS
  let tookOver: string | undefined
  for (let tries = 0; tries < 3; tries++) {
    if (await transport.createExclusive(path, `${JSON.stringify(me)}\n`)) {
      return ok(makeLock(transport, path, me, tookOver))
    }
    const read = await readHolder(transport, path, emptyGrace)
    if (read.kind === 'gone') continue // released meanwhile
    if (read.kind === 'being-written') {
      return err({
        file: path,
        message: `another run-experiment is taking this experiment's lock right now (the lock file is being written)`,
        hint: 're-run when it has finished',
      })
    }
    const holder = read.kind === 'holder' ? read.holder : undefined
    const staleWhy = holder
      ? staleReason(holder, read.kind === 'holder' ? read.writtenMs : NaN, options.staleAfterMs)
      : `its content stayed ${read.kind === 'unreadable' ? read.what : 'unreadable'} for ` +
        `${Math.round(emptyGrace / 1000)} s: its creator died while writing it`
    if (!staleWhy && holder) {
      return err({
        file: path,
        message:
          `another run-experiment is already running this experiment: pid ${holder.pid} on ${holder.host}` +
          `${holder.run ? ` (workflow run ${holder.run})` : ''}, started ${holder.started}, ` +
          `last seen ${holder.heartbeat}`,
        hint:
          'wait for it to finish; if it is gone, the lock becomes stale after its heartbeat stops, ' +
          'or remove the file',
      })
    }
    const who = holder ? ` held by pid ${holder.pid} on ${holder.host} since ${holder.started}` : ''
    tookOver = `took over a stale lock (${staleWhy})${who}`
    await transport.remove(path)
  }
  return err({
    file: path,
    message: 'could not take the experiment lock: it keeps being re-created by another process',
  })
}

type HolderRead =
  /** `writtenMs`: when the file was last written (its mtime), NaN when unknown. */
  | { kind: 'holder'; holder: LockHolder; writtenMs: number }
  | { kind: 'gone' }
  | { kind: 'being-written' }
  | { kind: 'unreadable'; what: string }

/**
 * The lock's holder. A file that is empty or not (yet) a holder record is re-read until it is one, or
 * until it has not changed for `graceMs` (by its modification time): then it is unreadable for good.
 */
async function readHolder(transport: Transport, path: string, graceMs: number): Promise<HolderRead> {
  const giveUp = Date.now() + 2 * graceMs
  for (let wait = 50; ; wait = Math.min(wait * 2, 1000)) {
    const bytes = await transport.readFile(path)
    if (bytes === null) return { kind: 'gone' }
    const text = bytes.toString('utf8')
    const holder = parseHolder(text)
    const st = await transport.stat(path)
    if (holder) return { kind: 'holder', holder, writtenMs: st?.mtimeMs ?? NaN }
    if (!st) return { kind: 'gone' }
    if (Date.now() - st.mtimeMs >= graceMs)
      return { kind: 'unreadable', what: text.trim() === '' ? 'empty' : 'unreadable' }
    if (Date.now() > giveUp) return { kind: 'being-written' }
    await new Promise((r) => setTimeout(r, wait))
  }
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

/**
 * Why the holder is gone, or null. Its last sign of life is its heartbeat, and never later than when the
 * file was last written: a heartbeat that claims the future (a committed lock, a clock running ahead)
 * does not keep a lock nobody rewrites.
 */
function staleReason(holder: LockHolder, writtenMs: number, staleAfterMs: number): string | null {
  if (holder.host === hostname()) {
    const gone = holderGone(holder)
    if (gone) return gone
  }
  const beat = Date.parse(holder.heartbeat)
  const age = Date.now() - (Number.isFinite(writtenMs) && !(beat <= writtenMs) ? writtenMs : beat)
  if (Number.isFinite(age) && age > staleAfterMs) return `no heartbeat for ${Math.round(age / 1000)} s`
  return null
}

/** Why the holder (on this host) is provably no longer running, or null when it may be. */
function holderGone(holder: LockHolder): string | null {
  const bootId = readBootId()
  if (holder.boot_id && bootId && holder.boot_id !== bootId) return 'the machine has restarted since it was taken'
  const proc = processIdentity(holder.pid)
  if (proc === null) return `process ${holder.pid} no longer exists`
  if (proc === 'unknown') return null
  if (proc.zombie) return `process ${holder.pid} has ended (a zombie not yet reaped)`
  if (holder.pid_start && proc.start !== holder.pid_start)
    return `process ${holder.pid} has ended (its pid now belongs to another process)`
  return null
}

/**
 * A process's start time and whether it is a zombie, from /proc/PID/stat; null when no such process;
 * 'unknown' where /proc is missing and only the pid can be checked (then a live pid counts as the holder).
 */
function processIdentity(pid: number): { start: string; zombie: boolean } | null | 'unknown' {
  let text: string
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return pidAlive(pid) ? 'unknown' : null
    try {
      readFileSync('/proc/self/stat')
    } catch {
      return pidAlive(pid) ? 'unknown' : null // no /proc on this system
    }
    return null
  }
  // Fields after the command name (which may hold spaces and parentheses): state is the 3rd, starttime the 22nd.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
  const state = fields[0] ?? ''
  return { start: fields[19] ?? '', zombie: state === 'Z' || state === 'X' || state === 'x' }
}

function readBootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined
  } catch {
    return undefined
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}
