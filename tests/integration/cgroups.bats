#!/usr/bin/env bats
# linux.resources and linux.cgroupsPath on this host's cgroup v1 hierarchies
# (the hybrid layout: v1 controllers under /sys/fs/cgroup/CTRL, cgroup2 at
# /sys/fs/cgroup/unified): limits written where the kernel enforces them and
# enforced (OOM kill, fork refusal, device access), the path of the
# container's cgroup, its removal on delete, and the cgroup namespace.

# Each test sets its own $ID/$PID in its own subshell, on purpose.
# shellcheck disable=SC2030,SC2031

load ../lib/helpers
load ../lib/container_setup

MiB=$((1024 * 1024))

# cg_path CTRL PID: PID's cgroup path in the hierarchy holding controller CTRL
# (as the host sees it), from /proc/PID/cgroup.
cg_path() {
  awk -F: -v c="$1" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' "/proc/$2/cgroup"
}

# cg_dir CTRL PID: the host directory of PID's cgroup for controller CTRL.
cg_dir() {
  local p
  p=$(cg_path "$1" "$2")
  [[ -n $p ]] || fail "no $1 line in /proc/$2/cgroup"
  echo "/sys/fs/cgroup/$1$p"
}

# The v1 hierarchies of this host that carry a controller (not name=...).
v1_controllers() {
  awk '$1 !~ /^#/ && $2 != 0 && $4 == 1 { print $1 }' /proc/cgroups
}

# start_container NAME: `run -d` the bundle as a new container; $ID, $PID.
start_container() {
  ID=$(cid "$1")
  run_detached "$ID"
  PID=$(container_pid "$ID")
  [[ $PID -gt 0 ]] || fail "no pid for $ID"
}

# create_only NAME: `create` the bundle (the cgroup exists from create on).
create_only() {
  ID=$(cid "$1")
  create_container "$ID"
  PID=$(container_pid "$ID")
  [[ $PID -gt 0 ]] || fail "no pid for $ID"
}

# procs_in DIR N: DIR/cgroup.procs lists N processes.
procs_in() {
  [[ $(wc -l <"$1/cgroup.procs") -eq $2 ]]
}

# cgroup_dirs ID: every directory under /sys/fs/cgroup named ID.
cgroup_dirs() {
  find /sys/fs/cgroup -mindepth 1 -maxdepth 6 -type d -name "$1" 2>/dev/null | sort
}

# assert_cgroups_exist PID: PID's cgroup directory exists in every v1
# hierarchy with a controller and holds PID.
assert_cgroups_exist() {
  local c d
  for c in $(v1_controllers); do
    d=$(cg_dir "$c" "$1")
    [[ -d $d && $d != "/sys/fs/cgroup/$c/" ]] || fail "no $c cgroup at $d"
    grep -qx "$1" "$d/cgroup.procs" || fail "$1 is not in $d/cgroup.procs"
  done
}

@test "cgroups: the default cgroup is /stockade/ID in every hierarchy" {
  is_stockade || skip "Stockade's default cgroup path"
  make_bundle sleep 600
  start_container default
  local c
  for c in $(v1_controllers); do
    [[ $(cg_path "$c" "$PID") == "/stockade/$ID" ]] || fail "$c: $(cg_path "$c" "$PID")"
    [[ -d /sys/fs/cgroup/$c/stockade/$ID ]]
  done
  if [[ -d /sys/fs/cgroup/unified ]]; then
    grep -qx "0::/stockade/$ID" "/proc/$PID/cgroup"
  fi
}

@test "memory: the limit is written to the host's memory.limit_in_bytes" {
  make_bundle sleep 600
  update_config '.linux.resources.memory = {limit: $l}' --argjson l $((64 * MiB))
  create_only memlimit
  local d
  d=$(cg_dir memory "$PID")
  if is_stockade; then [[ $d == "/sys/fs/cgroup/memory/stockade/$ID" ]]; fi
  [[ $(cat "$d/memory.limit_in_bytes") -eq $((64 * MiB)) ]]
}

@test "memory: the limit is visible inside through the container's cgroup mount" {
  make_bundle sh -c 'cat /proc/self/cgroup | grep :memory:; cat /sys/fs/cgroup/memory/memory.limit_in_bytes'
  add_namespace cgroup
  update_config '.linux.resources.memory = {limit: $l}' --argjson l $((48 * MiB))
  run_ctr meminside
  [[ $status -eq 0 ]]
  # With a cgroup namespace the container's own cgroup is its root.
  [[ ${lines[0]} =~ ^[0-9]+:memory:/$ ]]
  [[ ${lines[1]} -eq $((48 * MiB)) ]]
}

@test "no cgroup namespace: the cgroup mount shows only the container's own cgroup (runc; Docker on v1)" {
  make_bundle sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max;
    [ -e /sys/fs/cgroup/memory/stockade ] && echo host-tree-visible; touch /sys/fs/cgroup/pids/x 2>&1; true'
  remove_namespace cgroup
  update_config '.linux.resources.memory = {limit: $l} | .linux.resources.pids = {limit: 50}' \
    --argjson l $((40 * MiB))
  run_ctr nscgmount
  [[ $status -eq 0 ]]
  [[ ${lines[0]} -eq $((40 * MiB)) ]] || fail "memory.limit_in_bytes inside: ${lines[0]}"
  [[ ${lines[1]} == 50 ]] || fail "pids.max inside: ${lines[1]}"
  ! grep -q host-tree-visible <<<"$output" || fail "the host's cgroup tree is visible"
  grep -q 'Read-only file system' <<<"$output"
}

@test "memory: a process allocating past the limit is OOM-killed and run exits 137" {
  # 32 MiB of memory and no swap (swap limit = memory limit).  The init is
  # tail reading 200 MiB without a newline from a pipe, so it must hold all
  # of it in memory.
  make_bundle tail
  update_config '.linux.resources.memory = {limit: $l, swap: $l}' --argjson l $((32 * MiB))
  local id
  id=$(cid oom)
  run_rt run -b "$BUNDLE" "$id" < <(head -c 200m /dev/zero)
  [[ $status -eq 137 ]]
  assert_no_leftovers "$id"
}

@test "pids: pids.limit makes a fork loop fail with EAGAIN" {
  # 50 background sleeps under a limit of 20; the inner shell gives up at the
  # first failed fork, the outer one (pid 1) counts what runs and exits, which
  # ends every process of the pid namespace.
  make_bundle sh -c 'sh -c "i=0; while [ \$i -lt 50 ]; do sleep 30 & i=\$((i+1)); done; echo all-started"
    echo "loop: $?"; n=0; for p in /proc/[0-9]*; do n=$((n+1)); done; echo "procs: $n"'
  update_config '.linux.resources.pids = {limit: 20}'
  run_ctr pids
  [[ $status -eq 0 ]]
  [[ $output != *all-started* ]]
  stderr_has "can't fork|Resource temporarily unavailable"
  local n
  n=$(sed -n 's/^procs: //p' <<<"$output")
  [[ -n $n && $n -le 20 ]] || fail "$n processes ran under pids.limit 20"
}

@test "pids: the limit is written to the host's pids.max" {
  make_bundle sleep 600
  update_config '.linux.resources.pids = {limit: 33}'
  create_only pidsmax
  [[ $(cat "$(cg_dir pids "$PID")/pids.max") == 33 ]]
}

@test "cpu: shares are written to cpu.shares" {
  make_bundle sleep 600
  update_config '.linux.resources.cpu = {shares: 512}'
  create_only shares
  [[ $(cat "$(cg_dir cpu "$PID")/cpu.shares") == 512 ]]
}

@test "cpu: quota and period are written to cpu.cfs_quota_us and cpu.cfs_period_us" {
  make_bundle sleep 600
  update_config '.linux.resources.cpu = {quota: 25000, period: 50000}'
  create_only quota
  local d
  d=$(cg_dir cpu "$PID")
  [[ $(cat "$d/cpu.cfs_quota_us") == 25000 ]]
  [[ $(cat "$d/cpu.cfs_period_us") == 50000 ]]
}

@test "cgroupsPath: a relative path lands below the runtime's own cgroup" {
  make_bundle sleep 600
  local rel c own
  rel="$(cid rel)-cg"
  update_config '.linux.cgroupsPath = $p' --arg p "$rel"
  start_container relpath
  for c in $(v1_controllers); do
    own=$(cg_path "$c" "$BASHPID")
    [[ $(cg_path "$c" "$PID") == "${own%/}/$rel" ]] || fail "$c: $(cg_path "$c" "$PID"), own ${own}"
    [[ -d /sys/fs/cgroup/$c${own%/}/$rel ]]
  done
  rt delete -f "$ID"
  [[ -z $(cgroup_dirs "$rel") ]] || fail "left behind: $(cgroup_dirs "$rel")"
}

@test "cgroupsPath: an absolute path lands at that path in every hierarchy" {
  make_bundle sleep 600
  local abs c
  abs="/$(cid abs)-cg"
  update_config '.linux.cgroupsPath = $p' --arg p "$abs"
  start_container abspath
  for c in $(v1_controllers); do
    [[ $(cg_path "$c" "$PID") == "$abs" ]] || fail "$c: $(cg_path "$c" "$PID")"
    [[ -d /sys/fs/cgroup/$c$abs ]]
  done
  rt delete -f "$ID"
  [[ -z $(cgroup_dirs "${abs#/}") ]] || fail "left behind: $(cgroup_dirs "${abs#/}")"
}

@test "cgroupsPath: the systemd slice:prefix:name form is refused and nothing is left" {
  is_stockade || skip "runc's cgroupfs driver takes slice:prefix:name as a plain path"
  make_bundle sleep 600
  local id
  id=$(cid slice)
  update_config '.linux.cgroupsPath = $p' --arg p "system.slice:stockade:$id"
  run_rt run -d -b "$BUNDLE" "$id"
  assert_failed_with_message
  stderr_has 'linux\.cgroupsPath'
  assert_no_leftovers "$id"
  [[ -z $(find /sys/fs/cgroup -maxdepth 6 -name "*stockade:$id*" 2>/dev/null) ]]
}

@test "delete: after kill KILL, the container's cgroups are removed" {
  make_bundle sleep 600
  start_container killed
  local dirs
  assert_cgroups_exist "$PID"
  dirs=$(for c in $(v1_controllers); do cg_dir "$c" "$PID"; done)
  rt kill "$ID" KILL
  wait_for_status "$ID" stopped
  # Still there until delete.
  for d in $dirs; do [[ -d $d ]] || fail "$d removed before delete"; done
  run_rt delete "$ID"
  [[ $status -eq 0 ]]
  for d in $dirs; do [[ ! -d $d ]] || fail "$d left behind"; done
  assert_no_leftovers "$ID"
}

@test "delete: the cgroups of a container whose init exited by itself are removed" {
  make_bundle sh -c 'sleep 0.5'
  start_container selfexit
  local dirs
  dirs=$(for c in $(v1_controllers); do cg_dir "$c" "$PID"; done)
  wait_for_status "$ID" stopped
  run_rt delete "$ID"
  [[ $status -eq 0 ]]
  for d in $dirs; do [[ ! -d $d ]] || fail "$d left behind"; done
  assert_no_leftovers "$ID"
}

@test "delete --force: the cgroups of a running container and its children are removed" {
  make_bundle sh -c 'sleep 600 & sleep 601 & wait'
  start_container forced
  local dirs
  assert_cgroups_exist "$PID"
  dirs=$(for c in $(v1_controllers); do cg_dir "$c" "$PID"; done)
  poll 5 procs_in "$(cg_dir pids "$PID")" 3
  run_rt delete --force "$ID"
  [[ $status -eq 0 ]]
  for d in $dirs; do [[ ! -d $d ]] || fail "$d left behind"; done
  assert_no_leftovers "$ID"
}

@test "cgroup namespace: inside, /proc/self/cgroup shows / in every hierarchy" {
  make_bundle cat /proc/self/cgroup
  add_namespace cgroup
  run_ctr cgns
  [[ $status -eq 0 ]]
  [[ ${#lines[@]} -gt 0 ]]
  local l
  for l in "${lines[@]}"; do
    [[ $l == *:/ ]] || fail "not the root of its hierarchy: $l"
  done
}

@test "no cgroup namespace: inside, /proc/self/cgroup shows the container's host path" {
  make_bundle sh -c 'cat /proc/self/cgroup; sleep 600'
  remove_namespace cgroup
  start_container nocgns
  wait_for_output "$BATS_TEST_TMPDIR/$ID.out" ':memory:'
  grep ':memory:' "$BATS_TEST_TMPDIR/$ID.out" | grep -qx "[0-9]*:memory:$(cg_path memory "$PID")"
  [[ $(cg_path memory "$PID") != / ]]
}

# A node for /dev/fuse's numbers (10:229), which the default device rules do
# not allow.
FUSE_NODE='{"path": "/dev/sktest", "type": "c", "major": 10, "minor": 229, "fileMode": 438, "uid": 0, "gid": 0}'
OPEN_NODE='echo x >/dev/null && echo null-ok; (exec 3<>/dev/sktest) 2>&1 && echo node-opened || echo node-refused'

@test "devices: with the default rules /dev/null works but a linux.devices node not allowed cannot be opened" {
  [[ -c /dev/fuse ]] || skip "the host has no /dev/fuse"
  make_bundle sh -c "$OPEN_NODE"
  update_config '.linux.devices = [$d]' --argjson d "$FUSE_NODE"
  run_ctr devdeny
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == null-ok ]]
  [[ ${lines[1]} == *"Operation not permitted"* ]] || fail "opening the node: ${lines[1]}"
  [[ ${lines[2]} == node-refused ]]
}

@test "devices: allowing the node in resources.devices makes it usable" {
  [[ -c /dev/fuse ]] || skip "the host has no /dev/fuse"
  make_bundle sh -c "$OPEN_NODE"
  update_config '.linux.devices = [$d]' --argjson d "$FUSE_NODE"
  update_config '.linux.resources.devices += [{allow: true, type: "c", major: 10, minor: 229, access: "rw"}]'
  run_ctr devallow
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == null-ok ]]
  [[ ${lines[1]} == node-opened ]]
}
