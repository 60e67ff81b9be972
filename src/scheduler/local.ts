/**
 * The embedded executor for machines without SLURM: each job script runs with bash in its own
 * directory as a detached process group (setsid), its output in the file its `#SBATCH --output`
 * names, its `#SBATCH --time` enforced (TIMEOUT, as SLURM). A wrapper records the start and the exit
 * status in marker files, so an action that was killed and re-run learns the result of a job that
 * finished meanwhile. Everything goes through the Transport, so it behaves the same on this host or
 * over SSH.
 *
 * Every script runs as SLURM runs a batch script: `bash --norc --noprofile` (no rc files, whatever
 * stdin is), in the transport's clean environment (cluster/local.ts), plus SLURM_JOB_ID,
 * SLURM_JOBID, SLURM_JOB_NAME, SLURM_SUBMIT_DIR and SLURM_CPUS_ON_NODE=1.
 *
 * Markers, in `<markerDir>`: `<id>.id` (the id, claimed with O_EXCL), `<id>.launch` ("pid start" of
 * the launcher), `<id>.name`, `<id>.start` ("pid epoch start" of the wrapper, or "abandoned epoch"),
 * `<id>.exit` ("rc epoch"; `<id>.exit-<rc>` when the disk was too full to write it), `<id>.cancelled`,
 * `<id>.timeout` (the limit, seconds). "start" is the process's start time in /proc (clock ticks since
 * boot): a pid and its start time name one process, so a reused pid, a zombie or a wrapper that exec'd
 * its last command are told apart. Job ids are small integers (cruijff_kit's `Job ID: (\d+)` readers).
 *
 * Liveness is proved, never guessed: the launcher waits until the wrapper has claimed `<id>.start`
 * (hard link: atomic, fails when it exists). A poll that finds neither a claim nor a live launcher
 * claims the job itself as "abandoned" — then the wrapper, should it still start, never runs the job.
 */
import type { Transport } from '../cluster/transport.js'
import type { JobSpec, JobStatus, PollQuery, Scheduler, SubmitResult } from './scheduler.js'
import { outputPatternOf, substituteOutput } from './script.js'
import { sbatchTimeLimit } from './time-limit.js'

/**
 * Shell functions of every script here. `procstart PID` sets PS_START to the process's start time
 * (field 22 of /proc/PID/stat) and fails when the process is gone or a zombie; `alive PID START`
 * says whether that very process still runs. Without /proc (not Linux) only the pid is checked.
 */
const PROC = `procstart() {
  PS_START=0
  if [ ! -e /proc/self/stat ]; then kill -0 "$1" 2>/dev/null; return; fi
  local st
  { read -r st < "/proc/$1/stat"; } 2>/dev/null || return 1
  st=\${st##*) }
  set -- $st
  case $1 in Z|X|x) return 1 ;; esac
  PS_START=\${20}
}
alive() {
  procstart "$1" || return 1
  [ -z "\${2:-}" ] || [ "$2" = 0 ] || [ "$PS_START" = 0 ] || [ "$PS_START" = "$2" ]
}
`

/** Seconds between SIGTERM and SIGKILL when the time limit is reached (SLURM's default KillWait). */
const KILL_WAIT_S = 30

/**
 * The job's wrapper: `bash --norc --noprofile -c WRAPPER local-job ID DIR SCRIPT OUTPUT MARKERS NAME
 * LIMIT KILLWAIT`, in its own session. It ends with `exit`, never with a command bash could exec in
 * its place: the process stays the wrapper until the exit marker exists.
 */
const WRAPPER = `set -u
id=$1 dir=$2 script=$3 out=$4 m=$5 name=$6 limit=$7 killwait=$8 me=$$
${PROC}
procstart "$me" || PS_START=0
printf '%s %s %s\\n' "$me" "$(date +%s)" "$PS_START" > "$m/$id.start.$me" || exit 1
if ! ln "$m/$id.start.$me" "$m/$id.start" 2>/dev/null; then rm -f "$m/$id.start.$me"; exit 0; fi
rm -f "$m/$id.start.$me"
how=
trap 'how=term' TERM
watch() {
  trap '' TERM
  local end=$((SECONDS + limit)) left
  while [ "$SECONDS" -lt "$end" ]; do
    left=$((end - SECONDS)); [ "$left" -gt 5 ] && left=5
    sleep "$left"
    kill -0 "$me" 2>/dev/null || exit 0
  done
  printf '%s\\n' "$limit" > "$m/$id.timeout"
  kill -TERM -- "-$me" 2>/dev/null
  sleep "$killwait"
  kill -KILL -- "-$me" 2>/dev/null
  exit 0
}
rc=0
if [ -e "$m/$id.cancelled" ] || [ -n "$how" ]; then
  rc=143
elif cd -- "$dir" 2>/dev/null; then
  mkdir -p -- "$(dirname -- "$out")" 2>/dev/null
  dog=
  if [ "$limit" -gt 0 ]; then watch & dog=$!; fi
  SLURM_JOB_ID=$id SLURM_JOBID=$id SLURM_JOB_NAME=$name SLURM_SUBMIT_DIR=$dir SLURM_CPUS_ON_NODE=1 \\
    bash --norc --noprofile "$script" > "$out" 2>&1 < /dev/null
  rc=$?
  if [ -n "$dog" ]; then kill -KILL "$dog" 2>/dev/null; fi
else
  mkdir -p -- "$(dirname -- "$out")" 2>/dev/null
  echo "run-experiment local executor: cannot enter $dir" > "$out"
  rc=1
fi
if ! { printf '%s %s\\n' "$rc" "$(date +%s)" > "$m/$id.exit.$me" && mv -f "$m/$id.exit.$me" "$m/$id.exit"; } 2>/dev/null
then
  ln "$m/$id.start" "$m/$id.exit-$rc" 2>/dev/null
fi
exit 0
`

/**
 * Starts the wrapper detached from us (and from an SSH channel): new session, no inherited pipes.
 * Records its own identity first, so a poll can tell "still launching" from "launcher killed"; returns
 * only once the wrapper has claimed the job (or, when it never does, after claiming it as abandoned).
 */
const LAUNCH = `w=$1; shift
id=$1 m=$5 name=$6
${PROC}
procstart "$$" || PS_START=0
{ printf '%s %s\\n' "$$" "$PS_START" > "$m/$id.launch.tmp" && mv -f "$m/$id.launch.tmp" "$m/$id.launch" &&
  printf '%s\\n' "$name" > "$m/$id.name.tmp" && mv -f "$m/$id.name.tmp" "$m/$id.name"; } ||
  { echo "cannot write the job's markers in $m" >&2; exit 1; }
setsid -f bash --norc --noprofile -c "$w" local-job "$@" </dev/null >/dev/null 2>&1 ||
  { echo "setsid failed" >&2; exit 1; }
i=0
while [ ! -e "$m/$id.start" ]; do
  i=$((i + 1))
  if [ "$i" -gt 600 ]; then
    printf 'abandoned %s\\n' "$(date +%s)" > "$m/$id.abandon.$$" && ln "$m/$id.abandon.$$" "$m/$id.start" 2>/dev/null &&
      { rm -f "$m/$id.abandon.$$"; echo "the job did not start within 30 s" >&2; exit 1; }
    rm -f "$m/$id.abandon.$$"
  fi
  sleep 0.05
done
exit 0
`

/** One command for all polled jobs: prints `id|exit|start|alive|cancelled|timeout` per job (alive 2: launching). */
const POLL = `m=$1; shift
${PROC}
for id in "$@"; do
  e= s= spid= sep= sst= l= a=0 c=0 t=
  { read -r e < "$m/$id.exit"; } 2>/dev/null
  if [ -z "$e" ]; then
    { read -r spid sep sst < "$m/$id.start"; } 2>/dev/null
    if [ -z "$spid" ] && [ -e "$m/$id.launch" ]; then
      { read -r l < "$m/$id.launch"; } 2>/dev/null
      if [ -n "$l" ] && alive $l; then a=2
      else
        # The launcher is gone and the job never claimed its start: claim it, unless it does so first.
        { printf 'abandoned %s\\n' "$(date +%s)" > "$m/$id.abandon.$$" &&
          ln "$m/$id.abandon.$$" "$m/$id.start"; } 2>/dev/null
        rm -f "$m/$id.abandon.$$"
        { read -r spid sep sst < "$m/$id.start"; } 2>/dev/null
      fi
    fi
    if [ -n "$spid" ] && [ "$spid" != abandoned ]; then
      if [ -n "$sst" ]; then alive "$spid" "$sst" && a=1
      elif [ -r "/proc/$spid/cmdline" ] &&
        tr '\\0' ' ' < "/proc/$spid/cmdline" 2>/dev/null | grep -q -- "local-job $id "; then a=1
      fi
    fi
    if [ "$a" = 0 ]; then
      # Gone: the wrapper records the exit before it ends, so look again now.
      { read -r e < "$m/$id.exit"; } 2>/dev/null
      if [ -z "$e" ]; then for f in "$m/$id".exit-*; do [ -e "$f" ] && e="\${f##*.exit-} -"; break; done; fi
    fi
  fi
  [ -z "$spid" ] && { read -r spid sep sst < "$m/$id.start"; } 2>/dev/null
  s=\${spid:+$spid \${sep:-}}
  [ -e "$m/$id.cancelled" ] && c=1
  [ -e "$m/$id.timeout" ] && { read -r t < "$m/$id.timeout"; } 2>/dev/null && t=\${t:-0}
  printf '%s|%s|%s|%s|%s|%s\\n' "$id" "$e" "$s" "$a" "$c" "$t"
done`

/** Marks unfinished jobs cancelled and ends each one's process group (only that very process's: pids are reused). */
const CANCEL = `m=$1; shift
${PROC}
for id in "$@"; do
  e= spid= sep= sst=
  { read -r e < "$m/$id.exit"; } 2>/dev/null
  [ -n "$e" ] && continue
  : > "$m/$id.cancelled"
  { read -r spid sep sst < "$m/$id.start"; } 2>/dev/null
  if [ -n "$spid" ] && [ "$spid" != abandoned ] && alive "$spid" "$sst"; then kill -TERM -- "-$spid" 2>/dev/null; fi
done
exit 0`

/** A job of an earlier version (no launcher record) with no start this long after submission never started. */
const START_GRACE_MS = 120_000

/** How every script here is run: no rc files, whatever stdin is (bash reads ~/.bashrc when it is a socket). */
const BASH = ['bash', '--norc', '--noprofile', '-c'] as const

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
    return outputPatternOf(scriptText, jobDir)
  }

  outputPath(pattern: string, jobId: string, jobName: string): string {
    return substituteOutput(pattern, jobId, jobName)
  }

  /** No memory limits are enforced here: the state stands as it is. */
  classify(status: JobStatus): JobStatus {
    return status
  }

  async submit(job: JobSpec): Promise<SubmitResult> {
    const script = job.scriptText ?? (await this.transport.readFile(`${job.dir}/${job.script}`))?.toString('utf8') ?? ''
    const limit = sbatchTimeLimit(script)
    if (!limit.ok) return { ok: false, error: { message: `sbatch: error: ${limit.error}`, retryLater: false } }
    await this.transport.mkdirp(this.markerDir)
    const id = await this.allocateId()
    const output = substituteOutput(job.outputPattern, id, job.name)
    this.commands++
    const envArgs = Object.entries(job.env ?? {}).map(([k, v]) => `${k}=${v}`)
    const launch = [
      ...BASH,
      LAUNCH,
      'launch',
      WRAPPER,
      id,
      job.dir,
      job.script,
      output,
      this.markerDir,
      job.name,
      String(limit.value),
      String(KILL_WAIT_S),
    ]
    const r = await this.transport.exec(envArgs.length ? ['env', ...envArgs, ...launch] : launch)
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
    const r = await this.transport.exec([...BASH, POLL, 'poll', this.markerDir, ...jobs.map((j) => j.jobId)])
    const submitted = new Map(jobs.map((j) => [j.jobId, Date.parse(j.submittedAt)]))
    if (r.code !== 0) {
      for (const j of jobs)
        result.set(j.jobId, { jobId: j.jobId, state: 'UNKNOWN', raw: `poll failed: ${r.stderr.trim()}` })
      return result
    }
    for (const line of r.stdout.split('\n')) {
      const [id, exit, start, alive, cancelled, timeout] = line.split('|')
      if (!id || timeout === undefined || !submitted.has(id)) continue
      result.set(
        id,
        interpret({
          id,
          exit: exit ?? '',
          start: start ?? '',
          alive: alive === '1' ? 'running' : alive === '2' ? 'launching' : 'gone',
          cancelled: cancelled === '1',
          timeLimit: timeout === '' ? undefined : Number(timeout),
          submittedMs: submitted.get(id) ?? Date.now(),
        }),
      )
    }
    return result
  }

  /** Jobs under this name that ran, run or may still start (never the ones abandoned before they began). */
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
    const queries = found.map((f) => ({ jobId: f.jobId, submittedAt: new Date(0).toISOString() }))
    const polled = await this.poll(queries)
    return found.map((f) => polled.get(f.jobId) ?? f).filter((s) => !NEVER_STARTED.test(s.raw))
  }

  async cancel(jobIds: readonly string[]): Promise<void> {
    if (jobIds.length === 0) return
    this.commands++
    await this.transport.exec([...BASH, CANCEL, 'cancel', this.markerDir, ...jobIds])
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

interface Observed {
  id: string
  /** The exit marker: "rc epoch" (epoch "-" when only the rc could be recorded), or "". */
  exit: string
  /** The start marker: "pid epoch", "abandoned epoch", or "". */
  start: string
  alive: 'running' | 'launching' | 'gone'
  cancelled: boolean
  /** The time limit, seconds, when the job reached it. */
  timeLimit: number | undefined
  submittedMs: number
}

/** The raw text of a job abandoned before it began: it never ran and never will. */
const NEVER_STARTED = /^FAILED \(never started\)$/

/** A job's state from its markers. */
function interpret(o: Observed): JobStatus {
  const epochIso = (s: string | undefined): string | undefined =>
    s && /^\d+$/.test(s) ? new Date(Number(s) * 1000).toISOString() : undefined
  const [pid, startEpoch] = o.start.split(' ')
  const abandoned = pid === 'abandoned'
  const startedAt = abandoned ? undefined : epochIso(startEpoch)
  const base = { jobId: o.id, ...(startedAt ? { startedAt } : {}) }
  const timeout =
    o.timeLimit !== undefined ? { reason: `reached its time limit (#SBATCH --time, ${o.timeLimit} s)` } : undefined
  if (o.exit) {
    const [rc, endEpoch] = o.exit.split(' ')
    const exitCode = Number(rc)
    const endedAt = epochIso(endEpoch)
    // A job that exited 0 finished before its cancellation reached it: COMPLETED, as SLURM says.
    const state = timeout ? 'TIMEOUT' : exitCode === 0 ? 'COMPLETED' : o.cancelled ? 'CANCELLED' : 'FAILED'
    return {
      ...base,
      state,
      raw: `${state} (exit ${exitCode})`,
      exitCode,
      ...(endedAt ? { endedAt } : {}),
      ...(timeout ?? {}),
    }
  }
  if (o.alive === 'running') return { ...base, state: 'RUNNING', raw: `RUNNING (pid ${pid})` }
  if (o.alive === 'launching') return { ...base, state: 'PENDING', raw: 'PENDING (launching)' }
  if (timeout) return { ...base, state: 'TIMEOUT', raw: 'TIMEOUT (killed)', ...timeout }
  if (o.cancelled) return { ...base, state: 'CANCELLED', raw: 'CANCELLED' }
  if (abandoned)
    return {
      ...base,
      state: 'FAILED',
      raw: 'FAILED (never started)',
      reason: 'the job never started: its launcher ended before the job began',
    }
  if (o.start)
    return {
      ...base,
      state: 'FAILED',
      raw: 'FAILED',
      reason:
        `the job's process ${pid} disappeared without recording an exit status ` +
        '(machine restarted or process killed)',
    }
  if (Date.now() - o.submittedMs > START_GRACE_MS)
    return { ...base, state: 'FAILED', raw: 'FAILED', reason: 'the job never started' }
  return { ...base, state: 'PENDING', raw: 'PENDING' }
}
