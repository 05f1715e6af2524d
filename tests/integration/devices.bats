#!/usr/bin/env bats
# Device nodes inside the container: the defaults every container gets, the
# /dev symlinks, linux.devices, and the defaults in a user namespace (where
# they are bind-mounted from the host).

load ../lib/helpers
load ../lib/container_setup

# What `stat -c '%n %F %t:%T %a'` prints for each default device (busybox
# prints the major and minor in hex).
DEFAULT_DEVICES=(
  "/dev/null character special file 1:3"
  "/dev/zero character special file 1:5"
  "/dev/full character special file 1:7"
  "/dev/random character special file 1:8"
  "/dev/urandom character special file 1:9"
  "/dev/tty character special file 5:0"
)
DEVICE_PATHS=(/dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty)

# Reading and writing through the default devices; prints one line per check.
USE_DEVICES='echo x > /dev/null && echo null-write
[ -z "$(cat /dev/null)" ] && echo null-read-empty
[ "$(head -c 4 /dev/zero | od -An -tx1 | tr -d " ")" = 00000000 ] && echo zero-read
echo x 2>/dev/null > /dev/full || echo full-write-fails
[ "$(head -c 16 /dev/urandom | wc -c)" = 16 ] && echo urandom-read
[ "$(head -c 16 /dev/random | wc -c)" = 16 ] && echo random-read'
USE_DEVICES_EXPECTED="null-write
null-read-empty
zero-read
full-write-fails
urandom-read
random-read"

@test "default devices exist with the right type and major:minor" {
  make_bundle stat -c '%n %F %t:%T' "${DEVICE_PATHS[@]}"
  run_ctr devnums
  [[ $status -eq 0 ]]
  local i
  for i in "${!DEFAULT_DEVICES[@]}"; do
    [[ ${lines[$i]} == "${DEFAULT_DEVICES[$i]}" ]] || fail "got '${lines[$i]}', want '${DEFAULT_DEVICES[$i]}'"
  done
}

@test "default devices have mode 0666 and belong to root" {
  make_bundle stat -c '%n %a %u:%g' "${DEVICE_PATHS[@]}"
  run_ctr devmode
  [[ $status -eq 0 ]]
  local p i=0
  for p in "${DEVICE_PATHS[@]}"; do
    [[ ${lines[$i]} == "$p 666 0:0" ]] || fail "got '${lines[$i]}', want '$p 666 0:0'"
    i=$((i + 1))
  done
}

@test "default devices work: null, zero, full, random, urandom" {
  make_bundle sh -c "$USE_DEVICES"
  run_ctr devuse
  [[ $status -eq 0 ]]
  [[ $output == "$USE_DEVICES_EXPECTED" ]] || fail "container output: $output"
}

@test "/dev/fd, /dev/stdin, /dev/stdout, /dev/stderr and /dev/ptmx are the standard symlinks" {
  make_bundle sh -c 'for l in fd stdin stdout stderr ptmx; do echo "$l -> $(readlink /dev/$l)"; done'
  run_ctr devlinks
  [[ $status -eq 0 ]]
  [[ $output == "fd -> /proc/self/fd
stdin -> /proc/self/fd/0
stdout -> /proc/self/fd/1
stderr -> /proc/self/fd/2
ptmx -> pts/ptmx" ]] || fail "container output: $output"
}

@test "/dev/stdout leads to the process's own stdout" {
  make_bundle sh -c 'echo through-dev-stdout > /dev/stdout'
  run_ctr devstdout
  [[ $status -eq 0 ]]
  [[ $output == through-dev-stdout ]]
}

@test "linux.devices: a char device gets its numbers, mode and owner, and works for its owner" {
  # Mode 0600 owned by 1000: the process runs as 1000 to use it.
  make_bundle sh -c 'stat -c "%F %t:%T %a %u:%g" /dev/mynull; echo x > /dev/mynull && echo written'
  update_config '.process.user = {uid: 1000, gid: 1000}
               | .linux.devices = [{path: "/dev/mynull", type: "c", major: 1, minor: 3,
                                    fileMode: 384, uid: 1000, gid: 1000}]
               | .linux.resources.devices += [{allow: true, type: "c", major: 1, minor: 3, access: "rwm"}]'
  run_ctr mynull
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == "character special file 1:3 600 1000:1000" ]] || fail "got: ${lines[0]}"
  [[ ${lines[1]} == written ]]
}

@test "linux.devices: a device in a subdirectory of /dev gets the directory created" {
  make_bundle stat -c '%F %t:%T' /dev/sub/dir/myzero
  update_config '.linux.devices = [{path: "/dev/sub/dir/myzero", type: "c", major: 1, minor: 5}]'
  run_ctr subdev
  [[ $status -eq 0 ]]
  [[ $output == "character special file 1:5" ]]
}

@test "linux.devices: a fifo ('p') is created and carries data" {
  make_bundle sh -c 'stat -c "%F %a" /dev/myfifo; (echo through-fifo > /dev/myfifo &); cat /dev/myfifo'
  update_config '.linux.devices = [{path: "/dev/myfifo", type: "p", fileMode: 420}]'
  run_ctr fifo
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == "fifo 644" ]] || fail "got: ${lines[0]}"
  [[ ${lines[1]} == through-fifo ]]
}

@test "linux.devices: a file the image has at the device path is replaced by the device" {
  is_stockade || skip "runc keeps a file the image has at a device path"
  make_bundle stat -c '%F %t:%T' /dev/mynull
  # No /dev tmpfs: the image's own /dev (holding a regular file) is used.
  remove_mount /dev
  echo image-file >"$BUNDLE/rootfs/dev/mynull"
  update_config '.linux.devices = [{path: "/dev/mynull", type: "c", major: 1, minor: 3}]'
  run_ctr replace
  [[ $status -eq 0 ]]
  [[ $output == "character special file 1:3" ]]
}

# A bundle for a user namespace mapping container root to host uid 100000.
userns_bundle() {
  make_bundle "$@"
  add_namespace user
  update_config '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
               | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
  prepare_userns_bundle 100000
}

@test "user namespace: the default devices exist with the right numbers" {
  userns_bundle stat -c '%n %F %t:%T' "${DEVICE_PATHS[@]}"
  run_ctr usernsdev
  [[ $status -eq 0 ]]
  local i
  for i in "${!DEFAULT_DEVICES[@]}"; do
    [[ ${lines[$i]} == "${DEFAULT_DEVICES[$i]}" ]] || fail "got '${lines[$i]}', want '${DEFAULT_DEVICES[$i]}'"
  done
}

@test "user namespace: the default devices work" {
  userns_bundle sh -c "$USE_DEVICES"
  run_ctr usernsuse
  [[ $status -eq 0 ]]
  [[ $output == "$USE_DEVICES_EXPECTED" ]] || fail "container output: $output"
}

@test "linux.devices: a 0600 device owned by 1000 is refused to root without CAP_DAC_OVERRIDE" {
  make_bundle sh -c 'echo x > /dev/mynull && echo written || echo refused'
  update_config '.linux.devices = [{path: "/dev/mynull", type: "c", major: 1, minor: 3,
                                    fileMode: 384, uid: 1000, gid: 1000}]'
  run_ctr mynullroot
  [[ $status -eq 0 ]]
  [[ $output == refused ]]
}

# A node for the fuse device (c 10:229): opening it needs no capability, so
# only the device cgroup stands between the container and the device.
FUSE_OPEN='(exec 3<>/dev/myfuse) 2>/dev/null && echo opened || echo refused'

@test "linux.resources.devices: a rule allowing c 10:229 lets the container open that node" {
  [[ -c /dev/fuse ]] || skip "the host has no fuse device"
  make_bundle sh -c "$FUSE_OPEN"
  update_config '.linux.devices = [{path: "/dev/myfuse", type: "c", major: 10, minor: 229}]
               | .linux.resources.devices += [{allow: true, type: "c", major: 10, minor: 229, access: "rwm"}]'
  run_ctr fuseallowed
  [[ $status -eq 0 ]]
  [[ $output == opened ]]
}

@test "linux.resources.devices: a node the rules deny cannot be opened" {
  [[ -c /dev/fuse ]] || skip "the host has no fuse device"
  make_bundle sh -c "$FUSE_OPEN"
  # spec's default rules: deny everything ("allow": false, "access": "rwm").
  update_config '.linux.devices = [{path: "/dev/myfuse", type: "c", major: 10, minor: 229}]'
  jq -e '.linux.resources.devices == [{allow: false, access: "rwm"}]' "$BUNDLE/config.json" >/dev/null
  run_ctr fusedenied
  [[ $status -eq 0 ]]
  [[ $output == refused ]] || fail "the container opened a device the cgroup rules deny"
}
