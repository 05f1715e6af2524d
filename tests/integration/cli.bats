#!/usr/bin/env bats
# The command line: version, help, spec, features, list and JSON logs, as runc.

load ../lib/helpers

# help_works CMD: `CMD --help` exits 0 and prints a usage naming CMD.
help_works() {
  run_rt "$1" --help
  [[ $status -eq 0 ]] || fail "$1 --help exited $status"
  grep -qw -- "$1" <<<"$output$stderr" || fail "$1 --help does not mention '$1'"
}

@test "--version exits 0 and prints the version and the spec version" {
  run_rt --version
  [[ $status -eq 0 ]]
  grep -qiE 'version [0-9]+\.[0-9]+' <<<"$output"
  grep -qE '^spec: [0-9]+\.[0-9]+' <<<"$output"
}

@test "--help exits 0 and lists the commands" {
  run_rt --help
  [[ $status -eq 0 ]]
  for cmd in create start run state kill delete list spec exec features; do
    grep -qw "$cmd" <<<"$output" || fail "--help does not list $cmd"
  done
}

@test "create --help exits 0" { help_works create; }
@test "start --help exits 0" { help_works start; }
@test "run --help exits 0" { help_works run; }
@test "state --help exits 0" { help_works state; }
@test "kill --help exits 0" { help_works kill; }
@test "delete --help exits 0" { help_works delete; }
@test "list --help exits 0" { help_works list; }
@test "spec --help exits 0" { help_works spec; }
@test "exec --help exits 0" { help_works exec; }
@test "features --help exits 0" { help_works features; }
@test "ps --help exits 0" { help_works ps; }
@test "pause --help exits 0" { help_works pause; }
@test "resume --help exits 0" { help_works resume; }
@test "events --help exits 0" { help_works events; }
@test "update --help exits 0" { help_works update; }
@test "checkpoint --help exits 0" { help_works checkpoint; }
@test "restore --help exits 0" { help_works restore; }

@test "an unknown command exits non-zero and names it" {
  run_rt no-such-command
  assert_failed_with_message
  stderr_has 'no-such-command'
}

@test "an unknown global flag exits non-zero" {
  run_rt --no-such-flag list
  assert_failed_with_message
}

@test "spec writes a valid config.json with root.path rootfs" {
  mkdir "$BATS_TEST_TMPDIR/spec" && cd "$BATS_TEST_TMPDIR/spec"
  run_rt spec
  [[ $status -eq 0 ]]
  json_true 'type == "object"' config.json
  [[ $(jq -r '.root.path' config.json) == rootfs ]]
  [[ $(jq -r '.ociVersion' config.json) =~ ^1\.[0-9]+\.[0-9]+ ]]
  json_true '.process.args | length > 0' config.json
  json_true '.linux.namespaces | map(.type) | index("mount") != null' config.json
}

@test "spec --bundle writes config.json into that directory" {
  mkdir "$BATS_TEST_TMPDIR/elsewhere"
  run_rt spec --bundle "$BATS_TEST_TMPDIR/elsewhere"
  [[ $status -eq 0 ]]
  json_true '.root.path == "rootfs"' "$BATS_TEST_TMPDIR/elsewhere/config.json"
}

@test "spec refuses to overwrite an existing config.json" {
  mkdir "$BATS_TEST_TMPDIR/spec" && cd "$BATS_TEST_TMPDIR/spec"
  echo '{"keep": true}' >config.json
  run_rt spec
  assert_failed_with_message
  stderr_has 'config.json'
  [[ $(jq -r .keep config.json) == true ]]
}

@test "spec --rootless adds a user namespace mapping the caller to root" {
  mkdir "$BATS_TEST_TMPDIR/spec" && cd "$BATS_TEST_TMPDIR/spec"
  run_rt spec --rootless
  [[ $status -eq 0 ]]
  json_true '.linux.namespaces | map(.type) | index("user") != null' config.json
  json_true '.linux.uidMappings[0].containerID == 0 and .linux.uidMappings[0].hostID == 0' config.json
  json_true '.linux.gidMappings | length > 0' config.json
}

@test "features prints JSON with ociVersionMin and ociVersionMax" {
  run_rt features
  [[ $status -eq 0 ]]
  json_true '.ociVersionMin | test("^1\\.")' <<<"$output"
  json_true '.ociVersionMax | test("^1\\.")' <<<"$output"
  json_true '.linux.namespaces | index("pid") != null' <<<"$output"
}

@test "list with no containers prints only runc's table header" {
  run_rt list
  [[ $status -eq 0 ]]
  [[ ${#lines[@]} -eq 1 ]]
  [[ $(tr -s ' ' <<<"${lines[0]}" | sed 's/ $//') == "ID PID STATUS BUNDLE CREATED OWNER" ]]
}

@test "list shows created and running containers in the table" {
  make_bundle sleep 600
  local c1 c2
  c1=$(cid created)
  c2=$(cid running)
  create_container "$c1"
  run_detached "$c2"
  run_rt list
  [[ $status -eq 0 ]]
  [[ $(tr -s ' ' <<<"${lines[0]}" | sed 's/ $//') == "ID PID STATUS BUNDLE CREATED OWNER" ]]
  [[ ${#lines[@]} -eq 3 ]]
  grep -qE "^$c1 +[1-9][0-9]* +created +$BUNDLE " <<<"$output"
  grep -qE "^$c2 +[1-9][0-9]* +running +$BUNDLE " <<<"$output"
}

@test "list --format json prints an array with id and status" {
  make_bundle sleep 600
  local c1 c2
  c1=$(cid created)
  c2=$(cid running)
  create_container "$c1"
  run_detached "$c2"
  run_rt list --format json
  [[ $status -eq 0 ]]
  json_true 'type == "array" and length == 2' <<<"$output"
  [[ $(jq -r --arg id "$c1" '.[] | select(.id == $id) | .status' <<<"$output") == created ]]
  [[ $(jq -r --arg id "$c2" '.[] | select(.id == $id) | .status' <<<"$output") == running ]]
  [[ $(jq -r --arg id "$c2" '.[] | select(.id == $id) | .bundle' <<<"$output") == "$BUNDLE" ]]
  json_true 'all(.[]; .pid > 0)' <<<"$output"
}

@test "list -q prints only the container IDs" {
  make_bundle sleep 600
  local c1 c2
  c1=$(cid one)
  c2=$(cid two)
  create_container "$c1"
  create_container "$c2"
  run_rt list -q
  [[ $status -eq 0 ]]
  [[ $(printf '%s\n' "${lines[@]}" | sort) == "$(printf '%s\n' "$c1" "$c2" | sort)" ]]
}

@test "--log FILE --log-format json writes JSON lines with level, msg and time" {
  local log=$BATS_TEST_TMPDIR/log.json
  run_rt --log "$log" --log-format json start no-such-container
  [[ $status -ne 0 ]]
  [[ -s $log ]] || fail "nothing was written to $log"
  # Every line is one JSON object with the three fields runc writes.
  while read -r line; do
    [[ $(jq -r 'type == "object" and (.level | type == "string") and (.msg | type == "string") and (.time | type == "string")' \
      <<<"$line" 2>/dev/null) == true ]] || fail "not a runc-style JSON log line: $line"
  done <"$log"
  json_true -s 'map(select(.level == "error")) | length >= 1' "$log"
  json_true -s 'map(select(.level == "error")) | .[0].time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T")' "$log"
}

@test "--log FILE: the profile's report goes to the file, not to the container's stderr (runc)" {
  is_stockade || skip "profiles are Stockade's"
  make_bundle sh -c 'echo out; echo err >&2'
  local id log=$BATS_TEST_TMPDIR/log.json profile=$REPO_ROOT/tests/lib/profiles/engine.profile
  id=$(cid logfile)
  # An engine runs `create` with the container's own stdio and --log.
  run_rt --profile "$profile" --log "$log" --log-format json run -b "$BUNDLE" "$id"
  [[ $status -eq 0 ]]
  [[ $output == out ]] || fail "stdout: $output"
  [[ $stderr == err ]] || fail "the container's stderr has more than its own line: $stderr"
  json_true -s 'map(select(.level == "info" and (.msg | test("profile engine \\(enforce\\)")))) | length == 1' "$log"
  # Without --log the operator sees the report on stderr.
  id=$(cid nolog)
  run_rt --profile "$profile" run -b "$BUNDLE" "$id"
  [[ $status -eq 0 ]]
  stderr_has '^stockade: profile engine \(enforce\) for '
}

@test "state of an unknown container fails" {
  run_rt state no-such-container
  assert_failed_with_message
}
