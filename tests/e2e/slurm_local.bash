# A private single-node Slurm for the Slurm tests (tests/e2e/slurm.sh): sourced, not a test.
# slurm_start DIR starts munged, slurmctld and slurmd with their key, sockets, ports, state, logs
# and pid files under DIR (CPUs = nproc, one partition, pmix, credentials that expire after 10 s
# so a requeued job restarts quickly), exports SLURM_CONF for the client commands and waits
# until the node is idle. slurm_stop stops the daemons it started, by the PIDs in their pid files.
# Needs root (slurmd runs jobs as their users) and Debian's slurm-wlm and munge.

SLURM_LOCAL_DIR=

# Two free TCP ports on the loopback interface (slurmctld's and slurmd's).
slurm_free_ports() {
  /usr/bin/python3 - <<'PY'
import socket
sockets = [socket.socket() for _ in range(2)]
for s in sockets:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in sockets))
PY
}

slurm_start() {
  local dir=$1 ctld_port slurmd_port
  SLURM_LOCAL_DIR=$dir
  rm -rf "$dir" && mkdir -p "$dir"/{munge,munge-key,state,spool,log}
  chmod 755 "$dir"
  read -r ctld_port slurmd_port < <(slurm_free_ports)

  # munged runs as the munge user with its own key (a private dir) and socket (a dir everyone can
  # enter); it refuses group- or world-writable dirs.
  chown munge:munge "$dir/munge" "$dir/munge-key" && chmod 755 "$dir/munge" && chmod 700 "$dir/munge-key"
  dd if=/dev/urandom of="$dir/munge-key/munge.key" bs=1024 count=1 status=none
  chown munge:munge "$dir/munge-key/munge.key" && chmod 600 "$dir/munge-key/munge.key"
  runuser -u munge -- /usr/sbin/munged --socket="$dir/munge/munge.socket" --key-file="$dir/munge-key/munge.key" \
    --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/munged.seed"

  cat >"$dir/slurm.conf" <<CONF
ClusterName=genepool-test
SlurmctldHost=localhost
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket,cred_expire=10
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MailProg=/bin/true
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=pmix
SchedulerParameters=sched_interval=2,bf_interval=2
ReturnToService=2
KillWait=10
MinJobAge=600
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF=$dir/slurm.conf
  /usr/sbin/slurmctld -f "$SLURM_CONF"
  /usr/sbin/slurmd -f "$SLURM_CONF" -N localhost

  local state=
  for _ in $(seq 100); do
    state=$(sinfo --noheader --format=%T 2>/dev/null || true)
    [[ "$state" == idle ]] && return 0
    sleep 0.2
  done
  echo "slurm did not come up (node state '$state'); logs in $dir/log" >&2
  return 1
}

# Stops what slurm_start started: cancels the jobs still there (a failed test may leave some),
# then the daemons by the PIDs in their pid files, waiting until each has exited.
slurm_stop() {
  [[ -n "$SLURM_LOCAL_DIR" ]] || return 0
  local file pid
  if [[ -n "$(squeue --noheader --format=%i 2>/dev/null)" ]]; then
    scancel --full --user="$(id -un)" 2>/dev/null || true
    for _ in $(seq 100); do
      [[ -z "$(squeue --noheader --format=%i 2>/dev/null)" ]] && break
      sleep 0.2
    done
  fi
  for file in "$SLURM_LOCAL_DIR/slurmd.pid" "$SLURM_LOCAL_DIR/slurmctld.pid" "$SLURM_LOCAL_DIR/munge/munged.pid"; do
    [[ -s "$file" ]] || continue
    pid=$(cat "$file")
    kill -TERM "$pid" 2>/dev/null || continue
    for _ in $(seq 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
  done
  SLURM_LOCAL_DIR=
}
