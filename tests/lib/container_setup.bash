# Helpers for the bats files that look at a container's setup from inside
# (mounts, devices, process, terminal, hooks, hostile).  Load after helpers:
#
#   load ../lib/helpers
#   load ../lib/container_setup

RECVTTY=${RECVTTY:-$REPO_ROOT/build/recvtty}

# run_ctr NAME [RUN OPTIONS...]: run the bundle in the foreground as a new
# container (id from `cid NAME`); sets $status, $output, $stderr like run_rt.
run_ctr() {
  local name=$1
  shift
  run_rt run "$@" -b "$BUNDLE" "$(cid "$name")"
}

# add_mount JSON: append one entry to .mounts.
add_mount() {
  update_config '.mounts += [$m]' --argjson m "$1"
}

# remove_mount DEST: drop every .mounts entry whose destination is DEST.
remove_mount() {
  update_config '.mounts = [.mounts[] | select(.destination != $d)]' --arg d "$1"
}

# set_caps JSON: process.capabilities = JSON.
set_caps() {
  update_config '.process.capabilities = $c' --argjson c "$1"
}

# --- mountinfo -----------------------------------------------------------------
# The functions below read a /proc/self/mountinfo dump given as $MI (set it
# from a container's output with `MI=$output`).

# mi_lines MOUNTPOINT: every mountinfo line for MOUNTPOINT, bottom first.
mi_lines() {
  awk -v mp="$1" '$5 == mp' <<<"$MI"
}

# mi_top MOUNTPOINT: the line of the topmost mount at MOUNTPOINT (fails when
# nothing is mounted there).
mi_top() {
  local l
  l=$(mi_lines "$1" | tail -n 1)
  [[ -n $l ]] || fail "nothing is mounted at $1 inside the container"
  echo "$l"
}

# Fields of one mountinfo LINE: per-mount options, optional fields (shared:N,
# master:N), filesystem type, superblock options.
mi_mount_opts() { awk '{ print $6 }' <<<"$1"; }
mi_optional() { sed -E 's/^([^ ]+ ){6}//; s/ - .*//; s/^- .*//' <<<"$1"; }
mi_fstype() { sed -E 's/.* - //' <<<"$1" | awk '{ print $1 }'; }
mi_super_opts() { sed -E 's/.* - //' <<<"$1" | awk '{ print $3 }'; }

# has_opt LIST OPT: comma-separated LIST holds OPT exactly.
has_opt() {
  [[ ",$1," == *",$2,"* ]]
}

# assert_opt LIST OPT / refute_opt LIST OPT
assert_opt() {
  has_opt "$1" "$2" || fail "option '$2' missing from '$1'"
}
refute_opt() {
  ! has_opt "$1" "$2" || fail "option '$2' unexpectedly in '$1'"
}

# host_mounts_under PATH: host mount points at or below PATH.
host_mounts_under() {
  awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo
}

# --- capabilities ------------------------------------------------------------------

CAP_NAMES=(CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID
  SETPCAP LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW
  IPC_LOCK IPC_OWNER SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT
  SYS_ADMIN SYS_BOOT SYS_NICE SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE
  AUDIT_WRITE AUDIT_CONTROL SETFCAP MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM
  BLOCK_SUSPEND AUDIT_READ PERFMON BPF CHECKPOINT_RESTORE)

# cap_number CAP_NAME: the capability's bit number (capability.h).
cap_number() {
  local i
  for i in "${!CAP_NAMES[@]}"; do
    [[ CAP_${CAP_NAMES[$i]} == "$1" ]] && { echo "$i"; return 0; }
  done
  fail "unknown capability $1"
}

# cap_mask CAP_NAME...: the set as /proc/PID/status prints it (16 hex digits).
cap_mask() {
  local m=0 c n
  for c in "$@"; do
    n=$(cap_number "$c") || return 1
    m=$((m | (1 << n)))
  done
  printf '%016x\n' "$m"
}

# cap_json CAP_NAME...: a JSON array of the names.
cap_json() {
  json_array "$@"
}

# --- terminal ------------------------------------------------------------------------

# start_recvtty SOCKET OUT: a console-socket receiver in the background; the
# pty's name, then everything the container writes to it, goes to OUT.  Its
# pid is $RECVTTY_PID (killed at teardown).
start_recvtty() {
  local sock=$1 out=$2
  [[ -x $RECVTTY ]] || fail "$RECVTTY not built (ninja -C build)"
  "$RECVTTY" "$sock" >"$out" 2>&1 3>&- &
  RECVTTY_PID=$!
  on_teardown "kill $RECVTTY_PID 2>/dev/null; wait $RECVTTY_PID 2>/dev/null"
  poll 5 test -S "$sock" || fail "recvtty did not create $sock"
}

# wait_recvtty TIMEOUT: wait until the receiver exits (the pty closed).
wait_recvtty() {
  local deadline=$((SECONDS + ${1:-10}))
  while kill -0 "$RECVTTY_PID" 2>/dev/null; do
    ((SECONDS < deadline)) || fail "recvtty still running after ${1:-10}s"
    sleep 0.1
  done
}
