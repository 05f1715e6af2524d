#!/usr/bin/env bats
# linux.seccomp: the filter is loaded (Seccomp: 2), ERRNO with the default and
# an explicit errnoRet, KILL_PROCESS, argument conditions, unknown syscall
# names skipped, unknown actions and operators refused, noNewPrivileges false,
# and SCMP_ACT_NOTIFY handing the listener fd to an agent at listenerPath
# (build/seccomp-agent, tests/tools/seccomp_agent.c).

load ../lib/helpers
load ../lib/container_setup

AGENT=${SECCOMP_AGENT:-$REPO_ROOT/build/seccomp-agent}

# A writable /tmp (tmpfs, mode 1777): a refused mkdir there is the filter's
# doing, not the read-only root's or the permissions'.
TMPFS='{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m", "mode=1777"]}'

# seccomp_bundle SCRIPT RULES_JSON: a bundle running `sh -c SCRIPT` with a
# writable /tmp and linux.seccomp = {defaultAction: ALLOW, syscalls: RULES}.
seccomp_bundle() {
  make_bundle sh -c "$1"
  add_mount "$TMPFS"
  update_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", architectures: ["SCMP_ARCH_X86_64"], syscalls: $r}' \
    --argjson r "$2"
}

# mkdir(2) and mkdirat(2): the libc may use either.
MKDIR_ERRNO='[{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]'

# status_field NAME: the value of NAME: in a /proc/self/status dump in $output.
status_field() {
  awk -v k="$1:" '$1 == k { print $2 }' <<<"$output"
}

@test "seccomp: SCMP_ACT_ERRNO without errnoRet fails the syscall with EPERM" {
  seccomp_bundle 'mkdir /tmp/x; echo "mkdir=$?"; [ -d /tmp/x ] && echo exists || echo absent; touch /tmp/f && echo touch-ok' \
    "$MKDIR_ERRNO"
  run_ctr errno
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == mkdir=1 ]]
  [[ ${lines[1]} == absent ]]
  # Only the named syscalls: creating a file still works.
  [[ ${lines[2]} == touch-ok ]]
  [[ $stderr == *"can't create directory '/tmp/x': Operation not permitted"* ]]
}

@test "seccomp: SCMP_ACT_ERRNO with errnoRet 99 fails the syscall with that errno" {
  # getcwd -> EADDRNOTAVAIL (99), which realpath reports for ".".
  seccomp_bundle 'cd /tmp && realpath .; echo "realpath=$?"' \
    '[{"names": ["getcwd"], "action": "SCMP_ACT_ERRNO", "errnoRet": 99}]'
  run_ctr errnoret
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == realpath=1 ]]
  # glibc's and musl's text for errno 99.
  stderr_has 'realpath: \.: (Cannot assign requested address|Address not available)'
}

@test "seccomp: the process runs in filter mode with one filter" {
  seccomp_bundle 'cat /proc/self/status' "$MKDIR_ERRNO"
  run_ctr status
  [[ $status -eq 0 ]]
  [[ $(status_field Seccomp) == 2 ]]
  [[ $(status_field Seccomp_filters) == 1 ]]
}

@test "seccomp: SCMP_ACT_KILL_PROCESS kills the process with SIGSYS (run exits 159)" {
  make_bundle uname -a
  update_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["uname"], action: "SCMP_ACT_KILL_PROCESS"}]}'
  local id
  id=$(cid killproc)
  run_rt run -b "$BUNDLE" "$id"
  [[ $status -eq 159 ]]
  [[ -z $output ]]
  assert_no_leftovers "$id"
}

@test "seccomp: an argument condition (SCMP_CMP_EQ) matches only its value" {
  # personality(PER_LINUX32 = 0x8) is refused; personality(PER_LINUX = 0) and
  # personality(PER_LINUX32 | ADDR_NO_RANDOMIZE = 0x40008) are not.
  seccomp_bundle 'linux32 uname -m; echo "linux32=$?"; linux32 -R true; echo "linux32-R=$?"; linux64 uname -m; echo "linux64=$?"' \
    '[{"names": ["personality"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]}]'
  run_ctr argeq
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == linux32=1 ]]
  [[ ${lines[1]} == linux32-R=0 ]]
  [[ ${lines[2]} == x86_64 ]]
  [[ ${lines[3]} == linux64=0 ]]
  stderr_has 'personality\(0x8\): Operation not permitted'
}

@test "seccomp: SCMP_CMP_MASKED_EQ compares the masked argument" {
  # Refused when (persona & 0xff) == 8: PER_LINUX32 (0x8) and
  # PER_LINUX32 | ADDR_NO_RANDOMIZE (0x40008), but not PER_LINUX (0).
  seccomp_bundle 'linux32 true; echo "linux32=$?"; linux32 -R true; echo "linux32-R=$?"; linux64 true; echo "linux64=$?"' \
    '[{"names": ["personality"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 255, "valueTwo": 8, "op": "SCMP_CMP_MASKED_EQ"}]}]'
  run_ctr argmasked
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == linux32=1 ]]
  [[ ${lines[1]} == linux32-R=1 ]]
  [[ ${lines[2]} == linux64=0 ]]
}

@test "seccomp: an unknown syscall name is skipped and the rest of the rule applies" {
  seccomp_bundle 'mkdir /tmp/x; echo "mkdir=$?"' \
    '[{"names": ["no_such_syscall_stockade", "mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]'
  run_ctr unknownsyscall
  [[ $status -eq 0 ]]
  [[ $output == mkdir=1 ]]
  [[ $stderr == *"Operation not permitted"* ]]
}

@test "seccomp: an unknown action is a config error naming the field; nothing is left" {
  seccomp_bundle 'true' '[{"names": ["mkdir"], "action": "SCMP_ACT_BOGUS"}]'
  local id
  id=$(cid badaction)
  run_rt run -b "$BUNDLE" "$id"
  assert_failed_with_message
  stderr_has 'SCMP_ACT_BOGUS'
  if is_stockade; then stderr_has 'linux\.seccomp\.syscalls\[0\]\.action'; fi
  assert_no_leftovers "$id"
}

@test "seccomp: an unknown operator is a config error naming the field; nothing is left" {
  seccomp_bundle 'true' '[{"names": ["personality"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_BOGUS"}]}]'
  local id
  id=$(cid badop)
  run_rt run -b "$BUNDLE" "$id"
  assert_failed_with_message
  stderr_has 'SCMP_CMP_BOGUS'
  if is_stockade; then stderr_has 'linux\.seccomp\.syscalls\[0\]\.args\[0\]\.op'; fi
  assert_no_leftovers "$id"
}

@test "seccomp: noNewPrivileges false, root: the filter is loaded and applies" {
  seccomp_bundle 'cat /proc/self/status; mkdir /tmp/x; echo "mkdir=$?"' "$MKDIR_ERRNO"
  update_config '.process.noNewPrivileges = false'
  run_ctr nnproot
  [[ $status -eq 0 ]]
  [[ $(status_field NoNewPrivs) == 0 ]]
  [[ $(status_field Seccomp) == 2 ]]
  [[ ${lines[-1]} == mkdir=1 ]]
  [[ $stderr == *"Operation not permitted"* ]]
}

@test "seccomp: noNewPrivileges false, non-root user: the filter is loaded and applies" {
  seccomp_bundle 'id -u; cat /proc/self/status; mkdir /tmp/x; echo "mkdir=$?"' "$MKDIR_ERRNO"
  update_config '.process.noNewPrivileges = false | .process.user = {uid: 1000, gid: 1000}'
  run_ctr nnpuser
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == 1000 ]]
  [[ $(status_field NoNewPrivs) == 0 ]]
  [[ $(status_field Seccomp) == 2 ]]
  [[ ${lines[-1]} == mkdir=1 ]]
  # EPERM from the filter, not EACCES: /tmp is world-writable.
  [[ $stderr == *"Operation not permitted"* ]]
}

@test "seccomp: the filter also applies to exec'd processes" {
  seccomp_bundle 'sleep 600' "$MKDIR_ERRNO"
  local id
  id=$(cid execfilter)
  run_detached "$id"
  run_rt exec "$id" sh -c 'grep "^Seccomp:" /proc/self/status; mkdir /tmp/y; echo "mkdir=$?"' </dev/null
  [[ $status -eq 0 ]]
  [[ ${lines[0]} =~ ^Seccomp:[[:space:]]+2$ ]]
  [[ ${lines[1]} == mkdir=1 ]]
}

@test "seccomp: SCMP_ACT_NOTIFY sends the state and fd to listenerPath; the agent's answer is the result" {
  [[ -x $AGENT ]] || fail "$AGENT not built (ninja -C build)"
  local sock=$BATS_TEST_TMPDIR/agent.sock json=$BATS_TEST_TMPDIR/agent.json log=$BATS_TEST_TMPDIR/agent.log
  local id agent
  "$AGENT" "$sock" "$json" >"$log" 2>&1 3>&- &
  agent=$!
  on_teardown "kill $agent 2>/dev/null; wait $agent 2>/dev/null"
  poll 5 test -S "$sock" || fail "the agent did not create $sock"

  seccomp_bundle 'mkdir /tmp/newdir && echo mkdir-ok; [ -d /tmp/newdir ] && echo exists || echo absent' \
    '[{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]'
  update_config '.linux.seccomp.listenerPath = $p | .linux.seccomp.listenerMetadata = "meta-xyz"' --arg p "$sock"
  id=$(cid notify)
  run_rt run -b "$BUNDLE" "$id"
  [[ $status -eq 0 ]]
  # The agent faked mkdir's success: it "worked", but nothing was made.
  [[ ${lines[0]} == mkdir-ok ]]
  [[ ${lines[1]} == absent ]]
  grep -qx 'mkdir faked' "$log"

  # The container process state (runtime-spec config-linux.md).
  [[ -s $json ]] || fail "the agent wrote no state: $(cat "$log")"
  cat "$json"
  json_true '.fds == ["seccompFd"]' "$json"
  json_true '.pid | type == "number" and . > 0' "$json"
  json_true '.metadata == "meta-xyz"' "$json"
  json_true --arg id "$id" '.state.id == $id' "$json"
  json_true '.ociVersion | type == "string"' "$json"
  # The agent ends when the last process using the filter is gone.
  wait_exit "$agent" 10
  [[ $rc -eq 0 ]] || fail "the agent exited $rc: $(cat "$log")"
  assert_no_leftovers "$id"
}

@test "seccomp: SCMP_ACT_NOTIFY with nobody listening at listenerPath fails cleanly" {
  seccomp_bundle 'true' '[{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]'
  update_config '.linux.seccomp.listenerPath = $p' --arg p "$BATS_TEST_TMPDIR/nobody.sock"
  local id
  id=$(cid notifynobody)
  run_rt run -b "$BUNDLE" "$id"
  assert_failed_with_message
  if is_stockade; then stderr_has 'listenerPath'; fi
  assert_no_leftovers "$id"
}
