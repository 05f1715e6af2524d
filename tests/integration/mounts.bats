#!/usr/bin/env bats
# Mounts, observed from inside the container through /proc/self/mountinfo and
# by using them: flags, bind mounts, propagation, masked and read-only paths,
# root.readonly, rootfsPropagation, --no-pivot and linux.sysctl.

load ../lib/helpers
load ../lib/container_setup

# run_with_mountinfo SCRIPT: make a bundle whose container prints its
# mountinfo, then a separator, then runs SCRIPT.  After the run, split_output
# sets $MI (the mountinfo) and $RESULT (the script's output).
MI_SEP=---end-of-mountinfo---
run_with_mountinfo() {
  local script=$1
  make_bundle sh -c "cat /proc/self/mountinfo; echo $MI_SEP; $script"
}
split_output() {
  MI=$(sed "/^$MI_SEP\$/,\$d" <<<"$output")
  RESULT=$(sed "1,/^$MI_SEP\$/d" <<<"$output")
}

@test "tmpfs: nosuid, nodev, noexec, mode and size show in mountinfo" {
  run_with_mountinfo 'stat -c %a /mnt/t'
  add_mount '{"destination": "/mnt/t", "type": "tmpfs", "source": "tmpfs",
              "options": ["nosuid", "nodev", "noexec", "mode=1750", "size=2m"]}'
  run_ctr tmpfs
  [[ $status -eq 0 ]]
  split_output
  local l
  l=$(mi_top /mnt/t)
  [[ $(mi_fstype "$l") == tmpfs ]]
  assert_opt "$(mi_mount_opts "$l")" nosuid
  assert_opt "$(mi_mount_opts "$l")" nodev
  assert_opt "$(mi_mount_opts "$l")" noexec
  assert_opt "$(mi_mount_opts "$l")" rw
  assert_opt "$(mi_super_opts "$l")" size=2048k
  assert_opt "$(mi_super_opts "$l")" mode=1750
  [[ $RESULT == 1750 ]]
}

@test "tmpfs: noexec really forbids running a program from it" {
  make_bundle sh -c 'cp /bin/busybox /mnt/t/bb && /mnt/t/bb true && echo ran || echo refused'
  add_mount '{"destination": "/mnt/t", "type": "tmpfs", "source": "tmpfs", "options": ["noexec", "size=8m"]}'
  run_ctr noexec
  [[ $status -eq 0 ]]
  [[ ${lines[-1]} == refused ]]
}

@test "tmpfs tmpcopyup: the image's files, links, modes and subdirectories are copied in; writes stay in the tmpfs" {
  make_bundle sh -c 'cat /srv/a/file; readlink /srv/link; stat -c "%a %u" /srv/a/file /srv/a;
    echo new >/srv/a/file && cat /srv/a/file; grep " /srv " /proc/self/mountinfo | grep -c tmpfs'
  mkdir -p "$BUNDLE/rootfs/srv/a"
  echo image >"$BUNDLE/rootfs/srv/a/file"
  chmod 604 "$BUNDLE/rootfs/srv/a/file"
  chmod 711 "$BUNDLE/rootfs/srv/a"
  chown 7:7 "$BUNDLE/rootfs/srv/a/file"
  # A link to a host path is copied as a link, never followed.
  ln -s /etc/shadow "$BUNDLE/rootfs/srv/link"
  add_mount '{"destination": "/srv", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup", "size=1m"]}'
  run_ctr copyup
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == image ]]
  [[ ${lines[1]} == /etc/shadow ]]
  [[ ${lines[2]} == "604 7" && ${lines[3]} == "711 0" ]]
  # Mode 604, owner 7: root without CAP_DAC_OVERRIDE may not write it.
  [[ ${lines[4]} == 1 ]]
  [[ $stderr == *"can't create /srv/a/file: Permission denied"* ]]
  # The image is untouched.
  [[ $(cat "$BUNDLE/rootfs/srv/a/file") == image ]]
}

@test "tmpfs tmpcopyup with ro: the copy is made, then the tmpfs is read-only" {
  make_bundle sh -c 'cat /srv/f; touch /srv/g 2>/dev/null; echo "touch=$?"'
  mkdir -p "$BUNDLE/rootfs/srv"
  echo image >"$BUNDLE/rootfs/srv/f"
  add_mount '{"destination": "/srv", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup", "ro"]}'
  run_ctr copyup-ro
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == image && ${lines[1]} != touch=0 ]]
}

@test "read-only bind mount: ro on its only mount, writes fail, the host dir is untouched" {
  local src=$BATS_TEST_TMPDIR/hostdir
  mkdir "$src"
  echo original >"$src/file"
  run_with_mountinfo 'echo changed > /mnt/ro/file 2>/dev/null && echo wrote-file; touch /mnt/ro/new 2>/dev/null && echo created; cat /mnt/ro/file'
  add_mount "$(jq -n --arg s "$src" '{destination: "/mnt/ro", type: "bind", source: $s, options: ["bind", "ro"]}')"
  run_ctr robind
  [[ $status -eq 0 ]]
  split_output
  [[ $(mi_lines /mnt/ro | wc -l) -eq 1 ]] || fail "expected one mount at /mnt/ro: $(mi_lines /mnt/ro)"
  assert_opt "$(mi_mount_opts "$(mi_top /mnt/ro)")" ro
  [[ $RESULT == original ]] || fail "container output: $RESULT"
  [[ $(cat "$src/file") == original ]]
  [[ ! -e $src/new ]]
}

@test "read-write bind mount: a write inside reaches the host dir" {
  local src=$BATS_TEST_TMPDIR/hostdir
  mkdir "$src"
  make_bundle sh -c 'echo from-container > /mnt/rw/file'
  add_mount "$(jq -n --arg s "$src" '{destination: "/mnt/rw", type: "bind", source: $s, options: ["bind", "rw"]}')"
  run_ctr rwbind
  [[ $status -eq 0 ]]
  [[ $(cat "$src/file") == from-container ]]
}

# A host dir with a tmpfs mounted on its subdirectory "sub" (holding a file).
make_dir_with_submount() {
  SRC=$BATS_TEST_TMPDIR/hostdir
  mkdir -p "$SRC/sub"
  mount -t tmpfs -o size=1m tmpfs "$SRC/sub"
  on_teardown "umount -l '$SRC/sub'"
  echo in-submount >"$SRC/sub/file"
}

@test "rbind: a submount of the source is visible inside" {
  make_dir_with_submount
  run_with_mountinfo 'cat /mnt/rb/sub/file'
  add_mount "$(jq -n --arg s "$SRC" '{destination: "/mnt/rb", type: "bind", source: $s, options: ["rbind"]}')"
  run_ctr rbind
  [[ $status -eq 0 ]]
  split_output
  [[ $RESULT == in-submount ]]
  [[ $(mi_fstype "$(mi_top /mnt/rb/sub)") == tmpfs ]]
}

@test "bind (not rbind): a submount of the source is not visible inside" {
  make_dir_with_submount
  run_with_mountinfo 'ls -A /mnt/b/sub | wc -l'
  add_mount "$(jq -n --arg s "$SRC" '{destination: "/mnt/b", type: "bind", source: $s, options: ["bind"]}')"
  run_ctr bind
  [[ $status -eq 0 ]]
  split_output
  [[ $RESULT == 0 ]]
  [[ -z $(mi_lines /mnt/b/sub) ]]
}

@test "bind of a single file: the file is mounted and its target is created as a file" {
  local src=$BATS_TEST_TMPDIR/hostfile
  echo file-content >"$src"
  make_bundle sh -c 'cat /etc/extra/injected; [ -f /etc/extra/injected ] && echo regular'
  add_mount "$(jq -n --arg s "$src" '{destination: "/etc/extra/injected", type: "bind", source: $s, options: ["bind", "ro"]}')"
  run_ctr filebind
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == file-content ]]
  [[ ${lines[1]} == regular ]]
  [[ -f $BUNDLE/rootfs/etc/extra/injected ]]
}

# propagation_case PROPAGATION: bind a shared host dir with PROPAGATION, then
# mount a tmpfs under it on the host after the container started; sets $SEEN
# to what the container saw there: "seen" or "unseen".
propagation_case() {
  local prop=$1 src=$BATS_TEST_TMPDIR/shared ctl=$BATS_TEST_TMPDIR/ctl id out
  mkdir -p "$src" "$ctl"
  # The host's / is private here: make the source a shared mount of its own.
  mount -t tmpfs -o size=1m tmpfs "$src"
  mount --make-shared "$src"
  mkdir "$src/later"
  on_teardown "umount -R -l '$src'"
  # /ctl (a plain bind) tells the container when the host mount is done.
  make_bundle sh -c 'echo started; while [ ! -e /ctl/go ]; do sleep 0.05; done
                     [ -e /mnt/p/later/marker ] && echo seen || echo unseen'
  add_mount "$(jq -n --arg s "$src" --arg p "$prop" '{destination: "/mnt/p", type: "bind", source: $s, options: ["rbind", $p]}')"
  add_mount "$(jq -n --arg s "$ctl" '{destination: "/ctl", type: "bind", source: $s, options: ["bind"]}')"
  id=$(cid "prop$prop")
  out=$BATS_TEST_TMPDIR/$id.out
  run_detached "$id"
  wait_for_output "$out" started
  mount -t tmpfs -o size=1m tmpfs "$src/later"
  touch "$src/later/marker" "$ctl/go"
  wait_for_output "$out" '^(seen|unseen)$'
  SEEN=$(grep -xE 'seen|unseen' "$out")
}

@test "propagation rslave: a mount made on the host under the source after start appears inside" {
  propagation_case rslave
  [[ $SEEN == seen ]]
}

@test "propagation rprivate: a mount made on the host under the source after start does not appear" {
  propagation_case rprivate
  [[ $SEEN == unseen ]]
}

@test "nosymfollow: a symlink on that mount cannot be followed" {
  run_with_mountinfo 'ln -s /etc/hostname /mnt/ns/link; readlink /mnt/ns/link; cat /mnt/ns/link >/dev/null 2>&1 && echo followed || echo refused'
  add_mount '{"destination": "/mnt/ns", "type": "tmpfs", "source": "tmpfs", "options": ["nosymfollow", "size=1m"]}'
  run_ctr nosym
  [[ $status -eq 0 ]]
  split_output
  assert_opt "$(mi_mount_opts "$(mi_top /mnt/ns)")" nosymfollow
  [[ $RESULT == "/etc/hostname"$'\n'"refused" ]] || fail "container output: $RESULT"
}

@test "atime options: relatime, noatime and strictatime show in mountinfo" {
  run_with_mountinfo true
  add_mount '{"destination": "/mnt/rel", "type": "tmpfs", "source": "tmpfs", "options": ["relatime", "size=1m"]}'
  add_mount '{"destination": "/mnt/noa", "type": "tmpfs", "source": "tmpfs", "options": ["noatime", "size=1m"]}'
  add_mount '{"destination": "/mnt/strict", "type": "tmpfs", "source": "tmpfs", "options": ["strictatime", "size=1m"]}'
  run_ctr atime
  [[ $status -eq 0 ]]
  split_output
  local rel noa strict
  rel=$(mi_mount_opts "$(mi_top /mnt/rel)")
  noa=$(mi_mount_opts "$(mi_top /mnt/noa)")
  strict=$(mi_mount_opts "$(mi_top /mnt/strict)")
  assert_opt "$rel" relatime
  refute_opt "$rel" noatime
  assert_opt "$noa" noatime
  refute_opt "$noa" relatime
  refute_opt "$strict" relatime
  refute_opt "$strict" noatime
}

@test "mqueue and devpts are mounted with their options" {
  run_with_mountinfo true
  run_ctr mq
  [[ $status -eq 0 ]]
  split_output
  local mq pts
  mq=$(mi_top /dev/mqueue)
  pts=$(mi_top /dev/pts)
  [[ $(mi_fstype "$mq") == mqueue ]]
  assert_opt "$(mi_mount_opts "$mq")" nosuid
  assert_opt "$(mi_mount_opts "$mq")" nodev
  assert_opt "$(mi_mount_opts "$mq")" noexec
  [[ $(mi_fstype "$pts") == devpts ]]
  assert_opt "$(mi_mount_opts "$pts")" nosuid
  assert_opt "$(mi_mount_opts "$pts")" noexec
  assert_opt "$(mi_super_opts "$pts")" gid=5
  assert_opt "$(mi_super_opts "$pts")" mode=620
  assert_opt "$(mi_super_opts "$pts")" ptmxmode=666
}

@test "devpts is a new instance: the host's ptys are not visible" {
  # Hold a host pty open so the host's devpts has at least one entry.
  exec {ptyfd}<>/dev/ptmx
  make_bundle sh -c 'ls /dev/pts'
  run_ctr pts
  exec {ptyfd}>&-
  [[ $status -eq 0 ]]
  [[ $output == ptmx ]] || fail "/dev/pts holds: $output"
}

@test "sysfs is mounted read-only" {
  run_with_mountinfo 'mkdir /sys/x 2>/dev/null && echo wrote || echo refused'
  run_ctr sysro
  [[ $status -eq 0 ]]
  split_output
  [[ $(mi_fstype "$(mi_top /sys)") == sysfs ]]
  assert_opt "$(mi_mount_opts "$(mi_top /sys)")" ro
  [[ $RESULT == refused ]]
}

@test "the cgroup mount exists and every mount under it is read-only" {
  run_with_mountinfo 'mkdir /sys/fs/cgroup/x 2>/dev/null && echo wrote || echo refused; ls /sys/fs/cgroup | wc -l'
  run_ctr cgro
  [[ $status -eq 0 ]]
  split_output
  mi_top /sys/fs/cgroup >/dev/null
  local n=0 mp l
  while read -r l; do
    mp=$(awk '{ print $5 }' <<<"$l")
    [[ $mp == /sys/fs/cgroup || $mp == /sys/fs/cgroup/* ]] || continue
    # runc leaves the tmpfs holding the v1 hierarchies read-write.
    [[ $(mi_fstype "$l") == cgroup* ]] || is_stockade || continue
    assert_opt "$(mi_mount_opts "$l")" ro
    [[ $(mi_fstype "$l") == cgroup* ]] && n=$((n + 1))
  done <<<"$MI"
  [[ $n -ge 1 ]] || fail "no cgroup filesystem under /sys/fs/cgroup"
  [[ ${RESULT%%$'\n'*} == refused ]]
  [[ ${RESULT##*$'\n'} -ge 1 ]]
}

@test "a mount target missing from the image is created" {
  run_with_mountinfo 'test -d /mnt/new/deep/dir && echo dir'
  [[ ! -e $BUNDLE/rootfs/mnt/new ]]
  add_mount '{"destination": "/mnt/new/deep/dir", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}'
  run_ctr mkdest
  [[ $status -eq 0 ]]
  split_output
  [[ $RESULT == dir ]]
  [[ $(mi_fstype "$(mi_top /mnt/new/deep/dir)") == tmpfs ]]
  [[ -d $BUNDLE/rootfs/mnt/new/deep/dir ]]
}

@test "rootfsPropagation shared: the container's / is a shared mount" {
  is_stockade || skip "runc 1.1 does not apply rootfsPropagation to the container's own /"
  run_with_mountinfo true
  update_config '.linux.rootfsPropagation = "shared"'
  run_ctr rootprop
  [[ $status -eq 0 ]]
  split_output
  [[ $(mi_optional "$(mi_top /)") == *shared:* ]] || fail "/ is not shared: $(mi_top /)"
}

@test "rootfsPropagation private: the container's / is neither shared nor a slave" {
  run_with_mountinfo true
  update_config '.linux.rootfsPropagation = "private"'
  run_ctr rootpriv
  [[ $status -eq 0 ]]
  split_output
  [[ -z $(mi_optional "$(mi_top /)") ]] || fail "/ has propagation: $(mi_top /)"
}

@test "--no-pivot: the container runs and / is its rootfs" {
  # $1 is a host path that is not in the rootfs.
  make_bundle sh -c 'cat /marker; [ -e "$1" ] && echo host-visible || echo host-hidden' sh "$BATS_TEST_TMPDIR"
  echo inside-rootfs >"$BUNDLE/rootfs/marker"
  run_ctr nopivot --no-pivot
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == inside-rootfs ]]
  [[ ${lines[1]} == host-hidden ]]
}

@test "--no-pivot: maskedPaths, readonlyPaths and root.readonly still apply" {
  run_with_mountinfo 'wc -c < /etc/secret; touch /x 2>/dev/null && echo wrote-root || echo ro-root'
  echo top-secret >"$BUNDLE/rootfs/etc/secret"
  update_config '.root.readonly = true | .linux.maskedPaths += ["/etc/secret"]'
  run_ctr nopivotsec --no-pivot
  [[ $status -eq 0 ]]
  split_output
  [[ $RESULT == "0"$'\n'"ro-root" ]] || fail "container output: $RESULT"
  assert_opt "$(mi_mount_opts "$(mi_top /proc/sys)")" ro
  assert_opt "$(mi_mount_opts "$(mi_top /)")" ro
}

@test "maskedPaths: a masked directory is an empty read-only tmpfs" {
  run_with_mountinfo 'ls -A /srv/secret | wc -l; touch /srv/secret/x 2>/dev/null && echo wrote || echo refused'
  mkdir -p "$BUNDLE/rootfs/srv/secret"
  echo hidden >"$BUNDLE/rootfs/srv/secret/data"
  update_config '.linux.maskedPaths += ["/srv/secret"]'
  run_ctr maskdir
  [[ $status -eq 0 ]]
  split_output
  local l
  l=$(mi_top /srv/secret)
  [[ $(mi_fstype "$l") == tmpfs ]]
  assert_opt "$(mi_mount_opts "$l")" ro
  [[ $RESULT == "0"$'\n'"refused" ]] || fail "container output: $RESULT"
  [[ $(cat "$BUNDLE/rootfs/srv/secret/data") == hidden ]]
}

@test "maskedPaths: a masked file reads empty, like /dev/null" {
  make_bundle sh -c 'wc -c < /etc/secret; stat -c "%F %t:%T" /etc/secret'
  echo top-secret >"$BUNDLE/rootfs/etc/secret"
  update_config '.linux.maskedPaths += ["/etc/secret"]'
  run_ctr maskfile
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == 0 ]]
  [[ ${lines[1]} == "character special file 1:3" ]]
  [[ $(cat "$BUNDLE/rootfs/etc/secret") == top-secret ]]
}

@test "maskedPaths: a path missing from the image is skipped" {
  make_bundle true
  update_config '.linux.maskedPaths += ["/no/such/path"]'
  run_ctr masknone
  [[ $status -eq 0 ]]
  [[ ! -e $BUNDLE/rootfs/no ]]
}

@test "readonlyPaths: writing to /proc/sys fails even with CAP_NET_ADMIN" {
  # A new network namespace inherits ip_forward from the host (where
  # dockerd may have set it): write the other value.
  make_bundle sh -c 'f=/proc/sys/net/ipv4/ip_forward; v=$(cat $f); echo $((1 - v)) >$f && echo wrote || echo refused; echo $v; cat $f'
  set_caps "$(jq -n '["CAP_NET_ADMIN"] | {bounding: ., effective: ., permitted: .}')"
  run_ctr roproc
  [[ $status -eq 0 ]]
  [[ ${lines[-3]} == refused ]]
  [[ ${lines[-1]} == "${lines[-2]}" ]]
  [[ $stderr == *"Read-only file system"* ]]
}

@test "readonlyPaths: without /proc/sys listed the same write succeeds" {
  # A new network namespace inherits ip_forward from the host (where
  # dockerd may have set it): write the other value.
  make_bundle sh -c 'f=/proc/sys/net/ipv4/ip_forward; v=$(cat $f); echo $((1 - v)) >$f && echo wrote || echo refused; echo $v; cat $f'
  set_caps "$(jq -n '["CAP_NET_ADMIN"] | {bounding: ., effective: ., permitted: .}')"
  update_config '.linux.readonlyPaths -= ["/proc/sys"]'
  run_ctr rwproc
  [[ $status -eq 0 ]]
  [[ ${lines[-3]} == wrote ]]
  [[ ${lines[-1]} == $((1 - lines[-2])) ]]
}

@test "root.readonly: / is mounted ro and the other mounts keep their own flags" {
  run_with_mountinfo 'touch /x 2>/dev/null && echo wrote-root; touch /tmp/x && echo wrote-tmp'
  update_config '.root.readonly = true'
  add_mount '{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}'
  run_ctr rootro
  [[ $status -eq 0 ]]
  split_output
  assert_opt "$(mi_mount_opts "$(mi_top /)")" ro
  assert_opt "$(mi_mount_opts "$(mi_top /tmp)")" rw
  assert_opt "$(mi_mount_opts "$(mi_top /dev)")" rw
  [[ $RESULT == wrote-tmp ]] || fail "container output: $RESULT"
}

@test "linux.sysctl: net.ipv4.ip_forward and kernel.shmmax are set inside" {
  make_bundle sh -c 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax'
  update_config '.linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.shmmax": "123456789"}'
  run_ctr sysctl
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == 1 ]]
  [[ ${lines[1]} == 123456789 ]]
  [[ $(cat /proc/sys/kernel/shmmax) != 123456789 ]]
}

@test "linux.sysctl: a non-namespaced key is refused, named, and the host is unchanged" {
  local before id
  before=$(cat /proc/sys/vm/swappiness)
  make_bundle true
  update_config '.linux.sysctl = {"vm.swappiness": "7"}'
  id=$(cid sysctlbad)
  run_rt run -b "$BUNDLE" "$id"
  assert_failed_with_message
  stderr_has 'vm\.swappiness'
  assert_no_leftovers "$id"
  [[ $(cat /proc/sys/vm/swappiness) == "$before" ]]
}

@test "linux.sysctl: a net.* key without a new network namespace is refused and named" {
  make_bundle true
  remove_namespace network
  update_config '.linux.sysctl = {"net.ipv4.ip_forward": "1"}'
  local id before
  before=$(cat /proc/sys/net/ipv4/ip_forward)
  id=$(cid sysctlnons)
  run_rt run -b "$BUNDLE" "$id"
  assert_failed_with_message
  stderr_has 'net\.ipv4\.ip_forward'
  assert_no_leftovers "$id"
  [[ $(cat /proc/sys/net/ipv4/ip_forward) == "$before" ]]
}
