#!/usr/bin/env bash
# restart-sshd.sh [DOWN_SECONDS] - restart the dev cluster's sshd the hard way: the listener and
# every connection it serves are stopped (clients see their connection drop), it stays down
# DOWN_SECONDS (default 0), then starts again with the same config, port and host key.
# For robustness tests of SSH reconnection.
set -euo pipefail
SCRIPT_NAME=restart-sshd
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
DOWN=${1:-0}
[[ $DOWN =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "usage: restart-sshd.sh [DOWN_SECONDS]"
[ "$(id -u)" = 0 ] || die "must run as root"
[ -f "$SSHD_CONFIG" ] || die "no $SSHD_CONFIG: run scripts/dev-cluster/start.sh"
pid_alive "$RUN/sshd.pid" sshd || die "sshd is not running from $DIR: run scripts/dev-cluster/start.sh"
PORT=$(awk '$1 == "Port" { print $2 }' "$SSHD_CONFIG")
stop_sshd
[ "$DOWN" != 0 ] && { say "sshd down for ${DOWN}s"; sleep "$DOWN"; }
start_sshd_daemon
wait_for 10 ssh_check "$PORT" || { tail -20 "$LOG/sshd.log" >&2; die "sshd did not come back on port $PORT (see $LOG/sshd.log)"; }
say "sshd up again on 127.0.0.1:$PORT"
