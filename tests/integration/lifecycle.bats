#!/usr/bin/env bats
# The container lifecycle: create, start, state, kill, delete, run; and what
# the process sees of its config (stdio, env, cwd, user, rootfs, hostname).

load ../lib/helpers

# A container that keeps running until killed.
SLEEPER=(sleep 600)

# A container init that exits 7 after printing "got" on SIGTERM.  (The init
# of a pid namespace only receives signals it has a handler for.)
TERM_TRAP='trap "echo got; exit 7" TERM; echo ready; while :; do sleep 0.1; done'

@test "create: state is created with a live pid and runc's fields" {
  make_bundle "${SLEEPER[@]}"
  local id
  id=$(cid create)
  create_container "$id"
  run_rt state "$id"
  [[ $status -eq 0 ]]
  local pid
  pid=$(jq -r .pid <<<"$output")
  [[ $(jq -r .status <<<"$output") == created ]]
  [[ $pid -gt 0 ]]
  kill -0 "$pid"
  [[ $(jq -r .id <<<"$output") == "$id" ]]
  [[ $(jq -r .bundle <<<"$output") == "$BUNDLE" ]]
  [[ $(jq -r .rootfs <<<"$output") == "$BUNDLE/rootfs" ]]
  json_true '.created | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9:]+)$")' <<<"$output"
  json_true '.ociVersion | test("^1\\.[0-9]+\\.[0-9]+")' <<<"$output"
}

@test "create: the container's process has not run yet" {
  make_bundle sh -c 'echo started'
  local id
  id=$(cid notrun)
  create_container "$id"
  [[ $(container_status "$id") == created ]]
  if grep -q started "$BATS_TEST_TMPDIR/$id.out"; then fail "the process ran before start"; fi
}

@test "create --pid-file writes the container's pid" {
  make_bundle "${SLEEPER[@]}"
  local id
  id=$(cid pidfile)
  create_container "$id" --pid-file "$BATS_TEST_TMPDIR/pid"
  [[ -s $BATS_TEST_TMPDIR/pid ]]
  [[ $(cat "$BATS_TEST_TMPDIR/pid") == "$(container_pid "$id")" ]]
}

@test "start: a created container becomes running" {
  make_bundle "${SLEEPER[@]}"
  local id
  id=$(cid start)
  create_container "$id"
  run_rt start "$id"
  [[ $status -eq 0 ]]
  wait_for_status "$id" running
  kill -0 "$(container_pid "$id")"
}

@test "start: the process writes to the stdio given at create" {
  make_bundle sh -c 'echo hello from the container'
  local id
  id=$(cid stdio)
  create_container "$id"
  run_rt start "$id"
  [[ $status -eq 0 ]]
  wait_for_output "$BATS_TEST_TMPDIR/$id.out" 'hello from the container'
}

@test "a container whose process exits becomes stopped" {
  make_bundle sh -c 'exit 0'
  local id
  id=$(cid exits)
  create_container "$id"
  rt start "$id"
  wait_for_status "$id" stopped
  [[ $(container_pid "$id") -eq 0 ]]
}

@test "delete: a stopped container is removed and state fails" {
  make_bundle sh -c 'exit 0'
  local id
  id=$(cid delete)
  create_container "$id"
  rt start "$id"
  wait_for_status "$id" stopped
  run_rt delete "$id"
  [[ $status -eq 0 ]]
  run_rt state "$id"
  [[ $status -ne 0 ]]
  [[ ! -e $ROOT/$id ]]
  if rt list -q | grep -qx "$id"; then fail "$id is still listed"; fi
}

@test "delete: a running container is refused without --force and keeps running" {
  make_bundle "${SLEEPER[@]}"
  local id pid
  id=$(cid running)
  run_detached "$id"
  pid=$(container_pid "$id")
  run_rt delete "$id"
  assert_failed_with_message
  [[ $(container_status "$id") == running ]]
  kill -0 "$pid"
}

@test "delete --force kills and removes a running container" {
  make_bundle "${SLEEPER[@]}"
  local id
  id=$(cid force)
  run_detached "$id"
  run_rt delete --force "$id"
  [[ $status -eq 0 ]]
  run_rt state "$id"
  [[ $status -ne 0 ]]
  assert_no_leftovers "$id"
}

@test "delete --force removes a created container" {
  make_bundle "${SLEEPER[@]}"
  local id
  id=$(cid forcecreated)
  create_container "$id"
  run_rt delete --force "$id"
  [[ $status -eq 0 ]]
  assert_no_leftovers "$id"
}

@test "run: returns the container's exit status" {
  make_bundle sh -c 'exit 3'
  run_rt run -b "$BUNDLE" "$(cid exit3)"
  [[ $status -eq 3 ]]
}

@test "run: returns 0 when the container succeeds" {
  make_bundle sh -c 'exit 0'
  run_rt run -b "$BUNDLE" "$(cid exit0)"
  [[ $status -eq 0 ]]
}

@test "run: returns 128+N when the container is killed by signal N" {
  # Without a pid namespace the shell is not an init, so SIGKILL reaches it.
  make_bundle sh -c 'kill -9 $$'
  remove_namespace pid
  run_rt run -b "$BUNDLE" "$(cid sig9)"
  [[ $status -eq 137 ]]
}

@test "run: returns 137 when the container is killed with kill ID KILL" {
  make_bundle "${SLEEPER[@]}"
  local id pid
  id=$(cid killfg)
  "$STOCKADE" --root "$ROOT" $(sk_globals) run -b "$BUNDLE" "$id" </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
  pid=$!
  wait_for_status "$id" running
  rt kill "$id" KILL
  wait_exit "$pid"
  [[ $rc -eq 137 ]] || fail "run exited $rc, want 137"
}

@test "run: the current directory is the default bundle" {
  make_bundle sh -c 'echo in-cwd-bundle'
  cd "$BUNDLE"
  run_rt run "$(cid cwdbundle)"
  [[ $status -eq 0 ]]
  [[ $output == in-cwd-bundle ]]
}

@test "run: a foreground container is deleted when it exits" {
  make_bundle sh -c 'exit 0'
  local id
  id=$(cid fgdelete)
  run_rt run -b "$BUNDLE" "$id"
  [[ $status -eq 0 ]]
  if rt list -q | grep -qx "$id"; then fail "$id is still listed"; fi
  run_rt state "$id"
  [[ $status -ne 0 ]]
  assert_no_leftovers "$id"
}

@test "run: SIGTERM to the runtime is forwarded to the container" {
  make_bundle sh -c "$TERM_TRAP"
  local id pid out=$BATS_TEST_TMPDIR/out
  id=$(cid sigterm)
  "$STOCKADE" --root "$ROOT" $(sk_globals) run -b "$BUNDLE" "$id" </dev/null >"$out" 2>&1 3>&- &
  pid=$!
  wait_for_output "$out" ready
  kill -TERM "$pid"
  wait_exit "$pid"
  [[ $rc -eq 7 ]] || fail "run exited $rc, want 7; output: $(cat "$out")"
  grep -qx got "$out"
}

@test "run -d: the container runs detached and state is running" {
  make_bundle "${SLEEPER[@]}"
  local id
  id=$(cid detached)
  run_rt run -d -b "$BUNDLE" "$id"
  [[ $status -eq 0 ]]
  [[ $(container_status "$id") == running ]]
  kill -0 "$(container_pid "$id")"
}

@test "kill: KILL, SIGKILL and 9 all stop a running container" {
  make_bundle "${SLEEPER[@]}"
  local sig id
  for sig in KILL SIGKILL 9; do
    id=$(cid "kill$sig")
    run_detached "$id"
    run_rt kill "$id" "$sig"
    [[ $status -eq 0 ]] || fail "kill $id $sig exited $status"
    wait_for_status "$id" stopped
  done
}

@test "kill: the default signal is SIGTERM" {
  make_bundle sh -c "$TERM_TRAP"
  local id
  id=$(cid killterm)
  run_detached "$id"
  wait_for_output "$BATS_TEST_TMPDIR/$id.out" ready
  run_rt kill "$id"
  [[ $status -eq 0 ]]
  wait_for_status "$id" stopped
  grep -qx got "$BATS_TEST_TMPDIR/$id.out"
}

@test "kill: KILL stops a created container that was never started" {
  make_bundle "${SLEEPER[@]}"
  local id
  id=$(cid killcreated)
  create_container "$id"
  run_rt kill "$id" KILL
  [[ $status -eq 0 ]]
  wait_for_status "$id" stopped
  run_rt delete "$id"
  [[ $status -eq 0 ]]
  assert_no_leftovers "$id"
}

@test "stdio: stdout and stderr pass through separately" {
  make_bundle sh -c 'echo to-stdout; echo to-stderr >&2'
  run_rt run -b "$BUNDLE" "$(cid stdio)"
  [[ $status -eq 0 ]]
  [[ $output == to-stdout ]]
  [[ $stderr == to-stderr ]]
}

@test "stdio: stdin passes through to the container" {
  make_bundle cat
  run_rt run -b "$BUNDLE" "$(cid stdin)" <<<"hi from stdin"
  [[ $status -eq 0 ]]
  [[ $output == "hi from stdin" ]]
}

@test "process.env is the container's environment" {
  make_bundle sh -c 'echo "FOO=$FOO"; echo "PATH=$PATH"'
  update_config '.process.env = ["PATH=/bin:/usr/bin", "FOO=bar baz"]'
  run_rt run -b "$BUNDLE" "$(cid env)"
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == "FOO=bar baz" ]]
  [[ ${lines[1]} == "PATH=/bin:/usr/bin" ]]
}

@test "process.cwd is the container's working directory" {
  make_bundle pwd
  update_config '.process.cwd = "/home/app"'
  run_rt run -b "$BUNDLE" "$(cid cwd)"
  [[ $status -eq 0 ]]
  [[ $output == /home/app ]]
}

@test "process.user sets the uid, gid and additional groups" {
  make_bundle sh -c 'id -u; id -g; id -G; whoami'
  update_config '.process.user = {uid: 1000, gid: 1000, additionalGids: [65534]}'
  run_rt run -b "$BUNDLE" "$(cid user)"
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == 1000 ]]
  [[ ${lines[1]} == 1000 ]]
  [[ " ${lines[2]} " == *" 65534 "* ]]
  [[ ${lines[3]} == app ]]
}

@test "a non-root process.user cannot write where root can" {
  make_bundle sh -c 'touch /root/x 2>/dev/null && echo wrote || echo refused'
  update_config '.root.readonly = false | .process.user = {uid: 1000, gid: 1000}'
  run_rt run -b "$BUNDLE" "$(cid userperm)"
  [[ $status -eq 0 ]]
  [[ $output == refused ]]
  [[ ! -e $BUNDLE/rootfs/root/x ]]
}

@test "root.readonly true makes writing to / fail" {
  make_bundle sh -c 'touch /x 2>/dev/null; echo "touch=$?"'
  update_config '.root.readonly = true'
  run_rt run -b "$BUNDLE" "$(cid ro)"
  [[ $status -eq 0 ]]
  [[ $output == "touch=1" ]]
  [[ ! -e $BUNDLE/rootfs/x ]]
}

@test "root.readonly false lets the container write to /" {
  make_bundle sh -c 'touch /x; echo "touch=$?"'
  update_config '.root.readonly = false'
  run_rt run -b "$BUNDLE" "$(cid rw)"
  [[ $status -eq 0 ]]
  [[ $output == "touch=0" ]]
  [[ -e $BUNDLE/rootfs/x ]]
}

@test "hostname is set inside the container" {
  make_bundle hostname
  update_config '.hostname = "box-one"'
  run_rt run -b "$BUNDLE" "$(cid hostname)"
  [[ $status -eq 0 ]]
  [[ $output == box-one ]]
}

@test "domainname is set inside the container" {
  make_bundle cat /proc/sys/kernel/domainname
  update_config '.hostname = "box-one" | .domainname = "example.test"'
  run_rt run -b "$BUNDLE" "$(cid domainname)"
  [[ $status -eq 0 ]]
  [[ $output == example.test ]]
}

@test "process.args[0] is looked up in the container's PATH" {
  make_bundle busybox echo found
  update_config '.process.env = ["PATH=/bin"]'
  run_rt run -b "$BUNDLE" "$(cid path)"
  [[ $status -eq 0 ]]
  [[ $output == found ]]
}
