#!/usr/bin/env bats
# Namespaces, observed from inside the container and compared with the host.

load ../lib/helpers

SLEEPER=(sleep 600)

# host_ns TYPE: the host's namespace of TYPE, e.g. "net:[4026531840]".
host_ns() {
  readlink "/proc/self/ns/$1"
}

@test "pid namespace: the process is pid 1 and sees only its own processes" {
  make_bundle sh -c 'echo $$; ps -o pid,comm'
  run_rt run -b "$BUNDLE" "$(cid pid)"
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == 1 ]]
  # Header plus at most the shell and ps itself.
  [[ ${#lines[@]} -ge 3 && ${#lines[@]} -le 4 ]] || fail "ps shows ${#lines[@]} lines: $output"
}

@test "pid namespace: the host sees the container's init under another pid" {
  make_bundle "${SLEEPER[@]}"
  local id pid
  id=$(cid pidhost)
  run_detached "$id"
  pid=$(container_pid "$id")
  [[ $pid -gt 1 ]]
  [[ $(readlink "/proc/$pid/ns/pid") != "$(host_ns pid)" ]]
  [[ $(awk '/^NSpid:/ { print $NF }' "/proc/$pid/status") == 1 ]]
}

@test "uts namespace: the container's hostname differs from the host's" {
  make_bundle sh -c 'hostname; readlink /proc/self/ns/uts'
  local name=uts-$RANDOM
  update_config '.hostname = $h' --arg h "$name"
  run_rt run -b "$BUNDLE" "$(cid uts)"
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == "$name" ]]
  [[ $(hostname) != "$name" ]]
  [[ ${lines[1]} != "$(host_ns uts)" ]]
}

@test "ipc namespace: the host's System V shared memory is not visible" {
  local shmid
  shmid=$(ipcmk -M 4096 | grep -oE '[0-9]+$')
  on_teardown "ipcrm -m $shmid"
  grep -qE "^ *-?[0-9]+ +$shmid " /proc/sysvipc/shm
  make_bundle sh -c 'readlink /proc/self/ns/ipc; tail -n +2 /proc/sysvipc/shm | wc -l'
  run_rt run -b "$BUNDLE" "$(cid ipc)"
  [[ $status -eq 0 ]]
  [[ ${lines[0]} != "$(host_ns ipc)" ]]
  [[ ${lines[1]} -eq 0 ]]
}

@test "network namespace: only the loopback interface exists" {
  make_bundle sh -c 'readlink /proc/self/ns/net; tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "'
  run_rt run -b "$BUNDLE" "$(cid net)"
  [[ $status -eq 0 ]]
  [[ ${lines[0]} != "$(host_ns net)" ]]
  [[ ${lines[1]} == lo ]]
  [[ ${#lines[@]} -eq 2 ]] || fail "interfaces other than lo: $output"
}

@test "mount namespace: a mount inside the container is not visible on the host" {
  make_bundle sh -c 'grep -q " /mnt/inside " /proc/self/mountinfo && echo mounted; sleep 600'
  update_config '.mounts += [{destination: "/mnt/inside", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "size=1m"]}]'
  local id pid
  id=$(cid mnt)
  run_detached "$id"
  wait_for_output "$BATS_TEST_TMPDIR/$id.out" mounted
  pid=$(container_pid "$id")
  [[ $(readlink "/proc/$pid/ns/mnt") != "$(host_ns mnt)" ]]
  if grep -F "$BUNDLE" /proc/self/mountinfo; then fail "the container's mounts are visible on the host"; fi
  if grep -qF " /mnt/inside " /proc/self/mountinfo; then fail "/mnt/inside is mounted on the host"; fi
}

@test "cgroup namespace: /proc/self/cgroup shows / for every hierarchy" {
  make_bundle sh -c 'readlink /proc/self/ns/cgroup; cat /proc/self/cgroup'
  add_namespace cgroup
  run_rt run -b "$BUNDLE" "$(cid cgroupns)"
  [[ $status -eq 0 ]]
  [[ ${lines[0]} != "$(host_ns cgroup)" ]]
  [[ ${#lines[@]} -ge 2 ]]
  local line
  for line in "${lines[@]:1}"; do
    [[ $line == *:/ ]] || fail "cgroup path is not /: $line"
  done
}

@test "user namespace: container root maps to host uid 100000" {
  make_bundle sh -c 'cat /proc/self/uid_map; cat /proc/self/gid_map; id -u; id -g; sleep 600'
  add_namespace user
  update_config '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
               | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
  prepare_userns_bundle 100000
  local id pid out
  id=$(cid userns)
  out=$BATS_TEST_TMPDIR/$id.out
  run_detached "$id"
  wait_for_output "$out" '^0$'
  pid=$(container_pid "$id")
  # Inside: the maps and root; from the host: the same process is uid/gid 100000.
  assert_root_mapped "$out" "$pid" 100000
  [[ $(readlink "/proc/$pid/ns/user") != "$(host_ns user)" ]]
}

@test "time namespace: a boottime offset of 1000000 s shows in /proc/uptime" {
  make_bundle cat /proc/uptime
  add_namespace time
  update_config '.linux.timeOffsets = {boottime: {secs: 1000000, nanosecs: 0}}'
  local host_before host_after inside
  host_before=$(cut -d' ' -f1 /proc/uptime)
  run_rt run -b "$BUNDLE" "$(cid timens)"
  host_after=$(cut -d' ' -f1 /proc/uptime)
  [[ $status -eq 0 ]]
  inside=$(cut -d' ' -f1 <<<"$output")
  awk -v b="$host_before" -v a="$host_after" -v i="$inside" \
    'BEGIN { exit !(i >= b + 1000000 && i <= a + 1000000) }' ||
    fail "uptime inside is $inside, host was $host_before..$host_after"
}

@test "joining a network namespace by path: the container is in that namespace" {
  local nsfile=$BATS_TEST_TMPDIR/netns ino
  touch "$nsfile"
  unshare --net="$nsfile" true
  on_teardown "umount '$nsfile'"
  ino=$(stat -L -c %i "$nsfile")
  make_bundle readlink /proc/self/ns/net
  add_namespace network "$nsfile"
  local id pid
  id=$(cid joinnet)
  create_container "$id"
  pid=$(container_pid "$id")
  [[ $(readlink "/proc/$pid/ns/net") == "net:[$ino]" ]]
  rt start "$id"
  wait_for_status "$id" stopped
  [[ $(cat "$BATS_TEST_TMPDIR/$id.out") == "net:[$ino]" ]]
}

@test "joining a namespace by a path that is not a namespace fails cleanly" {
  make_bundle "${SLEEPER[@]}"
  touch "$BATS_TEST_TMPDIR/not-a-netns"
  add_namespace network "$BATS_TEST_TMPDIR/not-a-netns"
  local id
  id=$(cid badnspath)
  run_rt create -b "$BUNDLE" "$id"
  assert_failed_with_message
  assert_no_leftovers "$id"
}
