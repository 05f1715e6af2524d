#!/usr/bin/env bash
# engine-cleanup.sh RUN_ID: stop and remove what the engine tests of test run
# RUN_ID left behind (a daemon, a shim, a container, mounts, the private
# directory), for when bats was killed before a file's teardown_file ran.
# Only directories that engine_setup_file marked with RUN_ID are touched, so a
# parallel test run keeps its daemons.
set -uo pipefail
[[ $# -eq 1 && -n $1 ]] || { echo "usage: engine-cleanup.sh RUN_ID" >&2; exit 2; }
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=/dev/null
source "$here/helpers.bash"
# shellcheck source=/dev/null
source "$here/engines.bash"
for ENGINE_DIR in /tmp/sk-containerd.* /tmp/sk-docker.* /tmp/sk-podman.*; do
  [[ -d $ENGINE_DIR && $(cat "$ENGINE_DIR/.run-id" 2>/dev/null) == "$1" ]] || continue
  echo "engine-cleanup.sh: cleaning up after $ENGINE_DIR"
  for pidfile in "$ENGINE_DIR"/*.pid "$ENGINE_DIR"/*.pid.self; do
    [[ -f $pidfile ]] && stop_daemon "$pidfile" 10 3>/dev/null
  done
  kill_matching "$ENGINE_DIR/"
  forget_host_dirs
  engine_cleanup_dir
done
exit 0
