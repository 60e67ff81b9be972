/**
 * The embedded executor for machines without SLURM: each job script runs with bash in its own
 * directory as a detached process group (setsid), its output in the file its `#SBATCH --output`
 * names. A wrapper records the start and the exit status in marker files, so an action that was
 * killed and re-run learns the result of a job that finished meanwhile. Everything goes through
 * the Transport, so it behaves the same on this host or over SSH.
 *
 * Markers, in `<markerDir>`: `<id>.name`, `<id>.start` ("pid epoch"), `<id>.exit` ("rc epoch"),
 * `<id>.cancelled`. Job ids are small integers (so cruijff_kit's `Job ID: (\d+)` readers work).
 */
import { resolvePath } from '../cluster/paths.js'
import type { Transport } from '../cluster/transport.js'
import type { JobSpec, JobStatus, PollQuery, Scheduler, SubmitResult } from './scheduler.js'
import { sbatchOutput, substituteOutput } from './script.js'

/** Runs as `bash -c WRAPPER local-job ID DIR SCRIPT OUTPUT MARKERS NAME`, in its own session. */
const WRAPPER = `set -u
id=$1 dir=$2 script=$3 out=$4 m=$5 name=$6
printf '%s %s\\n' "$$" "$(date +%s)" > "$m/$id.start.tmp" && mv -f "$m/$id.start.tmp" "$m/$id.start"
rc=0
mkdir -p "$(dirname "$out")" 2>/dev/null
if cd "$dir" 2>/dev/null; then
  SLURM_JOB_ID=$id SLURM_JOBID=$id SLURM_JOB_NAME=$name SLURM_SUBMIT_DIR=$dir SLURM_CPUS_ON_NODE=1 \\
    bash "$script" > "$out" 2>&1 < /dev/null
  rc=$?
else
  echo "run-experiment local executor: cannot enter $dir" > "$out"
  rc=1
fi
printf '%s %s\\n' "$rc" "$(date +%s)" > "$m/$id.exit.tmp" && mv -f "$m/$id.exit.tmp" "$m/$id.exit"
`

/** Starts the wrapper detached from us (and from an SSH channel): new session, no inherited pipes. */
const LAUNCH = 'setsid -f bash -c "$1" local-job "${@:2}" </dev/null >/dev/null 2>&1'

/** One command for all polled jobs: prints `id|exit|start|alive|cancelled` per job. */
const POLL = `m=$1; shift
for id in "$@"; do
  e=; s=; a=0; c=0
  [ -f "$m/$id.exit" ] && read -r e < "$m/$id.exit"
  [ -f "$m/$id.start" ] && read -r s < "$m/$id.start"
  if [ -z "$e" ] && [ -n "$s" ]; then
    pid=\${s%% *}
    if [ -r "/proc/$pid/cmdline" ] && tr '\\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "local-job $id "; then a=1
    elif [ -f "$m/$id.exit" ]; then read -r e < "$m/$id.exit"; fi
  fi
  [ -f "$m/$id.cancelled" ] && c=1
  printf '%s|%s|%s|%s|%s\\n' "$id" "$e" "$s" "$a" "$c"
done`

/** A job that has not written its start marker this long after submission never started. */
const START_GRACE_MS = 120_000

export class LocalScheduler implements Scheduler {
  readonly kind = 'local'
  readonly submitCommand = 'bash'
  readonly staggerSeconds = 0
  /** Outputs are written on this machine's own filesystem: nothing lags. */
  readonly outputWaitSeconds = 0
  /** Commands run, for benchmarks. */
  commands = 0

  constructor(
    private readonly transport: Transport,
    private readonly markerDir: string,
    readonly maxInFlight: number,
  ) {}

  /** The script's `#SBATCH --output` (the scaffold's scripts are SLURM batch scripts), else slurm-%j.out. */
  outputPattern(scriptText: string, jobDir: string): string {
    return resolvePath(jobDir, sbatchOutput(scriptText) ?? 'slurm-%j.out')
  }

  outputPath(pattern: string, jobId: string, jobName: string): string {
    return substituteOutput(pattern, jobId, jobName)
  }

  /** No memory limits are enforced here: the state stands as it is. */
  classify(status: JobStatus): JobStatus {
    return status
  }

  async submit(job: JobSpec): Promise<SubmitResult> {
    await this.transport.mkdirp(this.markerDir)
    const id = await this.allocateId()
    const output = substituteOutput(job.outputPattern, id, job.name)
    await this.transport.writeFileAtomic(`${this.markerDir}/${id}.name`, `${job.name}\n`)
    this.commands++
    const envArgs = Object.entries(job.env ?? {}).map(([k, v]) => `${k}=${v}`)
    const argv = envArgs.length
      ? [
          'env',
          ...envArgs,
          'bash',
          '-c',
          LAUNCH,
          'launch',
          WRAPPER,
          id,
          job.dir,
          job.script,
          output,
          this.markerDir,
          job.name,
        ]
      : ['bash', '-c', LAUNCH, 'launch', WRAPPER, id, job.dir, job.script, output, this.markerDir, job.name]
    const r = await this.transport.exec(argv)
    if (r.code !== 0) {
      return {
        ok: false,
        error: {
          message: `could not start the job: ${(r.stderr || r.stdout).trim() || `exit ${r.code}`}`,
          retryLater: false,
        },
      }
    }
    return { ok: true, value: { jobId: id } }
  }

  async poll(jobs: readonly PollQuery[]): Promise<Map<string, JobStatus>> {
    const result = new Map<string, JobStatus>()
    if (jobs.length === 0) return result
    this.commands++
    const r = await this.transport.exec(['bash', '-c', POLL, 'poll', this.markerDir, ...jobs.map((j) => j.jobId)])
    const submitted = new Map(jobs.map((j) => [j.jobId, Date.parse(j.submittedAt)]))
    if (r.code !== 0) {
      for (const j of jobs)
        result.set(j.jobId, { jobId: j.jobId, state: 'UNKNOWN', raw: `poll failed: ${r.stderr.trim()}` })
      return result
    }
    for (const line of r.stdout.split('\n')) {
      const [id, exit, start, alive, cancelled] = line.split('|')
      if (!id || alive === undefined) continue
      result.set(
        id,
        interpret(id, exit ?? '', start ?? '', alive === '1', cancelled === '1', submitted.get(id) ?? Date.now()),
      )
    }
    return result
  }

  async findByName(name: string): Promise<JobStatus[]> {
    const entries = (await this.transport.list(this.markerDir)) ?? []
    const found: JobStatus[] = []
    for (const e of entries) {
      const m = /^(\d+)\.name$/.exec(e.name)
      if (!m?.[1]) continue
      const text = await this.transport.readFile(`${this.markerDir}/${e.name}`)
      if (text?.toString('utf8').trim() === name) found.push({ jobId: m[1], state: 'UNKNOWN', raw: 'found by name' })
    }
    found.sort((a, b) => Number(a.jobId) - Number(b.jobId))
    if (found.length === 0) return found
    const polled = await this.poll(found.map((f) => ({ jobId: f.jobId, submittedAt: new Date(0).toISOString() })))
    return found.map((f) => polled.get(f.jobId) ?? f)
  }

  async cancel(jobIds: readonly string[]): Promise<void> {
    if (jobIds.length === 0) return
    this.commands++
    const script = `m=$1; shift
for id in "$@"; do
  : > "$m/$id.cancelled"
  if [ -f "$m/$id.start" ] && [ ! -f "$m/$id.exit" ]; then read -r s < "$m/$id.start"; kill -TERM -- "-\${s%% *}" 2>/dev/null; fi
done; exit 0`
    await this.transport.exec(['bash', '-c', script, 'cancel', this.markerDir, ...jobIds])
  }

  /** The next free integer id, claimed with O_EXCL so two submitters never share one. */
  private async allocateId(): Promise<string> {
    const entries = (await this.transport.list(this.markerDir)) ?? []
    let next = 1
    for (const e of entries) {
      const m = /^(\d+)\.id$/.exec(e.name)
      if (m?.[1]) next = Math.max(next, Number(m[1]) + 1)
    }
    for (;;) {
      if (await this.transport.createExclusive(`${this.markerDir}/${next}.id`, `${new Date().toISOString()}\n`))
        return String(next)
      next++
    }
  }
}

function interpret(
  id: string,
  exit: string,
  start: string,
  alive: boolean,
  cancelled: boolean,
  submittedMs: number,
): JobStatus {
  const epochIso = (s: string | undefined): string | undefined =>
    s && /^\d+$/.test(s) ? new Date(Number(s) * 1000).toISOString() : undefined
  const [pid, startEpoch] = start.split(' ')
  const startedAt = epochIso(startEpoch)
  const base = { jobId: id, ...(startedAt ? { startedAt } : {}) }
  if (exit) {
    const [rc, endEpoch] = exit.split(' ')
    const exitCode = Number(rc)
    const endedAt = epochIso(endEpoch)
    const state = cancelled ? 'CANCELLED' : exitCode === 0 ? 'COMPLETED' : 'FAILED'
    return { ...base, state, raw: `${state} (exit ${exitCode})`, exitCode, ...(endedAt ? { endedAt } : {}) }
  }
  if (alive) return { ...base, state: 'RUNNING', raw: `RUNNING (pid ${pid})` }
  if (cancelled) return { ...base, state: 'CANCELLED', raw: 'CANCELLED' }
  if (start)
    return {
      ...base,
      state: 'FAILED',
      raw: 'FAILED',
      reason: `the job's process ${pid} disappeared without recording an exit status (machine restarted or process killed)`,
    }
  if (Date.now() - submittedMs > START_GRACE_MS)
    return { ...base, state: 'FAILED', raw: 'FAILED', reason: 'the job never started' }
  return { ...base, state: 'PENDING', raw: 'PENDING' }
}
