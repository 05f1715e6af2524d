#!/usr/bin/env bats
# Commands that act on a running container through its cgroup: ps, pause,
# resume, update, events --stats, and kill --all.

# Each test sets its own $ID/$PID in its own subshell, on purpose.
# shellcheck disable=SC2030,SC2031

load ../lib/helpers

# A container that prints a counter every 0.1 s to its stdout
# ($BATS_TEST_TMPDIR/ID.out).
COUNTER='i=0; while :; do i=$((i+1)); echo $i; sleep 0.1; done'

# start_container NAME: `run -d` the bundle as a new container; $ID, $PID.
start_container() {
  ID=$(cid "$1")
  run_detached "$ID"
  PID=$(container_pid "$ID")
  [[ $PID -gt 0 ]] || fail "no pid for $ID"
}

# cg_dir CTRL PID: the host directory of PID's cgroup for controller CTRL.
cg_dir() {
  local p
  p=$(awk -F: -v c="$1" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' "/proc/$2/cgroup")
  [[ -n $p ]] || fail "no $1 line in /proc/$2/cgroup"
  echo "/sys/fs/cgroup/$1$p"
}

# The number of lines the counter container has written so far.
counter() {
  wc -l <"$BATS_TEST_TMPDIR/$ID.out"
}

# counter_advances: the counter grows within 3 seconds.
counter_advances() {
  local a
  a=$(counter)
  poll 3 counter_above "$a"
}
counter_above() {
  [[ $(counter) -gt $1 ]]
}

# The container's pids from `ps --format json`, one a line, sorted.
ps_pids() {
  rt ps --format json "$ID" | jq -r '.[]' | sort -n
}

# procs_count N: ps --format json lists N pids.
procs_count() {
  [[ $(ps_pids | wc -l) -eq $1 ]]
}

@test "ps: the table lists the container's processes under the host's ps header" {
  make_bundle sh -c 'sleep 600 & sleep 601 & wait'
  start_container pstable
  poll 5 procs_count 3
  run_rt ps "$ID"
  [[ $status -eq 0 ]]
  [[ ${lines[0]} =~ PID ]]
  # The PID column (2nd of ps -ef) holds the init and both sleeps.
  awk 'NR > 1 { print $2 }' <<<"$output" | grep -qx "$PID"
  grep -q 'sleep 600' <<<"$output"
  grep -q 'sleep 601' <<<"$output"
  [[ ${#lines[@]} -eq 4 ]] || fail "expected a header and 3 processes"
  # Nothing of the host's.
  if awk 'NR > 1 { print $2 }' <<<"$output" | grep -qx "$$"; then fail "the test's own shell is listed"; fi
}

@test "ps --format json: an array of host pids that includes the init's" {
  make_bundle sh -c 'sleep 600 & wait'
  start_container psjson
  poll 5 procs_count 2
  run_rt ps --format json "$ID"
  [[ $status -eq 0 ]]
  json_true 'type == "array" and length == 2 and all(.[]; type == "number")' <<<"$output"
  json_true --argjson p "$PID" 'index($p) != null' <<<"$output"
  # Every pid is a host pid in the init's cgroup.
  local p
  for p in $(jq -r '.[]' <<<"$output"); do
    diff "/proc/$PID/cgroup" "/proc/$p/cgroup" || fail "$p is not in the container's cgroup"
  done
}

@test "pause: the container's processes stop running and state says paused" {
  make_bundle sh -c "$COUNTER"
  start_container pause
  counter_advances
  run_rt pause "$ID"
  [[ $status -eq 0 ]]
  [[ $(container_status "$ID") == paused ]]
  local a b
  sleep 0.3 # a line written just before the freeze
  a=$(counter)
  sleep 1
  b=$(counter)
  [[ $a -eq $b ]] || fail "the counter went from $a to $b while paused"
  if [[ -f /sys/fs/cgroup/freezer/cgroup.procs ]]; then
    [[ $(cat "$(cg_dir freezer "$PID")/freezer.state") == FROZEN ]]
  fi
}

@test "resume: a paused container runs again and state says running" {
  make_bundle sh -c "$COUNTER"
  start_container resume
  counter_advances
  rt pause "$ID"
  [[ $(container_status "$ID") == paused ]]
  run_rt resume "$ID"
  [[ $status -eq 0 ]]
  [[ $(container_status "$ID") == running ]]
  counter_advances
}

@test "pause: a stopped container cannot be paused" {
  make_bundle sh -c 'exit 0'
  ID=$(cid pausestopped)
  create_container "$ID"
  rt start "$ID"
  wait_for_status "$ID" stopped
  run_rt pause "$ID"
  assert_failed_with_message
  if is_stockade; then stderr_has 'stopped'; fi
  [[ $(container_status "$ID") == stopped ]]
}

@test "resume: a running container cannot be resumed" {
  make_bundle sleep 600
  start_container resumerunning
  run_rt resume "$ID"
  assert_failed_with_message
  [[ $(container_status "$ID") == running ]]
}

@test "delete: a paused container is refused without --force and stays paused" {
  make_bundle sh -c "$COUNTER"
  start_container delpaused
  rt pause "$ID"
  run_rt delete "$ID"
  assert_failed_with_message
  if is_stockade; then stderr_has 'paused'; fi
  [[ $(container_status "$ID") == paused ]]
  kill -0 "$PID"
}

@test "delete --force removes a paused container" {
  make_bundle sh -c "$COUNTER & $COUNTER"
  start_container forcepaused
  counter_advances
  rt pause "$ID"
  [[ $(container_status "$ID") == paused ]]
  run_rt delete --force "$ID"
  [[ $status -eq 0 ]]
  assert_no_leftovers "$ID"
}

@test "update --memory 128m --pids-limit 77 changes the host's cgroup files" {
  make_bundle sleep 600
  update_config '.linux.resources.memory = {limit: 67108864} | .linux.resources.pids = {limit: 50}'
  start_container update
  local mem pids
  mem=$(cg_dir memory "$PID")/memory.limit_in_bytes
  pids=$(cg_dir pids "$PID")/pids.max
  [[ $(cat "$mem") -eq 67108864 ]]
  [[ $(cat "$pids") == 50 ]]
  run_rt update --memory 128m --pids-limit 77 "$ID"
  [[ $status -eq 0 ]]
  [[ $(cat "$mem") -eq 134217728 ]]
  [[ $(cat "$pids") == 77 ]]
}

@test "update -r FILE applies a linux.resources JSON" {
  make_bundle sleep 600
  start_container updatefile
  jq -n '{memory: {limit: 100663296}, cpu: {shares: 256, quota: 30000, period: 100000}, pids: {limit: 42}}' \
    >"$BATS_TEST_TMPDIR/resources.json"
  run_rt update -r "$BATS_TEST_TMPDIR/resources.json" "$ID"
  [[ $status -eq 0 ]]
  [[ $(cat "$(cg_dir memory "$PID")/memory.limit_in_bytes") -eq 100663296 ]]
  [[ $(cat "$(cg_dir cpu "$PID")/cpu.shares") == 256 ]]
  [[ $(cat "$(cg_dir cpu "$PID")/cpu.cfs_quota_us") == 30000 ]]
  [[ $(cat "$(cg_dir pids "$PID")/pids.max") == 42 ]]
}

@test "update -r: a value of the wrong type fails naming the field and changes nothing" {
  make_bundle sleep 600
  update_config '.linux.resources.pids = {limit: 50}'
  start_container updatebadjson
  echo '{"pids": {"limit": "many"}}' >"$BATS_TEST_TMPDIR/resources.json"
  run_rt update -r "$BATS_TEST_TMPDIR/resources.json" "$ID"
  assert_failed_with_message
  stderr_has 'pids\.limit'
  [[ $(cat "$(cg_dir pids "$PID")/pids.max") == 50 ]]
}

@test "update --memory: an invalid size fails naming the flag and changes nothing" {
  make_bundle sleep 600
  update_config '.linux.resources.memory = {limit: 67108864}'
  start_container updatebadflag
  run_rt update --memory 12q "$ID"
  assert_failed_with_message
  stderr_has 'memory'
  [[ $(cat "$(cg_dir memory "$PID")/memory.limit_in_bytes") -eq 67108864 ]]
}

@test "events --stats: one stats JSON object whose cpu and memory usage move with work" {
  make_bundle sleep 600
  start_container events
  run_rt events --stats "$ID"
  [[ $status -eq 0 ]]
  json_true --arg id "$ID" '.type == "stats" and .id == $id and (.data | type) == "object"' <<<"$output"
  json_true '(.data.cpu.usage.total | type) == "number" and (.data.memory.usage.usage | type) == "number"' <<<"$output"
  local cpu1 mem1 cpu2 mem2
  cpu1=$(jq '.data.cpu.usage.total' <<<"$output")
  mem1=$(jq '.data.memory.usage.usage' <<<"$output")
  # Busy work inside: a shell loop, then 20 MiB kept in the container's
  # /dev/shm (tmpfs pages are charged to its memory cgroup).
  run_rt exec "$ID" sh -c 'i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done; head -c 20m /dev/zero >/dev/shm/ballast' </dev/null
  [[ $status -eq 0 ]]
  run_rt events --stats "$ID"
  [[ $status -eq 0 ]]
  cpu2=$(jq '.data.cpu.usage.total' <<<"$output")
  mem2=$(jq '.data.memory.usage.usage' <<<"$output")
  echo "cpu $cpu1 -> $cpu2, memory $mem1 -> $mem2"
  ((cpu2 > cpu1 + 10000000)) || fail "cpu usage did not grow by 10 ms"
  ((mem2 > mem1 + 10 * 1024 * 1024)) || fail "memory usage did not grow by 10 MiB"
}

@test "events --stats: pids.current counts the container's processes" {
  make_bundle sh -c 'sleep 600 & sleep 601 & wait'
  start_container eventspids
  poll 5 procs_count 3
  run_rt events --stats "$ID"
  [[ $status -eq 0 ]]
  json_true '.data.pids.current == 3' <<<"$output"
}

@test "kill --all: every process of the container gets the signal" {
  # Without a pid namespace the init's death would not take the others with
  # it: only a signal to each of them stops them all.
  make_bundle sh -c 'sleep 600 & sleep 601 & (sleep 602 & wait) & wait'
  remove_namespace pid
  start_container killall
  poll 5 procs_count 5
  local pids p
  pids=$(ps_pids)
  run_rt kill --all "$ID" KILL
  [[ $status -eq 0 ]]
  wait_for_status "$ID" stopped
  for p in $pids; do
    poll 5 exited "$p" || fail "pid $p survived kill --all"
  done
}

@test "kill --all TERM reaches the background processes the init does not pass it to" {
  # The init of a pid namespace ignores TERM from outside (no handler); its
  # background children do not, so only --all stops them.
  make_bundle sh -c 'sleep 600 & sleep 601 & wait; echo children-gone; sleep 600'
  start_container killallterm
  poll 5 procs_count 3
  local children
  children=$(ps_pids | grep -vx "$PID")
  run_rt kill "$ID" TERM
  sleep 0.3
  [[ $(ps_pids | grep -vx "$PID") == "$children" ]] || fail "plain kill reached the children"
  run_rt kill --all "$ID" TERM
  [[ $status -eq 0 ]]
  wait_for_output "$BATS_TEST_TMPDIR/$ID.out" children-gone
  kill -0 "$PID"
  [[ $(container_status "$ID") == running ]]
}
