#!/usr/bin/env bash
# other-user.sh NAME - make sure user NAME exists (useradd -m) and may submit jobs (a SLURM
# association under account root), so tests can submit as someone else: `runuser -u NAME -- sbatch ...`.
# Idempotent. Needs the accounting start.sh sets up.
set -euo pipefail
SCRIPT_NAME=other-user
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
[ $# = 1 ] || die "usage: other-user.sh NAME"
NAME=$1
[[ $NAME =~ ^[a-z][a-z0-9-]*$ ]] || die "user name must match [a-z][a-z0-9-]*: $NAME"
[ "$(id -u)" = 0 ] || die "must run as root"
pid_alive "$RUN/slurmdbd.pid" slurmdbd || die "slurmdbd is not running from $DIR: run scripts/dev-cluster/start.sh"
if ! id "$NAME" >/dev/null 2>&1; then
  useradd -m "$NAME" || die "useradd $NAME failed"
  say "created user $NAME"
fi
assoc=$(sacctmgr -n -P show assoc user="$NAME" format=user) || die "sacctmgr cannot reach slurmdbd"
if [ -z "$assoc" ]; then
  sacctmgr -i add user "$NAME" account=root >/dev/null || die "sacctmgr add user $NAME failed"
  say "added $NAME to account root"
fi
say "user $NAME: uid $(id -u "$NAME"), association $(sacctmgr -n -P show assoc user="$NAME" format=cluster,account,user)"
