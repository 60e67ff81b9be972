/**
 * The experiment lock after a killed run (issue #9, defect 9): a holder is taken over only when it is
 * provably gone — a reused pid or a zombie is not a live holder — and an empty lock file is a run
 * between creating and writing it, not "unreadable, take it over".
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawn } from 'node:child_process'
import { readFileSync, utimesSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { LocalTransport } from '../src/cluster/local.ts'
import { acquireLock } from '../src/engine/lock.ts'
import { tempDir } from './helpers/experiment.ts'

const transport = new LocalTransport()
const holder = (pid: number, extra: Record<string, string> = {}): string =>
  JSON.stringify({
    host: hostname(),
    pid,
    started: new Date().toISOString(),
    heartbeat: new Date().toISOString(),
    ...extra,
  })
/** The process's start time, field 22 of /proc/PID/stat. */
const startOf = (pid: number): string => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? ''
}

describe('lock liveness', () => {
  it('a holder whose pid now belongs to another process is gone', async () => {
    const other = spawn('sleep', ['30'], { stdio: 'ignore' })
    try {
      const pid = other.pid ?? 0
      const path = join(tempDir(), 'lock')
      // The dead holder had this pid, but started at another time than the process that has it now.
      writeFileSync(path, holder(pid, { pid_start: String(Number(startOf(pid)) - 1) }))
      const r = await acquireLock(transport, path, { staleAfterMs: 600_000 })
      assert.ok(r.ok, r.ok ? '' : r.error.message)
      assert.match(r.value.tookOver ?? '', /its pid now belongs to another process/)
      await r.value.release()
    } finally {
      other.kill()
    }
  })

  it('a zombie holder is gone', async () => {
    // `sleep 0.1` becomes a zombie: its parent exec'd into `sleep 5` and never reaps it.
    const child = spawn('bash', ['--norc', '-c', 'sleep 0.1 & echo $!; exec sleep 5'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    })
    try {
      const pid = Number(
        await new Promise<string>((r) => {
          child.stdout.once('data', (d: Buffer) => {
            r(d.toString())
          })
        }),
      )
      const start = startOf(pid)
      await new Promise((r) => setTimeout(r, 400))
      assert.match(readFileSync(`/proc/${pid}/stat`, 'utf8'), /\) Z /, 'not a zombie yet')
      const path = join(tempDir(), 'lock')
      writeFileSync(path, holder(pid, { pid_start: start }))
      const r = await acquireLock(transport, path, { staleAfterMs: 600_000 })
      assert.ok(r.ok, r.ok ? '' : r.error.message)
      assert.match(r.value.tookOver ?? '', /zombie/)
    } finally {
      child.kill()
    }
  })

  it('a live holder (same pid, same start time) keeps its lock', async () => {
    const other = spawn('sleep', ['30'], { stdio: 'ignore' })
    try {
      const pid = other.pid ?? 0
      const path = join(tempDir(), 'lock')
      writeFileSync(path, holder(pid, { pid_start: startOf(pid), boot_id: bootId() }))
      const r = await acquireLock(transport, path, { staleAfterMs: 600_000 })
      assert.equal(r.ok, false)
      assert.match(r.error.message, new RegExp(`already running this experiment: pid ${pid} `))
    } finally {
      other.kill()
    }
  })

  it('a holder from before the machine restarted is gone', async () => {
    const path = join(tempDir(), 'lock')
    writeFileSync(path, holder(process.pid, { pid_start: startOf(process.pid), boot_id: 'another-boot' }))
    const r = await acquireLock(transport, path, { staleAfterMs: 600_000 })
    assert.ok(r.ok)
    assert.match(r.value.tookOver ?? '', /restarted/)
  })

  it('a heartbeat that claims the future counts from when the file was last written (a committed lock)', async () => {
    const path = join(tempDir(), 'lock')
    writeFileSync(path, holder(4242, { host: 'login-9', heartbeat: '2099-01-01T00:00:00.000Z' }))
    const fresh = await acquireLock(transport, path, { staleAfterMs: 600_000 })
    assert.equal(fresh.ok, false)
    assert.match(fresh.error.message, /already running this experiment: pid 4242 on login-9, /)
    // Eleven minutes later, nobody has rewritten it: its holder stopped, whatever its heartbeat says.
    const then = (Date.now() - 660_000) / 1000
    utimesSync(path, then, then)
    const later = await acquireLock(transport, path, { staleAfterMs: 600_000 })
    assert.ok(later.ok, later.ok ? '' : later.error.message)
    assert.match(
      later.value.tookOver ?? '',
      /^took over a stale lock \(no heartbeat for 66\d s\) held by pid 4242 on login-9/,
    )
    await later.value.release()
  })

  it('records its own pid, start time and boot id', async () => {
    const path = join(tempDir(), 'lock')
    const r = await acquireLock(transport, path, { staleAfterMs: 600_000 })
    assert.ok(r.ok)
    const rec = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>
    assert.equal(rec['pid'], process.pid)
    assert.equal(rec['pid_start'], startOf(process.pid))
    assert.equal(rec['boot_id'], bootId())
  })
})

describe('an empty lock file', () => {
  it('is a run between creating and writing it: waited for, never taken over', async () => {
    const path = join(tempDir(), 'lock')
    writeFileSync(path, '')
    const other = spawn('sleep', ['30'], { stdio: 'ignore' })
    try {
      const pid = other.pid ?? 0
      // The other run finishes writing 300 ms later.
      setTimeout(() => {
        writeFileSync(path, holder(pid, { pid_start: startOf(pid) }))
      }, 300)
      const r = await acquireLock(transport, path, { staleAfterMs: 600_000, emptyGraceMs: 5000 })
      assert.equal(r.ok, false, 'took over a lock that was being written')
      assert.match(r.error.message, new RegExp(`pid ${pid}`))
    } finally {
      other.kill()
    }
  })

  it('that stays empty past the grace is abandoned and taken over', async () => {
    const path = join(tempDir(), 'lock')
    writeFileSync(path, '')
    const old = new Date(Date.now() - 60_000)
    utimesSync(path, old, old)
    const r = await acquireLock(transport, path, { staleAfterMs: 600_000, emptyGraceMs: 5000 })
    assert.ok(r.ok)
    assert.match(r.value.tookOver ?? '', /stayed empty/)
  })
})

function bootId(): string {
  return execFileSync('cat', ['/proc/sys/kernel/random/boot_id'], { encoding: 'utf8' }).trim()
}
