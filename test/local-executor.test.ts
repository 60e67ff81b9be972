/**
 * The local executor under faults, each a deterministic reproduction of a defect that fault injection
 * found (issue #9): a wrapper seen in the middle of its last command, a launcher killed before its job
 * began, rc files, `#SBATCH --time`, a disk too full for the exit marker. Then its evidence (issue 15:
 * markers, directories, ids and pids it refuses, the default time limit) and its dependencies (issue 16).
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
    assert.deepEqual(sbatchTimeLimit('#!/bin/bash\n#SBATCH --time=unlimited\n'), { ok: true, value: 0 })
    assert.deepEqual(sbatchTimeLimit('#!/bin/bash\n#SBATCH --mem=1G\n'), { ok: true, value: undefined })
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

describe('local-time-limit: the limit of a script that sets no #SBATCH --time', () => {
  it('ends such a job as TIMEOUT, naming the input; a script whose --time says unlimited runs on', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'forever.sh'), '#!/bin/bash\necho started\nsleep 60\n')
    writeFileSync(join(dir, 'own.sh'), '#!/bin/bash\n#SBATCH --time=unlimited\nsleep 4\necho done\n')
    const s = new LocalScheduler(transport, join(dir, '.jobs'), 2, 2)
    const t0 = Date.now()
    const forever = await s.submit({ dir, script: 'forever.sh', name: 'f', outputPattern: join(dir, 'f.out') })
    const own = await s.submit({ dir, script: 'own.sh', name: 'o', outputPattern: join(dir, 'o.out') })
    assert.ok(forever.ok && own.ok)
    const last = (await watch(s, forever.value.jobId)).at(-1)
    assert.equal(last?.state, 'TIMEOUT', JSON.stringify(last))
    assert.match(last.reason ?? '', /time limit \(local-time-limit, 2 s\)/)
    assert.ok(Date.now() - t0 < 15_000, `took ${Date.now() - t0} ms`)
    const ownLast = (await watch(s, own.value.jobId)).at(-1)
    assert.equal(ownLast?.state, 'COMPLETED', JSON.stringify(ownLast))
    assert.equal(readFileSync(join(dir, 'o.out'), 'utf8'), 'done\n')
  })
})

describe('evidence: markers, directories, and the ids and pids the executor refuses', () => {
  it('describe and findMarked give back the marker, directory and submission time', async () => {
    const root = tempDir()
    const jobs = join(root, 'jobs')
    const dirA = join(root, 'a')
    const dirB = join(root, 'b c|d')
    for (const d of [dirA, dirB]) {
      mkdirSync(d)
      writeFileSync(join(d, 'job.sh'), 'sleep 30\n')
    }
    writeFileSync(join(dirA, 'quick.sh'), 'true\n')
    const s = new LocalScheduler(transport, jobs, 3)
    const before = new Date(Date.now() - 1000).toISOString()
    const spec = (dir: string, name: string, marker?: string, script = 'job.sh') => ({
      dir,
      script,
      name,
      outputPattern: join(dir, `${name}.out`),
      ...(marker ? { marker } : {}),
    })
    const a = await s.submit(spec(dirA, 'train', 'run-experiment:train:d1gest:s3al'))
    const b = await s.submit(spec(dirB, 'eval', 'run-experiment:eval:d2:s'))
    const quick = await s.submit(spec(dirA, 'quick', 'run-experiment:quick:d3:s', 'quick.sh'))
    const legacy = await s.submit(spec(dirA, 'old'))
    assert.ok(a.ok && b.ok && quick.ok && legacy.ok)
    await watch(s, quick.value.jobId)
    const bad = await s.submit(spec(dirA, 'x', 'run-experiment:x y'))
    assert.equal(bad.ok, false)
    assert.match(bad.error.message, /whitespace/)

    const marked = await s.findMarked('run-experiment:', before)
    assert.deepEqual(
      marked.map((j) => [j.status.jobId, j.marker, j.workDir]),
      [
        [a.value.jobId, 'run-experiment:train:d1gest:s3al', dirA],
        [b.value.jobId, 'run-experiment:eval:d2:s', dirB],
        [quick.value.jobId, 'run-experiment:quick:d3:s', dirA],
        [legacy.value.jobId, 'run-experiment:old', dirA],
      ],
    )
    assert.ok(marked.every((j) => j.submittedAt && Date.parse(j.submittedAt) >= Date.parse(before)))
    assert.equal(marked[0]?.status.state, 'RUNNING')
    assert.equal(marked[2]?.status.state, 'COMPLETED')
    assert.deepEqual(
      (await s.findMarked('run-experiment:eval:', before)).map((j) => j.status.jobId),
      [b.value.jobId],
    )
    // finished before `since`: no longer listed; running ones are
    const later = new Date(Date.now() + 60_000).toISOString()
    assert.deepEqual(
      (await s.findMarked('run-experiment:', later)).map((j) => j.status.jobId),
      [a.value.jobId, b.value.jobId, legacy.value.jobId],
    )
    assert.deepEqual(
      (await s.findByName('train', before)).map((j) => j.jobId),
      [a.value.jobId],
    )
    assert.deepEqual(
      (await s.findByName('old', before)).map((j) => j.jobId),
      [legacy.value.jobId],
    )

    const before2 = s.commands
    const d = await s.describe([b.value.jobId, a.value.jobId, '99', '01', '0', '-1', '1;touch x', ' 2'])
    assert.equal(s.commands - before2, 1, 'one command')
    assert.deepEqual([...d.keys()].sort(), [a.value.jobId, b.value.jobId].sort())
    assert.equal(d.get(b.value.jobId)?.workDir, dirB)
    assert.equal(d.get(b.value.jobId)?.marker, 'run-experiment:eval:d2:s')
    assert.equal(d.get(a.value.jobId)?.status.state, 'RUNNING')

    const polled = await s.poll(['01', '../1', '1 2', '-1'].map((jobId) => ({ jobId, submittedAt: before })))
    assert.deepEqual(
      [...polled.values()].map((st) => st.state),
      ['UNKNOWN', 'UNKNOWN', 'UNKNOWN', 'UNKNOWN'],
    )
    await s.cancel([a.value.jobId, b.value.jobId, legacy.value.jobId, '../x', '0'])
    assert.ok(!existsSync(join(jobs, '0.cancelled')))
    for (const id of [a.value.jobId, b.value.jobId]) assert.equal((await watch(s, id)).at(-1)?.state, 'CANCELLED')
  })

  it('cancel signals no pid a forged start record names: 1, 0, -1, nor a live process of another start time', () => {
    // In a pid namespace of its own, so that a regression (kill -TERM -1: every process of the account)
    // reaches only the sentinels. Sentinel `group` leads its own process group; `near` shares the caller's.
    const jobs = tempDir('re-forged-')
    const harness = `set -u
m=$1 root=$2
setsid sleep 60 & sleep 0.2; group=$(pgrep -n -x sleep)
sleep 60 & near=$!
read -r st < /proc/$group/stat; st=\${st##*) }; set -- $st; real=\${20}
read -r st < /proc/1/stat; st=\${st##*) }; set -- $st; init=\${20}
now=$(date +%s)
i=0
for forged in '1' '0' '-1' "1 $now $init" "0 $now 0" "-1 $now 5" "$group $now $((real + 1))" "$group $now 0" "$group $now" "$group"; do
  i=$((i + 1)); date > "$m/$i.id"; printf '%s\n' "$forged" > "$m/$i.start"
done
cd "$root"
cancel() {
  node --import tsx -e "import { LocalTransport } from './src/cluster/local.ts'
    import { LocalScheduler } from './src/scheduler/local.ts'
    await new LocalScheduler(new LocalTransport(), process.argv[1], 1).cancel(process.argv.slice(2))" "$m" "$@"
}
cancel $(seq 1 $i)
sleep 0.3
kill -0 "$group" 2>/dev/null && echo "group alive" || echo "group signalled"
kill -0 "$near" 2>/dev/null && echo "near alive" || echo "near signalled"
ls "$m" | grep -c 'cancelled$'
# the control: the very process, with its real start time, is signalled
echo x > "$m/99.id"; printf '%s %s %s\n' "$group" "$now" "$real" > "$m/99.start"
cancel 99
sleep 0.3
kill -0 "$group" 2>/dev/null && echo "control alive" || echo "control signalled"
`
    const out = execFileSync(
      'unshare',
      ['--pid', '--fork', '--mount-proc', 'setsid', '--wait', 'bash', '-c', harness, 'h', jobs, process.cwd()],
      {
        encoding: 'utf8',
        timeout: 60_000,
      },
    )
    assert.deepEqual(out.trim().split('\n'), ['group alive', 'near alive', '10', 'control signalled'])
  })
})

describe('dependencies (afterok), without a daemon', () => {
  const spec = (dir: string, name: string, body: string, afterok?: string[]) => {
    writeFileSync(join(dir, `${name}.sh`), `${body}\n`)
    return {
      dir,
      script: `${name}.sh`,
      name,
      outputPattern: join(dir, `${name}.out`),
      ...(afterok ? { dependency: { afterok } } : {}),
    }
  }
  const submitted = async (s: LocalScheduler, job: Parameters<LocalScheduler['submit']>[0]): Promise<string> => {
    const r = await s.submit(job)
    assert.ok(r.ok, r.ok ? '' : r.error.message)
    return r.value.jobId
  }
  const state = async (s: LocalScheduler, id: string): Promise<JobStatus | undefined> =>
    (await s.poll([{ jobId: id, submittedAt: new Date().toISOString() }])).get(id)

  it('a dependent job waits (PENDING, Dependency) and runs once its dependency COMPLETED; it began then', async () => {
    const dir = tempDir()
    const s = new LocalScheduler(transport, join(dir, '.jobs'), 2)
    const a = await submitted(s, spec(dir, 'a', 'sleep 1.5; echo a >> order'))
    const b = await submitted(s, spec(dir, 'b', 'echo b >> order', [a]))
    const waiting = await state(s, b)
    assert.deepEqual([waiting?.state, waiting?.reason, waiting?.startedAt], ['PENDING', 'Dependency', undefined])
    const seen = await watch(s, b)
    assert.equal(seen.at(-1)?.state, 'COMPLETED')
    assert.ok(
      seen.every((x) => x.state !== 'RUNNING' || x.startedAt),
      JSON.stringify(seen),
    )
    assert.equal(readFileSync(join(dir, 'order'), 'utf8'), 'a\nb\n')
    const endA = (await state(s, a))?.endedAt ?? ''
    assert.ok(Date.parse(seen.at(-1)?.startedAt ?? '') >= Date.parse(endA), `${endA} ${JSON.stringify(seen.at(-1))}`)
  })

  it('a failed dependency keeps it PENDING (DependencyNeverSatisfied) until re-pointed to a job that succeeds', async () => {
    const dir = tempDir()
    const s = new LocalScheduler(transport, join(dir, '.jobs'), 2)
    const a = await submitted(s, spec(dir, 'a', 'exit 3'))
    const b = await submitted(s, spec(dir, 'b', 'echo b ran', [a]))
    assert.equal((await watch(s, a)).at(-1)?.state, 'FAILED')
    await new Promise((r) => setTimeout(r, 2500))
    const stuck = await state(s, b)
    assert.deepEqual([stuck?.state, stuck?.reason], ['PENDING', 'DependencyNeverSatisfied'], JSON.stringify(stuck))
    assert.ok(!existsSync(join(dir, 'b.out')))
    const c = await submitted(s, spec(dir, 'c', 'sleep 1'))
    const before = s.commands
    assert.deepEqual(await s.updateDependency(b, [c]), { ok: true, value: undefined })
    assert.equal(s.commands - before, 2, 'one look at the dependencies, one update')
    assert.equal((await state(s, b))?.reason, 'Dependency')
    assert.equal((await watch(s, b)).at(-1)?.state, 'COMPLETED')
    assert.equal(readFileSync(join(dir, 'b.out'), 'utf8'), 'b ran\n')
    // a job that began, or ended, is no longer re-pointed
    const r = await s.updateDependency(b, [c])
    assert.equal(r.ok, false)
    assert.match(r.error, /already finished/)
  })

  it('updateDependency and submit refuse what is not a job here; an empty list releases the job', async () => {
    const dir = tempDir()
    const s = new LocalScheduler(transport, join(dir, '.jobs'), 2)
    const a = await submitted(s, spec(dir, 'a', 'sleep 30'))
    const unknown = await s.submit(spec(dir, 'u', 'true', ['77']))
    assert.equal(unknown.ok, false)
    assert.deepEqual([unknown.error.code, unknown.error.retryLater], ['unknown-dependency', false])
    assert.equal((await s.submit(spec(dir, 'v', 'true', ['1;x']))).ok, false)
    const b = await submitted(s, spec(dir, 'b', 'echo b', [a]))
    for (const [id, deps, why] of [
      [b, ['77'], /no job 77/],
      [b, ['-1'], /no job -1/],
      ['0', [], /not a job id/],
      ['../b', [], /not a job id/],
      ['55', [], /Invalid job id/],
      [a, [b], /no longer pending/],
    ] as const) {
      const r = await s.updateDependency(id, deps)
      assert.equal(r.ok, false, `${id} ${deps.join(',')}`)
      assert.match(r.error, why)
    }
    assert.equal((await state(s, b))?.reason, 'Dependency')
    assert.deepEqual(await s.updateDependency(b, []), { ok: true, value: undefined })
    assert.equal((await watch(s, b)).at(-1)?.state, 'COMPLETED')
    await s.cancel([a])
  })

  it('cancel ends a waiting job: CANCELLED, its wrapper gone', async () => {
    const dir = tempDir()
    const jobs = join(dir, '.jobs')
    const s = new LocalScheduler(transport, jobs, 2)
    const a = await submitted(s, spec(dir, 'a', 'sleep 30'))
    const b = await submitted(s, spec(dir, 'b', 'echo b', [a]))
    assert.equal((await state(s, b))?.reason, 'Dependency')
    const pid = Number(readFileSync(join(jobs, `${b}.start`), 'utf8').split(' ')[0])
    assert.ok(pid > 1 && isRunning(pid))
    await s.cancel([b])
    assert.equal((await watch(s, b)).at(-1)?.state, 'CANCELLED')
    for (let i = 0; i < 40 && isRunning(pid); i++) await new Promise((r) => setTimeout(r, 50))
    assert.ok(!isRunning(pid), 'the waiting wrapper ended')
    assert.equal((await state(s, a))?.state, 'RUNNING', 'its dependency is untouched')
    await s.cancel([a])
    assert.ok(!existsSync(join(dir, 'b.out')))
  })

  it('the submitter being gone does not matter: the waiting wrapper is detached', async () => {
    const dir = tempDir()
    const jobs = join(dir, '.jobs')
    spec(dir, 'a', 'sleep 1.5; echo a >> order')
    spec(dir, 'b', 'echo b >> order')
    // Submit both from a separate node process that exits at once, before either ran.
    execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `
      import { LocalTransport } from ${JSON.stringify(join(process.cwd(), 'src/cluster/local.ts'))}
      import { LocalScheduler } from ${JSON.stringify(join(process.cwd(), 'src/scheduler/local.ts'))}
      const s = new LocalScheduler(new LocalTransport(), ${JSON.stringify(jobs)}, 2)
      const job = (name, afterok) => ({ dir: ${JSON.stringify(dir)}, script: name + '.sh', name,
        outputPattern: ${JSON.stringify(dir)} + '/' + name + '.out', ...(afterok ? { dependency: { afterok } } : {}) })
      const a = await s.submit(job('a'))
      await s.submit(job('b', [a.value.jobId]))
    `,
      ],
      { cwd: process.cwd() },
    )
    const s = new LocalScheduler(transport, jobs, 2)
    assert.equal((await state(s, '2'))?.state, 'PENDING')
    assert.equal((await watch(s, '2')).at(-1)?.state, 'COMPLETED')
    assert.equal(readFileSync(join(dir, 'order'), 'utf8'), 'a\nb\n')
  })
})

/** Whether the process runs (a zombie, ended but not yet reaped by whoever adopted it, does not). */
function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return false
  }
}

function restoreEnv(saved: Record<string, string | undefined>): void {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) Reflect.deleteProperty(process.env, k)
    else process.env[k] = v
  }
}
