#!/usr/bin/env bash
# stop.sh - stop what start.sh started, and only that: each daemon is found by its pid file in
# $DIR/run and signalled only if /proc/<pid>/exe is that program (no pkill/killall). Jobs are
# cancelled first, so no slurmstepd or job process outlives slurmd. Removes $DIR/env (tests then
# fail with "dev cluster not running"). Packages, config, keys and the database are kept, so the
# next start.sh is quick; RE_DEV_CLUSTER_PURGE=1 also deletes $DIR.
set -euo pipefail
SCRIPT_NAME=stop
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
[ "$(id -u)" = 0 ] || die "must run as root"
[ -d "$DIR" ] || { say "nothing to stop: $DIR does not exist"; exit 0; }
# one start/stop at a time; flock -o: the daemons started below must not inherit the lock
if [ "${RE_DEV_CLUSTER_LOCKED:-}" != "$DIR" ]; then
  rc=0; RE_DEV_CLUSTER_LOCKED=$DIR flock -o -w 600 -E 75 "$DIR/.lock" bash "$0" "$@" || rc=$?
  [ $rc = 75 ] && die "another start.sh/stop.sh has held $DIR/.lock for 10 minutes"
  exit $rc
fi
T0=$SECONDS

rm -f "$ENV_FILE"

# 1. cancel every job while slurmctld and slurmd are still up
if pid_alive "$RUN/slurmctld.pid" slurmctld && slurmctld_up; then
  jobs=$(squeue -h -o %A 2>/dev/null | sort -u | tr '\n' ' ' || true)
  if [ -n "${jobs// /}" ]; then
    say "cancelling jobs: $jobs"
    # shellcheck disable=SC2086
    scancel $jobs 2>/dev/null || true
    for ((i = 0; i < 40; i++)); do
      [ -z "$(squeue -h -t running,completing,configuring -o %A 2>/dev/null || true)" ] && break
      sleep 0.5
    done
  fi
fi

# 2. daemons, in reverse start order (slurmctld flushes accounting to slurmdbd first)
rm -f "$DIR/env-nosftp"
stop_sshd "$RUN/sshd-nosftp.pid"   # the second sshd, without SFTP (sshd-nosftp.sh), if it runs
stop_sshd
stop_pidfiles "$RUN/slurmd.pid:slurmd" "$RUN/slurmctld.pid:slurmctld"
stop_pidfiles "$RUN/slurmdbd.pid:slurmdbd"
stop_pidfiles "$RUN/mysqld.pid:mariadbd" "$RUN/munged.pid:munged"   # munged only if we started it

if [ "${RE_DEV_CLUSTER_PURGE:-0}" = 1 ]; then
  say "removing $DIR"; rm -rf "$DIR"
fi
say "stopped in $((SECONDS - T0))s"
