#!/usr/bin/env bats
# Linux security modules: the profile's Landlock rules seen from inside the
# container (init and exec), strict.profile's Landlock under busybox;
# process.selinuxLabel / linux.mountLabel on a host without SELinux (a no-op
# with a debug line); process.apparmorProfile on a host without AppArmor (a
# clear error, nothing left behind).  Tests that need the opposite host say so
# and skip.

load ../lib/helpers
load ../lib/container_setup

LL_PROFILE=$REPO_ROOT/tests/integration/profiles/landlock.profile

# The kernel's own answer: landlock_create_ruleset(NULL, 0, VERSION) > 0
# (syscall 444 on every architecture).  python3 is there: meson needs it.
landlock_available() {
  python3 -c 'import ctypes, sys; sys.exit(0 if ctypes.CDLL(None).syscall(444, None, 0, 1) > 0 else 1)' 2>/dev/null
}

selinux_enabled() {
  [[ $(stat -f -c %t /sys/fs/selinux 2>/dev/null) == f97cff8c ]]
}

apparmor_enabled() {
  [[ -d /sys/kernel/security/apparmor && $(cat /sys/module/apparmor/parameters/enabled 2>/dev/null) == Y* ]]
}

# A bundle running `sh -c SCRIPT` with a writable root and /srv/{ro,rw,secret}
# in its rootfs (the landlock test profile lists ro and rw, not secret).
landlock_bundle() {
  make_bundle sh -c "$1"
  update_config '.root.readonly = false'
  mkdir -p "$BUNDLE/rootfs/srv/ro" "$BUNDLE/rootfs/srv/rw" "$BUNDLE/rootfs/srv/secret"
  echo ro-data >"$BUNDLE/rootfs/srv/ro/file"
  echo secret-data >"$BUNDLE/rootfs/srv/secret/file"
}

@test "landlock: a read-only path reads but refuses writes with EACCES, a read-write path writes, the rest is unreadable" {
  is_stockade || skip "Landlock profiles are Stockade's"
  landlock_available || skip "no Landlock in this kernel"
  landlock_bundle '
    cat /srv/ro/file
    echo x > /srv/ro/file && echo ro-write-ok
    echo y > /srv/rw/new && cat /srv/rw/new
    cat /srv/secret/file && echo secret-read-ok
    ls /srv >/dev/null && echo srv-list-ok
    echo done'
  run_rt --profile "$LL_PROFILE" run -b "$BUNDLE" "$(cid ll)"
  [[ $status -eq 0 ]]
  [[ $output == *ro-data* ]]
  [[ $output != *ro-write-ok* ]]
  [[ $output == *$'\ny\n'* ]]
  [[ $output != *secret-data* && $output != *secret-read-ok* && $output != *srv-list-ok* ]]
  [[ ${lines[-1]} == done ]]
  # EACCES, not EROFS or ENOENT: Landlock refused, the file system did not.
  stderr_has "can't create /srv/ro/file: Permission denied"
  stderr_has "can't open '/srv/secret/file': Permission denied"
  # The rootfs itself was writable: the refusal was Landlock's.
  [[ $(cat "$BUNDLE/rootfs/srv/ro/file") == ro-data ]]
  [[ $(cat "$BUNDLE/rootfs/srv/rw/new") == y ]]
}

@test "landlock: applied too when noNewPrivileges is false (before the capability drop)" {
  is_stockade || skip "Landlock profiles are Stockade's"
  landlock_available || skip "no Landlock in this kernel"
  landlock_bundle 'grep NoNewPrivs /proc/self/status; cat /srv/secret/file; echo x > /srv/ro/file; echo y > /srv/rw/n && echo rw-ok'
  update_config '.process.noNewPrivileges = false'
  run_rt --profile "$LL_PROFILE" run -b "$BUNDLE" "$(cid llnnp)"
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == $'NoNewPrivs:\t0' ]]
  [[ $output != *secret-data* && ${lines[-1]} == rw-ok ]]
  stderr_has "can't open '/srv/secret/file': Permission denied"
  stderr_has "can't create /srv/ro/file: Permission denied"
}

@test "landlock: an exec'd process gets the same domain as the init" {
  is_stockade || skip "Landlock profiles are Stockade's"
  landlock_available || skip "no Landlock in this kernel"
  landlock_bundle 'sleep 60'
  local id
  id=$(cid llexec)
  rt --profile "$LL_PROFILE" run -d -b "$BUNDLE" "$id" </dev/null >"$BATS_TEST_TMPDIR/run.out" 2>&1 ||
    fail "run -d: $(cat "$BATS_TEST_TMPDIR/run.out")"
  run_rt exec "$id" sh -c 'cat /srv/secret/file; echo z > /srv/rw/e && cat /srv/rw/e; echo w > /srv/ro/file; echo end'
  [[ $status -eq 0 ]]
  [[ $output != *secret-data* ]]
  [[ ${lines[0]} == z && ${lines[1]} == end ]]
  stderr_has "can't open '/srv/secret/file': Permission denied"
  stderr_has "can't create /srv/ro/file: Permission denied"
  [[ $(cat "$BUNDLE/rootfs/srv/ro/file") == ro-data ]]
  rt delete -f "$id"
}

@test "landlock: a container without a Landlock profile is not restricted" {
  landlock_bundle 'cat /srv/secret/file; echo x > /srv/ro/file && echo ro-write-ok'
  run_ctr plain
  [[ $status -eq 0 ]]
  [[ $output == *secret-data* && $output == *ro-write-ok* ]]
}

@test "landlock: strict.profile runs busybox under Landlock: writes only where LandlockReadWrite allows" {
  is_stockade || skip "profiles are Stockade's"
  landlock_available || skip "no Landlock in this kernel"
  # A config strict accepts: no capabilities, a read-only root.  /mnt (in the
  # image) gets a writable tmpfs that the profile's Landlock lists do not name.
  make_bundle sh -c 'echo hi > /tmp/t && cat /tmp/t; echo no > /mnt/f && echo data-write-ok; ls /bin/busybox; echo done'
  set_caps '{}'
  # PrivateUsers=require: container root is an unprivileged host uid, which
  # must be able to reach the (root-owned, world-readable) rootfs.
  local d=$BUNDLE
  while [[ $d != / ]]; do
    chmod o+x "$d"
    d=$(dirname "$d")
  done
  add_mount '{"destination": "/mnt", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m", "mode=1777"]}'
  run_rt --profile strict run -b "$BUNDLE" "$(cid strict)"
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == hi ]]
  [[ $output != *data-write-ok* ]]
  [[ $output == */bin/busybox* && ${lines[-1]} == done ]]
  stderr_has "can't create /mnt/f: Permission denied"
}

@test "selinux: process.selinuxLabel and linux.mountLabel on a host without SELinux are skipped with a debug line" {
  is_stockade || skip "the debug line is Stockade's"
  ! selinux_enabled || skip "SELinux is enabled on this host"
  make_bundle sh -c 'grep -q " /run tmpfs " /proc/mounts && echo run-mounted; echo ok'
  add_mount '{"destination": "/run", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}'
  update_config '.process.selinuxLabel = "system_u:system_r:container_t:s0:c1,c2"
    | .linux.mountLabel = "system_u:object_r:container_file_t:s0:c1,c2"'
  run_rt --debug run -b "$BUNDLE" "$(cid se)"
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == run-mounted && ${lines[1]} == ok ]]
  stderr_has "debug.*SELinux is not enabled on this host: process.selinuxLabel and linux.mountLabel not applied"
}

@test "selinux: exec --process-label on a host without SELinux is a no-op; a malformed label is refused" {
  is_stockade || skip "the debug line is Stockade's"
  ! selinux_enabled || skip "SELinux is enabled on this host"
  make_bundle sleep 60
  local id
  id=$(cid seexec)
  run_detached "$id"
  run_rt --debug exec --process-label system_u:system_r:container_t:s0:c3,c4 "$id" echo labelled
  [[ $status -eq 0 && $output == labelled ]]
  stderr_has "SELinux is not enabled on this host: process.selinuxLabel not applied"
  run_rt exec --process-label container_t "$id" echo never
  assert_failed_with_message
  [[ $output != *never* ]]
  stderr_has 'process.selinuxLabel: SELinux label "container_t" is not user:role:type\[:level\]'
  rt delete -f "$id"
}

@test "selinux: a malformed process.selinuxLabel stops create with nothing left behind" {
  is_stockade || skip "Stockade's label check"
  make_bundle true
  update_config '.process.selinuxLabel = "container_t"'
  local id
  id=$(cid sebad)
  run_rt create -b "$BUNDLE" "$id"
  assert_failed_with_message
  stderr_has "process.selinuxLabel"
  assert_no_leftovers "$id"
}

@test "apparmor: process.apparmorProfile on a host without AppArmor is a clear error with nothing left behind" {
  apparmor_enabled && skip "AppArmor is enabled on this host"
  make_bundle true
  update_config '.process.apparmorProfile = "stockade-test"'
  local id
  id=$(cid aa)
  run_rt create -b "$BUNDLE" "$id"
  assert_failed_with_message
  stderr_has "apparmor"
  if is_stockade; then
    stderr_has 'process.apparmorProfile: profile "stockade-test" requested but AppArmor is not enabled on this host'
  fi
  assert_no_leftovers "$id"
}

@test "apparmor: exec --apparmor on a host without AppArmor fails and starts nothing" {
  apparmor_enabled && skip "AppArmor is enabled on this host"
  make_bundle sleep 60
  local id
  id=$(cid aaexec)
  run_detached "$id"
  run_rt exec --apparmor stockade-test "$id" sh -c 'echo started > /tmp/started'
  assert_failed_with_message
  stderr_has "apparmor"
  [[ ! -e $BUNDLE/rootfs/tmp/started ]]
  # Only the init is left in the container.
  run_rt ps "$id"
  [[ $status -eq 0 && $(wc -l <<<"$output") -eq 2 ]]
  rt delete -f "$id"
}
