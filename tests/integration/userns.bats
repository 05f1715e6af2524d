#!/usr/bin/env bats
# User namespaces and idmapped mounts, observed from inside the container and
# from the host.
#
# An idmapped mount translates both ways: a file owned by host uid 0 on disk
# shows as host uid 100000 through the mount (container root), and a file the
# container's root (host uid 100000) creates is stored on disk as uid 0, so
# the image keeps its ownership.  The host therefore sees a new file owned by
# 100000 through the container's mounts (/proc/PID/root) and by 0 in the
# backing directory; both are checked.

load ../lib/helpers

MAP='[{containerID: 0, hostID: 100000, size: 65536}]'

# A bundle whose container gets a new user namespace with root at host 100000;
# the rootfs stays owned by host root (as cp -a left it) and writable.
make_userns_bundle() {
  make_bundle "$@"
  add_namespace user
  update_config ".linux.uidMappings = $MAP | .linux.gidMappings = $MAP | .root.readonly = false"
}

# start_ready NAME: run the bundle detached and wait for its "ready" line;
# sets ID, OUT (its stdout) and PID.
start_ready() {
  ID=$(cid "$1")
  OUT=$BATS_TEST_TMPDIR/$ID.out
  run_detached "$ID"
  wait_for_output "$OUT" '^ready$'
  PID=$(container_pid "$ID")
}

# owner PATH: "uid:gid" as the host sees it.
owner() {
  stat -c '%u:%g' "$1"
}

@test "userns: uid_map inside matches the config, container root is host uid 100000" {
  make_userns_bundle sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u; echo ready; sleep 600'
  start_ready umap
  assert_root_mapped "$OUT" "$PID" 100000
}

@test "userns: a rootfs owned by host root is idmapped: root-owned inside, writes map to host uid 100000" {
  [[ $(owner "$ROOTFS_CACHE/bin/busybox") == 0:0 ]] || skip "test rootfs is not owned by root"
  make_userns_bundle sh -c 'stat -c "%u:%g" / /bin/busybox /etc/passwd; echo hi > /written;
    stat -c "%u:%g" /written; grep -E "^([^ ]+ ){4}/ " /proc/self/mountinfo; echo ready; sleep 600'
  start_ready uroot
  # Inside: the image's files belong to root, and so does what root writes.
  [[ $(sed -n 1,4p "$OUT" | sort -u) == 0:0 ]] || fail "owners inside: $(cat "$OUT")"
  grep -q idmapped "$OUT" || fail "/ is not an idmapped mount: $(cat "$OUT")"
  # From the host, through the container's mount: the mapped host uid.
  [[ $(owner "/proc/$PID/root/written") == 100000:100000 ]]
  [[ $(owner "/proc/$PID/root/bin/busybox") == 100000:100000 ]]
  # On disk the image keeps its ownership.
  [[ $(owner "$BUNDLE/rootfs/written") == 0:0 ]]
  [[ $(owner "$BUNDLE/rootfs/bin/busybox") == 0:0 ]]
}

@test "userns: a rootfs already owned by the mapped root is used as is" {
  make_userns_bundle sh -c 'stat -c "%u:%g" /bin/busybox; grep -E "^([^ ]+ ){4}/ " /proc/self/mountinfo'
  chown -R 100000:100000 "$BUNDLE/rootfs"
  run_rt run -b "$BUNDLE" "$(cid uowned)"
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == 0:0 ]]
  [[ $output != *idmapped* ]] || fail "/ was idmapped although the mapped root owns it: $output"
}

@test "userns: a bundle directory of mode 0700 works under PrivateUsers=require" {
  make_bundle sh -c 'cat /proc/self/uid_map; stat -c "%u:%g" /bin/busybox; touch /tmp/ok && echo wrote'
  chmod 0700 "$BATS_TEST_TMPDIR" "$BUNDLE"
  [[ $(owner "$BUNDLE/rootfs") == 0:0 ]]
  run_rt --profile default run -b "$BUNDLE" "$(cid u0700)"
  [[ $status -eq 0 ]]
  local host
  host=$(awk 'NR == 1 { print $2 }' <<<"$output")
  [[ $host -ge 524288 ]] || fail "container root is host uid $host, not from the profile's range"
  [[ ${lines[1]} == 0:0 ]]
  [[ ${lines[2]} == wrote ]]
}

@test "userns: bind sources below a 0700 directory are opened by the runtime (file and directory)" {
  local hidden=$BATS_TEST_TMPDIR/hidden
  mkdir -p "$hidden/dir"
  echo nameserver 192.0.2.1 >"$hidden/resolv.conf"
  echo inside >"$hidden/dir/f"
  chmod 0700 "$hidden"
  make_userns_bundle sh -c 'cat /etc/resolv.conf /data/f'
  update_config '.mounts += [{destination: "/etc/resolv.conf", type: "bind", source: ($h + "/resolv.conf"), options: ["bind", "ro"]},
                             {destination: "/data", type: "bind", source: ($h + "/dir"), options: ["rbind", "ro"]}]' \
    --arg h "$hidden"
  run_rt run -b "$BUNDLE" "$(cid ubind)"
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == "nameserver 192.0.2.1" ]]
  [[ ${lines[1]} == inside ]]
}

@test "idmapped bind mount: mounts[].uidMappings show host-root files as container root" {
  mkdir -p "$BATS_TEST_TMPDIR/vol"
  echo data >"$BATS_TEST_TMPDIR/vol/hostfile"
  make_userns_bundle sh -c 'stat -c "%u:%g" /vol /vol/hostfile; echo new > /vol/new;
    stat -c "%u:%g" /vol/new; grep " /vol " /proc/self/mountinfo; echo ready; sleep 600'
  update_config ".mounts += [{destination: \"/vol\", type: \"bind\", source: \$s, options: [\"rbind\"],
                              uidMappings: $MAP, gidMappings: $MAP}]" --arg s "$BATS_TEST_TMPDIR/vol"
  start_ready uvol
  [[ $(sed -n 1,3p "$OUT" | sort -u) == 0:0 ]] || fail "owners inside: $(cat "$OUT")"
  grep -q idmapped "$OUT" || fail "/vol is not idmapped: $(cat "$OUT")"
  [[ $(owner "/proc/$PID/root/vol/new") == 100000:100000 ]]
  [[ $(owner "$BATS_TEST_TMPDIR/vol/new") == 0:0 ]]
}

@test "idmapped bind mount: the idmap option borrows the container's mapping" {
  mkdir -p "$BATS_TEST_TMPDIR/vol"
  touch "$BATS_TEST_TMPDIR/vol/hostfile"
  make_userns_bundle sh -c 'stat -c "%u:%g" /vol/hostfile'
  update_config '.mounts += [{destination: "/vol", type: "bind", source: $s, options: ["rbind", "idmap"]}]' \
    --arg s "$BATS_TEST_TMPDIR/vol"
  run_rt run -b "$BUNDLE" "$(cid uopt)"
  [[ $status -eq 0 ]]
  [[ $output == 0:0 ]]
}

@test "idmapped bind mount: mappings of its own, without a user namespace" {
  mkdir -p "$BATS_TEST_TMPDIR/vol"
  touch "$BATS_TEST_TMPDIR/vol/hostfile"
  make_bundle sh -c 'stat -c "%u:%g" /vol/hostfile; touch /vol/new 2>/dev/null || echo refused'
  update_config '.mounts += [{destination: "/vol", type: "bind", source: $s, options: ["bind"],
                              uidMappings: [{containerID: 0, hostID: 1234, size: 10}],
                              gidMappings: [{containerID: 0, hostID: 2345, size: 10}]}]' \
    --arg s "$BATS_TEST_TMPDIR/vol"
  run_rt run -b "$BUNDLE" "$(cid uown)"
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == 1234:2345 ]]
  # Host root is not mapped through this mount: it cannot create files there.
  [[ ${lines[1]} == refused ]]
  [[ ! -e $BATS_TEST_TMPDIR/vol/new ]]
  # linux.uidMappings without a user namespace are ignored, even when equal.
  update_config '.linux.uidMappings = .mounts[-1].uidMappings | .linux.gidMappings = .mounts[-1].gidMappings'
  run_rt run -b "$BUNDLE" "$(cid uown2)"
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == 1234:2345 ]]
}

# An overlay rootfs, as Docker and containerd hand it: lower layer = the
# image, upper + work beside it.
mount_overlay_rootfs() {
  local ov=$BATS_TEST_TMPDIR/ov
  mkdir -p "$ov/upper" "$ov/work"
  mv "$BUNDLE/rootfs" "$ov/lower"
  mkdir "$BUNDLE/rootfs"
  mount -t overlay overlay -o "lowerdir=$ov/lower,upperdir=$ov/upper,workdir=$ov/work" "$BUNDLE/rootfs"
  on_teardown "umount '$BUNDLE/rootfs'"
}

@test "overlay rootfs: runs under --profile default with image files owned by container root" {
  make_bundle sh -c 'cat /proc/self/uid_map; stat -c "%u:%g" / /bin/busybox /etc/passwd; cat /etc/hostname >/dev/null && echo read'
  mount_overlay_rootfs
  run_rt --profile default run -b "$BUNDLE" "$(cid uovl)"
  [[ $status -eq 0 ]]
  [[ $(awk 'NR == 1 { print $2 }' <<<"$output") -ge 524288 ]]
  [[ $(sed -n 2,4p <<<"$output" | sort -u) == 0:0 ]] || fail "owners inside: $output"
  [[ ${lines[4]} == read ]]
}

@test "overlay rootfs: writes go to the upper layer, image ownership kept, lower untouched" {
  make_userns_bundle sh -c 'echo new > /new; echo more >> /etc/passwd; stat -c "%u:%g" /new /etc/passwd'
  mount_overlay_rootfs
  run_rt run -b "$BUNDLE" "$(cid uovlw)"
  [[ $status -eq 0 ]]
  [[ $(sort -u <<<"$output") == 0:0 ]] || fail "owners inside: $output"
  local ov=$BATS_TEST_TMPDIR/ov
  [[ $(owner "$ov/upper/new") == 0:0 ]]
  [[ $(owner "$ov/upper/etc/passwd") == 0:0 ]]
  grep -q '^more$' "$ov/upper/etc/passwd"
  ! grep -q '^more$' "$ov/lower/etc/passwd"
}

@test "overlay rootfs: a rootfs below the overlay's mount point is refused clearly" {
  make_userns_bundle true
  local ov=$BATS_TEST_TMPDIR/ov id
  mkdir -p "$ov/upper" "$ov/work" "$ov/lower" "$BATS_TEST_TMPDIR/merged"
  mv "$BUNDLE/rootfs" "$ov/lower/image"
  mount -t overlay overlay -o "lowerdir=$ov/lower,upperdir=$ov/upper,workdir=$ov/work" "$BATS_TEST_TMPDIR/merged"
  update_config '.root.path = $p' --arg p "$BATS_TEST_TMPDIR/merged/image"
  id=$(cid uovlsub)
  run_rt run -b "$BUNDLE" "$id"
  assert_failed_with_message
  stderr_has 'root.path: .* inside an overlay but is not its mount point'
  umount "$BATS_TEST_TMPDIR/merged" # the test's own mount, not a leftover
  assert_no_leftovers "$id"
}

# refused FIELD-REGEX: the run failed naming the field, and left nothing.
refused() {
  local id=$1
  shift
  run_rt run -b "$BUNDLE" "$id"
  assert_failed_with_message
  stderr_has "$1"
  assert_no_leftovers "$id"
}

@test "userns: overlapping uidMappings are refused, naming the field" {
  make_userns_bundle true
  update_config '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 100},
                                       {containerID: 50, hostID: 300000, size: 10}]'
  refused "$(cid uover)" 'linux\.uidMappings\[1\]: containerID range overlaps'
  update_config '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 100},
                                       {containerID: 500, hostID: 100050, size: 10}]'
  refused "$(cid uover2)" 'linux\.uidMappings\[1\]: hostID range overlaps'
}

@test "userns: a zero-size mapping is refused, naming the field" {
  make_userns_bundle true
  update_config '.linux.gidMappings = [{containerID: 0, hostID: 100000, size: 0}]'
  refused "$(cid uzero)" 'linux\.gidMappings\[0\]\.size'
}

@test "userns: a missing gidMappings is refused, naming the field" {
  make_userns_bundle true
  update_config 'del(.linux.gidMappings)'
  refused "$(cid unogid)" 'linux\.gidMappings: required'
}

@test "idmapped bind mount: bad mount mappings are refused, naming mounts[N]" {
  mkdir -p "$BATS_TEST_TMPDIR/vol"
  make_userns_bundle true
  local n
  n=$(jq '.mounts | length' "$BUNDLE/config.json")
  update_config ".mounts += [{destination: \"/vol\", type: \"bind\", source: \$s, options: [\"bind\"],
                              uidMappings: [{containerID: 0, hostID: 100000, size: 0}], gidMappings: $MAP}]" \
    --arg s "$BATS_TEST_TMPDIR/vol"
  refused "$(cid umzero)" "mounts\[$n\]\.uidMappings\[0\]\.size"
  update_config ".mounts[$n].uidMappings = $MAP | del(.mounts[$n].gidMappings)"
  refused "$(cid umnogid)" "mounts\[$n\]\.gidMappings: required"
  update_config ".mounts[$n].gidMappings = $MAP | .mounts[$n].type = \"tmpfs\" | .mounts[$n].options = []"
  refused "$(cid umtmpfs)" "mounts\[$n\]: idmapped mounts are only supported for bind mounts"
}

@test "idmapped bind mount: idmap without mappings or a user namespace is refused" {
  mkdir -p "$BATS_TEST_TMPDIR/vol"
  make_bundle true
  update_config '.mounts += [{destination: "/vol", type: "bind", source: $s, options: ["rbind", "ridmap"]}]' \
    --arg s "$BATS_TEST_TMPDIR/vol"
  local n
  n=$(($(jq '.mounts | length' "$BUNDLE/config.json") - 1))
  refused "$(cid unons)" "mounts\[$n\]\.options: ridmap without uidMappings/gidMappings needs a user namespace"
}

@test "userns: exec into a container with an idmapped rootfs sees the same owners and maps" {
  make_userns_bundle sleep 600
  local id
  id=$(cid uexec)
  run_detached "$id"
  run_rt exec "$id" sh -c 'stat -c "%u:%g" /bin/busybox; cat /proc/self/uid_map; touch /byexec; stat -c "%u:%g" /byexec'
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == 0:0 ]]
  [[ $(tr -s ' ' <<<"${lines[1]}" | sed 's/^ //') == "0 100000 65536" ]]
  [[ ${lines[2]} == 0:0 ]]
  [[ $(owner "$BUNDLE/rootfs/byexec") == 0:0 ]]
}
