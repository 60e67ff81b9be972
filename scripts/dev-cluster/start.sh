#!/usr/bin/env bash
# start.sh - install and start the dev cluster the tests and the demo run against:
#   * a real one-node Slurm 22.05 (Debian 12 packages) with accounting: munge, a private
#     MariaDB (127.0.0.1:3307, datadir under $DIR), slurmdbd, slurmctld, slurmd; no systemd
#   * an OpenSSH sshd on 127.0.0.1:$RE_SSH_PORT (default 2222, or the next free port) with its
#     own config, host key and a generated client key pair (root login with that key only)
# and writes $DIR/env (RE_SSH_HOST, RE_SSH_PORT, RE_SSH_USER, RE_SSH_KEY, RE_SSH_KNOWN_HOSTS,
# RE_SLURM=1, RE_DEV_CLUSTER_DIR). Must run as root.
#
# Idempotent: when everything is already up it only verifies (about a second) and exits 0;
# otherwise it (re)starts just what is missing, and restarts the Slurm daemons when the
# generated config changed. stop.sh stops exactly what this started (pid files in $DIR/run).
#
# Knobs (environment):
#   RE_DEV_CLUSTER_DIR   state, logs, pid files, keys, env file   (/tmp/re-dev-cluster)
#   RE_SSH_PORT          preferred sshd port                      (2222; next free if busy)
#   RE_SLURM_CPUS        job slots on the node (oversubscribed; trivial test jobs) (8)
#   RE_SLURM_FAKE_GPUS   fake gres/gpu devices; 0 = none          (2)
#   RE_SLURM_MIN_JOB_AGE seconds a finished job stays in squeue   (3600)
#   RE_SLURM_SCHED_PARAMS SchedulerParameters                     (batch_sched_delay=0)
#   RE_SLURM_CGROUP      auto|1|0: task/cgroup + ConstrainRAMSpace (jobs over --mem end
#                        OUT_OF_MEMORY); auto = when a cgroup v1 memory hierarchy is writable.
#                        0 = no cgroups; --mem is then enforced by polling (OverMemoryKill) and
#                        such a job ends FAILED with exit 0:9, not OUT_OF_MEMORY
#   RE_INSTALL           0 = do not apt-get install               (1)
# Config files written: /etc/slurm/{slurm,gres,slurmdbd}.conf (default paths, so no SLURM_CONF
# is needed over SSH); foreign files there are backed up first.
set -euo pipefail
SCRIPT_NAME=start
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

SLURM_NODE=${RE_SLURM_NODE:-$(hostname -s 2>/dev/null || echo localhost)}
SLURM_CPUS=${RE_SLURM_CPUS:-8}
SLURM_FAKE_GPUS=${RE_SLURM_FAKE_GPUS:-2}
SLURM_MIN_JOB_AGE=${RE_SLURM_MIN_JOB_AGE:-3600}
SLURM_SCHED_PARAMS=${RE_SLURM_SCHED_PARAMS:-batch_sched_delay=0}
SLURM_CLUSTER=${RE_SLURM_CLUSTER:-dev}
SLURM_CTLD_PORT=${RE_SLURM_CTLD_PORT:-6817}
SLURM_SLURMD_PORT=${RE_SLURM_SLURMD_PORT:-6818}
SLURM_DBD_PORT=${RE_SLURM_DBD_PORT:-6819}
SLURM_DB_PORT=${RE_SLURM_DB_PORT:-3307}
SLURM_DB_PASS=${RE_SLURM_DB_PASS:-redevcluster}
INSTALL=${RE_INSTALL:-1}
CGROUP=${RE_SLURM_CGROUP:-auto}
WAIT=${RE_WAIT:-60}

[ "$(id -u)" = 0 ] || die "must run as root (it installs packages and starts daemons)"
if ! getent hosts "$SLURM_NODE" >/dev/null 2>&1; then SLURM_NODE=localhost; fi

T0=$(date +%s.%N)
elapsed() { awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

install -d -m 0755 "$DIR" "$RUN" "$LOG" "$SLURM_STATE" "$SLURM_STATE/ctld" "$SLURM_STATE/slurmd" "$CONF_DIR"
install -d -m 0700 "$SSH_DIR"

# one start/stop at a time; flock -o: the daemons started below must not inherit the lock
if [ "${RE_DEV_CLUSTER_LOCKED:-}" != "$DIR" ]; then
  rc=0; RE_DEV_CLUSTER_LOCKED=$DIR flock -o -w 600 -E 75 "$DIR/.lock" bash "$0" "$@" || rc=$?
  [ $rc = 75 ] && die "another start.sh/stop.sh has held $DIR/.lock for 10 minutes"
  exit $rc
fi

# ------------------------------------------------------------------------- fast path
# Everything ours is alive, slurmctld answers, the node is usable and an SSH login works.
# The fast path also requires that this script and its knobs are those of the last full start.
STAMP=$( { cat "$HERE/start.sh" "$HERE/lib.sh"; echo "$SLURM_NODE $SLURM_CPUS $SLURM_FAKE_GPUS $SLURM_MIN_JOB_AGE $SLURM_SCHED_PARAMS $SLURM_CLUSTER $SLURM_CTLD_PORT $SLURM_SLURMD_PORT $SLURM_DBD_PORT $SLURM_DB_PORT $CGROUP ${RE_SSH_PORT:-}"; } | sha256sum | cut -c1-16)
all_up() {
  [ -s "$ENV_FILE" ] && [ "$(cat "$RUN/start.stamp" 2>/dev/null)" = "$STAMP" ] || return 1
  local f
  for f in munged:munged mysqld:mariadbd slurmdbd:slurmdbd slurmctld:slurmctld slurmd:slurmd sshd:sshd; do
    pid_alive "$RUN/${f%%:*}.pid" "${f##*:}" || return 1
  done
  slurmctld_up || return 1
  case "$(sinfo -h -n "$SLURM_NODE" -o %T 2>/dev/null | head -1)" in idle|mixed|allocated|completing) ;; *) return 1 ;; esac
  local port; port=$(awk -F= '$1 == "RE_SSH_PORT" { print $2 }' "$ENV_FILE")
  [ -n "$port" ] && ssh_check "$port"
}
if [ "${RE_FORCE:-0}" != 1 ] && all_up; then
  say "already running (verified in $(elapsed)s): $(grep -E '^RE_SSH_(HOST|PORT)=' "$ENV_FILE" | tr '\n' ' ')"
  exit 0
fi

# ------------------------------------------------------------------------- 1. packages
PKGS=(slurmctld slurmd slurm-client munge slurmdbd slurm-wlm-mysql-plugin mariadb-server mariadb-client
      openssh-server openssh-client openssh-sftp-server)
apt_install() {
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"
}
install_packages() {
  local p missing=()
  for p in "${PKGS[@]}"; do
    [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" = "install ok installed" ] || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then say "packages already installed"; return; fi
  say "installing ${missing[*]} (log: $LOG/apt.log)"
  # package postinst scripts must not start daemons (there is no init system anyway)
  local made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; made_policy=1
  fi
  local t=$SECONDS
  if ! apt_install "${missing[@]}" >"$LOG/apt.log" 2>&1; then
    say "apt-get install failed; running apt-get update and retrying once"
    apt-get update -q -o DPkg::Lock::Timeout=300 >>"$LOG/apt.log" 2>&1 || true
    if ! apt_install "${missing[@]}" >>"$LOG/apt.log" 2>&1; then
      [ $made_policy = 1 ] && rm -f /usr/sbin/policy-rc.d
      tail -20 "$LOG/apt.log" >&2; die "apt-get install failed (see $LOG/apt.log)"
    fi
  fi
  [ $made_policy = 1 ] && rm -f /usr/sbin/policy-rc.d
  say "packages installed in $((SECONDS - t))s"
}
[ "$INSTALL" = 1 ] && install_packages
for b in slurmctld slurmd slurmdbd mariadbd munged sshd; do
  command -v "$b" >/dev/null || [ -x "/usr/sbin/$b" ] || die "$b is not installed (RE_INSTALL=0?)"
done

# ------------------------------------------------------------------------- helpers
install_if_changed() {  # install_if_changed TMP DEST MODE -> 0 if DEST was (re)written
  local tmp=$1 dest=$2 mode=$3
  if [ -f "$dest" ] && cmp -s "$tmp" "$dest"; then rm -f "$tmp"; return 1; fi
  if [ -s "$dest" ] && ! grep -q "^$MARKER" "$dest"; then
    cp -p "$dest" "$dest.orig.$(date +%Y%m%d%H%M%S)"; say "backed up foreign $dest"
  fi
  install -m "$mode" "$tmp" "$dest"; rm -f "$tmp"; say "wrote $dest"; return 0
}

# ------------------------------------------------------------------------- 2. munge
start_munge() {
  install -d -o munge -g munge -m 0700 /etc/munge /var/log/munge
  install -d -o munge -g munge -m 0755 /run/munge
  install -d -o munge -g munge -m 0711 /var/lib/munge
  if [ ! -s /etc/munge/munge.key ]; then
    say "creating munge key"; runuser -u munge -- mungekey --create --keyfile=/etc/munge/munge.key
  fi
  chown munge:munge /etc/munge/munge.key; chmod 0400 /etc/munge/munge.key
  if pid_alive "$RUN/munged.pid" munged; then say "munged already running"; return; fi
  if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    say "a munged this script did not start already serves /run/munge; using it (stop.sh leaves it alone)"; return
  fi
  say "starting munged"
  rm -f /run/munge/munged.pid
  runuser -u munge -- /usr/sbin/munged               # forks; writes /run/munge/munged.pid
  wait_for 10 test -s /run/munge/munged.pid || die "munged did not start (see /var/log/munge/munged.log)"
  cp /run/munge/munged.pid "$RUN/munged.pid"
  wait_for 10 sh -c 'munge -n | unmunge' || die "munge does not work"
}

# ------------------------------------------------------------------------- 3. database
start_mariadb() {
  local datadir=$SLURM_STATE/mysql mrun=$SLURM_STATE/mysql-run
  local sock=$mrun/mysqld.sock
  install -d -o mysql -g mysql -m 0750 "$datadir"
  install -d -o mysql -g mysql -m 0755 "$mrun"      # socket + pid file must be mysql-writable
  if [ ! -d "$datadir/mysql" ]; then
    say "initialising private MariaDB datadir $datadir"
    mariadb-install-db --user=mysql --datadir="$datadir" --skip-test-db \
      --auth-root-authentication-method=socket >"$LOG/mariadb-install.log" 2>&1 \
      || { tail -20 "$LOG/mariadb-install.log" >&2; die "mariadb-install-db failed"; }
  fi
  if pid_alive "$RUN/mysqld.pid" mariadbd; then say "mariadbd already running"; else
    say "starting mariadbd on 127.0.0.1:$SLURM_DB_PORT"
    rm -f "$sock" "$mrun/mysqld.pid"
    # mariadbd does not fork: run it in the background in its own session
    setsid /usr/sbin/mariadbd --no-defaults --user=mysql --datadir="$datadir" \
      --pid-file="$mrun/mysqld.pid" --socket="$sock" --bind-address=127.0.0.1 \
      --port="$SLURM_DB_PORT" --skip-name-resolve --log-error="$LOG/mariadb.log" \
      --innodb-buffer-pool-size=512M --innodb-log-file-size=64M \
      --innodb-lock-wait-timeout=900 --max-connections=100 \
      </dev/null >>"$LOG/mariadb.log" 2>&1 &
    echo $! >"$RUN/mysqld.pid"
    local end=$((SECONDS + WAIT))
    until mariadb-admin --socket="$sock" -uroot ping >/dev/null 2>&1; do
      { pid_alive "$RUN/mysqld.pid" mariadbd && [ $SECONDS -lt $end ]; } \
        || { tail -20 "$LOG/mariadb.log" >&2; die "mariadbd did not start (see $LOG/mariadb.log)"; }
      sleep 0.25
    done
    [ -s "$mrun/mysqld.pid" ] && cp "$mrun/mysqld.pid" "$RUN/mysqld.pid"
  fi
  mariadb --socket="$sock" -uroot <<SQL
CREATE DATABASE IF NOT EXISTS slurm_acct_db;
CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY '$SLURM_DB_PASS';
CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY '$SLURM_DB_PASS';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';
SQL
}

write_dbd_conf() {
  local tmp; tmp=$(mktemp)
  cat >"$tmp" <<CONF
$MARKER
AuthType=auth/munge
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort=$SLURM_DBD_PORT
SlurmUser=root
DebugLevel=info
LogFile=$LOG/slurmdbd.log
PidFile=$RUN/slurmdbd.pid
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$SLURM_DB_PORT
StorageUser=slurm
StoragePass=$SLURM_DB_PASS
StorageLoc=slurm_acct_db
CONF
  install_if_changed "$tmp" "$CONF_DIR/slurmdbd.conf" 0600
}

start_slurmdbd() {
  if pid_alive "$RUN/slurmdbd.pid" slurmdbd && [ "$DBD_CHANGED" = 0 ]; then say "slurmdbd already running"; return; fi
  stop_pidfiles "$RUN/slurmdbd.pid:slurmdbd"
  say "starting slurmdbd"
  /usr/sbin/slurmdbd                                 # forks; PidFile from slurmdbd.conf
  local end=$((SECONDS + WAIT))
  until sacctmgr -n list cluster >/dev/null 2>&1; do
    { [ $SECONDS -lt $end ] && { [ ! -e "$RUN/slurmdbd.pid" ] || pid_alive "$RUN/slurmdbd.pid" slurmdbd; }; } \
      || { tail -20 "$LOG/slurmdbd.log" >&2; die "slurmdbd did not start (see $LOG/slurmdbd.log)"; }
    sleep 0.25
  done
}

# ------------------------------------------------------------------------- 4. slurm config
cgroup_v1_memory_writable() {
  local probe=/sys/fs/cgroup/memory/re-dev-cluster-probe.$$
  [ -f /sys/fs/cgroup/memory/memory.limit_in_bytes ] || return 1
  mkdir "$probe" 2>/dev/null || return 1
  rmdir "$probe"
}
write_slurm_conf() {
  local mem_total mem_avail real_mem tmp gres_types="" gres_line="" topo
  mem_total=$(awk '/^MemTotal:/ {print int($2/1024)}' /proc/meminfo)
  mem_avail=$(awk '/^MemAvailable:/ {print int($2/1024)}' /proc/meminfo)
  real_mem=$(( mem_total * 85 / 100 )); [ "$real_mem" -gt "$mem_avail" ] && real_mem=$mem_avail
  real_mem=$(( real_mem / 1024 * 1024 )); [ "$real_mem" -ge 1024 ] || real_mem=$(( mem_avail * 9 / 10 ))
  # default memory per job: RealMemory shared by the slots, at most 1 GiB
  local def_mem=$(( real_mem / SLURM_CPUS )); [ "$def_mem" -gt 1024 ] && def_mem=1024
  if [ "$SLURM_FAKE_GPUS" -gt 0 ] 2>/dev/null; then gres_types="GresTypes=gpu"; gres_line="Gres=gpu:$SLURM_FAKE_GPUS"; fi
  topo="CPUs=$SLURM_CPUS"
  if [ "$SLURM_CPUS" = "$(nproc)" ]; then
    topo=$(slurmd -C 2>/dev/null | head -1 | grep -o 'CPUs=[0-9]* Boards=[0-9]* SocketsPerBoard=[0-9]* CoresPerSocket=[0-9]* ThreadsPerCore=[0-9]*' || echo "CPUs=$SLURM_CPUS")
  fi
  local task_plugin memory_enforcement
  if [ "$CGROUP" = auto ]; then if cgroup_v1_memory_writable; then CGROUP=1; else CGROUP=0; fi; fi
  if [ "$CGROUP" = 1 ]; then
    task_plugin=task/cgroup
    memory_enforcement="# --mem enforced by the memory cgroup (cgroup.conf): over it -> OUT_OF_MEMORY"
  else
    task_plugin=task/none
    memory_enforcement="# no cgroups: --mem enforced by polling; a step over it is killed (FAILED 0:9)
JobAcctGatherParams=OverMemoryKill"
  fi
  tmp=$(mktemp)
  cat >"$tmp" <<CONF
$MARKER (node $SLURM_NODE, $SLURM_CPUS slots, state in $SLURM_STATE)
ClusterName=$SLURM_CLUSTER
SlurmctldHost=$SLURM_NODE(127.0.0.1)
SlurmctldPort=$SLURM_CTLD_PORT
SlurmdPort=$SLURM_SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$SLURM_STATE/ctld
SlurmdSpoolDir=$SLURM_STATE/slurmd
SlurmctldPidFile=$RUN/slurmctld.pid
SlurmdPidFile=$RUN/slurmd.pid
SlurmctldLogFile=$LOG/slurmctld.log
SlurmdLogFile=$LOG/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# plain process tracking (no systemd); task containment only for memory, when cgroups allow
ProctrackType=proctrack/linuxproc
TaskPlugin=$task_plugin
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SchedulerParameters=$SLURM_SCHED_PARAMS
SelectType=select/cons_tres
# memory is consumable so --mem reaches slurmstepd; DefMemPerCPU keeps several jobs per node
SelectTypeParameters=CR_CPU_Memory
DefMemPerCPU=$def_mem
SlurmdParameters=config_overrides
ReturnToService=2
MinJobAge=$SLURM_MIN_JOB_AGE
KillWait=5
InactiveLimit=0
OverTimeLimit=0
Waittime=0
MailProg=/bin/true
$gres_types
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
AccountingStoragePort=$SLURM_DBD_PORT
AccountingStorageEnforce=associations,limits,qos
AccountingStorageTRES=gres/gpu
AccountingStoreFlags=job_comment
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=task=1
$memory_enforcement
JobCompType=jobcomp/filetxt
JobCompLoc=$LOG/jobcomp.log
NodeName=$SLURM_NODE NodeAddr=127.0.0.1 $topo RealMemory=$real_mem $gres_line State=UNKNOWN
PartitionName=debug Nodes=$SLURM_NODE Default=YES MaxTime=INFINITE State=UP
CONF
  CONF_CHANGED=0
  install_if_changed "$tmp" "$CONF_DIR/slurm.conf" 0644 && CONF_CHANGED=1

  tmp=$(mktemp)
  echo "$MARKER" >"$tmp"
  if [ "$SLURM_FAKE_GPUS" -gt 0 ] 2>/dev/null; then
    install -d "$SLURM_STATE/dev"
    local i files
    # gres File= must be a character device: /dev/null clones
    for ((i = 0; i < SLURM_FAKE_GPUS; i++)); do
      [ -c "$SLURM_STATE/dev/gpu$i" ] || { rm -f "$SLURM_STATE/dev/gpu$i"; mknod -m 0666 "$SLURM_STATE/dev/gpu$i" c 1 3; }
    done
    files="$SLURM_STATE/dev/gpu0"
    [ "$SLURM_FAKE_GPUS" -gt 1 ] && files="$SLURM_STATE/dev/gpu[0-$((SLURM_FAKE_GPUS - 1))]"
    printf 'AutoDetect=off\nNodeName=%s Name=gpu File=%s\n' "$SLURM_NODE" "$files" >>"$tmp"
  fi
  install_if_changed "$tmp" "$CONF_DIR/gres.conf" 0644 && CONF_CHANGED=1
  if [ "$CGROUP" = 1 ]; then
    tmp=$(mktemp)
    cat >"$tmp" <<CONF
$MARKER
CgroupPlugin=cgroup/v1
CgroupMountpoint=/sys/fs/cgroup
ConstrainRAMSpace=yes
ConstrainSwapSpace=no
ConstrainCores=no
ConstrainDevices=no
CONF
    install_if_changed "$tmp" "$CONF_DIR/cgroup.conf" 0644 && CONF_CHANGED=1
  # 22.05 has no CgroupPlugin=disabled: without cgroups write no cgroup.conf at all
  elif [ -f "$CONF_DIR/cgroup.conf" ] && grep -q "^$MARKER" "$CONF_DIR/cgroup.conf"; then
    rm -f "$CONF_DIR/cgroup.conf"; CONF_CHANGED=1
  fi
  return 0
}

# ------------------------------------------------------------------------- 5. sshd
write_sshd() {
  [ -s "$SSH_DIR/host_ed25519_key" ] || { ssh-keygen -q -t ed25519 -N '' -C re-dev-cluster-host -f "$SSH_DIR/host_ed25519_key"; say "generated sshd host key"; }
  [ -s "$SSH_DIR/id_ed25519" ] || { ssh-keygen -q -t ed25519 -N '' -C re-dev-cluster-client -f "$SSH_DIR/id_ed25519"; say "generated client key pair $SSH_DIR/id_ed25519"; }
  install -m 0600 "$SSH_DIR/id_ed25519.pub" "$SSH_DIR/authorized_keys"
  local sftp=/usr/lib/openssh/sftp-server
  [ -x "$sftp" ] || sftp=internal-sftp
  local tmp; tmp=$(mktemp)
  cat >"$tmp" <<CONF
$MARKER
Port $SSH_PORT
ListenAddress 127.0.0.1
HostKey $SSH_DIR/host_ed25519_key
PidFile $RUN/sshd.pid
AuthorizedKeysFile $SSH_DIR/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
# the key files live under /tmp, which is world-writable
StrictModes no
PrintMotd no
# OpenSSH's default, stated: the transport must stay under it
MaxSessions 10
ClientAliveInterval 30
LogLevel INFO
Subsystem sftp $sftp
CONF
  SSHD_CHANGED=0
  if ! cmp -s "$tmp" "$SSHD_CONFIG"; then install -m 0600 "$tmp" "$SSHD_CONFIG"; SSHD_CHANGED=1; fi
  rm -f "$tmp"
  write_known_hosts "$SSH_PORT" "$SSH_DIR/known_hosts"   # for clients
}

choose_ssh_port() {
  local current="" p
  # keep the port of the sshd we already run
  if pid_alive "$RUN/sshd.pid" sshd && [ -f "$SSHD_CONFIG" ]; then
    current=$(awk '$1 == "Port" { print $2 }' "$SSHD_CONFIG")
  fi
  if [ -n "$current" ] && { [ -z "${RE_SSH_PORT:-}" ] || [ "$RE_SSH_PORT" = "$current" ]; }; then SSH_PORT=$current; return; fi
  [ -n "$current" ] && stop_sshd   # a different port was asked for
  for ((p = ${RE_SSH_PORT:-2222}; p < ${RE_SSH_PORT:-2222} + 100; p++)); do
    if ! port_busy "$p"; then SSH_PORT=$p; return; fi
    say "port $p is busy, trying the next one"
  done
  die "no free port in ${RE_SSH_PORT:-2222}..$(( ${RE_SSH_PORT:-2222} + 99 ))"
}

start_sshd() {
  choose_ssh_port
  write_sshd
  if pid_alive "$RUN/sshd.pid" sshd && [ "$SSHD_CHANGED" = 0 ]; then say "sshd already running on 127.0.0.1:$SSH_PORT"
  else
    stop_sshd
    say "starting sshd on 127.0.0.1:$SSH_PORT"
    start_sshd_daemon
  fi
  wait_for 10 ssh_check "$SSH_PORT" || { tail -20 "$LOG/sshd.log" >&2; die "cannot log in over SSH to 127.0.0.1:$SSH_PORT (see $LOG/sshd.log)"; }
}

# ------------------------------------------------------------------------- main
start_munge
write_slurm_conf
DBD_CHANGED=0
write_dbd_conf && DBD_CHANGED=1
if [ "$CONF_CHANGED" = 1 ] || [ "$DBD_CHANGED" = 1 ]; then
  # new config: restart the Slurm daemons we started (if any)
  stop_pidfiles "$RUN/slurmd.pid:slurmd" "$RUN/slurmctld.pid:slurmctld"
fi
start_mariadb
start_slurmdbd
clusters=$(sacctmgr -n -P list cluster format=cluster)
if ! grep -qx "$SLURM_CLUSTER" <<<"$clusters"; then
  sacctmgr -i add cluster "$SLURM_CLUSTER" >/dev/null
  say "registered cluster $SLURM_CLUSTER in slurmdbd"
fi

if pid_alive "$RUN/slurmctld.pid" slurmctld; then say "slurmctld already running"; else
  say "starting slurmctld"
  /usr/sbin/slurmctld
  wait_for "$WAIT" slurmctld_up || { tail -20 "$LOG/slurmctld.log" >&2; die "slurmctld did not start (see $LOG/slurmctld.log)"; }
fi
SLURMD_T0=""
if pid_alive "$RUN/slurmd.pid" slurmd; then say "slurmd already running"; else
  say "starting slurmd"
  SLURMD_T0=$(date +%FT%T)
  /usr/sbin/slurmd -N "$SLURM_NODE"
fi
slurmd_registered() {   # a restarted slurmctld shows the node idle from saved state before slurmd registers
  [ -z "$SLURMD_T0" ] && return 0
  local t; t=$(scontrol show node "$SLURM_NODE" 2>/dev/null | grep -o 'SlurmdStartTime=[^ ]*' | cut -d= -f2)
  [ -n "$t" ] && [ "$t" != None ] && ! [[ "$t" < "$SLURMD_T0" ]]
}
node_up() {
  slurmd_registered || return 1
  case "$(sinfo -h -n "$SLURM_NODE" -o %T 2>/dev/null | head -1)" in idle|mixed|allocated|completing) return 0 ;; esac
  return 1
}
if ! wait_for "$WAIT" node_up; then
  scontrol update nodename="$SLURM_NODE" state=resume >/dev/null 2>&1 || true
  wait_for 20 node_up || { sinfo -R >&2; tail -20 "$LOG/slurmd.log" >&2; die "node $SLURM_NODE is not idle (see $LOG/slurmd.log)"; }
fi

start_sshd

tmp=$(mktemp "$DIR/env.XXXXXX")
cat >"$tmp" <<ENV
# written by scripts/dev-cluster/start.sh; source it
RE_DEV_CLUSTER_DIR=$DIR
RE_SSH_HOST=127.0.0.1
RE_SSH_PORT=$SSH_PORT
RE_SSH_USER=root
RE_SSH_KEY=$SSH_DIR/id_ed25519
RE_SSH_KNOWN_HOSTS=$SSH_DIR/known_hosts
RE_SLURM=1
ENV
chmod 0644 "$tmp"; mv -f "$tmp" "$ENV_FILE"
echo "$STAMP" >"$RUN/start.stamp"
say "dev cluster ready in $(elapsed)s: Slurm node $SLURM_NODE ($SLURM_CPUS slots, cgroup memory limits: $CGROUP), ssh root@127.0.0.1:$SSH_PORT; env in $ENV_FILE"
sinfo
