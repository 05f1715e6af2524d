#!/usr/bin/env bats
# Docker (Debian's docker.io) with Stockade as a named runtime.  setup_file
# starts a private dockerd (own data root, exec root, socket and pid file; no
# iptables, no bridge) whose daemon.json declares three runtimes: Stockade
# with --profile none, with the engine test profile (enforce) and with its
# strict variant, each through runtimeArgs.  Everything is observed through
# the docker CLI.  If dockerd cannot start here, every test is skipped with
# dockerd's own reason.

load ../lib/helpers
load ../lib/engines

setup_file() {
  command -v dockerd >/dev/null && command -v docker >/dev/null ||
    { engine_skip "Docker is not installed (Debian: apt-get install docker.io)"; return 0; }
  engine_setup_file docker || return 0
  local d=$ENGINE_DIR
  remember_host_dirs /run/docker /run/containerd
  jq -n --arg rt "$STOCKADE" --arg enforce "$TEST_PROFILES/engine.profile" \
    --arg strict "$TEST_PROFILES/engine-strict.profile" '{
    runtimes: {
      stockade: {path: $rt, runtimeArgs: ["--profile", "none"]},
      "stockade-enforce": {path: $rt, runtimeArgs: ["--profile", $enforce]},
      "stockade-strict": {path: $rt, runtimeArgs: ["--profile", $strict]},
      "stockade-default": {path: $rt, runtimeArgs: ["--profile", "default"]}
    }}' >"$d/daemon.json"
  dockerd --config-file "$d/daemon.json" --data-root "$d/data" --exec-root "$d/exec" \
    -H "unix://$d/docker.sock" --pidfile "$d/docker.pid" --storage-driver overlay2 \
    --iptables=false --ip-masq=false --ip-forward=false --bridge=none >"$d/dockerd.log" 2>&1 3>&- &
  echo $! >"$d/dockerd.pid.self"
  if ! wait_for_socket "$d/docker.sock" "$!" 30 ||
    ! timeout 20 docker -H "unix://$d/docker.sock" version >/dev/null 2>&1; then
    echo "# dockerd did not start; its log:" >&3
    sed 's/^/#   /' "$d/dockerd.log" >&3
    stop_daemon "$d/dockerd.pid.self" 10
    engine_skip "dockerd did not start: $(daemon_failure "$d/dockerd.log")"
    return 0
  fi
  export DOCKER_HOST=unix://$d/docker.sock
  timeout 60 docker load -i "$IMAGE_DIR/docker.tar" >&2 3>&- || fail "docker load failed"
}

teardown_file() {
  [[ -n ${ENGINE_DIR:-} ]] || return 0
  if [[ -S $ENGINE_DIR/docker.sock ]]; then
    local ids
    ids=$(timeout 20 docker ps -aq 2>/dev/null)
    [[ -z $ids ]] || timeout 60 docker rm -f $ids >/dev/null 2>&1
  fi
  # dockerd stops the containerd it started.
  stop_daemon "$ENGINE_DIR/dockerd.pid.self" 30
  kill_matching "$ENGINE_DIR/"
  forget_host_dirs
  engine_cleanup_dir
}

setup() {
  engine_setup_test
  NAME=sk-docker-$BATS_TEST_NUMBER-$$
}

# Every test leaves no container, Stockade state or cgroup behind.
teardown() {
  [[ -z ${ENGINE_SKIP:-} ]] || return 0
  local problems="" left
  left=$(docker ps -aq)
  if [[ -n $left ]]; then
    problems+="containers left: $left"
    docker rm -f $left >/dev/null 2>&1
  fi
  left=$(find "$ENGINE_DIR/exec/runtime-runc" -name state.json 2>/dev/null)
  [[ -z $left ]] || problems+=" Stockade state left: $left"
  [[ -z $problems ]] || fail "$problems"
}

run_docker() {
  run_engine docker "$@"
}

docker_status() {
  docker inspect -f '{{.State.Status}}' "$1" 2>/dev/null
}
docker_status_is() {
  [[ $(docker_status "$1") == "$2" ]]
}

@test "docker: run --runtime stockade --network none returns the exit status" {
  run_docker run --rm --runtime stockade --network none "$IMAGE" sh -c 'echo hello; echo pid $$; exit 3'
  [[ $status -eq 3 ]] || fail "docker run exited $status, want the container's 3"
  [[ $output == "hello"$'\n'"pid 1" ]] || fail "unexpected output: $output"
  run_docker run --rm --runtime stockade --network none "$IMAGE" true
  [[ $status -eq 0 ]]  # With a terminal (the runtime's --console-socket).
  run_engine_tty docker run --rm -t --runtime stockade --network none "$IMAGE" sh -c 'tty; exit 5'
  [[ $status -eq 5 ]] || fail "run -t exited $status, want 5"
  output_has '^/dev/pts/[0-9]+$'
}

@test "docker: detached run, exec with and without -t, top, pause/unpause, stats" {
  run_docker run -d --name "$NAME" --runtime stockade --network none "$IMAGE" \
    sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done'
  [[ $status -eq 0 ]]
  poll 10 docker_status_is "$NAME" running
  # Docker ran Stockade (its wrapper for runtimeArgs) and the container's
  # state is Stockade's, under the root Docker gives every runc-like runtime.
  [[ $(docker inspect -f '{{.HostConfig.Runtime}}' "$NAME") == stockade ]]
  grep -qF -- "$STOCKADE --profile none" "$ENGINE_DIR/data/runtimes/stockade" ||
    fail "Docker's wrapper for runtimeArgs: $(cat "$ENGINE_DIR/data/runtimes/stockade")"
  json_true '.pidStartTime > 0 and .ociVersion != null' \
    "$ENGINE_DIR/exec/runtime-runc/moby/$(docker inspect -f '{{.Id}}' "$NAME")/state.json"

  run_docker exec "$NAME" sh -c 'echo exec-ok; [ -t 0 ] || echo no-tty; exit 4'
  [[ $status -eq 4 ]] || fail "docker exec exited $status, want 4"
  [[ $output == "exec-ok"$'\n'"no-tty" ]]

  run_engine_tty docker exec -it "$NAME" sh -c 'tty; [ -t 0 ] && echo is-a-tty; exit 6'
  [[ $status -eq 6 ]] || fail "docker exec -it exited $status, want 6"
  output_has '^/dev/pts/[0-9]+$'
  output_has '^is-a-tty$'

  # `docker top` is the runtime's `ps --format json`.
  run_docker top "$NAME"
  [[ $status -eq 0 ]]
  output_has 'sh -c trap'

  run_docker pause "$NAME"
  [[ $status -eq 0 ]]
  [[ $(docker_status "$NAME") == paused ]]
  run_docker unpause "$NAME"
  [[ $status -eq 0 ]]
  [[ $(docker_status "$NAME") == running ]]

  run_docker stats --no-stream --format '{{.PIDs}}' "$NAME"
  [[ $status -eq 0 && $output -ge 1 ]] || fail "docker stats: $output"

  run_docker stop "$NAME"
  [[ $status -eq 0 ]]
  [[ $(docker inspect -f '{{.State.ExitCode}}' "$NAME") == 0 ]]
  run_docker rm "$NAME"
  [[ $status -eq 0 ]]
}

@test "docker: --memory and --pids-limit apply, show inside, and docker update changes them" {
  run_docker run -d --name "$NAME" --runtime stockade --network none --memory 64m --pids-limit 50 \
    "$IMAGE" sleep 1000
  [[ $status -eq 0 ]]
  poll 10 docker_status_is "$NAME" running
  # Docker on cgroup v1 gives no cgroup namespace: the container's cgroup
  # mount must still show its own limits, not the host's root.
  run_docker exec "$NAME" cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max
  [[ $status -eq 0 ]]
  [[ $output == "$((64 * 1024 * 1024))"$'\n'"50" ]] || fail "limits inside: $output"
  # `docker update` is the runtime's `update --resources -`.
  run_docker update --memory 96m --memory-swap 192m --pids-limit 60 "$NAME"
  [[ $status -eq 0 ]]
  run_docker exec "$NAME" cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max
  [[ $output == "$((96 * 1024 * 1024))"$'\n'"60" ]] || fail "limits after docker update: $output"
  run_docker rm -f "$NAME"
  [[ $status -eq 0 ]]
}

@test "docker: stop kills a container that ignores SIGTERM; rm -f removes a running one" {
  # sleep as pid 1 has no SIGTERM handler: the kernel ignores the signal.
  run_docker run -d --name "$NAME" --runtime stockade --network none "$IMAGE" sleep 1000
  poll 10 docker_status_is "$NAME" running
  run_docker stop -t 1 "$NAME"
  [[ $status -eq 0 ]]
  [[ $(docker inspect -f '{{.State.ExitCode}}' "$NAME") == 137 ]]
  run_docker rm "$NAME"
  [[ $status -eq 0 ]]

  run_docker run -d --name "$NAME" --runtime stockade --network none "$IMAGE" sleep 1000
  poll 10 docker_status_is "$NAME" running
  run_docker rm -f "$NAME"
  [[ $status -eq 0 ]]
  run_docker ps -aq --filter "name=$NAME"
  [[ -z $output ]]
}

@test "docker: run --privileged under the enforce profile is clamped (seen inside)" {
  run_docker run --rm --runtime stockade-enforce --privileged --network none "$IMAGE" sh -c "$CLAMP_PROBE"
  assert_clamped
  # Docker's own /etc/hosts bind still works on the read-only rootfs.
  run_docker run --rm --runtime stockade-enforce --network none "$IMAGE" head -1 /etc/hosts
  [[ $status -eq 0 ]]
  output_has 'localhost'
  # --cap-add is clamped the same way.
  run_docker run --rm --runtime stockade-enforce --cap-add SYS_ADMIN --network none "$IMAGE" \
    grep CapEff /proc/self/status
  cap_eff_is "$PROFILE_CAPS_HEX"
}

@test "docker: a config the strict profile refuses fails with the reason in docker's message" {
  run_docker run --name "$NAME" --runtime stockade-strict --privileged --network none "$IMAGE" true
  assert_strict_refusal
  [[ $(docker_status "$NAME") == created ]]
  run_docker rm "$NAME"
  [[ $status -eq 0 ]]
}

@test "docker: the shipped default profile runs an image unchanged in a user namespace" {
  # Docker's overlay rootfs is rebuilt over idmapped layers, its
  # ping_group_range is fitted to the mapped gids, and /etc/hosts still binds.
  run_docker run --rm --runtime stockade-default --network none "$IMAGE" sh -c \
    'cat /proc/self/uid_map; id -u; stat -c %u /bin/busybox; echo x >/tmp/x && cat /tmp/x; head -1 /etc/hosts
     cat /proc/sys/net/ipv4/ping_group_range; touch /x 2>/dev/null || echo ro-root'
  [[ $status -eq 0 ]] || fail "docker run under the default profile failed: $output"
  mapfile -t lines <<<"$output"
  read -r inside outside count <<<"${lines[0]}"
  [[ $inside == 0 && $outside -ge 524288 && $count == 65536 ]] || fail "uid_map: ${lines[0]}"
  [[ ${lines[1]} == 0 && ${lines[2]} == 0 && ${lines[3]} == x ]]
  output_has localhost
  output_has '^0[[:space:]]+65535$'
  output_has '^ro-root$'
}
