#!/usr/bin/env bats
# process.terminal: the pty handed to --console-socket (received by
# build/recvtty, as an engine would), consoleSize, /dev/console, the refusal
# of a detached terminal without a socket, and the foreground relay.

load ../lib/helpers
load ../lib/container_setup

# tty_bundle SCRIPT: a bundle whose process runs SCRIPT in a terminal.
tty_bundle() {
  make_bundle sh -c "$1"
  update_config '.process.terminal = true'
}

# run_with_console ID: `run -d` with --console-socket; the receiver's output
# (pty name, then what the container wrote) ends up in $TTY_OUT once the
# container has closed its terminal.  CR of the pty's line discipline removed.
run_with_console() {
  local id=$1 sock=$BATS_TEST_TMPDIR/console.sock raw=$BATS_TEST_TMPDIR/recvtty.out
  start_recvtty "$sock" "$raw"
  run_rt run -d --console-socket "$sock" -b "$BUNDLE" "$id"
  [[ $status -eq 0 ]] || return 1
  wait_recvtty 15
  TTY_OUT=$(tr -d '\r\0' <"$raw")
  mapfile -t TTY_LINES <<<"$TTY_OUT"
  echo "recvtty got:"
  printf '  %s\n' "${TTY_LINES[@]}"
}

@test "terminal: the process's stdio is a pty, /dev/pts/N, passed to --console-socket" {
  tty_bundle 'tty; [ -t 0 ] && echo stdin-is-tty; [ -t 1 ] && echo stdout-is-tty; [ -t 2 ] && echo stderr-is-tty'
  run_with_console "$(cid tty)"
  # The first line is the pty name the runtime sent with the fd.
  [[ ${TTY_LINES[1]} =~ ^/dev/pts/[0-9]+$ ]] || fail "tty printed '${TTY_LINES[1]}'"
  [[ ${TTY_LINES[2]} == stdin-is-tty ]]
  [[ ${TTY_LINES[3]} == stdout-is-tty ]]
  [[ ${TTY_LINES[4]} == stderr-is-tty ]]
}

@test "terminal: the pty is the process's controlling terminal" {
  # Opening /dev/tty only works for a process that has a controlling terminal.
  tty_bundle '(exec 9</dev/tty) 2>/dev/null && echo has-ctty || echo no-ctty'
  run_with_console "$(cid ctty)"
  [[ ${TTY_LINES[1]} == has-ctty ]]
}

@test "terminal: consoleSize 30x100 is the pty's window size" {
  tty_bundle 'stty size'
  update_config '.process.consoleSize = {height: 30, width: 100}'
  run_with_console "$(cid size)"
  [[ ${TTY_LINES[1]} == "30 100" ]]
}

@test "terminal: /dev/console is the pty (a char device of the pts major)" {
  tty_bundle 'stat -c "%F %t" /dev/console; tty'
  run_with_console "$(cid console)"
  # Unix98 ptys have major 136 (0x88).
  [[ ${TTY_LINES[1]} == "character special file 88" ]]
  [[ ${TTY_LINES[2]} =~ ^/dev/pts/[0-9]+$ ]]
}

@test "terminal: a non-root process.user owns its pty and can reopen it by name" {
  tty_bundle 'id -u; stat -L -c %u "$(tty)"; echo reopened > "$(tty)" && echo reopen-ok'
  update_config '.process.user = {uid: 1000, gid: 1000}'
  run_with_console "$(cid ttyuser)"
  [[ ${TTY_LINES[1]} == 1000 ]]
  [[ ${TTY_LINES[2]} == 1000 ]] || fail "the pty belongs to uid ${TTY_LINES[2]}"
  [[ ${TTY_LINES[-1]} == reopen-ok ]]
}

@test "terminal: a container in a user namespace gets its pty" {
  tty_bundle 'id -u; tty; stat -c "%F %t" /dev/console'
  add_namespace user
  update_config '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
               | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
  prepare_userns_bundle 100000
  run_with_console "$(cid ttyuserns)"
  [[ ${TTY_LINES[1]} == 0 ]]
  [[ ${TTY_LINES[2]} =~ ^/dev/pts/[0-9]+$ ]]
  [[ ${TTY_LINES[3]} == "character special file 88" ]]
}

@test "terminal: run -d without --console-socket is refused and leaves nothing" {
  tty_bundle 'sleep 600'
  local id
  id=$(cid nosock)
  run_rt run -d -b "$BUNDLE" "$id"
  assert_failed_with_message
  if is_stockade; then stderr_has 'console-socket'; fi
  assert_no_leftovers "$id"
}

@test "terminal: create without --console-socket is refused and leaves nothing" {
  tty_bundle 'sleep 600'
  local id
  id=$(cid createnosock)
  run_rt create -b "$BUNDLE" "$id"
  assert_failed_with_message
  if is_stockade; then stderr_has 'console-socket'; fi
  assert_no_leftovers "$id"
}

@test "terminal: a --console-socket nobody listens on fails cleanly" {
  tty_bundle 'sleep 600'
  local id
  id=$(cid deadsock)
  run_rt run -d --console-socket "$BATS_TEST_TMPDIR/no-such.sock" -b "$BUNDLE" "$id"
  assert_failed_with_message
  assert_no_leftovers "$id"
}

@test "terminal: foreground run without a socket relays the terminal and the exit status" {
  tty_bundle 'tty; echo hello-through-the-pty; exit 3'
  local id cmd rc=0 out=$BATS_TEST_TMPDIR/fg.out
  id=$(cid fg)
  # script(1) gives the runtime a terminal of its own, as a user's shell would.
  cmd=$(printf '%q ' timeout -k 5 "$RT_TIMEOUT" "$STOCKADE" --root "$ROOT" $(sk_globals) run -b "$BUNDLE" "$id")
  script -qec "$cmd" /dev/null </dev/null >"$out" 2>&1 3>&- || rc=$?
  tr -d '\r\0' <"$out"
  [[ $rc -eq 3 ]] || fail "run exited $rc"
  # (script may echo the EOF of its own stdin as ^@ before any output line,
  # depending on timing: it is script's echo, not the container's output.)
  tr -d '\r\0' <"$out" | grep -qE '^(\^@)?/dev/pts/[0-9]+$'
  tr -d '\r\0' <"$out" | grep -qxE '(\^@)?hello-through-the-pty' 
  assert_no_leftovers "$id"
}

@test "terminal: foreground run relays the terminal even when the caller's stdio is not a tty" {
  is_stockade || skip "runc needs a terminal on the caller's side"
  tty_bundle 'tty; echo hello-through-the-pty'
  run_ctr fgnotty </dev/null
  [[ $status -eq 0 ]]
  local clean
  clean=$(tr -d '\r' <<<"$output")
  grep -qE '^/dev/pts/[0-9]+$' <<<"$clean"
  grep -qx hello-through-the-pty <<<"$clean"
}
