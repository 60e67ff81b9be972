/**
 * The local executor's bash programs (local.ts runs each as `BASH PROGRAM NAME ARGS...`): the launcher
 * and the job's wrapper, and one command each to poll, cancel, re-point the dependencies of, and look up
 * jobs by their records. Their files and the rules they keep are local.ts's header.
 */

/** How every script here is run: no rc files, whatever stdin is (bash reads ~/.bashrc when it is a socket). */
export const BASH = ['bash', '--norc', '--noprofile', '-c'] as const

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
export const KILL_WAIT_S = 30

/** Seconds a waiting job sleeps between two looks at its dependencies. */
const DEPENDENCY_WAIT_S = 1

/**
 * The job's wrapper: `bash --norc --noprofile -c WRAPPER local-job ID DIR SCRIPT OUTPUT MARKERS NAME
 * LIMIT KILLWAIT LIMITSOURCE WORKDIR`, in its own session: the script DIR/SCRIPT runs in WORKDIR
 * (its `#SBATCH --chdir`, else DIR) with SLURM_SUBMIT_DIR=DIR, as sbatch runs it. It ends with
 * `exit`, never with a command bash could exec in its place: the process stays the wrapper until the
 * exit marker exists.
 */
export const WRAPPER = `set -u -f
id=$1 dir=$2 script=$3 out=$4 m=$5 name=$6 limit=$7 killwait=$8 source=$9 work=\${10} me=$$
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
elif cd -- "$work" 2>/dev/null; then
  mkdir -p -- "$(dirname -- "$out")" 2>/dev/null
  dog=
  if [ "$limit" -gt 0 ]; then watch & dog=$!; fi
  SLURM_JOB_ID=$id SLURM_JOBID=$id SLURM_JOB_NAME=$name SLURM_SUBMIT_DIR=$dir SLURM_CPUS_ON_NODE=1 \\
    bash --norc --noprofile "$dir/$script" > "$out" 2>&1 < /dev/null
  rc=$?
  if [ -n "$dog" ]; then kill -KILL "$dog" 2>/dev/null; fi
else
  mkdir -p -- "$(dirname -- "$out")" 2>/dev/null
  echo "run-experiment local executor: cannot enter $work" > "$out"
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
export const LAUNCH = `w=$1 marker=$2 deps=$3; shift 3
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
export const SEP = '\x1f'

/**
 * One command for all jobs asked (or, with `--all` first, every job in the directory). Prints per job,
 * fields separated by SEP: id, exit, start ("pid epoch"), alive (1 running or waiting, 2 launching),
 * cancelled, timeout ("seconds source"), dependency (wait, never, or empty when not waiting), known (1
 * when `<id>.id` exists), submitted, marker, name, directory.
 */
export const POLL = `m=$1; shift
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
export const CANCEL = `m=$1; shift
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
export const UNKNOWN = `m=$1; shift
for d in "$@"; do [ -e "$m/$d.id" ] || printf '%s\\n' "$d"; done`

/**
 * Re-points job ID's dependencies to the rest of the arguments, under the lock its wrapper decides
 * under: refused (exit 1, SLURM's words) when the job is unknown, finished or already began.
 */
export const UPDATE = `m=$1 id=$2; shift 2
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
