#!/usr/bin/env bats
# exec: a new process in a running container.  It gets the stdio (or a pty)
# of the caller, the container's environment with -e on top, the user, groups,
# cwd and capabilities asked for, the init's namespaces and cgroup, none of the
# caller's extra fds, and its exit status is passed through.

# Each test sets its own $ID/$PID in its own subshell, on purpose.
# shellcheck disable=SC2030,SC2031

load ../lib/helpers
load ../lib/container_setup

# start_container: run `sleep 600` detached as a new container; its id is $ID
# and its init's host pid $INIT_PID.
start_container() {
  make_bundle sleep 600
  ID=$(cid exec)
  run_detached "$ID"
  INIT_PID=$(container_pid "$ID")
  [[ $INIT_PID -gt 0 ]] || fail "no init pid for $ID"
}

# exec_detached PIDFILE ARGS...: `exec -d --pid-file PIDFILE $ID ARGS...`;
# the process's host pid is $EXEC_PID.
exec_detached() {
  local pidfile=$1
  shift
  run_rt exec -d --pid-file "$pidfile" "$ID" "$@" </dev/null
  [[ $status -eq 0 ]] || fail "exec -d failed"
  [[ -s $pidfile ]] || fail "exec -d wrote no pid file"
  EXEC_PID=$(cat "$pidfile")
  [[ $EXEC_PID =~ ^[0-9]+$ ]] || fail "pid file holds '$EXEC_PID'"
}

# status_field NAME: the value of NAME: in a /proc/PID/status dump in $output.
status_field() {
  awk -v k="$1:" '$1 == k { print $2 }' <<<"$output"
}

# The container's host pids, as `ps --format json` prints them, one a line.
container_pids() {
  rt ps --format json "$ID" | jq -r '.[]' | sort -n
}

@test "exec: a command runs in the container and its output comes back" {
  start_container
  run_rt exec "$ID" sh -c 'echo hello from exec; hostname; echo to-stderr >&2' </dev/null
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == "hello from exec" ]]
  # The container's hostname, not the host's.
  [[ ${lines[1]} == "$(jq -r .hostname "$BUNDLE/config.json")" ]]
  [[ ${stderr_lines[-1]} == to-stderr ]]
}

@test "exec without -t: stdin passes through and no stdio is a terminal" {
  start_container
  run_rt exec "$ID" sh -c 'cat; for f in 0 1 2; do [ -t $f ] && echo "fd$f-tty" || echo "fd$f-plain"; done' \
    <<<"piped into exec"
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == "piped into exec" ]]
  [[ ${lines[1]} == fd0-plain ]]
  [[ ${lines[2]} == fd1-plain ]]
  [[ ${lines[3]} == fd2-plain ]]
}

@test "exec -t --console-socket: the pty master goes to the socket, the process's stdio is the pty" {
  start_container
  local sock=$BATS_TEST_TMPDIR/console.sock raw=$BATS_TEST_TMPDIR/recvtty.out
  start_recvtty "$sock" "$raw"
  run_rt exec -d -t --console-socket "$sock" "$ID" \
    sh -c 'tty; [ -t 0 ] && echo stdin-is-tty; [ -t 1 ] && echo stdout-is-tty; (exec 9</dev/tty) && echo has-ctty' </dev/null
  [[ $status -eq 0 ]]
  wait_recvtty 15
  mapfile -t tty_lines < <(tr -d '\r\0' <"$raw")
  printf 'recvtty: %s\n' "${tty_lines[@]}"
  # The first line is the name the runtime sent with the fd (runc sends
  # /dev/ptmx, Stockade the pty's own name).
  [[ -n ${tty_lines[0]} ]]
  [[ ${tty_lines[1]} =~ ^/dev/pts/[0-9]+$ ]]
  [[ ${tty_lines[2]} == stdin-is-tty ]]
  [[ ${tty_lines[3]} == stdout-is-tty ]]
  [[ ${tty_lines[4]} == has-ctty ]]
}

@test "exec -t in the foreground relays the pty and the exit status" {
  start_container
  local cmd rc=0 out=$BATS_TEST_TMPDIR/fg.out
  # script(1) gives the runtime a terminal of its own, as a user's shell would.
  cmd=$(printf '%q ' timeout -k 5 "$RT_TIMEOUT" "$STOCKADE" --root "$ROOT" $(sk_globals) exec -t "$ID" \
    sh -c 'tty; echo hello-through-the-pty; exit 3')
  script -qec "$cmd" /dev/null </dev/null >"$out" 2>&1 3>&- || rc=$?
  tr -d '\r\0' <"$out"
  [[ $rc -eq 3 ]] || fail "exec exited $rc"
  # (script may echo the EOF of its own stdin as ^@ before the output.)
  tr -d '\r\0' <"$out" | grep -qE '^(\^@)?/dev/pts/[0-9]+$'
  tr -d '\r\0' <"$out" | grep -qx hello-through-the-pty
}

@test "exec -e FOO=bar sets a variable in the process's environment" {
  start_container
  run_rt exec -e FOO=bar -e 'SPACED=a b' "$ID" sh -c 'echo "FOO=$FOO"; echo "SPACED=$SPACED"' </dev/null
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == FOO=bar ]]
  [[ ${lines[1]} == "SPACED=a b" ]]
}

@test "exec inherits the container's process.env, and -e overrides one entry" {
  make_bundle sleep 600
  update_config '.process.env = ["PATH=/bin:/usr/bin", "FROM_CONFIG=config-value", "KEEP=kept"]'
  ID=$(cid env)
  run_detached "$ID"
  run_rt exec "$ID" sh -c 'echo "$FROM_CONFIG $KEEP $PATH"' </dev/null
  [[ $status -eq 0 ]]
  [[ $output == "config-value kept /bin:/usr/bin" ]]
  run_rt exec -e FROM_CONFIG=overridden "$ID" sh -c 'echo "$FROM_CONFIG $KEEP"; env | grep -c "^FROM_CONFIG="' </dev/null
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == "overridden kept" ]]
  [[ ${lines[1]} == 1 ]] || fail "FROM_CONFIG appears ${lines[1]} times in the environment"
}

@test "exec -u 1000:1000 runs as that uid and gid" {
  start_container
  run_rt exec -u 1000:1000 "$ID" sh -c 'id -u; id -g; whoami; grep -E "^(Uid|Gid):" /proc/self/status' </dev/null
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == 1000 ]]
  [[ ${lines[1]} == 1000 ]]
  [[ ${lines[2]} == app ]]
  # Real, effective, saved and fs ids all switched.
  [[ $(awk '{ print $2, $3, $4, $5 }' <<<"${lines[3]}") == "1000 1000 1000 1000" ]]
  [[ $(awk '{ print $2, $3, $4, $5 }' <<<"${lines[4]}") == "1000 1000 1000 1000" ]]
}

@test "exec --additional-gids gives the process those supplementary groups" {
  start_container
  run_rt exec -u 1000:1000 --additional-gids 65534 --additional-gids 44 "$ID" \
    sh -c 'grep "^Groups:" /proc/self/status' </dev/null
  [[ $status -eq 0 ]]
  local groups
  groups=$(awk '$1 == "Groups:" { for (i = 2; i <= NF; i++) print $i }' <<<"$output" | sort -n | tr '\n' ' ')
  [[ $groups == "44 65534 " ]] || fail "supplementary groups: '$groups'"
}

@test "exec --cwd sets the working directory" {
  start_container
  run_rt exec --cwd /etc "$ID" sh -c 'pwd; ls hostname' </dev/null
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == /etc ]]
  [[ ${lines[1]} == hostname ]]
}

@test "exec: the process's exit status is passed through" {
  start_container
  run_rt exec "$ID" sh -c 'exit 7' </dev/null
  [[ $status -eq 7 ]]
  # The container keeps running.
  [[ $(container_status "$ID") == running ]]
}

@test "exec: a process killed by signal N gives 128+N" {
  start_container
  run_rt exec "$ID" sh -c 'kill -TERM $$; sleep 5' </dev/null
  [[ $status -eq 143 ]]
  run_rt exec "$ID" sh -c 'kill -KILL $$; sleep 5' </dev/null
  [[ $status -eq 137 ]]
}

@test "exec --process FILE runs the process.json's args, env, cwd and user" {
  start_container
  local pj=$BATS_TEST_TMPDIR/process.json
  jq -n '{terminal: false, user: {uid: 1000, gid: 1000}, cwd: "/home/app",
          env: ["PATH=/bin:/usr/bin", "PJ=from-process-json"],
          args: ["sh", "-c", "id -u; id -g; pwd; echo $PJ"]}' >"$pj"
  run_rt exec --process "$pj" "$ID" </dev/null
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == 1000 ]]
  [[ ${lines[1]} == 1000 ]]
  [[ ${lines[2]} == /home/app ]]
  [[ ${lines[3]} == from-process-json ]]
}

@test "exec -d --pid-file: the pid is alive and belongs to the container's pid namespace" {
  start_container
  exec_detached "$BATS_TEST_TMPDIR/exec.pid" sleep 300
  kill -0 "$EXEC_PID"
  [[ $(readlink "/proc/$EXEC_PID/ns/pid") == "$(readlink "/proc/$INIT_PID/ns/pid")" ]]
  # Its NSpid has a second entry: its pid inside the container, not 1.
  local nspid
  nspid=$(awk '$1 == "NSpid:" { print NF - 1, $3 }' "/proc/$EXEC_PID/status")
  [[ $nspid =~ ^2\ [0-9]+$ && ${nspid#2 } -gt 1 ]] || fail "NSpid of $EXEC_PID: $nspid"
  # The container sees it by that pid.
  run_rt exec "$ID" sh -c "tr '\\0' ' ' </proc/${nspid#2 }/cmdline" </dev/null
  [[ $output == "sleep 300 " ]]
}

@test "exec joins the init's pid, mount, network, uts, ipc and cgroup namespaces" {
  make_bundle sleep 600
  add_namespace cgroup
  ID=$(cid ns)
  run_detached "$ID"
  INIT_PID=$(container_pid "$ID")
  exec_detached "$BATS_TEST_TMPDIR/exec.pid" sleep 300
  local ns
  for ns in pid mnt net uts ipc cgroup; do
    [[ $(readlink "/proc/$EXEC_PID/ns/$ns") == "$(readlink "/proc/$INIT_PID/ns/$ns")" ]] ||
      fail "$ns: exec $(readlink "/proc/$EXEC_PID/ns/$ns"), init $(readlink "/proc/$INIT_PID/ns/$ns")"
    [[ $(readlink "/proc/$EXEC_PID/ns/$ns") != "$(readlink "/proc/self/ns/$ns")" ]] ||
      fail "$ns: the exec'd process is in the host's namespace"
  done
}

@test "exec: no fd of the caller beyond 0-2 reaches the process" {
  start_container
  local f=$BATS_TEST_TMPDIR/fdfile
  echo leaked >"$f"
  status=0
  (
    exec 7<"$f" 8<"$f"
    exec timeout -k 5 "$RT_TIMEOUT" "$STOCKADE" --root "$ROOT" $(sk_globals) exec "$ID" sh -c 'ls /proc/self/fd | sort -n | tr "\n" " "'
  ) >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" </dev/null || status=$?
  output=$(cat "$BATS_TEST_TMPDIR/out")
  echo "status $status; stdout: $output; stderr: $(cat "$BATS_TEST_TMPDIR/err")"
  [[ $status -eq 0 ]]
  # 0-2 and the directory ls is reading (its number varies).
  [[ $output =~ ^"0 1 2 "[0-9]+" "$ ]] || fail "fds inside: $output"
}

@test "exec: the process is in the container's cgroup in every hierarchy" {
  start_container
  exec_detached "$BATS_TEST_TMPDIR/exec.pid" sleep 300
  [[ -n $(cat "/proc/$INIT_PID/cgroup") ]]
  diff "/proc/$INIT_PID/cgroup" "/proc/$EXEC_PID/cgroup" || fail "exec's cgroups differ from the init's"
  # And inside, through the container's own view.
  run_rt exec "$ID" sh -c 'cat /proc/self/cgroup; echo ---; cat /proc/1/cgroup' </dev/null
  [[ $status -eq 0 ]]
  [[ ${output%%---*} == "${output#*---$'\n'}"$'\n' ]] || fail "inside, exec and init cgroups differ"
  if is_stockade; then
    grep -qx "[0-9]*:memory:/stockade/$ID" "/proc/$EXEC_PID/cgroup"
  fi
}

@test "exec: the capabilities are the config's" {
  local caps=(CAP_CHOWN CAP_KILL CAP_NET_BIND_SERVICE CAP_SETUID CAP_SETGID)
  make_bundle sleep 600
  set_caps "$(jq -n --argjson c "$(cap_json "${caps[@]}")" '{bounding: $c, effective: $c, permitted: $c}')"
  ID=$(cid caps)
  run_detached "$ID"
  run_rt exec "$ID" cat /proc/self/status </dev/null
  [[ $status -eq 0 ]]
  [[ $(status_field CapEff) == "$(cap_mask "${caps[@]}")" ]]
  [[ $(status_field CapPrm) == "$(cap_mask "${caps[@]}")" ]]
  [[ $(status_field CapBnd) == "$(cap_mask "${caps[@]}")" ]]
}

@test "exec --cap CAP_NET_ADMIN adds that capability to the config's" {
  local caps=(CAP_CHOWN CAP_KILL CAP_NET_BIND_SERVICE)
  make_bundle sleep 600
  set_caps "$(jq -n --argjson c "$(cap_json "${caps[@]}")" '{bounding: $c, effective: $c, permitted: $c}')"
  ID=$(cid addcap)
  run_detached "$ID"
  run_rt exec --cap CAP_NET_ADMIN "$ID" sh -c 'cat /proc/self/status; ip link set lo up && echo lo-up' </dev/null
  [[ $status -eq 0 ]]
  [[ $(status_field CapEff) == "$(cap_mask "${caps[@]}" CAP_NET_ADMIN)" ]]
  [[ $(status_field CapBnd) == "$(cap_mask "${caps[@]}" CAP_NET_ADMIN)" ]]
  [[ ${lines[-1]} == lo-up ]]
  # Only that exec: the next one has the config's set again.
  run_rt exec "$ID" cat /proc/self/status </dev/null
  [[ $(status_field CapEff) == "$(cap_mask "${caps[@]}")" ]]
}

@test "exec into a stopped container fails clearly" {
  make_bundle sh -c 'exit 0'
  ID=$(cid stopped)
  create_container "$ID"
  rt start "$ID"
  wait_for_status "$ID" stopped
  run_rt exec "$ID" sh -c 'echo ran' </dev/null
  assert_failed_with_message
  [[ $output != *ran* ]]
  stderr_has 'stopped'
  [[ $(container_status "$ID") == stopped ]]
}

@test "exec into a paused container is refused without --ignore-paused" {
  start_container
  rt pause "$ID"
  [[ $(container_status "$ID") == paused ]]
  # Bounded: a runtime that lets the process join the frozen cgroup waits on
  # it forever.
  RT_TIMEOUT=3 run_rt exec "$ID" echo ran-while-paused </dev/null
  [[ $status -ne 124 && $status -ne 137 ]] || fail "exec hung on the paused container"
  assert_failed_with_message
  stderr_has 'paused'
  [[ $(container_status "$ID") == paused ]]
  rt resume "$ID"
  [[ $(container_pids) == "$INIT_PID" ]] || fail "container pids after: $(container_pids)"
}

@test "exec of a missing binary fails clearly and leaves no process behind" {
  start_container
  local before
  before=$(container_pids)
  [[ $before == "$INIT_PID" ]] || fail "container pids before: $before"
  run_rt exec "$ID" /bin/no-such-binary </dev/null
  assert_failed_with_message
  stderr_has 'no-such-binary'
  [[ $(container_pids) == "$INIT_PID" ]] || fail "container pids after: $(container_pids)"
  [[ $(container_status "$ID") == running ]]
  # The same for a name looked up in $PATH.
  run_rt exec "$ID" no-such-command </dev/null
  assert_failed_with_message
  stderr_has 'no-such-command'
  [[ $(container_pids) == "$INIT_PID" ]] || fail "container pids after: $(container_pids)"
}
