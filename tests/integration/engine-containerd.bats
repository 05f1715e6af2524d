#!/usr/bin/env bats
# containerd (Debian's containerd and ctr) driving Stockade through the
# io.containerd.runc.v2 shim.  setup_file starts a private containerd (own
# config.toml, socket, root and state directory) and imports the test image;
# every behaviour is observed through ctr.  The runtime binary the shim runs
# is a wrapper pinning --profile (none for plain compatibility, the engine
# test profiles for clamps and refusals), given with ctr's --runc-binary.
# Without containerd installed the tests are skipped; a containerd that is
# installed but does not start is a failure (CI installs it).

load ../lib/helpers
load ../lib/engines

setup_file() {
  command -v containerd >/dev/null && command -v ctr >/dev/null ||
    { engine_skip "containerd is not installed (Debian: apt-get install containerd)"; return 0; }
  engine_setup_file containerd || return 0
  local d=$ENGINE_DIR
  remember_host_dirs /run/containerd
  export SK_NONE SK_ENFORCE SK_STRICT SK_DEFAULT
  SK_NONE=$(runtime_wrapper stockade-none none)
  SK_ENFORCE=$(runtime_wrapper stockade-enforce "$TEST_PROFILES/engine.profile")
  SK_STRICT=$(runtime_wrapper stockade-strict "$TEST_PROFILES/engine-strict.profile")
  SK_DEFAULT=$(runtime_wrapper stockade-default default)
  # The CRI runtime entry is the one docs/engines.md gives (BinaryName);
  # ctr does not go through CRI, so the tests pass the same binary with
  # --runc-binary.  CRI itself is off: no CNI, no kubelet here.
  cat >"$d/config.toml" <<EOF
version = 2
root = "$d/root"
state = "$d/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]

[grpc]
  address = "$d/containerd.sock"

[plugins."io.containerd.internal.v1.opt"]
  path = "$d/opt"

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.stockade]
  runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.stockade.options]
    BinaryName = "$SK_NONE"
    Root = "$d/stockade-root"
EOF
  containerd --config "$d/config.toml" >"$d/containerd.log" 2>&1 3>&- &
  echo $! >"$d/containerd.pid"
  if ! wait_for_socket "$d/containerd.sock" "$!" 20; then
    echo "# containerd did not start; its log:" >&3
    sed 's/^/#   /' "$d/containerd.log" >&3
    stop_daemon "$d/containerd.pid" 5
    # Not a skip: CI installs containerd and these tests must run there.
    fail "containerd did not start: $(daemon_failure "$d/containerd.log")"
  fi
  export CTR_ADDR=$d/containerd.sock CTR_NS=stockade-test RUNC_ROOT=$d/stockade-root
  timeout 60 ctr --address "$CTR_ADDR" -n "$CTR_NS" images import "$IMAGE_DIR/oci.tar" >&2 3>&- ||
    fail "ctr images import failed"
}

teardown_file() {
  [[ -n ${ENGINE_DIR:-} ]] || return 0
  local id
  if [[ -S ${CTR_ADDR:-} ]]; then
    for id in $(ctr_ containers ls -q 2>/dev/null); do
      ctr_ task kill -s KILL "$id" >/dev/null 2>&1
      ctr_ task delete -f "$id" >/dev/null 2>&1
      ctr_ containers delete "$id" >/dev/null 2>&1
    done
  fi
  stop_daemon "$ENGINE_DIR/containerd.pid"
  # A shim or a container that outlived the daemon (a failed test).
  kill_matching "$ENGINE_DIR/"
  forget_host_dirs
  engine_cleanup_dir
}

# ctr_ ARGS...: ctr on the test's daemon and namespace.
ctr_() {
  ctr --address "$CTR_ADDR" -n "$CTR_NS" "$@"
}

# run_ctr ARGS...: run_engine for ctr.
run_ctr() {
  run_engine ctr --address "$CTR_ADDR" -n "$CTR_NS" "$@"
}

setup() {
  engine_setup_test
  ID=sk-ctd-$BATS_TEST_NUMBER-$$
}

# Every test leaves no task, container, Stockade state or cgroup behind.
teardown() {
  [[ -z ${ENGINE_SKIP:-} ]] || return 0
  local problems="" left
  if [[ -n $(ctr_ containers ls -q 2>/dev/null) ]]; then
    problems+="containers left: $(ctr_ containers ls -q | tr '\n' ' ')"
    for id in $(ctr_ containers ls -q); do
      ctr_ task kill -s KILL "$id" >/dev/null 2>&1
      ctr_ task delete -f "$id" >/dev/null 2>&1
      ctr_ containers delete "$id" >/dev/null 2>&1
    done
  fi
  left=$(state_root_entries "$RUNC_ROOT/$CTR_NS")
  [[ -z $left ]] || problems+=" stockade state left: $left"
  local cg
  cg=$(leaked_cgroups "$ID")
  [[ -z $cg ]] || problems+=" cgroups left: $cg"
  [[ -z $problems ]] || fail "$problems"
}

# run_task [RUNTIME] ARGS...: ctr run with the none wrapper and the
# test's runtime root.
ctr_run() {
  run_ctr run --runc-binary "$SK_NONE" --runc-root "$RUNC_ROOT" "$@"
}

# task_status ID: RUNNING, PAUSED, STOPPED... from `ctr task ls`.
task_status() {
  ctr_ task ls 2>/dev/null | awk -v id="$1" '$1 == id { print $3 }'
}
task_status_is() {
  [[ $(task_status "$1") == "$2" ]]
}

@test "containerd: ctr run runs the image with Stockade and returns the exit status" {
  ctr_run --rm "$IMAGE" "$ID" sh -c 'echo hello; echo pid $$; exit 3'
  [[ $status -eq 3 ]] || fail "ctr run exited $status, want the container's 3"
  [[ $output == "hello"$'\n'"pid 1" ]] || fail "unexpected output: $output"
  # The shim ran our binary, runc-style: --root, --log, --log-format json.
  grep -qE -- "^--root $RUNC_ROOT/$CTR_NS --log [^ ]+/log.json --log-format json create --bundle [^ ]+ --pid-file [^ ]+ $ID\$" \
    "$SK_NONE.calls" || fail "the shim did not run Stockade's create: $(cat "$SK_NONE.calls")"
  grep -qE -- " start $ID\$" "$SK_NONE.calls"
  # Exit 0 comes back as 0 too.
  ctr_run --rm "$IMAGE" "$ID" true
  [[ $status -eq 0 ]]
}

@test "containerd: detached run, ctr task exec with and without -t" {
  ctr_run -d "$IMAGE" "$ID" sh -c 'trap "exit 7" TERM; while :; do sleep 0.1; done'
  [[ $status -eq 0 ]]
  poll 10 task_status_is "$ID" RUNNING || fail "task is $(task_status "$ID")"

  run_ctr task exec --exec-id plain "$ID" sh -c 'echo in-container $(cat /proc/1/cmdline | tr "\0" " "); [ -t 0 ] || echo no-tty; exit 4'
  [[ $status -eq 4 ]] || fail "exec exited $status, want 4"
  output_has '^in-container sh -c trap'
  output_has '^no-tty$'

  run_engine_tty ctr --address "$CTR_ADDR" -n "$CTR_NS" task exec -t --exec-id tty "$ID" \
    sh -c 'tty; [ -t 0 ] && echo is-a-tty; sleep 0.3; exit 5'
  [[ $status -eq 5 ]] || fail "exec -t exited $status, want 5"
  output_has '^/dev/pts/[0-9]+$'
  output_has '^is-a-tty$'

  run_ctr task kill -s KILL "$ID"
  poll 10 task_status_is "$ID" STOPPED
  run_ctr task delete "$ID"
  run_ctr containers delete "$ID"
  [[ $status -eq 0 ]]
}

@test "containerd: ctr task kill delivers the signal; delete reports the exit code" {
  ctr_run -d "$IMAGE" "$ID" sh -c 'trap "exit 7" TERM; while :; do sleep 0.1; done'
  poll 10 task_status_is "$ID" RUNNING
  run_ctr task kill "$ID" # SIGTERM
  [[ $status -eq 0 ]]
  poll 10 task_status_is "$ID" STOPPED || fail "task is $(task_status "$ID") after SIGTERM"
  run_ctr task delete "$ID"
  [[ $status -eq 0 ]]
  grep -q 'exit code 7' <<<"$stderr" || fail "ctr task delete did not report exit code 7: $stderr"
  run_ctr containers delete "$ID"
  [[ $status -eq 0 ]]
}

@test "containerd: pause and resume; ps; exec works again after resume" {
  ctr_run -d "$IMAGE" "$ID" sh -c 'while :; do sleep 0.1; done'
  poll 10 task_status_is "$ID" RUNNING
  run_ctr task pause "$ID"
  [[ $status -eq 0 ]]
  [[ $(task_status "$ID") == PAUSED ]] || fail "task is $(task_status "$ID") after pause"
  run_ctr task resume "$ID"
  [[ $status -eq 0 ]]
  [[ $(task_status "$ID") == RUNNING ]] || fail "task is $(task_status "$ID") after resume"
  run_ctr task ps "$ID"
  [[ $status -eq 0 ]]
  [[ $(grep -cE '^[0-9]+ ' <<<"$output") -ge 1 ]] || fail "ctr task ps lists no process"
  run_ctr task exec --exec-id after "$ID" echo resumed
  [[ $status -eq 0 && $output == resumed ]]
  run_ctr task kill -s KILL "$ID"
  poll 10 task_status_is "$ID" STOPPED
  run_ctr task delete "$ID"
  run_ctr containers delete "$ID"
}

@test "containerd: ctr task metrics reports the container's cgroup" {
  ctr_run -d "$IMAGE" "$ID" sh -c 'while :; do sleep 0.1; done'
  poll 10 task_status_is "$ID" RUNNING
  run_ctr task metrics --format json "$ID"
  [[ $status -eq 0 ]]
  json_true '.pids.current >= 1 and .cpu.usage.total > 0 and .memory.usage.usage > 0' <<<"$output"
  run_ctr task kill -s KILL "$ID"
  poll 10 task_status_is "$ID" STOPPED
  run_ctr task delete "$ID"
  run_ctr containers delete "$ID"
}

@test "containerd: ctr task delete removes the container and all its state" {
  ctr_run -d "$IMAGE" "$ID" sleep 1000
  poll 10 task_status_is "$ID" RUNNING
  [[ -d $RUNC_ROOT/$CTR_NS/$ID ]] || fail "no Stockade state at $RUNC_ROOT/$CTR_NS/$ID"
  # A running task cannot be deleted without --force.
  run_ctr task delete "$ID"
  [[ $status -ne 0 ]]
  run_ctr task delete --force "$ID"
  [[ $status -eq 0 ]]
  [[ -z $(task_status "$ID") ]] || fail "task still listed: $(task_status "$ID")"
  [[ ! -e $RUNC_ROOT/$CTR_NS/$ID ]] || fail "Stockade's state directory is left"
  run_ctr containers delete "$ID"
  [[ $status -eq 0 ]]
  # The shim's own cleanup found nothing to complain about.
  ! grep -q "failed to remove runc container.*$ID" "$ENGINE_DIR/containerd.log" ||
    fail "containerd logged: $(grep "failed to remove runc container.*$ID" "$ENGINE_DIR/containerd.log")"
}

@test "containerd: --privileged under the enforce profile is clamped (seen inside)" {
  run_ctr run --rm --runc-binary "$SK_ENFORCE" --runc-root "$RUNC_ROOT" --privileged "$IMAGE" "$ID" \
    sh -c "$CLAMP_PROBE"
  assert_clamped
}

@test "containerd: a config the strict profile refuses fails with the reason in ctr's message" {
  run_ctr run --rm --runc-binary "$SK_STRICT" --runc-root "$RUNC_ROOT" --privileged "$IMAGE" "$ID" true
  assert_strict_refusal
  # containerd's own wording around our message.
  grep -q 'OCI runtime create failed: profile engine-strict' <<<"$stderr"
  [[ -z $(task_status "$ID") ]]
  [[ ! -e $RUNC_ROOT/$CTR_NS/$ID ]]
  run_ctr containers ls -q
  ! grep -qx "$ID" <<<"$output" || run_ctr containers delete "$ID"
}

@test "containerd: the default profile's user namespace runs the image unchanged (overlay over idmapped layers)" {
  run_ctr run --rm --runc-binary "$SK_DEFAULT" --runc-root "$RUNC_ROOT" "$IMAGE" "$ID" \
    sh -c 'cat /proc/self/uid_map; stat -c "%u:%g" / /bin/busybox /etc/passwd; touch /tmp/ok && echo wrote'
  [[ $status -eq 0 ]]
  [[ $(awk 'NR == 1 { print $1, $3 }' <<<"$output") == "0 65536" ]]
  [[ $(awk 'NR == 1 { print $2 }' <<<"$output") -ne 0 ]]
  [[ $(sed -n 2,4p <<<"$output" | sort -u) == 0:0 ]] || fail "owners inside: $output"
  [[ $(sed -n 5p <<<"$output") == wrote ]]
}
