/**
 * SlurmScheduler against the real dev cluster (scripts/dev-cluster/start.sh: SLURM 22.05 with
 * slurmdbd accounting, an sshd on 127.0.0.1), over LocalTransport and over SshTransport. No mocks of
 * SLURM: where a test needs slurmctld to have forgotten a job (MinJobAge is an hour), a transport hides
 * squeue's answer and the real accounting answers alone. Fails, never skips, when the dev cluster is
 * not running. Another user (scripts/dev-cluster/other-user.sh) submits the jobs that must stay unseen.
 */
import { describe, it, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { LocalTransport } from '../src/cluster/local.ts'
import type { ExecOptions, ExecResult, Transport } from '../src/cluster/transport.ts'
import { parseExit } from '../src/scheduler/slurm-output.ts'
import { SlurmScheduler, slurmReachable } from '../src/scheduler/slurm.ts'
import { isTerminal, type JobSpec, type JobStatus, type MarkedJob } from '../src/scheduler/scheduler.ts'
import { connectSsh, devCluster, runDevScript } from './helpers/dev-cluster.ts'

const RUN = randomBytes(3).toString('hex')
const ROOT = `/tmp/re-slurm-test-${RUN}`
const QOS = 're-test-submit2'
const OTHER_USER = 're-other'
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Writes SCRIPT into a fresh job directory; the log goes to a logs/ directory that does not exist yet. */
async function jobSpec(t: Transport, label: string, body: string, sbatch: string[] = []): Promise<JobSpec> {
  const dir = `${ROOT}/${label}-${randomBytes(3).toString('hex')}`
  const script = ['#!/bin/bash', ...sbatch.map((s) => `#SBATCH ${s}`), body, ''].join('\n')
  await t.writeFileAtomic(`${dir}/job.sh`, script)
  return { dir, script: 'job.sh', name: `re-test-${RUN}-${label}`, outputPattern: `${dir}/logs/slurm-%j.out` }
}

/** Submits, waiting out retryLater (another test file may be restarting slurmctld). */
async function submitOk(s: SlurmScheduler, spec: JobSpec): Promise<{ jobId: string; submittedAt: string }> {
  const submittedAt = new Date().toISOString()
  for (let i = 0; ; i++) {
    const r = await s.submit(spec)
    if (r.ok) return { jobId: r.value.jobId, submittedAt }
    if (!r.error.retryLater || i > 30) assert.fail(`submit failed: ${r.error.message}`)
    await sleep(2000)
  }
}

async function waitFor(
  s: SlurmScheduler,
  jobs: { jobId: string; submittedAt: string }[],
  until: (st: JobStatus) => boolean,
  timeoutMs = 60_000,
): Promise<Map<string, JobStatus>> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const m = await s.poll(jobs)
    if (
      jobs.every((j) => {
        const st = m.get(j.jobId)
        return st !== undefined && until(st)
      })
    )
      return m
    if (Date.now() > deadline) assert.fail(`timed out waiting; last states: ${JSON.stringify([...m.values()])}`)
    await sleep(500)
  }
}
const terminal = (st: JobStatus): boolean => isTerminal(st.state)

async function waitUntil(f: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await f())) {
    if (Date.now() > deadline) assert.fail('timed out waiting')
    await sleep(500)
  }
}
const idOf = (jobs: readonly { jobId: string }[], i: number): string => jobs[i]?.jobId ?? ''

/** Submits `sleep 120` as OTHER_USER with this comment; its job id. */
async function foreignJob(comment: string): Promise<string> {
  await runDevScript('other-user.sh', [OTHER_USER])
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      'runuser',
      ['-u', OTHER_USER, '--', 'sbatch', '--parsable', '--chdir=/tmp', `--comment=${comment}`, '--wrap', 'sleep 120'],
      { encoding: 'utf8', timeout: 60_000 },
      (e, out, errOut) => {
        if (e) reject(new Error(`sbatch as ${OTHER_USER}: ${e.message} ${errOut}`))
        else resolve(out)
      },
    )
  })
  const id = stdout.trim()
  assert.match(id, /^\d+$/)
  return id
}

/** sacct's output with field N (0-based: Comment is 10) of every row emptied. */
function withoutField(stdout: string, n: number): string {
  return stdout
    .split('\n')
    .map((line) =>
      line
        .split('\x1f')
        .map((f, i) => (i === n ? '' : f))
        .join('\x1f'),
    )
    .join('\n')
}

/** The scheduler's view when slurmctld has forgotten every job: squeue answers, empty. */
function withoutSqueue(t: Transport): Transport {
  return new Rewriting(t, (argv, r) => (argv[0] === 'squeue' ? { code: 0, stdout: '', stderr: '' } : r))
}

/** A transport that runs every command for real, then lets the test rewrite what one reports. */
class Rewriting implements Transport {
  constructor(
    private readonly inner: Transport,
    private readonly rewrite: (argv: readonly string[], r: ExecResult) => ExecResult,
  ) {}
  get description(): string {
    return this.inner.description
  }
  async exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult> {
    return this.rewrite(argv, await this.inner.exec(argv, options))
  }
  readFile(p: string): Promise<Buffer | null> {
    return this.inner.readFile(p)
  }
  readRange(p: string, start: number, length: number): Promise<Buffer | null> {
    return this.inner.readRange(p, start, length)
  }
  writeFileAtomic(p: string, d: string | Buffer): Promise<void> {
    return this.inner.writeFileAtomic(p, d)
  }
  appendFile(p: string, d: string): Promise<void> {
    return this.inner.appendFile(p, d)
  }
  createExclusive(p: string, d: string): Promise<boolean> {
    return this.inner.createExclusive(p, d)
  }
  stat(p: string): ReturnType<Transport['stat']> {
    return this.inner.stat(p)
  }
  realpath(p: string): ReturnType<Transport['realpath']> {
    return this.inner.realpath(p)
  }
  list(p: string): ReturnType<Transport['list']> {
    return this.inner.list(p)
  }
  mkdirp(p: string): Promise<void> {
    return this.inner.mkdirp(p)
  }
  remove(p: string): Promise<void> {
    return this.inner.remove(p)
  }
  close(): Promise<void> {
    return this.inner.close()
  }
}

describe('parseExit', () => {
  it("reads squeue's raw wait status and sacct's code:signal", () => {
    assert.deepEqual(parseExit('768'), { code: 3, signal: 0 })
    assert.deepEqual(parseExit('0'), { code: 0, signal: 0 })
    assert.deepEqual(parseExit('9 '), { code: 0, signal: 9 })
    assert.deepEqual(parseExit('65280'), { code: 255, signal: 0 })
    assert.deepEqual(parseExit('3:0'), { code: 3, signal: 0 })
    assert.deepEqual(parseExit('0:15'), { code: 0, signal: 15 })
    assert.equal(parseExit(''), undefined)
    assert.equal(parseExit('N/A'), undefined)
    assert.equal(parseExit(undefined), undefined)
  })
})

const transports: [string, () => Promise<Transport>][] = [
  ['local', () => Promise.resolve(new LocalTransport())],
  ['ssh', async () => connectSsh(devCluster())],
]

for (const [label, make] of transports) {
  describe(`SlurmScheduler over ${label}`, () => {
    let t: Transport
    let s: SlurmScheduler
    let timeoutJob: { jobId: string; submittedAt: string } | undefined

    before(async () => {
      const c = devCluster()
      assert.equal(c.slurm, true, 'the dev cluster runs SLURM')
      t = await make()
      s = new SlurmScheduler(t, { staggerSeconds: 0 })
      if (label === 'ssh') {
        // the slow one (~60-90 s: whole-minute limits, checked every 30 s) runs while the rest do
        timeoutJob = await submitOk(s, await jobSpec(t, 'timeout', 'sleep 200', ['--time=0:01']))
      }
    })
    after(async () => {
      await t.exec(['rm', '-rf', ROOT])
      await t.close()
    })

    it('reaches the SLURM client tools', async () => {
      const r = await slurmReachable(t)
      assert.ok(r.ok, r.ok ? '' : r.error)
      assert.match(r.value, /slurm/)
      assert.equal(s.kind, 'slurm')
      assert.equal(s.maxInFlight, 25)
      assert.equal(new SlurmScheduler(t).staggerSeconds, 5)
    })

    it('runs a trivial job to COMPLETED with exit 0, its log in a directory created first', async () => {
      const spec = {
        ...(await jobSpec(t, 'ok', 'echo "hello from $SLURM_JOB_ID in $PWD: $RE_GREETING"')),
        env: { RE_GREETING: "it's $(not) run" },
      }
      const job = await submitOk(s, spec)
      assert.match(job.jobId, /^\d+$/)
      const st = (await waitFor(s, [job], terminal)).get(job.jobId)
      assert.equal(st?.state, 'COMPLETED', JSON.stringify(st))
      assert.equal(st.exitCode, 0)
      assert.ok(st.startedAt && st.endedAt && Date.parse(st.endedAt) >= Date.parse(st.startedAt), JSON.stringify(st))
      const log = await t.readFile(`${spec.dir}/logs/slurm-${job.jobId}.out`)
      assert.equal(log?.toString(), `hello from ${job.jobId} in ${spec.dir}: it's $(not) run\n`)
    })

    it('reports a script that exits 3 as FAILED with exit code 3', async () => {
      const job = await submitOk(s, await jobSpec(t, 'exit3', 'echo failing; exit 3'))
      const st = (await waitFor(s, [job], terminal)).get(job.jobId)
      assert.equal(st?.state, 'FAILED', JSON.stringify(st))
      assert.equal(st.exitCode, 3)
    })

    it('cancels a running job with one scancel: CANCELLED', async () => {
      const a = await submitOk(s, await jobSpec(t, 'cancel-a', 'sleep 120'))
      const b = await submitOk(s, await jobSpec(t, 'cancel-b', 'sleep 120'))
      await waitFor(s, [a, b], (st) => st.state === 'RUNNING')
      const before = s.commands
      await s.cancel([a.jobId, b.jobId, a.jobId])
      assert.equal(s.commands - before, 1, 'one scancel for all')
      const m = await waitFor(s, [a, b], terminal)
      for (const j of [a, b]) {
        assert.equal(m.get(j.jobId)?.state, 'CANCELLED', JSON.stringify(m.get(j.jobId)))
        assert.match(m.get(j.jobId)?.raw ?? '', /^CANCELLED/)
      }
      await s.cancel([])
    })

    it('finds a submitted job by its name (even a hostile one), newest last', async () => {
      const name = `re-test-${RUN}-${label} find 'me' $(touch /tmp/pwned-name)`
      const since = new Date().toISOString()
      const first = await submitOk(s, { ...(await jobSpec(t, 'find1', 'sleep 1')), name })
      const second = await submitOk(s, { ...(await jobSpec(t, 'find2', 'sleep 30')), name })
      const found = await s.findByName(name, since)
      assert.deepEqual(
        found.map((f) => f.jobId),
        [first.jobId, second.jobId],
      )
      assert.ok(
        found.every((f) => f.state !== 'UNKNOWN'),
        JSON.stringify(found),
      )
      assert.deepEqual(await s.findByName(`re-test-${RUN}-nothing-by-this-name`, since), [])
      await s.cancel([second.jobId])
      assert.equal(await t.stat('/tmp/pwned-name'), null)
    })

    it('findMarked: own jobs by marker prefix, from squeue and from accounting alone; describe', async () => {
      const prefix = `run-experiment:re-${RUN}-${label}-mk:`
      const since = new Date().toISOString()
      const foreign = await foreignJob(`${prefix}foreign:d:s:0123456789ab`)
      try {
        const doneSpec = { ...(await jobSpec(t, 'mk-done', 'true')), marker: `${prefix}done:d1:s1` }
        const done = await submitOk(s, doneSpec)
        const runSpec = { ...(await jobSpec(t, 'mk-run', 'sleep 120')), marker: `${prefix}run:d2:s2` }
        const run = await submitOk(s, runSpec)
        await submitOk(s, { ...(await jobSpec(t, 'mk-other', 'true')), marker: `run-experiment:re-${RUN}-x:d:s` })
        await waitFor(s, [done], terminal)
        await waitFor(s, [run], (st) => st.state === 'RUNNING')
        const expected = [
          [done.jobId, `${prefix}done:d1:s1`, doneSpec.dir, 'COMPLETED'],
          [run.jobId, `${prefix}run:d2:s2`, runSpec.dir, 'RUNNING'],
        ]
        const view = (found: readonly MarkedJob[]): unknown[] =>
          found.map((j) => [j.status.jobId, j.marker, j.workDir, j.status.state])

        await s.findMarked('nothing', since) // learns the user once (`id -un`)
        let before = s.commands
        const found = await s.findMarked(prefix, since)
        assert.equal(s.commands - before, 2, 'one squeue and one sacct')
        assert.deepEqual(view(found), expected)
        assert.ok(found.every((j) => j.submittedAt && Date.parse(j.submittedAt) >= Date.parse(since) - 5000))
        // slurmctld has forgotten them (as after MinJobAge): accounting alone finds them, by comment...
        const accounting = new SlurmScheduler(withoutSqueue(t))
        await waitUntil(async () => (await accounting.findMarked(prefix, since)).length === 2)
        assert.deepEqual(view(await accounting.findMarked(prefix, since)), expected)
        // ... and, where accounting keeps no comments, by the submit line
        const noComments = new SlurmScheduler(
          new Rewriting(withoutSqueue(t), (argv, r) =>
            argv[0] === 'sacct' ? { ...r, stdout: withoutField(r.stdout, 10) } : r,
          ),
        )
        assert.deepEqual(view(await noComments.findMarked(prefix, since)), expected)

        const ids = [done.jobId, run.jobId, foreign, '99999999', '0', '1;id', `${run.jobId}_0`]
        before = s.commands
        const d = await s.describe(ids, since)
        assert.equal(s.commands - before, 2, 'one squeue, one sacct for the ids squeue lacks')
        assert.deepEqual([...d.keys()].sort(), [done.jobId, run.jobId].sort(), 'foreign and unknown ids are absent')
        assert.equal(d.get(run.jobId)?.workDir, runSpec.dir)
        assert.equal(d.get(run.jobId)?.marker, `${prefix}run:d2:s2`)
        assert.equal(d.get(done.jobId)?.status.state, 'COMPLETED')
        assert.ok(d.get(done.jobId)?.submittedAt)
        const fromAccounting = await accounting.describe(ids, since)
        assert.deepEqual([...fromAccounting.keys()].sort(), [done.jobId, run.jobId].sort())
        assert.equal(fromAccounting.get(done.jobId)?.workDir, doneSpec.dir)
        assert.equal(fromAccounting.get(done.jobId)?.marker, `${prefix}done:d1:s1`)
        await s.cancel([run.jobId])
      } finally {
        await t.exec(['scancel', foreign])
      }
      const bad = await s.submit({ ...(await jobSpec(t, 'mk-bad', 'true')), marker: 'run-experiment:a b' })
      assert.equal(bad.ok, false)
    })

    it('dependencies: afterok waits; after a failed one it stays PENDING until re-pointed; unknown ids refused', async () => {
      const failing = await submitOk(s, await jobSpec(t, 'dep-a', 'sleep 5; exit 1'))
      const submitting = s.commands
      const dependent = await submitOk(s, {
        ...(await jobSpec(t, 'dep-b', 'echo b ran')),
        dependency: { afterok: [failing.jobId] },
      })
      assert.equal(s.commands - submitting, 1, 'a job submitted a moment ago is held: sbatch alone, no squeue')
      // Right after sbatch, slurmctld may not have looked at the job yet (reason None, or Resources while a
      // slot frees): it says Dependency once its scheduler has, well before the failing job ends.
      const waiting = (await waitFor(s, [dependent], (st) => st.reason === 'Dependency', 4000)).get(dependent.jobId)
      assert.equal(waiting?.state, 'PENDING', JSON.stringify(waiting))
      await waitFor(s, [failing], terminal)
      const stuck = (await waitFor(s, [dependent], (st) => st.reason === 'DependencyNeverSatisfied', 30_000)).get(
        dependent.jobId,
      )
      assert.equal(stuck?.state, 'PENDING')
      await sleep(2000)
      assert.equal((await s.poll([dependent])).get(dependent.jobId)?.state, 'PENDING', 'never cancelled for it')

      const good = await submitOk(s, await jobSpec(t, 'dep-c', 'true'))
      await waitFor(s, [good], terminal)
      const unknown = await s.updateDependency(dependent.jobId, ['99999999'])
      assert.equal(unknown.ok, false)
      assert.match(unknown.error, /99999999/)
      assert.deepEqual(await s.updateDependency(dependent.jobId, [good.jobId]), { ok: true, value: undefined })
      const ran = (await waitFor(s, [dependent], terminal)).get(dependent.jobId)
      assert.equal(ran?.state, 'COMPLETED', JSON.stringify(ran))
      const late = await s.updateDependency(dependent.jobId, [good.jobId])
      assert.equal(late.ok, false)
      assert.match(late.error, /already finished/)

      // SLURM 22.05 would run a job whose afterok names an id it does not hold: refused before sbatch
      const before = s.commands
      const orphan = await s.submit({ ...(await jobSpec(t, 'dep-x', 'true')), dependency: { afterok: ['99999999'] } })
      assert.equal(orphan.ok, false)
      assert.deepEqual([orphan.error.code, orphan.error.retryLater], ['unknown-dependency', false])
      assert.equal(s.commands - before, 1, 'one squeue, no sbatch')
      const malformed = await s.submit({ ...(await jobSpec(t, 'dep-y', 'true')), dependency: { afterok: ['1x'] } })
      assert.equal(malformed.ok, false)
      assert.equal(malformed.error.code, 'unknown-dependency')

      // an empty list clears the dependency
      const long = await submitOk(s, await jobSpec(t, 'dep-long', 'sleep 120'))
      const held = await submitOk(s, {
        ...(await jobSpec(t, 'dep-held', 'true')),
        dependency: { afterok: [long.jobId] },
      })
      assert.equal((await s.poll([held])).get(held.jobId)?.reason, 'Dependency')
      assert.deepEqual(await s.updateDependency(held.jobId, []), { ok: true, value: undefined })
      assert.equal((await waitFor(s, [held], terminal)).get(held.jobId)?.state, 'COMPLETED')
      await s.cancel([long.jobId])
      const notPending = await s.updateDependency(long.jobId, [])
      assert.equal(notPending.ok, false)
    })

    it("rejects an impossible job with SLURM's message and retryLater=false", async () => {
      const spec = await jobSpec(t, 'badpart', 'true', ['--partition=no-such-partition'])
      const r = await s.submit(spec)
      assert.equal(r.ok, false)
      assert.equal(r.error.retryLater, false)
      assert.match(r.error.message, /invalid partition/i)
    })

    it('kills a job over its --mem as OUT_OF_MEMORY', async () => {
      // needs the dev cluster's memory cgroup (RE_SLURM_CGROUP); without it SLURM kills by polling
      // and the job ends FAILED 0:9 instead
      const job = await submitOk(
        s,
        await jobSpec(t, 'oom', 'head -c 400M /dev/zero | tail >/dev/null; sleep 1', ['--mem=50M']),
      )
      const st = (await waitFor(s, [job], terminal)).get(job.jobId)
      assert.equal(st?.state, 'OUT_OF_MEMORY', JSON.stringify(st))
    })

    it('polls 20 jobs with one squeue while they run and once they ended; sacct only for what squeue lacks', async () => {
      // Every job waits for a release file, so all 20 are queued or running at the first poll.
      const release = `${ROOT}/release-${randomBytes(3).toString('hex')}`
      const wait = `while [ ! -e ${release} ]; do sleep 0.2; done`
      const jobs = []
      for (let i = 0; i < 20; i++) {
        jobs.push(await submitOk(s, await jobSpec(t, `many${i}`, i % 5 === 4 ? `${wait}; exit 4` : wait)))
      }
      let before = s.commands
      const running = await s.poll(jobs)
      const active = [...running.values()].filter((st) => !isTerminal(st.state)).length
      assert.equal(active, 20, 'all 20 still queued or running')
      assert.equal(s.commands - before, 1, 'all still queued or running: squeue only')
      await t.writeFileAtomic(release, '')
      const done = await waitFor(s, jobs, terminal, 120_000)
      jobs.forEach((j, i) => {
        const st = done.get(j.jobId)
        assert.equal(st?.state, i % 5 === 4 ? 'FAILED' : 'COMPLETED', JSON.stringify(st))
        assert.equal(st.exitCode, i % 5 === 4 ? 4 : 0)
      })
      before = s.commands
      const again = await s.poll(jobs)
      assert.equal(s.commands - before, 1, 'slurmctld still holds the 20 finished jobs: squeue alone tells them whole')
      assert.equal(again.size, 20)
      for (const st of again.values()) assert.ok(st.startedAt && st.endedAt && st.exitCode !== undefined)
      // ids SLURM does not know: squeue, then accounting for them (2 commands), and UNKNOWN, never terminal
      before = s.commands
      const withUnknown = await s.poll([...jobs, { jobId: '99999999', submittedAt: new Date().toISOString() }])
      assert.equal(s.commands - before, 2)
      assert.equal(withUnknown.get('99999999')?.state, 'UNKNOWN')
      before = s.commands
      const single = await s.poll([{ jobId: '99999998', submittedAt: new Date().toISOString() }])
      assert.equal(s.commands - before, 2, 'squeue -j with one unknown id errors; no extra fallback')
      assert.equal(single.get('99999998')?.state, 'UNKNOWN')
      assert.equal(
        (await s.poll([{ jobId: 'x; rm -rf /', submittedAt: new Date().toISOString() }])).get('x; rm -rf /')?.state,
        'UNKNOWN',
      )
    })

    if (label === 'local') {
      it('defers the submission past a QoS MaxSubmitJobsPerUser=2 limit (retryLater)', async () => {
        await runDevScript('qos.sh', [QOS, '2'])
        const q = new SlurmScheduler(t, { extraSbatchArgs: [`--qos=${QOS}`] })
        const a = await submitOk(q, await jobSpec(t, 'qos1', 'sleep 60'))
        const b = await submitOk(q, await jobSpec(t, 'qos2', 'sleep 60'))
        const third = await q.submit(await jobSpec(t, 'qos3', 'sleep 60'))
        await q.cancel([a.jobId, b.jobId])
        assert.equal(third.ok, false)
        assert.equal(third.error.retryLater, true)
        assert.match(third.error.message, /QOSMaxSubmitJobPerUserLimit/)
      })

      it('falls back to sacct -c, then to scontrol per job, when accounting is off', async () => {
        const jobs = [
          await submitOk(s, await jobSpec(t, 'noacct-ok', 'true')),
          await submitOk(s, await jobSpec(t, 'noacct-fail', 'exit 5')),
        ]
        await waitFor(s, jobs, terminal)
        // the same cluster as its clients see it without slurmdbd, and without jobcomp either
        const conf = readFileSync('/etc/slurm/slurm.conf', 'utf8')
        const noAcct = conf.replace(/^AccountingStorageType=.*$/m, 'AccountingStorageType=accounting_storage/none')
        const noComp = noAcct.replace(/^JobCompType=.*$/m, 'JobCompType=jobcomp/none')
        const saved = process.env['SLURM_CONF']
        try {
          for (const [name, text, mode, firstCommands, laterCommands] of [
            ['noacct', noAcct, 'jobcomp', 3, 2],
            ['nocomp', noComp, 'none', 1 + 2 + jobs.length, 1 + jobs.length],
          ] as const) {
            await t.writeFileAtomic(`${ROOT}/${name}.conf`, text)
            process.env['SLURM_CONF'] = `${ROOT}/${name}.conf`
            // and slurmctld past MinJobAge: squeue no longer holds the jobs, so accounting must answer
            const d = new SlurmScheduler(
              new Rewriting(t, (argv, r) => (argv[0] === 'squeue' ? { code: 0, stdout: '', stderr: '' } : r)),
            )
            for (const expected of [firstCommands, laterCommands]) {
              const before = d.commands
              const m = await d.poll(jobs)
              assert.equal(d.accounting, mode)
              assert.equal(d.commands - before, expected, `${name}: commands per poll`)
              assert.equal(m.get(idOf(jobs, 0))?.state, 'COMPLETED')
              assert.equal(m.get(idOf(jobs, 0))?.exitCode, 0)
              assert.equal(m.get(idOf(jobs, 1))?.state, 'FAILED')
              assert.equal(m.get(idOf(jobs, 1))?.exitCode, 5)
            }
          }
        } finally {
          if (saved === undefined) delete process.env['SLURM_CONF']
          else process.env['SLURM_CONF'] = saved
        }
      })

      it('takes the exit code from squeue when a job ended before accounting recorded it', async () => {
        const jobs = [
          await submitOk(s, await jobSpec(t, 'lag-exit4', 'exit 4')),
          await submitOk(s, await jobSpec(t, 'lag-ok', 'true')),
        ]
        await waitFor(s, jobs, terminal)
        // slurmdbd lags behind slurmctld: sacct answers, but without these jobs (or still RUNNING)
        const running = jobs.map((j) => [j.jobId, 'RUNNING', '0:0', 'Unknown', 'Unknown', 'None'].join('\x1f'))
        for (const lag of ['', running.join('\n')]) {
          const lagging = new SlurmScheduler(
            new Rewriting(t, (argv, r) => (argv[0] === 'sacct' ? { code: 0, stdout: lag, stderr: '' } : r)),
          )
          const m = await lagging.poll(jobs)
          assert.deepEqual(
            [m.get(idOf(jobs, 0))?.state, m.get(idOf(jobs, 0))?.exitCode],
            ['FAILED', 4],
            JSON.stringify([...m.values()]),
          )
          assert.deepEqual(
            [m.get(idOf(jobs, 1))?.state, m.get(idOf(jobs, 1))?.exitCode],
            ['COMPLETED', 0],
            JSON.stringify([...m.values()]),
          )
        }
      })

      it('finds the job when the connection drops around sbatch, instead of submitting twice', async () => {
        // sbatch runs, but the connection is reported as dropped (code -1)
        const dropped = new Rewriting(t, (argv, r) =>
          argv[0] === 'sbatch'
            ? {
                code: -1,
                stdout: '',
                stderr: 'ssh: the connection dropped while the command ran; it may or may not have run',
              }
            : r,
        )
        const d = new SlurmScheduler(dropped, { staggerSeconds: 0 })
        const spec = await jobSpec(t, 'dropped', 'true')
        const since = new Date().toISOString()
        const r = await d.submit(spec)
        assert.equal(r.ok, true, JSON.stringify(r))
        const found = await s.findByName(spec.name, since)
        assert.deepEqual(
          found.map((f) => f.jobId),
          [r.value.jobId],
        )
      })

      it('counts the restarts of a job SLURM requeued under the same id (squeue, and sacct -D alone)', async () => {
        const job = await submitOk(s, await jobSpec(t, 'requeue', 'sleep 120'))
        await waitFor(s, [job], (st) => st.state === 'RUNNING')
        assert.equal((await s.poll([job])).get(job.jobId)?.restarts, 0)
        const r = await t.exec(['scontrol', 'requeue', job.jobId])
        assert.equal(r.code, 0, r.stderr)
        const again = (await waitFor(s, [job], (st) => st.restarts === 1)).get(job.jobId)
        assert.ok(again && !isTerminal(again.state), JSON.stringify(again))
        const accounting = new SlurmScheduler(withoutSqueue(t))
        const fromSacct = (await waitFor(accounting, [job], (st) => st.restarts === 1)).get(job.jobId)
        assert.ok(fromSacct && !isTerminal(fromSacct.state), JSON.stringify(fromSacct))
        await s.cancel([job.jobId])
      })
    }

    if (label === 'ssh') {
      it('reports UNKNOWN, never a terminal state, while slurmctld is down', async () => {
        const job = await submitOk(s, await jobSpec(t, 'ctld', 'sleep 15'))
        await waitFor(s, [job], (st) => st.state === 'RUNNING')
        // squeue itself retries the controller for ~18 s before it fails: stay down longer
        let restarted = false
        const restart = runDevScript('restart-slurmctld.sh', ['22']).finally(() => {
          restarted = true
        })
        const seen: string[] = []
        const isRestarted = (): boolean => restarted
        while (!isRestarted()) {
          seen.push((await s.poll([job])).get(job.jobId)?.state ?? 'missing')
          await sleep(300)
        }
        await restart
        assert.ok(seen.includes('UNKNOWN'), `a poll ran while slurmctld was down: ${seen.join(',')}`)
        assert.ok(
          seen.every((x) => x === 'UNKNOWN' || x === 'RUNNING'),
          seen.join(','),
        )
        const st = (await waitFor(s, [job], terminal)).get(job.jobId)
        assert.equal(st?.state, 'COMPLETED', JSON.stringify(st))
      })

      it('ends a job past its --time=0:01 as TIMEOUT', async () => {
        assert.ok(timeoutJob)
        const st = (await waitFor(s, [timeoutJob], terminal, 150_000)).get(timeoutJob.jobId)
        assert.equal(st?.state, 'TIMEOUT', JSON.stringify(st))
      })
    }
  })
}
