#!/usr/bin/env bats
# Failures: each must exit non-zero, print one clear line on stderr naming the
# problem, and leave nothing behind (no state dir, mount, process or cgroup).

load ../lib/helpers

SLEEPER=(sleep 600)

# The runtime failed with exactly one non-empty line on stderr.
assert_one_line_error() {
  assert_failed_with_message
  local n
  n=$(grep -c . <<<"$stderr")
  [[ $n -eq 1 ]] || fail "expected one error line on stderr, got $n"
}

@test "create: malformed config.json is refused" {
  make_bundle "${SLEEPER[@]}"
  echo '{"ociVersion": "1.0.2", "process": {' >"$BUNDLE/config.json"
  local id
  id=$(cid malformed)
  run_rt create -b "$BUNDLE" "$id"
  assert_one_line_error
  if is_stockade; then stderr_has 'config\.json'; fi
  assert_no_leftovers "$id"
}

@test "create: process.args of the wrong type is refused and named" {
  make_bundle "${SLEEPER[@]}"
  update_config '.process.args = "sh"'
  local id
  id=$(cid wrongtype)
  run_rt create -b "$BUNDLE" "$id"
  assert_one_line_error
  stderr_has 'process\.args'
  assert_no_leftovers "$id"
}

@test "create: a missing config.json is refused" {
  make_bundle "${SLEEPER[@]}"
  rm "$BUNDLE/config.json"
  local id
  id=$(cid noconfig)
  run_rt create -b "$BUNDLE" "$id"
  assert_one_line_error
  stderr_has 'config\.json'
  assert_no_leftovers "$id"
}

@test "create: a missing rootfs directory is refused" {
  make_bundle "${SLEEPER[@]}"
  rm -rf "$BUNDLE/rootfs"
  local id
  id=$(cid norootfs)
  run_rt create -b "$BUNDLE" "$id"
  assert_one_line_error
  stderr_has 'rootfs'
  assert_no_leftovers "$id"
}

# create_bad_id ID [REGEX]: create with an invalid ID fails, says so (stderr
# matches REGEX, default "id") and creates nothing.
create_bad_id() {
  make_bundle "${SLEEPER[@]}"
  run_rt create -b "$BUNDLE" "$1"
  assert_one_line_error
  stderr_has "${2:-id}"
  assert_no_leftovers "$1"
  [[ -z $(ls -A "$ROOT") ]] || fail "state root not empty: $(ls -A "$ROOT")"
}

@test "create: ID ../x is refused" {
  create_bad_id ../x
  [[ ! -e $BATS_TEST_TMPDIR/x ]]
}

@test "create: ID a/b is refused" {
  create_bad_id a/b
}

@test "create: ID . is refused" {
  create_bad_id .
}

@test "create: ID .. is refused" {
  create_bad_id ..
}

@test "create: an empty ID is refused" {
  create_bad_id ""
}

@test "create: a 1025-character ID is refused" {
  # runc only fails on the state directory's name ("file name too long").
  create_bad_id "$(printf 'a%.0s' {1..1025})" 'id|too long'
  if is_stockade; then stderr_has 'id'; fi
}

@test "create: a duplicate ID is refused and the first container is untouched" {
  make_bundle "${SLEEPER[@]}"
  local id pid
  id=$(cid dup)
  create_container "$id"
  pid=$(container_pid "$id")
  cp -a "$BUNDLE/config.json" "$BATS_TEST_TMPDIR/config.json"
  mkdir "$BATS_TEST_TMPDIR/bundle2"
  cp "$BATS_TEST_TMPDIR/config.json" "$BATS_TEST_TMPDIR/bundle2/"
  cp -a "$BUNDLE/rootfs" "$BATS_TEST_TMPDIR/bundle2/rootfs"

  run_rt create -b "$BATS_TEST_TMPDIR/bundle2" "$id"
  assert_one_line_error
  stderr_has "$id|exist"

  run_rt state "$id"
  [[ $status -eq 0 ]]
  [[ $(jq -r .status <<<"$output") == created ]]
  [[ $(jq -r .pid <<<"$output") == "$pid" ]]
  [[ $(jq -r .bundle <<<"$output") == "$BUNDLE" ]]
  run_rt start "$id"
  [[ $status -eq 0 ]]
  wait_for_status "$id" running
}

@test "start: an unknown ID fails" {
  run_rt start no-such-container
  assert_one_line_error
  stderr_has 'not exist|no such|not found'
  assert_no_leftovers no-such-container
}

@test "start: starting a running container a second time fails and it keeps running" {
  make_bundle "${SLEEPER[@]}"
  local id
  id=$(cid twice)
  create_container "$id"
  rt start "$id"
  run_rt start "$id"
  assert_one_line_error
  [[ $(container_status "$id") == running ]]
}

@test "start: starting a stopped container fails" {
  make_bundle sh -c 'exit 0'
  local id
  id=$(cid stopped)
  create_container "$id"
  rt start "$id"
  wait_for_status "$id" stopped
  run_rt start "$id"
  assert_one_line_error
  [[ $(container_status "$id") == stopped ]]
}

@test "kill: a stopped container fails with runc's words (containerd's shim matches them)" {
  make_bundle sh -c 'exit 0'
  local id
  id=$(cid killstopped)
  create_container "$id"
  rt start "$id"
  wait_for_status "$id" stopped
  run_rt kill "$id" KILL
  assert_one_line_error
  # The shim's checkKillError turns these into "process already finished".
  stderr_has 'container not running'
  run_rt kill no-such-container KILL
  stderr_has 'does not exist'
}

@test "delete: an unknown ID fails" {
  run_rt delete no-such-container
  assert_one_line_error
  stderr_has 'not exist|no such|not found'
}

@test "delete --force: an unknown ID succeeds silently (runc; containerd's shim relies on it)" {
  run_rt delete --force no-such-container
  [[ $status -eq 0 ]] || fail "delete --force of an unknown ID exited $status"
  [[ -z $stderr ]] || fail "delete --force of an unknown ID printed: $stderr"
  run_rt delete --force ../escape
  assert_one_line_error
}

@test "kill: an unknown ID fails" {
  run_rt kill no-such-container KILL
  assert_one_line_error
}

@test "run: an args[0] that is not in the container fails and names it" {
  make_bundle no-such-binary
  local id
  id=$(cid noexec)
  run_rt run -b "$BUNDLE" "$id"
  assert_one_line_error
  stderr_has 'no-such-binary'
  assert_no_leftovers "$id"
}

@test "create/start: an args[0] that is not in the container fails at create or start" {
  make_bundle /bin/no-such-binary
  local id
  id=$(cid noexec2)
  run_rt create -b "$BUNDLE" "$id"
  if [[ $status -eq 0 ]]; then
    run_rt start "$id"
    assert_one_line_error
    stderr_has 'no-such-binary'
    run_rt delete --force "$id"
  else
    assert_one_line_error
    stderr_has 'no-such-binary'
  fi
  assert_no_leftovers "$id"
}

@test "create: an unknown namespace type is refused and named" {
  make_bundle "${SLEEPER[@]}"
  update_config '.linux.namespaces += [{type: "bogus"}]'
  local id
  id=$(cid badns)
  run_rt create -b "$BUNDLE" "$id"
  assert_one_line_error
  stderr_has 'bogus'
  assert_no_leftovers "$id"
}

@test "kill: an invalid signal name is refused and the container keeps running" {
  make_bundle "${SLEEPER[@]}"
  local id
  id=$(cid badsig)
  run_detached "$id"
  run_rt kill "$id" NOPE
  assert_one_line_error
  stderr_has 'NOPE'
  [[ $(container_status "$id") == running ]]
}

@test "kill: an out-of-range signal number is refused" {
  make_bundle "${SLEEPER[@]}"
  local id
  id=$(cid badsignum)
  run_detached "$id"
  run_rt kill "$id" 99
  assert_one_line_error
  [[ $(container_status "$id") == running ]]
}

@test "--log-format json: a failing create logs its error as JSON" {
  make_bundle "${SLEEPER[@]}"
  rm "$BUNDLE/config.json"
  local id log=$BATS_TEST_TMPDIR/log.json
  id=$(cid jsonlog)
  run_rt --log "$log" --log-format json create -b "$BUNDLE" "$id"
  [[ $status -ne 0 ]]
  json_true -s 'map(select(.level == "error" and (.msg | test("config\\.json")))) | length >= 1' "$log"
  assert_no_leftovers "$id"
}
