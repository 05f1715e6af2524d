#!/usr/bin/env bats
# Podman (Debian's podman, with conmon) running containers with Stockade.
# Podman has no daemon: every call gets private storage (--root, --runroot,
# --tmpdir) and a private containers.conf (CONTAINERS_CONF) whose [engine]
# makes Stockade the runtime, as docs/engines.md shows.  The profile is
# given with --runtime-flag.  Podman does not pass its runtime flags to
# `delete`, so Stockade keeps its state in its default root (/run/stockade),
# under Podman's 64-hex container ids.  The VM has no
# CAP_SYS_RESOURCE, so the conf caps Podman's default rlimits at what the
# host allows.  If Podman cannot run here, every test is skipped with its
# own reason.

load ../lib/helpers
load ../lib/engines

setup_file() {
  command -v podman >/dev/null ||
    { engine_skip "Podman is not installed (Debian: apt-get install podman)"; return 0; }
  engine_setup_file podman || return 0
  local d=$ENGINE_DIR
  remember_host_dirs /var/lib/containers
  export CONTAINERS_CONF=$d/containers.conf
  cat >"$CONTAINERS_CONF" <<EOF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]

[engine]
runtime = "stockade"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$d/events.log"
lock_type = "file"

[engine.runtimes]
stockade = ["$STOCKADE"]
EOF
  local out
  if ! out=$(timeout 60 podman $(pm_globals) info 2>&1 3>&-); then
    echo "# podman info failed:" >&3
    sed 's/^/#   /' <<<"$out" >&3
    engine_skip "podman cannot run: $(grep -m1 -i 'error' <<<"$out" || tail -1 <<<"$out")"
    return 0
  fi
  timeout 60 podman $(pm_globals) load -i "$IMAGE_DIR/oci.tar" >&2 3>&- || fail "podman load failed"
}

teardown_file() {
  [[ -n ${ENGINE_DIR:-} ]] || return 0
  local ids
  ids=$(timeout 20 podman $(pm_globals) ps -aq 2>/dev/null)
  [[ -z $ids ]] || timeout 60 podman $(pm_globals) --runtime-flag profile=none rm -f -t 0 $ids >/dev/null 2>&1
  kill_matching "$ENGINE_DIR/"
  # `podman load` keeps a blob cache in /var/lib/containers whatever --root is.
  if grep -qx /var/lib/containers "$ENGINE_DIR/.host-dirs" 2>/dev/null; then
    rm -rf /var/lib/containers
  fi
  forget_host_dirs
  engine_cleanup_dir
}

# The options every podman call gets: private storage.
pm_globals() {
  echo "--root $ENGINE_DIR/root --runroot $ENGINE_DIR/run --tmpdir $ENGINE_DIR/tmp --storage-driver overlay"
}
SK_STATE_ROOT=/run/stockade

# Podman's container ids in Stockade's state root.
podman_states() {
  ls "$SK_STATE_ROOT" 2>/dev/null | grep -xE '[0-9a-f]{64}' | sort
}

# run_pm PROFILE ARGS...: podman with Stockade under --profile PROFILE.
run_pm() {
  local profile=$1
  shift
  # shellcheck disable=SC2046
  run_engine podman $(pm_globals) --runtime-flag "profile=$profile" "$@"
}

setup() {
  engine_setup_test
  NAME=sk-podman-$BATS_TEST_NUMBER-$$
  podman_states >"$BATS_TEST_TMPDIR/states-before"
}

# Every test leaves no container, Stockade state or cgroup behind.
teardown() {
  [[ -z ${ENGINE_SKIP:-} ]] || return 0
  local problems="" left
  left=$(podman $(pm_globals) ps -aq)
  if [[ -n $left ]]; then
    problems+="containers left: $left"
    podman $(pm_globals) --runtime-flag profile=none rm -f -t 0 $left >/dev/null 2>&1
  fi
  left=$(podman_states | comm -13 "$BATS_TEST_TMPDIR/states-before" -)
  [[ -z $left ]] || problems+=" Stockade state left in $SK_STATE_ROOT: $left"
  [[ -z $problems ]] || fail "$problems"
}

pm_status() {
  podman $(pm_globals) inspect -f '{{.State.Status}}' "$1" 2>/dev/null
}
pm_status_is() {
  [[ $(pm_status "$1") == "$2" ]]
}

@test "podman: run --rm returns the exit status (Stockade from containers.conf)" {
  run_pm none run --rm --network none "$IMAGE" sh -c 'echo hello; echo pid $$; exit 3'
  [[ $status -eq 3 ]] || fail "podman run exited $status, want the container's 3"
  [[ $output == "hello"$'\n'"pid 1" ]] || fail "unexpected output: $output"
  run_pm none run --rm --network none "$IMAGE" true
  [[ $status -eq 0 ]]  # With a terminal (the runtime's --console-socket).
  run_engine_tty podman $(pm_globals) --runtime-flag profile=none run --rm -t --network none "$IMAGE" sh -c 'tty; exit 5'
  [[ $status -eq 5 ]] || fail "run -t exited $status, want 5"
  output_has '^/dev/pts/[0-9]+$'
}

@test "podman: detached run, exec with and without -t, top, pause/unpause, stop, rm" {
  run_pm none run -d --name "$NAME" --network none "$IMAGE" \
    sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done'
  [[ $status -eq 0 ]]
  poll 10 pm_status_is "$NAME" running
  [[ $(podman $(pm_globals) inspect -f '{{.OCIRuntime}}' "$NAME") == stockade ]]
  # conmon ran Stockade: the container is recorded in its state root.
  json_true '.pidStartTime > 0 and .ociVersion != null' \
    "$SK_STATE_ROOT/$(podman $(pm_globals) inspect -f '{{.Id}}' "$NAME")/state.json"

  run_pm none exec "$NAME" sh -c 'echo exec-ok; [ -t 0 ] || echo no-tty; exit 4'
  [[ $status -eq 4 ]] || fail "podman exec exited $status, want 4"
  [[ $output == "exec-ok"$'\n'"no-tty" ]]

  run_engine_tty podman $(pm_globals) --runtime-flag profile=none exec -it "$NAME" \
    sh -c 'tty; [ -t 0 ] && echo is-a-tty; exit 6'
  [[ $status -eq 6 ]] || fail "podman exec -it exited $status, want 6"
  output_has '^/dev/pts/[0-9]+$'
  output_has '^is-a-tty$'

  run_pm none top "$NAME"
  [[ $status -eq 0 ]]
  output_has 'sh -c trap'

  run_pm none pause "$NAME"
  [[ $status -eq 0 ]]
  [[ $(pm_status "$NAME") == paused ]]
  run_pm none unpause "$NAME"
  [[ $status -eq 0 ]]
  [[ $(pm_status "$NAME") == running ]]

  run_pm none stop "$NAME"
  [[ $status -eq 0 ]]
  [[ $(podman $(pm_globals) inspect -f '{{.State.ExitCode}}' "$NAME") == 0 ]]
  run_pm none rm "$NAME"
  [[ $status -eq 0 ]]
}

@test "podman: stop kills a container that ignores SIGTERM; rm -f removes a running one" {
  run_pm none run -d --name "$NAME" --network none "$IMAGE" sleep 1000
  poll 10 pm_status_is "$NAME" running
  run_pm none stop -t 1 "$NAME"
  [[ $status -eq 0 ]]
  [[ $(podman $(pm_globals) inspect -f '{{.State.ExitCode}}' "$NAME") == 137 ]]
  run_pm none rm "$NAME"
  [[ $status -eq 0 ]]

  run_pm none run -d --name "$NAME" --network none "$IMAGE" sleep 1000
  poll 10 pm_status_is "$NAME" running
  run_pm none rm -f -t 0 "$NAME"
  [[ $status -eq 0 ]]
  [[ -z $(podman $(pm_globals) ps -aq) ]]
}

@test "podman: run --privileged under the enforce profile is clamped (seen inside)" {
  run_pm "$TEST_PROFILES/engine.profile" run --rm --privileged --network none "$IMAGE" sh -c "$CLAMP_PROBE"
  assert_clamped
}

@test "podman: a config the strict profile refuses fails with the reason in podman's message" {
  run_pm "$TEST_PROFILES/engine-strict.profile" run --name "$NAME" --privileged --network none "$IMAGE" true
  assert_strict_refusal
  run_pm none rm -f "$NAME"
  [[ $status -eq 0 ]]
}
