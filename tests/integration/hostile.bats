#!/usr/bin/env bats
# A hostile rootfs: the image plants symlinks where the runtime mounts,
# creates or masks things, hoping the runtime follows them out of the rootfs.
# Whatever happens inside, HOST files and directories must stay untouched and
# nothing may be mounted over them.  Either the runtime keeps the operation
# inside the rootfs or it fails cleanly (no leftovers).

load ../lib/helpers
load ../lib/container_setup

# Host-side targets the image points at: a directory with a file, and a file.
setup() {
  common_setup
  HOSTDIR=$BATS_TEST_TMPDIR/hostdir
  HOSTFILE=$BATS_TEST_TMPDIR/hostfile
  mkdir -p "$HOSTDIR"
  echo host-data >"$HOSTDIR/HOSTFILE"
  echo host-file-content >"$HOSTFILE"
  HOST_BEFORE=$(host_snapshot)
}

# What the host-side targets look like: names, types, inodes, contents.
host_snapshot() {
  find "$HOSTDIR" "$HOSTFILE" -printf '%p %y %i %s %m\n' | sort
  cat "$HOSTFILE" "$HOSTDIR/HOSTFILE"
}

# The host targets are as they were and nothing is mounted on or under them.
assert_host_untouched() {
  local now
  now=$(host_snapshot)
  [[ $now == "$HOST_BEFORE" ]] || fail "host files changed:
before: $HOST_BEFORE
after:  $now"
  [[ -z $(host_mounts_under "$HOSTDIR") ]] || fail "mounted on the host: $(host_mounts_under "$HOSTDIR")"
  [[ -z $(host_mounts_under "$HOSTFILE") ]] || fail "mounted on the host: $(host_mounts_under "$HOSTFILE")"
}

# A relative symlink target from DIR (inside the rootfs) that climbs far
# enough to reach the host's / and then goes to the absolute PATH.
escaping_link() {
  local path=$1
  echo "../../../../../../../../../../../../../../..$path"
}

# ok_or_clean_failure ID: the run either succeeded or failed with a message
# and left nothing behind.  Sets RAN to yes or no.
ok_or_clean_failure() {
  if [[ $status -eq 0 ]]; then
    RAN=yes
  else
    RAN=no
    assert_failed_with_message
    assert_no_leftovers "$1"
  fi
}

# Count of host mounts whose mount point is exactly /.
host_root_mounts() {
  awk '$5 == "/"' /proc/self/mountinfo | wc -l
}

@test "mount target: a symlink to / in the rootfs does not mount over the host's /" {
  local before id
  before=$(host_root_mounts)
  make_bundle sh -c 'ls /bin/busybox'
  ln -s / "$BUNDLE/rootfs/mnt/rootlink"
  add_mount '{"destination": "/mnt/rootlink", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}'
  id=$(cid rootlink)
  run_rt run -b "$BUNDLE" "$id"
  ok_or_clean_failure "$id"
  [[ $(host_root_mounts) -eq $before ]]
  [[ -x /bin/busybox ]]
  assert_host_untouched
}

@test "mount target: a relative symlink climbing out of the rootfs lands inside it" {
  local payload=$BATS_TEST_TMPDIR/payload
  mkdir "$payload"
  echo payload >"$payload/PAYLOAD"
  make_bundle sh -c 'ls /mnt/evil/sub; ls /mnt/evil'
  ln -s "$(escaping_link "$HOSTDIR")" "$BUNDLE/rootfs/mnt/evil"
  # Inside the rootfs the link resolves to this directory.
  mkdir -p "$BUNDLE/rootfs$HOSTDIR"
  add_mount "$(jq -n --arg s "$payload" '{destination: "/mnt/evil/sub", type: "bind", source: $s, options: ["bind", "ro"]}')"
  run_ctr evilrel
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == PAYLOAD ]]
  [[ ${lines[1]} == sub ]] || fail "the container sees: ${lines[*]}"
  [[ -d $BUNDLE/rootfs$HOSTDIR/sub ]]
  assert_host_untouched
}

@test "mount target: an absolute symlink to a host dir lands inside the rootfs" {
  make_bundle sh -c 'ls -A /mnt/evil; touch /mnt/evil/written'
  ln -s "$HOSTDIR" "$BUNDLE/rootfs/mnt/evil"
  mkdir -p "$BUNDLE/rootfs$HOSTDIR"
  add_mount '{"destination": "/mnt/evil", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}'
  run_ctr evilabs
  [[ $status -eq 0 ]]
  [[ -z $output ]] || fail "the tmpfs is not what the container sees: $output"
  assert_host_untouched
}

@test "mount target: a symlink to a host dir missing from the rootfs stays inside or fails cleanly" {
  make_bundle sh -c 'ls -A /mnt/evil/sub; touch /mnt/evil/sub/written'
  ln -s "$HOSTDIR" "$BUNDLE/rootfs/mnt/evil"
  add_mount '{"destination": "/mnt/evil/sub", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}'
  local id
  id=$(cid evildangling)
  run_rt run -b "$BUNDLE" "$id"
  ok_or_clean_failure "$id"
  if [[ $RAN == yes ]]; then
    [[ -d $BUNDLE/rootfs$HOSTDIR/sub ]] || fail "the target was not created inside the rootfs"
  fi
  assert_host_untouched
}

@test "process.cwd: a symlink to /../../.. keeps the process at the container's /" {
  local name=hostile-cwd-$$-$RANDOM
  make_bundle sh -c 'pwd -P; echo x > "$1"' sh "$name"
  update_config '.root.readonly = false | .process.cwd = "/home/evil"'
  ln -s /../../.. "$BUNDLE/rootfs/home/evil"
  run_ctr cwdroot
  [[ $status -eq 0 ]]
  [[ $output == / ]]
  [[ -f $BUNDLE/rootfs/$name ]]
  [[ ! -e /$name ]] || { rm -f "/${name:?}"; fail "the file was written to the host's /"; }
}

@test "process.cwd: a symlink to an absolute host path stays inside the rootfs" {
  make_bundle sh -c 'pwd -P; ls -A; echo x > written'
  update_config '.root.readonly = false | .process.cwd = "/home/evil"'
  ln -s "$HOSTDIR" "$BUNDLE/rootfs/home/evil"
  mkdir -p "$BUNDLE/rootfs$HOSTDIR"
  run_ctr cwdabs
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == "$HOSTDIR" ]]
  [[ ${#lines[@]} -eq 1 ]] || fail "the container's cwd lists host files: ${lines[*]:1}"
  [[ -f $BUNDLE/rootfs$HOSTDIR/written ]]
  assert_host_untouched
}

@test "process.cwd: a path with .. beyond / stays inside the rootfs" {
  make_bundle sh -c 'pwd -P; ls -A; echo x > written'
  update_config '.root.readonly = false | .process.cwd = $c' --arg c "/../../../..$HOSTDIR"
  run_ctr cwddotdot
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == "$HOSTDIR" ]]
  [[ ${#lines[@]} -eq 1 ]] || fail "the container's cwd lists host files: ${lines[*]:1}"
  [[ -f $BUNDLE/rootfs$HOSTDIR/written ]]
  assert_host_untouched
}

@test "process.cwd /proc/self/fd/3 .. /proc/self/fd/10 never leads to a host directory (CVE-2024-21626)" {
  local n id hostcwd=$BATS_TEST_TMPDIR/hostcwd
  mkdir "$hostcwd"
  touch "$hostcwd/HOST-CWD-MARKER"
  make_bundle sh -c 'pwd -P; ls -a'
  cd "$hostcwd"
  for n in 3 4 5 6 7 8 9 10; do
    update_config '.process.cwd = $c' --arg c "/proc/self/fd/$n"
    id=$(cid "fd$n")
    run_rt run -b "$BUNDLE" "$id"
    ok_or_clean_failure "$id"
    [[ $output != *HOST-CWD-MARKER* ]] || fail "cwd fd $n: the runtime's cwd is visible: $output"
    [[ $output != *exec.fifo* && $output != *state.json* ]] || fail "cwd fd $n: the state dir is visible: $output"
    [[ $output != *unreachable* ]] || fail "cwd fd $n: cwd is outside the container: $output"
    if [[ $RAN == yes ]]; then
      [[ ${lines[0]} == /* ]] || fail "cwd fd $n: pwd -P says ${lines[0]}"
    fi
  done
}

@test "maskedPaths: a masked path that is an absolute symlink to a host file masks only inside" {
  make_bundle sh -c 'cat /etc/maskme | wc -c; cat "$1"' sh "$HOSTFILE"
  ln -s "$HOSTFILE" "$BUNDLE/rootfs/etc/maskme"
  mkdir -p "$BUNDLE/rootfs$(dirname "$HOSTFILE")"
  echo rootfs-copy >"$BUNDLE/rootfs$HOSTFILE"
  update_config '.linux.maskedPaths += ["/etc/maskme"]'
  run_ctr maskabs
  [[ $status -eq 0 ]]
  # The link resolves inside the rootfs, to the copy, which is masked.
  [[ ${lines[0]} == 0 ]]
  [[ ${#lines[@]} -eq 1 ]] || fail "the container read: ${lines[*]}"
  [[ $(cat "$BUNDLE/rootfs$HOSTFILE") == rootfs-copy ]]
  assert_host_untouched
}

@test "maskedPaths: a masked path that is a relative symlink climbing to a host file masks only inside" {
  make_bundle sh -c 'cat /etc/maskme | wc -c'
  ln -s "$(escaping_link "$HOSTFILE")" "$BUNDLE/rootfs/etc/maskme"
  mkdir -p "$BUNDLE/rootfs$(dirname "$HOSTFILE")"
  echo rootfs-copy >"$BUNDLE/rootfs$HOSTFILE"
  update_config '.linux.maskedPaths += ["/etc/maskme"]'
  run_ctr maskrel
  [[ $status -eq 0 ]]
  [[ $output == 0 ]]
  assert_host_untouched
}

@test "maskedPaths: a masked symlink to a host path missing from the rootfs is skipped" {
  make_bundle sh -c 'cat /etc/maskme 2>&1; echo end'
  ln -s "$HOSTFILE" "$BUNDLE/rootfs/etc/maskme"
  update_config '.linux.maskedPaths += ["/etc/maskme"]'
  local id
  id=$(cid maskdangling)
  run_rt run -b "$BUNDLE" "$id"
  ok_or_clean_failure "$id"
  [[ $output != *host-file-content* ]] || fail "the container read the host file: $output"
  assert_host_untouched
}

# A bundle whose image /dev is used as is (no tmpfs on /dev), so what the
# image planted in /dev is what the runtime finds.
image_dev_bundle() {
  make_bundle "$@"
  remove_mount /dev
}

@test "/dev/null in the image is a symlink to a host file: masking uses the real null device (CVE-2025-31133)" {
  image_dev_bundle sh -c 'wc -c < /etc/secret; stat -c "%F %t:%T" /etc/secret; echo garbage > /dev/null; stat -c "%F %t:%T" /dev/null; ls -A /srv/secret | wc -l'
  ln -s "$HOSTFILE" "$BUNDLE/rootfs/dev/null"
  echo top-secret >"$BUNDLE/rootfs/etc/secret"
  mkdir -p "$BUNDLE/rootfs/srv/secret"
  touch "$BUNDLE/rootfs/srv/secret/data"
  update_config '.linux.maskedPaths += ["/etc/secret", "/srv/secret"]'
  local id
  id=$(cid devnull)
  run_rt run -b "$BUNDLE" "$id"
  ok_or_clean_failure "$id"
  if [[ $RAN == yes ]]; then
    [[ ${lines[0]} == 0 ]] || fail "/etc/secret is not masked: ${lines[*]}"
    [[ ${lines[1]} == "character special file 1:3" ]]
    # runc keeps the image's /dev/null symlink (it then points nowhere).
    if is_stockade; then [[ ${lines[2]} == "character special file 1:3" ]]; fi
    [[ ${lines[3]} == 0 ]]
  fi
  assert_host_untouched
}

@test "/dev/null in the image is a relative symlink climbing to a host file: host file untouched" {
  image_dev_bundle sh -c 'echo garbage > /dev/null; wc -c < /etc/secret'
  ln -s "$(escaping_link "$HOSTFILE")" "$BUNDLE/rootfs/dev/null"
  echo top-secret >"$BUNDLE/rootfs/etc/secret"
  update_config '.linux.maskedPaths += ["/etc/secret"]'
  local id
  id=$(cid devnullrel)
  run_rt run -b "$BUNDLE" "$id"
  ok_or_clean_failure "$id"
  if [[ $RAN == yes ]]; then
    [[ ${lines[-1]} == 0 ]] || fail "/etc/secret is not masked: ${lines[*]}"
  fi
  assert_host_untouched
}

@test "user namespace: a /dev/null symlink in the image is not followed out of the rootfs" {
  image_dev_bundle sh -c 'echo garbage > /dev/null; wc -c < /dev/null; wc -c < /etc/secret'
  ln -s "$HOSTFILE" "$BUNDLE/rootfs/dev/null"
  mkdir -p "$BUNDLE/rootfs$(dirname "$HOSTFILE")"
  echo rootfs-copy >"$BUNDLE/rootfs$HOSTFILE"
  echo top-secret >"$BUNDLE/rootfs/etc/secret"
  update_config '.linux.maskedPaths += ["/etc/secret"]'
  add_namespace user
  update_config '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
               | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
  prepare_userns_bundle 100000
  local id
  id=$(cid usernsnull)
  run_rt run -b "$BUNDLE" "$id"
  ok_or_clean_failure "$id"
  if [[ $RAN == yes ]]; then
    [[ ${lines[0]} == 0 && ${lines[1]} == 0 ]] || fail "container output: ${lines[*]}"
  fi
  assert_host_untouched
}

# console_case LINK_TARGET: /dev/console in the image is a symlink to
# LINK_TARGET; run with a terminal and a console socket.  The container
# prints what /etc/hostname is, then "done".  Sets RAN and TTY_OUT.
console_case() {
  image_dev_bundle sh -c 'stat -c "%F" /etc/hostname; echo done'
  update_config '.process.terminal = true'
  ln -s "$1" "$BUNDLE/rootfs/dev/console"
  local sock=$BATS_TEST_TMPDIR/console.sock id
  start_recvtty "$sock" "$BATS_TEST_TMPDIR/tty.out"
  id=$(cid console)
  run_rt run -d --console-socket "$sock" -b "$BUNDLE" "$id"
  ok_or_clean_failure "$id"
  TTY_OUT=
  if [[ $RAN == yes ]]; then
    wait_for_output "$BATS_TEST_TMPDIR/tty.out" done
    TTY_OUT=$(tr -d '\r' <"$BATS_TEST_TMPDIR/tty.out")
  fi
}

@test "/dev/console in the image is an absolute symlink to a host file: host file untouched (CVE-2025-52565)" {
  console_case "$HOSTFILE"
  assert_host_untouched
}

@test "/dev/console in the image is a relative symlink climbing to a host file: host file untouched" {
  console_case "$(escaping_link "$HOSTFILE")"
  assert_host_untouched
}

@test "/dev/console in the image is a symlink to another file of the rootfs: the pty is not mounted there" {
  is_stockade || skip "runc 1.1.5 predates the CVE-2025-52565 fix and follows the link"
  console_case /etc/hostname
  if [[ $RAN == yes ]]; then
    grep -qx 'regular file' <<<"$TTY_OUT" || fail "/etc/hostname inside the container is no longer the image's file: $TTY_OUT"
  fi
  assert_host_untouched
}
