#!/usr/bin/env bash
# qos.sh NAME MAX_SUBMIT - create or update QoS NAME with MaxSubmitJobsPerUser=MAX_SUBMIT and
# grant it to root (submit with `sbatch --qos=NAME`). Needs the accounting start.sh sets up.
set -euo pipefail
SCRIPT_NAME=qos
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
[ $# = 2 ] || die "usage: qos.sh NAME MAX_SUBMIT"
NAME=$1 MAX=$2
[[ $NAME =~ ^[A-Za-z0-9_-]+$ ]] || die "QoS name must match [A-Za-z0-9_-]+: $NAME"
[[ $MAX =~ ^(-1|[0-9]+)$ ]] || die "MAX_SUBMIT must be a number (-1 = no limit): $MAX"
[ "$(id -u)" = 0 ] || die "must run as root"
pid_alive "$RUN/slurmdbd.pid" slurmdbd || die "slurmdbd is not running from $DIR: run scripts/dev-cluster/start.sh"
existing=$(sacctmgr -n -P show qos "$NAME" format=name) || die "sacctmgr cannot reach slurmdbd"
if [ -z "$existing" ]; then
  sacctmgr -i add qos "$NAME" >/dev/null || die "sacctmgr add qos $NAME failed"
  say "created QoS $NAME"
fi
sacctmgr -i modify qos "$NAME" set MaxSubmitJobsPerUser="$MAX" >/dev/null || die "setting MaxSubmitJobsPerUser failed"
granted=$(sacctmgr -n -P show assoc user=root format=qos)
granted_list=$(tr ',|' '\n' <<<"$granted")
if ! grep -qx "$NAME" <<<"$granted_list"; then
  sacctmgr -i modify user root set qos+="$NAME" >/dev/null || die "granting QoS $NAME to root failed"
fi
say "QoS $NAME: MaxSubmitJobsPerUser=$MAX, granted to root: $(sacctmgr -n -P show qos "$NAME" format=name,maxsubmitjobsperuser)"
