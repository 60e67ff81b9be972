#!/usr/bin/env bash
# restart-slurmctld.sh [DOWN_SECONDS] - stop the dev cluster's slurmctld (by its pid file), keep
# it down DOWN_SECONDS (default 0), start it again and wait until `scontrol ping` says UP.
# slurmd, slurmdbd and running jobs are untouched. For robustness tests: while it is down,
# squeue/sbatch/scancel fail ("Unable to contact slurm controller").
set -euo pipefail
SCRIPT_NAME=restart-slurmctld
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
DOWN=${1:-0}
[[ $DOWN =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "usage: restart-slurmctld.sh [DOWN_SECONDS]"
[ "$(id -u)" = 0 ] || die "must run as root"
pid_alive "$RUN/slurmctld.pid" slurmctld || die "slurmctld is not running from $DIR: run scripts/dev-cluster/start.sh"
T0=$SECONDS
stop_pidfiles "$RUN/slurmctld.pid:slurmctld"
[ "$DOWN" != 0 ] && { say "slurmctld down for ${DOWN}s"; sleep "$DOWN"; }
say "starting slurmctld"
/usr/sbin/slurmctld
wait_for 60 slurmctld_up || { tail -20 "$LOG/slurmctld.log" >&2; die "slurmctld did not come back (see $LOG/slurmctld.log)"; }
say "slurmctld up again after $((SECONDS - T0))s"
