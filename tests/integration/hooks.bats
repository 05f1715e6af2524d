#!/usr/bin/env bats
# OCI hooks: order, the state on stdin, args and env, the namespaces each kind
# runs in, failures (fatal before start, warnings after) and timeouts.

load ../lib/helpers
load ../lib/container_setup

# Every hook records into $LOG (a host directory, bind-mounted at /hooklog in
# the container for the hooks that run inside it).
setup() {
  common_setup
  LOG=$BATS_TEST_TMPDIR/hooklog
  mkdir -p "$LOG"
  RECORD=$BATS_TEST_TMPDIR/record.sh
  # record.sh NAME: keep the state from stdin, our mount namespace, the
  # command name of the state's pid, and append NAME to the order file.
  cat >"$RECORD" <<EOF
#!/bin/sh
cat >"$LOG/\$1.json"
readlink /proc/self/ns/mnt >"$LOG/\$1.mntns"
pid=\$(/usr/bin/jq -r '.pid // empty' <"$LOG/\$1.json")
[ -z "\$pid" ] || cat "/proc/\$pid/comm" >"$LOG/\$1.comm" 2>/dev/null
echo "\$1" >>"$LOG/order"
EOF
  chmod +x "$RECORD"
}

# hook_json NAME: a host hook running record.sh NAME.
hook_json() {
  jq -nc --arg p "$RECORD" --arg n "$1" '{path: $p, args: ["record.sh", $n]}'
}

# The startContainer hook runs in the container: busybox's sh, writing to the
# bind-mounted log.  DELAY seconds of sleep first (to show what waits for it).
start_hook_json() {
  local delay=${1:-0}
  jq -nc --arg d "$delay" '{path: "/bin/sh", args: ["sh", "-c",
    ("sleep " + $d + "; cat >/hooklog/startContainer.json; readlink /proc/self/ns/mnt >/hooklog/startContainer.mntns; echo startContainer >>/hooklog/order")]}'
}

# add_hook KIND JSON
add_hook() {
  update_config '.hooks[$k] += [$h]' --arg k "$1" --argjson h "$2"
}

bind_log() {
  add_mount "$(jq -n --arg s "$LOG" '{destination: "/hooklog", type: "bind", source: $s, options: ["bind", "rw"]}')"
}

# A bundle with all six hooks; the startContainer hook takes DELAY seconds.
all_hooks_bundle() {
  make_bundle sleep 600
  bind_log
  local k
  for k in prestart createRuntime createContainer; do
    add_hook "$k" "$(hook_json "$k")"
  done
  add_hook startContainer "$(start_hook_json "${1:-0}")"
  add_hook poststart "$(hook_json poststart)"
  add_hook poststop "$(hook_json poststop)"
}

state_of() { jq -r "$2" "$LOG/$1.json"; }

@test "hooks: all six run in order" {
  all_hooks_bundle
  local id order
  id=$(cid order)
  run_detached "$id"
  wait_for_output "$LOG/order" startContainer
  rt delete -f "$id"
  order=$(tr '\n' ' ' <"$LOG/order")
  # startContainer (in the container) against poststart (on the host) is
  # checked by the next test; here it only has to sit between createContainer
  # and poststop.
  [[ $(grep -vx startContainer "$LOG/order" | tr '\n' ' ') == "prestart createRuntime createContainer poststart poststop " ]] ||
    fail "hooks ran in this order: $order"
  [[ $order == *"createContainer "*"startContainer "*"poststop "* ]] || fail "hooks ran in this order: $order"
}

@test "hooks: poststart runs after startContainer, once the container's process has been executed" {
  is_stockade || skip "runc 1.1 runs poststart before the container's process is executed"
  # A slow startContainer hook delays the execve; poststart must wait for it
  # (runtime-spec: poststart is called after the user-specified process is
  # executed, before start returns).
  all_hooks_bundle 0.5
  local id
  id=$(cid execd)
  run_detached "$id"
  [[ -s $LOG/poststart.comm ]] || fail "poststart could not see the container's process"
  [[ $(cat "$LOG/poststart.comm") == sleep ]] ||
    fail "at poststart the container runs '$(cat "$LOG/poststart.comm")', not sleep"
  [[ $(tr '\n' ' ' <"$LOG/order") == "prestart createRuntime createContainer startContainer poststart " ]] ||
    fail "hooks ran in this order: $(tr '\n' ' ' <"$LOG/order")"
}

@test "hooks: each gets the state on stdin with the id, the status and the pid" {
  all_hooks_bundle
  local id pid k
  id=$(cid state)
  run_detached "$id"
  pid=$(container_pid "$id")
  wait_for_output "$LOG/order" startContainer
  rt delete -f "$id"
  for k in prestart createRuntime createContainer startContainer poststart poststop; do
    [[ -s $LOG/$k.json ]] || fail "$k did not get a state"
    [[ $(state_of "$k" .id) == "$id" ]] || fail "$k: id $(state_of "$k" .id)"
    [[ $(state_of "$k" .bundle) == "$BUNDLE" ]] || fail "$k: bundle $(state_of "$k" .bundle)"
    [[ $(state_of "$k" .ociVersion) == 1.* ]] || fail "$k: ociVersion $(state_of "$k" .ociVersion)"
  done
  for k in prestart createRuntime createContainer; do
    [[ $(state_of "$k" .status) == creating ]] || fail "$k: status $(state_of "$k" .status)"
  done
  [[ $(state_of startContainer .status) == created ]]
  if is_stockade; then
    [[ $(state_of poststart .status) == running ]]
  else
    # runc 1.1 may still see its init waiting: "created".
    [[ $(state_of poststart .status) == @(running|created) ]]
  fi
  [[ $(state_of poststop .status) == stopped ]]
  for k in prestart createRuntime createContainer startContainer poststart; do
    [[ $(state_of "$k" '.pid // 0') -gt 0 ]] || fail "$k: no pid"
  done
  # The hooks on the host see the container's host pid.
  for k in prestart createRuntime poststart; do
    [[ $(state_of "$k" .pid) == "$pid" ]] || fail "$k: pid $(state_of "$k" .pid), container $pid"
  done
}

@test "hooks: args (argv[0] included) and env are honoured, the caller's env is not passed" {
  make_bundle true
  # busybox picks its applet from argv[0]: "sh" only works if args[0] is kept.
  add_hook createRuntime "$(jq -n --arg f "$LOG/args" '{path: "/bin/busybox",
    args: ["sh", "-c", ("echo \"$0|$1|$HOOK_VAR\" >" + $f + "; env >" + $f + ".env"), "zero", "one two"],
    env: ["HOOK_VAR=hello world"]}')"
  export CALLER_ONLY_VAR=leaked
  run_ctr args
  unset CALLER_ONLY_VAR
  [[ $status -eq 0 ]]
  [[ $(cat "$LOG/args") == "zero|one two|hello world" ]] || fail "hook wrote: $(cat "$LOG/args")"
  grep -qx 'HOOK_VAR=hello world' "$LOG/args.env"
  ! grep -q CALLER_ONLY_VAR "$LOG/args.env" || fail "the caller's environment reached the hook"
}

@test "hooks: createRuntime runs in the runtime's mount namespace, createContainer in the container's" {
  make_bundle sleep 600
  add_hook createRuntime "$(hook_json createRuntime)"
  add_hook createContainer "$(hook_json createContainer)"
  local id pid host
  id=$(cid mntns)
  create_container "$id"
  pid=$(container_pid "$id")
  host=$(readlink /proc/self/ns/mnt)
  [[ $(cat "$LOG/createRuntime.mntns") == "$host" ]]
  [[ $(cat "$LOG/createContainer.mntns") != "$host" ]]
  [[ $(cat "$LOG/createContainer.mntns") == "$(readlink "/proc/$pid/ns/mnt")" ]]
}

@test "hooks: startContainer's path resolves inside the container and it runs there" {
  make_bundle sleep 600
  bind_log
  # The hook program exists only in the rootfs.
  printf '#!/bin/sh\nreadlink /proc/self/ns/mnt >/hooklog/inside.mntns\ncat /etc/hostname >/hooklog/inside.hostname\n' \
    >"$BUNDLE/rootfs/inside-hook.sh"
  chmod +x "$BUNDLE/rootfs/inside-hook.sh"
  [[ ! -e /inside-hook.sh ]]
  add_hook startContainer '{"path": "/inside-hook.sh"}'
  local id pid
  id=$(cid inside)
  run_detached "$id"
  pid=$(container_pid "$id")
  wait_for_output "$LOG/inside.mntns" mnt
  [[ $(cat "$LOG/inside.mntns") == "$(readlink "/proc/$pid/ns/mnt")" ]]
  [[ $(cat "$LOG/inside.hostname") == "$(cat "$BUNDLE/rootfs/etc/hostname")" ]]
}

@test "hooks: a failing createRuntime hook fails create, is named, and leaves nothing" {
  make_bundle sh -c 'echo ran > /hooklog/container-ran'
  bind_log
  add_hook createRuntime '{"path": "/bin/false"}'
  local id
  id=$(cid failcr)
  run_rt create -b "$BUNDLE" "$id"
  assert_failed_with_message
  if is_stockade; then stderr_has 'hooks\.createRuntime\[0\]'; fi
  assert_no_leftovers "$id"
  [[ ! -e $LOG/container-ran ]]
}

@test "hooks: a failing createContainer hook fails create and leaves nothing" {
  make_bundle true
  add_hook createContainer "$(hook_json createContainer)"
  add_hook createContainer '{"path": "/bin/false"}'
  local id
  id=$(cid failcc)
  run_rt create -b "$BUNDLE" "$id"
  assert_failed_with_message
  if is_stockade; then stderr_has 'hooks\.createContainer\[1\]'; fi
  assert_no_leftovers "$id"
  [[ -s $LOG/createContainer.json ]]   # the first hook did run
}

@test "hooks: a hook that cannot be executed fails create" {
  make_bundle true
  add_hook prestart "$(jq -n --arg p "$BATS_TEST_TMPDIR/no-such-hook" '{path: $p}')"
  local id
  id=$(cid nohook)
  run_rt create -b "$BUNDLE" "$id"
  assert_failed_with_message
  if is_stockade; then stderr_has 'hooks\.prestart\[0\]'; fi
  assert_no_leftovers "$id"
}

@test "hooks: a hook that outlives its timeout is killed and create fails naming the timeout" {
  make_bundle true
  # An argument no other process has, to find the hook afterwards.
  local marker=10.$RANDOM id start
  add_hook createRuntime "$(jq -n --arg m "$marker" '{path: "/bin/sleep", args: ["sleep", $m], timeout: 1}')"
  id=$(cid timeout)
  start=$SECONDS
  run_rt create -b "$BUNDLE" "$id"
  assert_failed_with_message
  ((SECONDS - start < 8)) || fail "create took $((SECONDS - start)) s"
  stderr_has 'timed out|timeout'
  if is_stockade; then stderr_has 'hooks\.createRuntime\[0\].*timed out'; fi
  assert_no_leftovers "$id"
  ! pgrep -f "sleep $marker" >/dev/null || fail "the hook is still running"
}

@test "hooks: a failing poststart hook only warns and the container keeps running" {
  is_stockade || skip "runc kills the container when a poststart hook fails"
  make_bundle sleep 600
  add_hook poststart '{"path": "/bin/false"}'
  local id
  id=$(cid failps)
  run_rt run -d -b "$BUNDLE" "$id"
  [[ $status -eq 0 ]]
  stderr_has 'poststart'
  [[ $(container_status "$id") == running ]]
}

@test "hooks: a failing poststop hook only warns and delete still succeeds" {
  make_bundle sleep 600
  add_hook poststop '{"path": "/bin/false"}'
  local id
  id=$(cid failpst)
  run_detached "$id"
  run_rt delete -f "$id"
  [[ $status -eq 0 ]]
  if is_stockade; then stderr_has 'poststop'; fi
  assert_no_leftovers "$id"
}

@test "hooks: poststop runs when a stopped container is deleted" {
  make_bundle true
  add_hook poststop "$(hook_json poststop)"
  local id
  id=$(cid poststop)
  create_container "$id"
  rt start "$id"
  wait_for_status "$id" stopped
  [[ ! -e $LOG/poststop.json ]]
  rt delete "$id"
  [[ $(state_of poststop .status) == stopped ]]
  [[ $(state_of poststop .id) == "$id" ]]
}

@test "hooks: a hook gets only stdin, stdout and stderr, not the caller's other fds" {
  make_bundle true
  local k
  for k in createRuntime createContainer; do
    add_hook "$k" "$(jq -n --arg f "$LOG/$k.fds" '{path: "/bin/sh", args: ["sh", "-c", ("ls /proc/self/fd | sort -n | tr \"\\n\" \" \" >" + $f)]}')"
  done
  local id
  id=$(cid hookfds)
  status=0
  # fds 3, 5 and 6 open in the caller (in a subshell: fd 3 is bats' channel).
  (
    exec 3</dev/null 5</dev/null 6</dev/null
    exec timeout -k 5 "$RT_TIMEOUT" "$STOCKADE" --root "$ROOT" $(sk_globals) run -b "$BUNDLE" "$id"
  ) </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1 || status=$?
  [[ $status -eq 0 ]] || fail "run failed: $(cat "$BATS_TEST_TMPDIR/out")"
  for k in createRuntime createContainer; do
    # runc 1.1 hands its own sync fds to createContainer hooks.
    [[ $k == createRuntime ]] || is_stockade || continue
    # 0-2 and the directory ls reads.
    [[ $(cat "$LOG/$k.fds") =~ ^"0 1 2 "[0-9]+" "$ ]] || fail "$k hook has fds: $(cat "$LOG/$k.fds")"
  done
}

@test "hooks: createRuntime and createContainer run with the caller's umask" {
  make_bundle true
  local k
  for k in createRuntime createContainer; do
    add_hook "$k" "$(jq -n --arg f "$LOG/$k.umask" '{path: "/bin/sh", args: ["sh", "-c", ("umask >" + $f)]}')"
  done
  umask 0027
  run_ctr hookumask
  umask 0022
  [[ $status -eq 0 ]]
  for k in createRuntime createContainer; do
    [[ $(cat "$LOG/$k.umask") == 0027 ]] || fail "$k ran with umask $(cat "$LOG/$k.umask")"
  done
  # So a file a hook creates on the host is not world-writable.
  [[ $(stat -c %a "$LOG/createContainer.umask") == 640 ]]
}

@test "hooks: createContainer runs inside the container's cgroup, at the root of its cgroup namespace" {
  # The init is moved into its cgroup while it sets up its mounts; hooks it
  # runs must already be inside (a hook's processes count against the
  # container's limits) and see the container's cgroup namespace.
  make_bundle true
  add_namespace cgroup
  add_hook createContainer "$(jq -n --arg f "$LOG/cc.cgroup" '{path: "/bin/sh", args: ["sh", "-c", ("cat /proc/self/cgroup >" + $f)]}')"
  run_ctr hookcg
  [[ $status -eq 0 ]] || fail "run failed: $output"
  [[ -s $LOG/cc.cgroup ]] || fail "the hook left no record"
  local l
  while read -r l; do
    [[ $l == *:/ ]] || fail "the createContainer hook is not at the root of the container's cgroup: $l"
  done <"$LOG/cc.cgroup"
}
