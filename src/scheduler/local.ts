/**
 * The embedded executor for machines without SLURM: each job script runs with bash in its own
 * directory as a detached process group (setsid), its output in the file its `#SBATCH --output`
 * names, its time limit enforced (TIMEOUT, as SLURM): `#SBATCH --time`, else the `local-time-limit`
 * input. A wrapper records the start and the exit status in marker files, so an action that was killed
 * and re-run learns the result of a job that finished meanwhile. Everything goes through the Transport,
 * so it behaves the same on this host or over SSH.
 *
 * Every script runs as SLURM runs a batch script: `bash --norc --noprofile` (no rc files, whatever
 * stdin is), in the transport's clean environment (cluster/local.ts), plus SLURM_JOB_ID,
 * SLURM_JOBID, SLURM_JOB_NAME, SLURM_SUBMIT_DIR and SLURM_CPUS_ON_NODE=1.
 *
 * Job records live in the directory the caller gives (`jobsDir`; the action keeps it outside the run
 * directory, so a cleaned or copied run directory neither loses nor forges them): `<id>.id` (the
 * submission time, claimed with O_EXCL), `<id>.launch` ("pid start" of the launcher), `<id>.name`,
 * `<id>.marker` (JobSpec.marker, else `run-experiment:<name>`), `<id>.dir` (the job's directory),
 * `<id>.dep` (the `afterok` ids, one line), `<id>.start` ("pid epoch start" of the wrapper, epoch `-`
 * while it waits for its dependencies; or "abandoned epoch"), `<id>.exit` ("rc epoch"; `<id>.exit-<rc>`
 * when the disk was too full to write it), `<id>.cancelled`, `<id>.timeout` ("seconds source": the
 * limit it reached), `<id>.lock`. "start" is the process's start time in /proc (clock ticks since
 * boot): a pid and its start time name one process, so a reused pid, a zombie or a wrapper that exec'd
 * its last command are told apart. Job ids are positive integers (cruijff_kit's `Job ID: (\d+)`
 * readers); any other id given to poll, cancel, describe or updateDependency is refused, never passed
 * to a shell. A pid is signalled only when it is above 1 and its start time is the one recorded.
 *
 * Liveness is proved, never guessed: the launcher waits until the wrapper has claimed `<id>.start`
 * (hard link: atomic, fails when it exists). A poll that finds neither a claim nor a live launcher
 * claims the job itself as "abandoned" — then the wrapper, should it still start, never runs the job.
 *
 * Dependencies, without a daemon: a dependent job's wrapper starts detached at submission like any
 * other, then waits (sleeping, re-reading `<id>.dep`) until every job it depends on has an exit marker
 * with status 0 and no time-out, and begins. It decides under `flock <id>.lock`, the lock
 * updateDependency takes to rewrite `<id>.dep`, so a job is never re-pointed after it began. While it
 * waits, poll reports PENDING with reason `Dependency`, or `DependencyNeverSatisfied` once one of them
 * ended otherwise (as SLURM, it then waits until re-pointed or cancelled). Its time limit counts from
 * when it began.
 */
import type { Transport } from '../cluster/transport.js'
import { err, ok, type Result } from '../result.js'
import {
  isPlainJobId,
  isTerminal,
  markerOf,
  markerProblem,
  type DescribedJob,
  type JobSpec,
  type JobStatus,
  type MarkedJob,
  type PollQuery,
  type Scheduler,
  type SubmitResult,
} from './scheduler.js'
import { outputPatternOf, substituteOutput } from './script.js'
import { sbatchTimeLimit } from './time-limit.js'

/**
 * Shell functions of every script here. `procstart PID` sets PS_START to the process's start time
 * (field 22 of /proc/PID/stat) and fails when the process is gone or a zombie; `alive PID START`
 * says whether that very process still runs (without /proc, not Linux, only the pid is checked);
 * `ours PID START` whether it may be signalled: a pid above 1 whose start time is START, recorded
 * and checked in /proc, never a guess.
 */
const PROC = `pidok() { case $1 in ''|0*|*[!0-9]*) return 1 ;; esac; [ "$1" -gt 1 ]; }
procstart() {
  PS_START=0
  pidok "$1" || return 1
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
ours() {
  case \${2:-} in ''|0|*[!0-9]*) return 1 ;; esac
  [ -e /proc/self/stat ] && procstart "$1" && [ "$PS_START" = "$2" ]
}
`

/** Seconds between SIGTERM and SIGKILL when the time limit is reached (SLURM's default KillWait). */
const KILL_WAIT_S = 30

/** Seconds a waiting job sleeps between two looks at its dependencies. */
const DEPENDENCY_WAIT_S = 1

/**
 * The job's wrapper: `bash --norc --noprofile -c WRAPPER local-job ID DIR SCRIPT OUTPUT MARKERS NAME
 * LIMIT KILLWAIT LIMITSOURCE`, in its own session. It ends with `exit`, never with a command bash could
 * exec in its place: the process stays the wrapper until the exit marker exists.
 */
const WRAPPER = `set -u -f
id=$1 dir=$2 script=$3 out=$4 m=$5 name=$6 limit=$7 killwait=$8 source=$9 me=$$
${PROC}
depsok() {
  local deps= d e
  { read -r deps < "$m/$id.dep"; } 2>/dev/null
  for d in $deps; do
    case $d in ''|0*|*[!0-9]*) return 1 ;; esac
    e=
    { read -r e < "$m/$d.exit"; } 2>/dev/null
    [ -z "$e" ] && [ -e "$m/$d.exit-0" ] && e=0
    [ "\${e%% *}" = 0 ] && [ ! -e "$m/$d.timeout" ] || return 1
  done
}
procstart "$me" || PS_START=0
pst=$PS_START
printf '%s - %s\\n' "$me" "$pst" > "$m/$id.start.$me" || exit 1
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
  printf '%s %s\\n' "$limit" "$source" > "$m/$id.timeout"
  kill -TERM -- "-$me" 2>/dev/null
  sleep "$killwait"
  kill -KILL -- "-$me" 2>/dev/null
  exit 0
}
began=
exec 9>>"$m/$id.lock"
while [ -z "$how" ] && [ ! -e "$m/$id.cancelled" ]; do
  flock 9
  if depsok; then
    if [ ! -e "$m/$id.cancelled" ] && printf '%s %s %s\\n' "$me" "$(date +%s)" "$pst" > "$m/$id.start.$me" &&
      mv -f "$m/$id.start.$me" "$m/$id.start"; then began=1; fi
    flock -u 9
    break
  fi
  flock -u 9
  sleep ${DEPENDENCY_WAIT_S}
done
exec 9>&-
rc=0
if [ -z "$began" ] || [ -n "$how" ]; then
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
 * `LAUNCH WRAPPER MARKER DEPS <the wrapper's arguments>`. Records its own identity first, so a poll can
 * tell "still launching" from "launcher killed", then what the job is; returns only once the wrapper has
 * claimed the job and begun it (or waits for its dependencies), or, when it never claims it, after
 * claiming it as abandoned.
 */
const LAUNCH = `w=$1 marker=$2 deps=$3; shift 3
id=$1 dir=$2 m=$5 name=$6
${PROC}
procstart "$$" || PS_START=0
put() { printf '%s\\n' "$2" > "$m/$id.$1.tmp" && mv -f "$m/$id.$1.tmp" "$m/$id.$1"; }
{ put launch "$$ $PS_START" && put name "$name" && put marker "$marker" && put dir "$dir" && put dep "$deps"; } ||
  { echo "cannot write the job's markers in $m" >&2; exit 1; }
setsid -f bash --norc --noprofile -c "$w" local-job "$@" </dev/null >/dev/null 2>&1 ||
  { echo "setsid failed" >&2; exit 1; }
i=0
while :; do
  spid= sep=
  { read -r spid sep _ < "$m/$id.start"; } 2>/dev/null
  # claimed, and begun (or waiting for its dependencies, or already over)
  if [ -n "$spid" ] && { [ "$sep" != - ] || [ -n "$deps" ] || [ -e "$m/$id.exit" ] || [ -e "$m/$id.cancelled" ]; }
  then exit 0; fi
  i=$((i + 1))
  if [ "$i" -gt 600 ]; then
    [ -n "$spid" ] && exit 0
    printf 'abandoned %s\\n' "$(date +%s)" > "$m/$id.abandon.$$" && ln "$m/$id.abandon.$$" "$m/$id.start" 2>/dev/null &&
      { rm -f "$m/$id.abandon.$$"; echo "the job did not start within 30 s" >&2; exit 1; }
    rm -f "$m/$id.abandon.$$"
  fi
  sleep 0.05
done
`

/** Unit separator: what POLL prints between fields (no marker, name or directory holds it). */
const SEP = '\x1f'

/**
 * One command for all jobs asked (or, with `--all` first, every job in the directory). Prints per job,
 * fields separated by SEP: id, exit, start ("pid epoch"), alive (1 running or waiting, 2 launching),
 * cancelled, timeout ("seconds source"), dependency (wait, never, or empty when not waiting), known (1
 * when `<id>.id` exists), submitted, marker, name, directory.
 */
const POLL = `m=$1; shift
set -f
S=$'\\037'
${PROC}
observe() {
  local id=$1 l f
  O_E= O_SPID= O_SEP= O_SST= O_A=0 O_C=0 O_T=
  { read -r O_E < "$m/$id.exit"; } 2>/dev/null
  if [ -z "$O_E" ]; then
    { read -r O_SPID O_SEP O_SST < "$m/$id.start"; } 2>/dev/null
    if [ -z "$O_SPID" ] && [ -e "$m/$id.launch" ]; then
      l=
      { read -r l < "$m/$id.launch"; } 2>/dev/null
      if [ -n "$l" ] && alive $l; then O_A=2
      else
        # The launcher is gone and the job never claimed its start: claim it, unless it does so first.
        { printf 'abandoned %s\\n' "$(date +%s)" > "$m/$id.abandon.$$" &&
          ln "$m/$id.abandon.$$" "$m/$id.start"; } 2>/dev/null
        rm -f "$m/$id.abandon.$$"
        { read -r O_SPID O_SEP O_SST < "$m/$id.start"; } 2>/dev/null
      fi
    fi
    if [ -n "$O_SPID" ] && [ "$O_SPID" != abandoned ]; then
      if [ -n "$O_SST" ]; then alive "$O_SPID" "$O_SST" && O_A=1
      elif pidok "$O_SPID" && [ -r "/proc/$O_SPID/cmdline" ] &&
        tr '\\0' ' ' < "/proc/$O_SPID/cmdline" 2>/dev/null | grep -q -- "local-job $id "; then O_A=1
      fi
    fi
    if [ "$O_A" = 0 ]; then
      # Gone: the wrapper records the exit before it ends, so look again now.
      { read -r O_E < "$m/$id.exit"; } 2>/dev/null
      if [ -z "$O_E" ]; then
        set +f
        for f in "$m/$id".exit-*; do [ -e "$f" ] && O_E="\${f##*.exit-} -"; break; done
        set -f
      fi
    fi
  fi
  [ -z "$O_SPID" ] && { read -r O_SPID O_SEP O_SST < "$m/$id.start"; } 2>/dev/null
  [ -e "$m/$id.cancelled" ] && O_C=1
  [ -e "$m/$id.timeout" ] && { read -r O_T < "$m/$id.timeout"; } 2>/dev/null && O_T=\${O_T:-0}
}
# D: never when one of job $1's dependencies ended otherwise than with exit 0 (or is unknown), else wait.
depstate() {
  local deps= d
  D=wait
  { read -r deps < "$m/$1.dep"; } 2>/dev/null
  for d in $deps; do
    case $d in ''|0*|*[!0-9]*) D=never; continue ;; esac
    [ -e "$m/$d.id" ] || { D=never; continue; }
    observe "$d"
    if [ -n "$O_E" ]; then
      [ "\${O_E%% *}" = 0 ] && [ -z "$O_T" ] || D=never
    elif [ "$O_SPID" = abandoned ] || { [ "$O_A" = 0 ] && { [ -n "$O_SPID" ] || [ ! -e "$m/$d.launch" ]; }; }; then
      D=never
    fi
  done
}
if [ "\${1:-}" = --all ]; then
  set --
  set +f
  for f in "$m"/*.id; do f=\${f##*/}; set -- "$@" "\${f%.id}"; done
  set -f
fi
for id in "$@"; do
  case $id in ''|0*|*[!0-9]*) continue ;; esac
  observe "$id"
  e=$O_E spid=$O_SPID sep=$O_SEP a=$O_A c=$O_C t=$O_T dep= k=0 sub= mk= nm= dr=
  if [ "$a" = 1 ] && [ "$sep" = - ]; then depstate "$id"; dep=$D; fi
  [ -e "$m/$id.id" ] && { k=1; { read -r sub < "$m/$id.id"; } 2>/dev/null; }
  { IFS= read -r mk < "$m/$id.marker"; } 2>/dev/null
  { IFS= read -r nm < "$m/$id.name"; } 2>/dev/null
  { IFS= read -r dr < "$m/$id.dir"; } 2>/dev/null
  printf '%s\\n' "$id$S$e$S\${spid:+$spid \${sep:-}}$S$a$S$c$S$t$S$dep$S$k$S$sub$S$mk$S$nm$S$dr"
done`

/** Marks unfinished jobs cancelled and ends each one's process group (only that very process's: pids are reused). */
const CANCEL = `m=$1; shift
${PROC}
for id in "$@"; do
  case $id in ''|0*|*[!0-9]*) continue ;; esac
  [ -e "$m/$id.id" ] || continue
  e= spid= sep= sst=
  { read -r e < "$m/$id.exit"; } 2>/dev/null
  [ -n "$e" ] && continue
  : > "$m/$id.cancelled"
  { read -r spid sep sst < "$m/$id.start"; } 2>/dev/null
  if ours "$spid" "$sst"; then kill -TERM -- "-$spid" 2>/dev/null; fi
done
exit 0`

/** Prints the ids among its arguments that have no job record here. */
const UNKNOWN = `m=$1; shift
for d in "$@"; do [ -e "$m/$d.id" ] || printf '%s\\n' "$d"; done`

/**
 * Re-points job ID's dependencies to the rest of the arguments, under the lock its wrapper decides
 * under: refused (exit 1, SLURM's words) when the job is unknown, finished or already began.
 */
const UPDATE = `m=$1 id=$2; shift 2
[ -e "$m/$id.id" ] || { echo "Invalid job id specified" >&2; exit 1; }
exec 9>>"$m/$id.lock" || exit 1
flock 9
e= spid= sep= sst=
{ read -r e < "$m/$id.exit"; } 2>/dev/null
for f in "$m/$id".exit-*; do [ -e "$f" ] && e=x; break; done
[ -z "$e" ] || { echo "Job has already finished" >&2; exit 1; }
{ read -r spid sep sst < "$m/$id.start"; } 2>/dev/null
[ "$spid" != abandoned ] || { echo "Job has already finished (it never started)" >&2; exit 1; }
[ -z "$sep" ] || [ "$sep" = - ] || { echo "Job is no longer pending execution" >&2; exit 1; }
{ printf '%s\\n' "$*" > "$m/$id.dep.tmp" && mv -f "$m/$id.dep.tmp" "$m/$id.dep"; } ||
  { echo "cannot write $m/$id.dep" >&2; exit 1; }`

/** A job of an earlier version (no launcher record) with no start this long after submission never started. */
const START_GRACE_MS = 120_000

/** How every script here is run: no rc files, whatever stdin is (bash reads ~/.bashrc when it is a socket). */
const BASH = ['bash', '--norc', '--noprofile', '-c'] as const

/** One line of POLL's output. */
interface JobRecord {
  observed: Observed
  known: boolean
  submittedAt?: string
  marker?: string
  workDir?: string
}

export class LocalScheduler implements Scheduler {
  readonly kind = 'local'
  readonly submitCommand = 'bash'
  readonly staggerSeconds = 0
  /** Outputs are written on this machine's own filesystem: nothing lags. */
  readonly outputWaitSeconds = 0
  readonly chainsJobs = true
  /** Commands run, for benchmarks. */
  commands = 0

  /**
   * @param jobsDir where the job records live (created at the first submission)
   * @param defaultTimeLimit seconds a job whose script sets no `#SBATCH --time` may run (0: no limit)
   */
  constructor(
    private readonly transport: Transport,
    private readonly jobsDir: string,
    readonly maxInFlight: number,
    private readonly defaultTimeLimit = 0,
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
    const badMarker = job.marker === undefined ? undefined : markerProblem(job.marker)
    if (badMarker) return { ok: false, error: { message: badMarker, retryLater: false } }
    const script = job.scriptText ?? (await this.transport.readFile(`${job.dir}/${job.script}`))?.toString('utf8') ?? ''
    const own = sbatchTimeLimit(script)
    if (!own.ok) return { ok: false, error: { message: `sbatch: error: ${own.error}`, retryLater: false } }
    const [limit, source] =
      own.value === undefined ? [this.defaultTimeLimit, 'local-time-limit'] : [own.value, '#SBATCH --time']
    await this.transport.mkdirp(this.jobsDir)
    const after = job.dependency?.afterok ?? []
    if (after.length > 0) {
      const unknown = await this.unknown(after)
      if (!unknown.ok) return { ok: false, error: { message: unknown.error, retryLater: true } }
      if (unknown.value.length > 0) {
        const what = `afterok:${after.join(':')}`
        return {
          ok: false,
          error: {
            message: `dependency ${what}: no job ${unknown.value.join(', ')} here`,
            retryLater: false,
            code: 'unknown-dependency',
          },
        }
      }
    }
    const id = await this.allocateId()
    const output = substituteOutput(job.outputPattern, id, job.name)
    this.commands++
    const envArgs = Object.entries(job.env ?? {}).map(([k, v]) => `${k}=${v}`)
    const launch = [
      ...BASH,
      LAUNCH,
      'launch',
      WRAPPER,
      markerOf(job),
      after.join(' '),
      id,
      job.dir,
      job.script,
      output,
      this.jobsDir,
      job.name,
      String(limit),
      String(KILL_WAIT_S),
      source,
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

  /** The ids among these that have no job record here (one command); malformed ones included. */
  private async unknown(ids: readonly string[]): Promise<Result<string[], string>> {
    const plain = ids.filter(isPlainJobId)
    const malformed = ids.filter((id) => !isPlainJobId(id))
    if (plain.length === 0) return ok(malformed)
    this.commands++
    const r = await this.transport.exec([...BASH, UNKNOWN, 'unknown', this.jobsDir, ...plain])
    if (r.code !== 0) return err(`cannot read the job records in ${this.jobsDir}: ${r.stderr.trim()}`)
    return ok([...malformed, ...r.stdout.split('\n').filter((l) => plain.includes(l))])
  }

  async poll(jobs: readonly PollQuery[]): Promise<Map<string, JobStatus>> {
    const result = new Map<string, JobStatus>()
    if (jobs.length === 0) return result
    const submitted = new Map(jobs.map((j) => [j.jobId, Date.parse(j.submittedAt)]))
    const ids = [...submitted.keys()]
    for (const id of ids.filter((i) => !isPlainJobId(i)))
      result.set(id, { jobId: id, state: 'UNKNOWN', raw: `not a job id of the local executor: ${id}` })
    const plain = ids.filter(isPlainJobId)
    if (plain.length === 0) return result
    const records = await this.records(plain)
    if (!records.ok) {
      for (const id of plain) result.set(id, { jobId: id, state: 'UNKNOWN', raw: `poll failed: ${records.error}` })
      return result
    }
    for (const [id, rec] of records.value) {
      result.set(id, interpret(rec.observed, submitted.get(id) ?? Date.now()))
    }
    return result
  }

  async findMarked(prefix: string, since: string): Promise<MarkedJob[]> {
    const records = await this.records('all')
    if (!records.ok) throw new Error(`cannot tell which jobs exist: ${records.error}`)
    const sinceMs = Date.parse(since)
    const found: MarkedJob[] = []
    for (const rec of records.value.values()) {
      if (!rec.known || !rec.marker?.startsWith(prefix)) continue
      const status = interpret(rec.observed, Date.parse(rec.submittedAt ?? '') || Date.now())
      // abandoned before it began: it never ran and never will (as a submission sbatch refused)
      if (NEVER_STARTED.test(status.raw)) continue
      if (isTerminal(status.state) && status.endedAt && Date.parse(status.endedAt) < sinceMs) continue
      found.push({ ...describedOf(rec, status), marker: rec.marker })
    }
    return found.sort((a, b) => Number(a.status.jobId) - Number(b.status.jobId))
  }

  /** Jobs under this name that ran, run or may still start (never the ones abandoned before they began). */
  async findByName(name: string, since: string = new Date(0).toISOString()): Promise<JobStatus[]> {
    const identity = markerOf({ name })
    const found = await this.findMarked(identity, since)
    return found.filter((j) => j.marker === identity || j.marker.startsWith(`${identity}:`)).map((j) => j.status)
  }

  async describe(jobIds: readonly string[]): Promise<Map<string, DescribedJob>> {
    const result = new Map<string, DescribedJob>()
    const ids = [...new Set(jobIds)].filter(isPlainJobId)
    if (ids.length === 0) return result
    const records = await this.records(ids)
    if (!records.ok) throw new Error(`cannot tell which jobs exist: ${records.error}`)
    for (const [id, rec] of records.value) {
      if (!rec.known) continue
      result.set(id, describedOf(rec, interpret(rec.observed, Date.parse(rec.submittedAt ?? '') || Date.now())))
    }
    return result
  }

  async updateDependency(jobId: string, afterok: readonly string[]): Promise<Result<void, string>> {
    if (!isPlainJobId(jobId)) return err(`not a job id of the local executor: ${jobId}`)
    if (afterok.length > 0) {
      const unknown = await this.unknown(afterok)
      if (!unknown.ok) return unknown
      if (unknown.value.length > 0)
        return err(`dependency afterok:${afterok.join(':')}: no job ${unknown.value.join(', ')} here`)
    }
    this.commands++
    const r = await this.transport.exec([...BASH, UPDATE, 'update', this.jobsDir, jobId, ...afterok])
    return r.code === 0 ? ok(undefined) : err(`${(r.stderr || r.stdout).trim() || `exit ${r.code}`} (job ${jobId})`)
  }

  async cancel(jobIds: readonly string[]): Promise<void> {
    const ids = [...new Set(jobIds)].filter(isPlainJobId)
    if (ids.length === 0) return
    this.commands++
    await this.transport.exec([...BASH, CANCEL, 'cancel', this.jobsDir, ...ids])
  }

  /** What the records say of these jobs (or of all of them): ONE command. */
  private async records(ids: readonly string[] | 'all'): Promise<Result<Map<string, JobRecord>, string>> {
    this.commands++
    const args = ids === 'all' ? ['--all'] : ids
    const r = await this.transport.exec([...BASH, POLL, 'poll', this.jobsDir, ...args])
    if (r.code !== 0) return err(r.stderr.trim() || `exit ${r.code}`)
    const out = new Map<string, JobRecord>()
    for (const line of r.stdout.split('\n')) {
      const f = line.split(SEP)
      const [id, exit, start, alive, cancelled, timeout, dependency, known, submitted, marker, name, dir] = f
      if (!id || f.length < 12 || (ids !== 'all' && !ids.includes(id))) continue
      const [limit, ...source] = (timeout ?? '').split(' ')
      const waiting = alive === '1' && (start ?? '').split(' ')[1] === '-'
      out.set(id, {
        observed: {
          id,
          exit: exit ?? '',
          start: start ?? '',
          alive: waiting ? 'waiting' : alive === '1' ? 'running' : alive === '2' ? 'launching' : 'gone',
          dependency: dependency === 'never' ? 'never' : 'wait',
          cancelled: cancelled === '1',
          timeLimit: timeout ? { seconds: Number(limit), source: source.join(' ') || '#SBATCH --time' } : undefined,
        },
        known: known === '1',
        ...(submitted && !Number.isNaN(Date.parse(submitted))
          ? { submittedAt: new Date(submitted).toISOString() }
          : {}),
        // jobs of earlier versions carry only their name
        ...(marker ? { marker } : name ? { marker: markerOf({ name }) } : {}),
        ...(dir ? { workDir: dir } : {}),
      })
    }
    return ok(out)
  }

  /** The next free integer id, claimed with O_EXCL so two submitters never share one. */
  private async allocateId(): Promise<string> {
    const entries = (await this.transport.list(this.jobsDir)) ?? []
    let next = 1
    for (const e of entries) {
      const m = /^(\d+)\.id$/.exec(e.name)
      if (m?.[1]) next = Math.max(next, Number(m[1]) + 1)
    }
    for (;;) {
      if (await this.transport.createExclusive(`${this.jobsDir}/${next}.id`, `${new Date().toISOString()}\n`))
        return String(next)
      next++
    }
  }
}

function describedOf(rec: JobRecord, status: JobStatus): DescribedJob {
  return {
    status,
    ...(rec.marker !== undefined ? { marker: rec.marker } : {}),
    ...(rec.workDir !== undefined ? { workDir: rec.workDir } : {}),
    ...(rec.submittedAt !== undefined ? { submittedAt: rec.submittedAt } : {}),
  }
}

interface Observed {
  id: string
  /** The exit marker: "rc epoch" (epoch "-" when only the rc could be recorded), or "". */
  exit: string
  /** The start marker: "pid epoch" (epoch "-" while waiting for dependencies), "abandoned epoch", or "". */
  start: string
  alive: 'running' | 'waiting' | 'launching' | 'gone'
  /** While waiting: whether a dependency can still be met. */
  dependency: 'wait' | 'never'
  cancelled: boolean
  /** The time limit the job reached, and where it came from. */
  timeLimit: { seconds: number; source: string } | undefined
}

/** The raw text of a job abandoned before it began: it never ran and never will. */
const NEVER_STARTED = /^FAILED \(never started\)$/

/** A job's state from its markers (`submittedMs`: when it was submitted, for jobs of earlier versions). */
function interpret(o: Observed, submittedMs: number): JobStatus {
  const epochIso = (s: string | undefined): string | undefined =>
    s && /^\d+$/.test(s) ? new Date(Number(s) * 1000).toISOString() : undefined
  const [pid, startEpoch] = o.start.split(' ')
  const abandoned = pid === 'abandoned'
  const startedAt = abandoned ? undefined : epochIso(startEpoch)
  const base = { jobId: o.id, ...(startedAt ? { startedAt } : {}) }
  const timeout =
    o.timeLimit !== undefined
      ? { reason: `reached its time limit (${o.timeLimit.source}, ${o.timeLimit.seconds} s)` }
      : undefined
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
  if (o.alive === 'waiting') {
    const reason = o.dependency === 'never' ? 'DependencyNeverSatisfied' : 'Dependency'
    return { ...base, state: 'PENDING', raw: `PENDING (${reason})`, reason }
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
  if (Date.now() - submittedMs > START_GRACE_MS)
    return { ...base, state: 'FAILED', raw: 'FAILED', reason: 'the job never started' }
  return { ...base, state: 'PENDING', raw: 'PENDING' }
}
