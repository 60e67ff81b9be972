/**
 * The local executor under faults, each a deterministic reproduction of a defect that fault injection
 * found (issue #9): a wrapper seen in the middle of its last command, a launcher killed before its job
 * began, rc files, `#SBATCH --time`, a disk too full for the exit marker.
 */
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { LocalTransport } from '../src/cluster/local.ts'
import { LocalScheduler } from '../src/scheduler/local.ts'
import type { JobStatus } from '../src/scheduler/scheduler.ts'
import { parseSlurmTime, sbatchTimeLimit } from '../src/scheduler/time-limit.ts'
import { tempDir } from './helpers/experiment.ts'

const transport = new LocalTransport()

/** A directory holding `name`, a wrapper around the real program that first sleeps `seconds`. */
function slowShim(name: string, seconds: number): string {
  const dir = tempDir('re-shim-')
  const real = execFileSync('bash', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim()
  writeFileSync(join(dir, name), `#!/bin/sh\nsleep ${seconds}\nexec ${real} "$@"\n`)
  chmodSync(join(dir, name), 0o755)
  return dir
}

/** Polls until the job is terminal; returns every state seen, in order. */
async function watch(s: LocalScheduler, jobId: string, timeoutMs = 20_000): Promise<JobStatus[]> {
  const seen: JobStatus[] = []
  const end = Date.now() + timeoutMs
  const q = [{ jobId, submittedAt: new Date().toISOString() }]
  for (;;) {
    const st = (await s.poll(q)).get(jobId)
    if (st) seen.push(st)
    if (st && !['PENDING', 'RUNNING', 'UNKNOWN'].includes(st.state)) return seen
    if (Date.now() > end) throw new Error(`job ${jobId} still ${st?.state ?? '?'} after ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 30))
  }
}

describe('defect 1: a job that succeeded is never a false failure', () => {
  it('a wrapper caught while it writes its exit marker is still running, then COMPLETED', async () => {
    // A slow `mv`: the wrapper's last command lasts 0.7 s. Bash used to exec it in place of the
    // wrapper, so the job's process showed `mv ...` and no exit marker existed yet: "disappeared".
    const dir = tempDir()
    writeFileSync(join(dir, 'job.sh'), 'exit 0\n')
    const s = new LocalScheduler(transport, join(dir, '.markers'), 1)
    const r = await s.submit({
      dir,
      script: 'job.sh',
      name: 'n',
      outputPattern: join(dir, 'o.out'),
      env: { PATH: `${slowShim('mv', 0.7)}:${process.env['PATH'] ?? ''}` },
    })
    assert.ok(r.ok, r.ok ? '' : r.error.message)
    const seen = await watch(s, r.value.jobId)
    assert.deepEqual(
      seen.filter((x) => x.state === 'FAILED'),
      [],
      seen.map((x) => `${x.state} ${x.reason ?? ''}`).join('\n'),
    )
    assert.equal(seen.at(-1)?.state, 'COMPLETED')
    assert.equal(seen.at(-1)?.exitCode, 0)
  })

  it('a dead job whose pid was reused by another process is not "running"', async () => {
    const dir = tempDir()
    const markers = join(dir, '.markers')
    mkdirSync(markers)
    // Job 1's wrapper was pid P, started at tick T; P now belongs to a process started later (this test's sleep).
    const other = spawn('sleep', ['30'], { stdio: 'ignore' })
    try {
      const pid = other.pid ?? 0
      writeFileSync(join(markers, '1.name'), 'n\n')
      writeFileSync(join(markers, '1.launch'), `${pid} 1\n`)
      writeFileSync(join(markers, '1.start'), `${pid} ${Math.floor(Date.now() / 1000)} 1\n`)
      const s = new LocalScheduler(transport, markers, 1)
      const st = (await s.poll([{ jobId: '1', submittedAt: new Date().toISOString() }])).get('1')
      assert.equal(st?.state, 'FAILED')
      assert.match(st.reason ?? '', /disappeared without recording an exit status/)
    } finally {
      other.kill()
    }
  })
})

describe('defect 6: a launcher killed before its job began', () => {
  it('is known at once: never a 120 s wait, never found by name, and the late wrapper never runs the job', async () => {
    const dir = tempDir()
    const markers = join(dir, '.markers')
    writeFileSync(join(dir, 'job.sh'), 'echo ran >> ran.txt\n')
    // A slow setsid: the launcher is killed (with its whole process group, as a runner kills a step)
    // after it recorded the job's name and before the wrapper started.
    const shim = slowShim('setsid', 2)
    const s = new LocalScheduler(transport, markers, 1)
    const launcher = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `
      import { LocalTransport } from ${JSON.stringify(join(process.cwd(), 'src/cluster/local.ts'))}
      import { LocalScheduler } from ${JSON.stringify(join(process.cwd(), 'src/scheduler/local.ts'))}
      const s = new LocalScheduler(new LocalTransport(), ${JSON.stringify(markers)}, 1)
      await s.submit({ dir: ${JSON.stringify(dir)}, script: 'job.sh', name: 'exp-job', outputPattern: ${JSON.stringify(join(dir, 'o.out'))},
        env: { PATH: ${JSON.stringify(`${shim}:${process.env['PATH'] ?? ''}`)} } })
    `,
      ],
      { detached: true, stdio: 'ignore' },
    )
    for (let i = 0; i < 200 && !existsSync(join(markers, '1.name')); i++) await new Promise((r) => setTimeout(r, 50))
    assert.ok(existsSync(join(markers, '1.name')), 'the launcher never recorded the job')
    process.kill(-(launcher.pid ?? 0), 'SIGKILL')
    await new Promise((r) => setTimeout(r, 200))
    const t0 = Date.now()
    assert.deepEqual(await s.findByName('exp-job'), [], 'a job that never began is not in the queue')
    const st = (await s.poll([{ jobId: '1', submittedAt: new Date().toISOString() }])).get('1')
    assert.equal(st?.state, 'FAILED')
    assert.match(st.reason ?? '', /never started/)
    assert.ok(Date.now() - t0 < 5000)
    // Had the kill spared the detached wrapper, it would arrive now: it must not run the job.
    await new Promise((r) => setTimeout(r, 2500))
    assert.ok(!existsSync(join(dir, 'ran.txt')), 'an abandoned job ran')
  })
})

describe('defect 7: rc files and shell hooks', () => {
  it('neither the executor nor the job reads ~/.bashrc, ~/.profile or $BASH_ENV', async () => {
    const home = tempDir('re-home-')
    const hooks = join(home, 'hooks.txt')
    for (const f of ['.bashrc', '.bash_profile', '.profile', 'bash_env'])
      writeFileSync(join(home, f), `echo "${f} from $0" >> ${hooks}\necho "noise from ${f}"\n`)
    const dir = tempDir()
    writeFileSync(join(dir, 'job.sh'), 'echo "job ran"\n')
    const saved = { HOME: process.env['HOME'], BASH_ENV: process.env['BASH_ENV'], SHLVL: process.env['SHLVL'] }
    // Node's pipes are sockets: a bash at shell level 1 with a socket on stdin reads ~/.bashrc.
    process.env['HOME'] = home
    process.env['BASH_ENV'] = join(home, 'bash_env')
    process.env['SHLVL'] = '0'
    try {
      const s = new LocalScheduler(transport, join(dir, '.markers'), 1)
      const r = await s.submit({ dir, script: 'job.sh', name: 'n', outputPattern: join(dir, 'o.out') })
      assert.ok(r.ok)
      const seen = await watch(s, r.value.jobId)
      assert.equal(seen.at(-1)?.state, 'COMPLETED')
      await s.cancel([r.value.jobId])
    } finally {
      restoreEnv(saved)
    }
    assert.equal(readFileSync(join(dir, 'o.out'), 'utf8'), 'job ran\n')
    assert.ok(!existsSync(hooks), `rc files were read:\n${existsSync(hooks) ? readFileSync(hooks, 'utf8') : ''}`)
  })
})

describe('defect 9: #SBATCH --time', () => {
  it('parses SLURM time formats', () => {
    assert.equal(parseSlurmTime('5'), 300)
    assert.equal(parseSlurmTime('0:07'), 7)
    assert.equal(parseSlurmTime('1:02:03'), 3723)
    assert.equal(parseSlurmTime('2-3'), 2 * 86400 + 3 * 3600)
    assert.equal(parseSlurmTime('2-3:04'), 2 * 86400 + 3 * 3600 + 240)
    assert.equal(parseSlurmTime('2-3:04:05'), 2 * 86400 + 3 * 3600 + 245)
    assert.equal(parseSlurmTime('UNLIMITED'), 0)
    assert.equal(parseSlurmTime('1h'), null)
    assert.deepEqual(sbatchTimeLimit('#!/bin/bash\n#SBATCH -t 0:30\n#SBATCH --mem=1G\necho\n#SBATCH --time=9'), {
      ok: true,
      value: 30,
    })
    assert.equal(sbatchTimeLimit('#!/bin/bash\n#SBATCH --time=soon\n').ok, false)
  })

  it('a job past its time limit is killed and reported TIMEOUT, as SLURM does', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'job.sh'), '#!/bin/bash\n#SBATCH --time=0:02\necho started\nsleep 60\necho not reached\n')
    const s = new LocalScheduler(transport, join(dir, '.markers'), 1)
    const t0 = Date.now()
    const r = await s.submit({ dir, script: 'job.sh', name: 'n', outputPattern: join(dir, 'o.out') })
    assert.ok(r.ok)
    const last = (await watch(s, r.value.jobId)).at(-1)
    assert.equal(last?.state, 'TIMEOUT', JSON.stringify(last))
    assert.match(last.reason ?? '', /time limit \(#SBATCH --time, 2 s\)/)
    assert.ok(Date.now() - t0 < 15_000, `took ${Date.now() - t0} ms`)
    assert.equal(readFileSync(join(dir, 'o.out'), 'utf8'), 'started\n')
  })

  it('an invalid --time is refused at submission, as sbatch does', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'job.sh'), '#!/bin/bash\n#SBATCH --time=soon\necho\n')
    const s = new LocalScheduler(transport, join(dir, '.markers'), 1)
    const r = await s.submit({ dir, script: 'job.sh', name: 'n', outputPattern: join(dir, 'o.out') })
    assert.equal(r.ok, false)
    assert.match(r.error.message, /invalid --time specification: soon/)
  })
})

function restoreEnv(saved: Record<string, string | undefined>): void {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) Reflect.deleteProperty(process.env, k)
    else process.env[k] = v
  }
}
