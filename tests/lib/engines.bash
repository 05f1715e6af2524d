# Shared helpers for the engine tests (tests/integration/engine-*.bats):
# containerd, Docker and Podman started by the test with private state, the
# test image, and runtime wrappers that pin Stockade's profile.
#
#   load ../lib/helpers
#   load ../lib/engines
#
# Every daemon is started by the test file (setup_file) on a socket, root and
# state directory under $ENGINE_DIR and stopped by teardown_file, which then
# removes the directory; nothing of the host's engines is touched.

# shellcheck shell=bash
# shellcheck disable=SC2034,SC2016,SC2086

IMAGE_DIR=${STOCKADE_TEST_IMAGE:-$REPO_ROOT/tests/.cache/image}
IMAGE=localhost/stockade-test:latest
TEST_PROFILES=$REPO_ROOT/tests/lib/profiles
# How long one engine command may take before it counts as hung (seconds).
ENGINE_TIMEOUT=${ENGINE_TIMEOUT:-60}

# engine_skip REASON: skip every test of this file, printing REASON (bats
# 1.8 cannot skip from setup_file: the file's setup() calls
# engine_setup_test, which skips).  setup_file returns right after it.
engine_skip() {
  export ENGINE_SKIP=$1
  echo "# skipping the tests of $(basename "$BATS_TEST_FILENAME"): $1" >&3
}

engine_setup_test() {
  [[ -z ${ENGINE_SKIP:-} ]] || skip "$ENGINE_SKIP"
}

# engine_setup_file NAME: the common part of an engine file's setup_file:
# root, the runtime binary, the test image, and a private $ENGINE_DIR.
# Returns 1 after engine_skip when the tests cannot run.
engine_setup_file() {
  [[ $EUID -eq 0 ]] || { engine_skip "engine tests start daemons and need root"; return 1; }
  [[ -x $STOCKADE ]] || { engine_skip "runtime binary $STOCKADE not found (build it with: ninja -C build)"; return 1; }
  "$REPO_ROOT/tests/lib/make-image.sh" "$IMAGE_DIR" >&2 || fail "cannot build the test image"
  # Short: unix socket paths must stay under 108 bytes.
  ENGINE_DIR=$(mktemp -d "/tmp/sk-$1.XXXXXX")
  chmod 0711 "$ENGINE_DIR"
  # scripts/test.sh cleans up after its own run if bats dies (engine-cleanup.sh).
  echo "${STOCKADE_TEST_RUN_ID:-}" >"$ENGINE_DIR/.run-id"
  export ENGINE_DIR
}

# runtime_wrapper NAME PROFILE: an executable $ENGINE_DIR/NAME that runs
# Stockade with --profile PROFILE and the engine's arguments, and records
# each call's arguments in $ENGINE_DIR/NAME.calls (one line per call), so a
# test can show the engine really ran Stockade.  (containerd's BinaryName
# and ctr's --runc-binary take a binary, not arguments.)
runtime_wrapper() {
  local name=$1 profile=$2 path=$ENGINE_DIR/$1
  cat >"$path" <<EOF
#!/bin/sh
printf '%s\n' "\$*" >>'$ENGINE_DIR/$name.calls'
exec '$STOCKADE' --profile '$profile' "\$@"
EOF
  chmod 0755 "$path"
  echo "$path"
}

# wait_for_socket PATH PID TIMEOUT: the daemon PID is listening on PATH;
# fails at once when the daemon exits.
socket_or_dead() {
  [[ -S $1 ]] || ! kill -0 "$2" 2>/dev/null
}
wait_for_socket() {
  local sock=$1 pid=$2 timeout=$3
  poll "$timeout" socket_or_dead "$sock" "$pid" 2>/dev/null && kill -0 "$pid" 2>/dev/null
}

# daemon_failure LOG: the line of a daemon's log that says why it stopped
# (its first error), else the last line.
daemon_failure() {
  grep -m1 -iE 'level=(fatal|error)|fatal|failed|unknown|cannot|denied' "$1" || tail -1 "$1"
}

# stop_daemon PIDFILE [TIMEOUT]: SIGTERM the daemon, SIGKILL it after
# TIMEOUT seconds (default 20); wait until it is gone.
pid_gone() { ! kill -0 "$1" 2>/dev/null; }
stop_daemon() {
  local pidfile=$1 timeout=${2:-20} pid
  [[ -s $pidfile ]] || return 0
  pid=$(cat "$pidfile")
  kill -TERM "$pid" 2>/dev/null || return 0
  if ! poll "$timeout" pid_gone "$pid" 2>/dev/null; then
    echo "# daemon $pid ignored SIGTERM for ${timeout}s; SIGKILL" >&3
    kill -KILL "$pid" 2>/dev/null
    poll 5 pid_gone "$pid" 2>/dev/null
  fi
}

# kill_matching PATTERN: SIGKILL every process whose command line contains
# PATTERN (a path under $ENGINE_DIR, so only what this file started).
kill_matching() {
  local pids
  pids=$(grep -lsF -- "$1" /proc/[0-9]*/cmdline | cut -d/ -f3 | grep -vxE "$$|$BASHPID")
  [[ -z $pids ]] || kill -KILL $pids 2>/dev/null || true
}

# engine_cleanup_dir: unmount whatever the engine left mounted under
# $ENGINE_DIR (deepest first) and remove the directory.
engine_cleanup_dir() {
  [[ -n ${ENGINE_DIR:-} && -d $ENGINE_DIR ]] || return 0
  awk -v d="$ENGINE_DIR/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
    while read -r m; do umount -l "$m" 2>/dev/null || true; done
  rm -rf "$ENGINE_DIR"
}

# run_engine CMD...: run an engine CLI command, bounded, stdin from
# /dev/null, stdout and stderr to files; sets $status, $output, $stderr like
# run_rt and shows the command when the test fails.
run_engine() {
  local out="$BATS_TEST_TMPDIR/.engine.out" err="$BATS_TEST_TMPDIR/.engine.err"
  status=0
  timeout -k 5 "$ENGINE_TIMEOUT" "$@" </dev/null >"$out" 2>"$err" 3>&- || status=$?
  output=$(cat "$out")
  stderr=$(cat "$err")
  echo "\$ $* -> exit $status"
  [[ -z $output ]] || sed 's/^/  stdout: /' "$out"
  [[ -z $stderr ]] || sed 's/^/  stderr: /' "$err"
}

# run_engine_tty CMD...: like run_engine, but CMD runs with a pseudo-terminal
# as its stdin/stdout (script(1)), for `exec -t`; output is what the
# terminal showed.
run_engine_tty() {
  local out="$BATS_TEST_TMPDIR/.engine.out" cmd
  cmd=$(printf '%q ' "$@")
  status=0
  timeout -k 5 "$ENGINE_TIMEOUT" script -qfec "$cmd" /dev/null </dev/null >"$out" 2>&1 3>&- || status=$?
  # The terminal's CR LF line ends, and the NUL ctr writes to the terminal
  # (echoed as ^@; runc shows the same).
  output=$(tr -d '\r\0' <"$out" | sed 's/\^@//g')
  stderr=
  echo "\$ (tty) $* -> exit $status"
  [[ -z $output ]] || printf '  tty: %s\n' "$output"
}

# output_has REGEX: stdout matches REGEX (grep -E).
output_has() {
  grep -qE -- "$1" <<<"$output" || fail "output does not match /$1/: $output"
}

# cap_eff_is HEX: the "CapEff:" line in $output (a /proc/self/status dump)
# shows HEX.
cap_eff_is() {
  local got
  got=$(awk '$1 == "CapEff:" { print $2 }' <<<"$output")
  [[ $got == "$1" ]] || fail "CapEff is '$got', want $1"
}

# CLAMP_PROBE: a shell script run in a container asked to be --privileged
# under tests/lib/profiles/engine.profile; assert_clamped checks what it
# printed: the profile's capabilities only, no_new_privs, a seccomp filter,
# a read-only rootfs with a writable /tmp, no host devices, and the
# profile's report kept out of the container's stdio (it goes to --log).
CLAMP_PROBE='grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status; touch /x 2>&1;
  ls /dev/kmsg 2>&1; echo w >/tmp/w && cat /tmp/w; true'
assert_clamped() {
  [[ $status -eq 0 ]] || fail "the clamped container exited $status"
  cap_eff_is "$PROFILE_CAPS_HEX"
  output_has '^NoNewPrivs:[[:space:]]+1$'
  output_has '^Seccomp:[[:space:]]+2$'
  output_has 'Read-only file system'
  output_has 'kmsg.*No such file'
  output_has '^w$'
  ! grep -q 'clamp' <<<"$output$stderr" || fail "the profile report reached the container's stdio"
}

# assert_strict_refusal: the engine's command failed and its message (on
# stderr) carries the reason from Stockade's JSON log line, parsed (the msg,
# not the JSON).
assert_strict_refusal() {
  [[ $status -ne 0 ]] || fail "the strict profile did not refuse the container"
  grep -q 'profile engine-strict (strict): [0-9]* violations: ' <<<"$stderr" ||
    fail "the engine's message does not carry Stockade's reason: $stderr"
  grep -q 'process.capabilities.bounding: .*CAP_SYS_ADMIN.* not allowed by CapabilityBoundingSet' <<<"$stderr" ||
    fail "the engine's message does not name the refused capability: $stderr"
  ! grep -q '"level"' <<<"$stderr" || fail "the JSON log line was not parsed: $stderr"
}

# The default profile's bounding set (CAP_CHOWN DAC_OVERRIDE FOWNER FSETID
# KILL SETGID SETUID SETPCAP NET_BIND_SERVICE SYS_CHROOT AUDIT_WRITE SETFCAP)
# as /proc/PID/status prints it.
PROFILE_CAPS_HEX=00000000a00405fb

# remember_host_dirs DIR...: note which of these host directories do not
# exist yet.  Engines create some whatever their private roots are
# (containerd's shim sockets in /run/containerd/s, ctr's fifos, dockerd's
# /run/docker/plugins); forget_host_dirs removes them again, if empty.
remember_host_dirs() {
  local d
  for d in "$@"; do
    [[ -e $d ]] || echo "$d" >>"$ENGINE_DIR/.host-dirs"
  done
}
forget_host_dirs() {
  local d
  [[ -f $ENGINE_DIR/.host-dirs ]] || return 0
  while read -r d; do
    [[ -d $d ]] && find "$d" -depth -type d -empty -delete 2>/dev/null
  done <"$ENGINE_DIR/.host-dirs"
}
