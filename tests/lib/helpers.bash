# Shared helpers for Stockade's bats integration tests.
#
#   load ../lib/helpers
#
# Every test gets a private state directory ($ROOT, passed as --root) and, when
# it calls make_bundle, a private bundle ($BUNDLE) with a busybox rootfs.  The
# default teardown force-deletes whatever containers are left in $ROOT and then
# fails the test if anything leaked: a mount under the test's temp dir, a
# process running in (or from) the bundle, a state directory, a cgroup.
#
# The runtime under test is $REPO/build/stockade; set RUNTIME=/usr/sbin/runc to
# run the same tests against runc.  Checks that only make sense for Stockade's
# own wording go under `if is_stockade; then ...; fi`.

# shellcheck shell=bash
# jq filters are single-quoted on purpose; pid lists are split on purpose;
# rc is set for the caller.
# shellcheck disable=SC2016,SC2086,SC2034

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STOCKADE=${RUNTIME:-$REPO_ROOT/build/stockade}
ROOTFS_CACHE=${STOCKADE_TEST_ROOTFS:-$REPO_ROOT/tests/.cache/rootfs}

# How long one runtime command may take before it counts as hung (seconds).
RT_TIMEOUT=${RT_TIMEOUT:-20}

# --- small utilities ---------------------------------------------------------

fail() {
  echo "FAIL: $*" >&2
  return 1
}

# True when the runtime under test is Stockade (not runc or another runtime).
is_stockade() {
  [[ $(basename "$STOCKADE") == stockade* ]]
}

# poll TIMEOUT CMD...: run CMD every 0.1 s until it succeeds; fail after
# TIMEOUT seconds.
poll() {
  local timeout=$1
  shift
  local deadline=$((SECONDS + timeout))
  until "$@"; do
    if ((SECONDS >= deadline)); then
      echo "poll: '$*' did not succeed within ${timeout}s" >&2
      return 1
    fi
    sleep 0.1
  done
}

# A container ID unique to this test run (cgroup paths are shared by every
# state root, so IDs must not repeat across tests).  Every ID is recorded so
# the teardown can look for its cgroups.
cid() {
  local id="sk${BATS_SUITE_TEST_NUMBER:-0}-${1:-c}-$$-$RANDOM"
  echo "$id" >>"$BATS_TEST_TMPDIR/.ids"
  echo "$id"
}

# --- running the runtime -----------------------------------------------------

# Stockade applies a profile to every container (stockade.conf's Profile=,
# "default" when there is none).  Most tests check that the runtime does
# what the config says, as runc does, so they run with no profile; a test of
# a profile sets SK_PROFILE=NAME (or passes --profile itself, which wins).
# STOCKADE_CONF (a stockade.conf for this test) is passed as --config.
sk_globals() {
  is_stockade || return 0
  printf '%s\n' --profile "${SK_PROFILE:-none}"
  [[ -z ${STOCKADE_CONF:-} ]] || printf '%s\n' --config "$STOCKADE_CONF"
}

# rt ARGS...: the runtime with this test's private --root.  fd 3 (bats' own
# output channel) is closed so a leaked container can never hang bats.
rt() {
  local globals
  mapfile -t globals < <(sk_globals)
  timeout --foreground -k 5 "$RT_TIMEOUT" "$STOCKADE" --root "$ROOT" "${globals[@]}" "$@" 3>&-
}

# run_rt ARGS...: like bats' `run rt ARGS...`, but the runtime's stdout and
# stderr go to files, not pipes, so a container that (wrongly) survives can
# never block the test.  Sets $status, $output, $lines, $stderr, $stderr_lines.
# Stdin is /dev/null unless redirected by the caller.
run_rt() {
  local out="$BATS_TEST_TMPDIR/.rt.out" err="$BATS_TEST_TMPDIR/.rt.err"
  status=0
  rt "$@" >"$out" 2>"$err" || status=$?
  output=$(cat "$out")
  stderr=$(cat "$err")
  mapfile -t lines <"$out"
  mapfile -t stderr_lines <"$err"
  # Shown by bats only when the test fails.
  echo "\$ $(basename "$STOCKADE") $* -> exit $status"
  [[ -z $output ]] || printf '  stdout: %s\n' "${lines[@]}"
  [[ -z $stderr ]] || printf '  stderr: %s\n' "${stderr_lines[@]}"
}

# json_true [-s] FILTER [FILE]: jq prints exactly `true` (so empty input, a
# parse error or several results all fail, unlike `jq -e`).
json_true() {
  local out
  out=$(jq -r "$@" 2>&1)
  [[ $out == true ]] || fail "jq $*: got '$out', want true"
}

# The runtime must have failed with one clear message on stderr.
assert_failed_with_message() {
  [[ $status -ne 0 ]] || fail "expected a non-zero exit, got 0"
  [[ -n $stderr ]] || fail "expected an error message on stderr, got nothing"
}

# stderr_has REGEX: stderr matches REGEX (grep -E, case-insensitive).
stderr_has() {
  grep -qiE -- "$1" <<<"$stderr" || fail "stderr does not match /$1/: $stderr"
}

# --- bundles -------------------------------------------------------------------

# make_bundle [ARGS...]: a fresh bundle at $BUNDLE with a copy of the cached
# busybox rootfs and the runtime's `spec` config, edited to run ARGS (when
# given) without a terminal.
make_bundle() {
  "$REPO_ROOT/tests/lib/make-rootfs.sh" "$ROOTFS_CACHE" || fail "cannot build the test rootfs"
  rm -rf "$BUNDLE"
  mkdir -p "$BUNDLE"
  cp -a "$ROOTFS_CACHE" "$BUNDLE/rootfs"
  (cd "$BUNDLE" && "$STOCKADE" spec) || fail "'$(basename "$STOCKADE") spec' failed"
  [[ -s $BUNDLE/config.json ]] || fail "'spec' wrote no config.json"
  update_config '.process.terminal = false'
  if [[ $# -gt 0 ]]; then
    update_config '.process.args = $a' --argjson a "$(json_array "$@")"
  fi
}

# json_array ARGS...: the arguments as a JSON array of strings.  (jq's --args
# would take an argument like -c as its own option.)
json_array() {
  local a
  for a in "$@"; do
    jq -n --arg a "$a" '$a'
  done | jq -cs .
}

# update_config FILTER [JQ ARGS...]: edit $BUNDLE/config.json with jq.
update_config() {
  local filter=$1
  shift
  local cfg="$BUNDLE/config.json"
  jq "$filter" "$@" <"$cfg" >"$cfg.new" || fail "jq '$filter' failed on config.json"
  mv "$cfg.new" "$cfg"
}

# Add a namespace (with optional path) to linux.namespaces, replacing one of
# the same type.
add_namespace() {
  local type=$1 path=${2:-}
  if [[ -n $path ]]; then
    update_config '.linux.namespaces = ([.linux.namespaces[] | select(.type != $t)] + [{type: $t, path: $p}])' \
      --arg t "$type" --arg p "$path"
  else
    update_config '.linux.namespaces = ([.linux.namespaces[] | select(.type != $t)] + [{type: $t}])' \
      --arg t "$type"
  fi
}

remove_namespace() {
  update_config '.linux.namespaces = [.linux.namespaces[] | select(.type != $t)]' --arg t "$1"
}

# Give the rootfs to the root of a user namespace mapped to host uid/gid
# HOSTID, so it is used as is (not idmapped).  The path to it need not be
# searchable by that uid: the runtime binds the rootfs as host root.
prepare_userns_bundle() {
  local hostid=$1
  chown -R "$hostid:$hostid" "$BUNDLE/rootfs"
}

# --- container state -----------------------------------------------------------

# The status field of `state ID`, or "" if state fails.
container_status() {
  rt state "$1" 2>/dev/null | jq -r '.status' 2>/dev/null
}

container_pid() {
  rt state "$1" | jq -r '.pid'
}

status_is() {
  [[ $(container_status "$1") == "$2" ]]
}

# wait_for_status ID STATUS [TIMEOUT]
wait_for_status() {
  poll "${3:-10}" status_is "$1" "$2" || fail "container $1 is '$(container_status "$1")', not '$2'"
}

# file_has FILE REGEX: FILE exists and matches REGEX.
file_has() {
  [[ -f $1 ]] && grep -qE -- "$2" "$1"
}

# wait_for_output FILE REGEX [TIMEOUT]
wait_for_output() {
  poll "${3:-10}" file_has "$1" "$2" || fail "$1 never matched /$2/; it has: $(cat "$1" 2>/dev/null)"
}

# True when PID is gone or a zombie (exited, not yet reaped).
exited() {
  local st
  st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
  [[ -z $st || $st == Z ]]
}

# wait_exit PID [TIMEOUT]: wait (bounded) for a background job of this shell
# to exit; its exit status goes to $rc.  A job still running after TIMEOUT
# seconds is killed and the test fails.
wait_exit() {
  local pid=$1 timeout=${2:-$RT_TIMEOUT}
  rc=0
  if ! poll "$timeout" exited "$pid"; then
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    fail "process $pid did not exit within ${timeout}s"
    return 1
  fi
  wait "$pid" || rc=$?
}

# run_detached ID: `run -d` the bundle, its stdio to $BATS_TEST_TMPDIR/ID.out.
run_detached() {
  rt run -d -b "$BUNDLE" "$1" </dev/null >"$BATS_TEST_TMPDIR/$1.out" 2>&1 ||
    fail "run -d $1 failed: $(cat "$BATS_TEST_TMPDIR/$1.out")"
}

# assert_root_mapped OUT PID HOSTID: the first three lines of OUT are the
# uid_map, the gid_map and `id -u` as seen inside a container whose root is
# host uid/gid HOSTID (65536 ids), and PID is that uid and gid on the host.
assert_root_mapped() {
  local out=$1 pid=$2 host=$3
  [[ $(sed -n 1p "$out" | tr -s ' ' | sed 's/^ //') == "0 $host 65536" ]] || fail "uid_map inside: $(sed -n 1p "$out")"
  [[ $(sed -n 2p "$out" | tr -s ' ' | sed 's/^ //') == "0 $host 65536" ]] || fail "gid_map inside: $(sed -n 2p "$out")"
  [[ $(sed -n 3p "$out") == 0 ]] || fail "uid inside: $(sed -n 3p "$out")"
  [[ $(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$pid/status") == "$host $host $host $host" ]] ||
    fail "host uids of $pid: $(grep '^Uid:' "/proc/$pid/status")"
  [[ $(awk '/^Gid:/ { print $2, $3, $4, $5 }' "/proc/$pid/status") == "$host $host $host $host" ]] ||
    fail "host gids of $pid: $(grep '^Gid:' "/proc/$pid/status")"
}

# create_container ID [ARGS...]: `create` the bundle, stdio to files.
create_container() {
  local id=$1
  shift
  rt create -b "$BUNDLE" "$@" "$id" </dev/null >"$BATS_TEST_TMPDIR/$id.out" 2>&1 ||
    fail "create $id failed: $(cat "$BATS_TEST_TMPDIR/$id.out")"
}

# --- leak detection ------------------------------------------------------------

# Mounts on the host whose mount point lies under this test's temp dir.
leaked_mounts() {
  awk -v d="$BATS_TEST_TMPDIR" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo
}

# Processes that run in the bundle's rootfs (their root is the rootfs
# directory, whatever it is called inside the container) or whose root or cwd
# is a path under this test's temp dir.
leaked_pids() {
  cd / || return  # our own helpers must not count as leaks (always called in $(...))
  {
    [[ -d $BUNDLE/rootfs ]] &&
      find -L /proc/[0-9]*/root -maxdepth 0 -samefile "$BUNDLE/rootfs" 2>/dev/null
    find /proc/[0-9]*/root /proc/[0-9]*/cwd -maxdepth 0 -lname "$BATS_TEST_TMPDIR*" 2>/dev/null
  } | cut -d/ -f3 | sort -un | grep -vxE "$$|$BASHPID|${TEST_SHELL_PID:-$$}" || true
}

no_leaked_pids() {
  [[ -z $(leaked_pids) ]]
}

# cgroup directories named after container ID.
leaked_cgroups() {
  local id=$1
  [[ -n $id ]] || return 0
  # Other tests' cgroups come and go during the walk: find then exits
  # non-zero, which says nothing about this id.
  find /sys/fs/cgroup -mindepth 1 -maxdepth 6 -type d -name "*$id*" 2>/dev/null || true
}

describe_pids() {
  local p
  for p in "$@"; do
    echo "  pid $p: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null) (root $(readlink "/proc/$p/root" 2>/dev/null))"
  done
}

# assert_no_leftovers ID: after a failed command, nothing of container ID
# remains: no state directory, no mount under the test dir, no process in the
# bundle, no cgroup.  For an ID that is not a plain name (../x, a/b, "") the
# whole state root must be empty and nothing may appear next to it.
assert_no_leftovers() {
  local id=$1 m p cg
  if [[ -n $id && $id != . && $id != .. && $id != */* ]]; then
    [[ ! -e $ROOT/$id ]] || fail "state directory $ROOT/$id was left behind"
    cg=$(leaked_cgroups "$id")
    [[ -z $cg ]] || fail "cgroups left behind for $id: $cg"
  else
    [[ -z $(state_root_entries) ]] || fail "state root not empty: $(state_root_entries)"
    [[ ! -e $BATS_TEST_TMPDIR/x && ! -e $BATS_TEST_TMPDIR/b ]] || fail "something was created outside the state root"
  fi
  m=$(leaked_mounts)
  [[ -z $m ]] || fail "mounts left behind: $m"
  poll 3 no_leaked_pids || {
    p=$(leaked_pids)
    fail "processes left behind:
$(describe_pids $p)"
  }
  if [[ -n $id && $id != */* ]]; then
    run_rt state "$id"
    [[ $status -ne 0 ]] || fail "'state $id' still succeeds"
  fi
}

# --- setup and teardown --------------------------------------------------------

# Commands run by the teardown after the containers are deleted and before the
# leak checks (e.g. unmounting a namespace file the test bound).
TEARDOWN_CMDS=()
on_teardown() {
  TEARDOWN_CMDS+=("$1")
}

common_setup() {
  [[ $EUID -eq 0 ]] || skip "integration tests run containers and need root"
  [[ -x $STOCKADE ]] || fail "runtime binary $STOCKADE not found (build it with: ninja -C build)"
  TEST_SHELL_PID=$BASHPID # the test's own shell may cd into the bundle
  ROOT=$BATS_TEST_TMPDIR/state
  BUNDLE=$BATS_TEST_TMPDIR/bundle
  mkdir -p "$ROOT"
  TEARDOWN_CMDS=()
}

# What a state root ($ROOT, or DIR) holds besides the runtime's
# compiled-seccomp cache (kept across containers on purpose, see
# src/runtime/seccomp_cache.h).
state_root_entries() {
  ls -A "${1:-$ROOT}" 2>/dev/null | grep -vx '\.cache@seccomp' || true
}

# Force-delete every container left in $ROOT, then fail if anything leaked.
common_teardown() {
  [[ -n ${ROOT:-} && -d $ROOT ]] || return 0
  local ids id problems="" m p cg c
  ids=$( (rt list -q 2>/dev/null; state_root_entries) | sort -u)
  for id in $ids; do
    rt delete -f "$id" >/dev/null 2>&1 || true
  done
  for c in "${TEARDOWN_CMDS[@]}"; do
    eval "$c" || true
  done

  if ! poll 3 no_leaked_pids 2>/dev/null; then
    p=$(leaked_pids)
    problems+="processes left running in the bundle:
$(describe_pids $p)
"
    kill -9 $p 2>/dev/null || true
  fi
  m=$(leaked_mounts)
  if [[ -n $m ]]; then
    problems+="mounts left behind:
$m
"
    sort -r <<<"$m" | while read -r p; do umount -l "$p" 2>/dev/null || true; done
  fi
  if [[ -n $(state_root_entries) ]]; then
    problems+="state root not empty after deleting every container: $(state_root_entries)
"
    rm -rf "${ROOT:?}"/*
  fi
  if [[ -f $BATS_TEST_TMPDIR/.ids ]]; then
    while read -r id; do
      cg=$(leaked_cgroups "$id")
      if [[ -n $cg ]]; then
        problems+="cgroups left behind: $cg
"
        sort -r <<<"$cg" | while read -r p; do rmdir "$p" 2>/dev/null || true; done
      fi
    done <"$BATS_TEST_TMPDIR/.ids"
  fi
  [[ -z $problems ]] || fail "leaked after the test:
$problems"
}

setup() {
  common_setup
}

teardown() {
  common_teardown
}
