#!/usr/bin/env bats
# The container's process: rlimits, oom_score_adj, umask, no_new_privs,
# capabilities, cwd, and which file descriptors it inherits.

load ../lib/helpers
load ../lib/container_setup

# status_field NAME: the value of NAME: in the container's /proc/self/status
# dump held in $output.
status_field() {
  awk -v k="$1:" '$1 == k { print $2 }' <<<"$output"
}

# limits_row PREFIX: "soft hard" of the /proc/self/limits row starting with
# PREFIX, from $output.
limits_row() {
  grep "^$1 " <<<"$output" | sed "s/^$1 *//" | awk '{ print $1, $2 }'
}

@test "rlimits: RLIMIT_NOFILE soft and hard come from the config" {
  make_bundle sh -c 'ulimit -Sn; ulimit -Hn; cat /proc/self/limits'
  update_config '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 512, hard: 1000}]'
  run_ctr nofile
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == 512 ]]
  [[ ${lines[1]} == 1000 ]]
  [[ $(limits_row "Max open files") == "512 1000" ]]
}

@test "rlimits: RLIMIT_NPROC soft and hard come from the config" {
  make_bundle cat /proc/self/limits
  update_config '.process.rlimits = [{type: "RLIMIT_NPROC", soft: 300, hard: 400}]'
  run_ctr nproc
  [[ $status -eq 0 ]]
  [[ $(limits_row "Max processes") == "300 400" ]]
}

@test "rlimits: a limit the config does not name keeps the runtime's value" {
  local want
  want="$(ulimit -Ss) $(ulimit -Hs)"
  make_bundle sh -c 'echo "$(ulimit -Ss) $(ulimit -Hs)"'
  update_config '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 512, hard: 1000}]'
  run_ctr keepstack
  [[ $status -eq 0 ]]
  [[ $output == "$want" ]] || fail "stack limit inside: $output, host: $want"
}

@test "rlimits: an unknown type is a config error naming process.rlimits" {
  make_bundle true
  update_config '.process.rlimits = [{type: "RLIMIT_BOGUS", soft: 1, hard: 1}]'
  local id
  id=$(cid badrlimit)
  run_rt run -b "$BUNDLE" "$id"
  assert_failed_with_message
  if is_stockade; then stderr_has 'process\.rlimits'; fi
  stderr_has 'RLIMIT_BOGUS'
  assert_no_leftovers "$id"
}

@test "oomScoreAdj is written to /proc/self/oom_score_adj" {
  make_bundle cat /proc/self/oom_score_adj
  update_config '.process.oomScoreAdj = 432'
  run_ctr oom
  [[ $status -eq 0 ]]
  [[ $output == 432 ]]
}

@test "umask: files and directories are created with the configured umask" {
  make_bundle sh -c 'umask; touch /tmp/f; mkdir /tmp/d; stat -c %a /tmp/f /tmp/d'
  add_mount '{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}'
  update_config '.process.user.umask = 23'  # 0027
  run_ctr umask
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == 0027 ]]
  [[ ${lines[1]} == 640 ]]
  [[ ${lines[2]} == 750 ]]
}

@test "umask: without process.user.umask it is 0022" {
  make_bundle sh -c 'umask; touch /tmp/f; stat -c %a /tmp/f'
  add_mount '{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}'
  run_ctr umaskdefault
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == 0022 ]]
  [[ ${lines[1]} == 644 ]]
}

@test "noNewPrivileges true: NoNewPrivs is 1" {
  make_bundle cat /proc/self/status
  update_config '.process.noNewPrivileges = true'
  run_ctr nnp
  [[ $status -eq 0 ]]
  [[ $(status_field NoNewPrivs) == 1 ]]
}

@test "noNewPrivileges false: NoNewPrivs is 0" {
  make_bundle cat /proc/self/status
  update_config '.process.noNewPrivileges = false'
  run_ctr nonnp
  [[ $status -eq 0 ]]
  [[ $(status_field NoNewPrivs) == 0 ]]
}

@test "capabilities of root: each set in /proc/self/status is the config's" {
  local full=(CAP_CHOWN CAP_KILL CAP_NET_BIND_SERVICE CAP_SETUID CAP_SETGID CAP_AUDIT_WRITE CAP_SYS_CHROOT)
  local inh=(CAP_KILL CAP_NET_BIND_SERVICE)
  make_bundle cat /proc/self/status
  set_caps "$(jq -n --argjson f "$(cap_json "${full[@]}")" --argjson i "$(cap_json "${inh[@]}")" \
    '{bounding: $f, effective: $f, permitted: $f, inheritable: $i, ambient: []}')"
  run_ctr capsroot
  [[ $status -eq 0 ]]
  [[ $(status_field CapBnd) == "$(cap_mask "${full[@]}")" ]]
  [[ $(status_field CapEff) == "$(cap_mask "${full[@]}")" ]]
  [[ $(status_field CapPrm) == "$(cap_mask "${full[@]}")" ]]
  [[ $(status_field CapInh) == "$(cap_mask "${inh[@]}")" ]]
  [[ $(status_field CapAmb) == 0000000000000000 ]]
}

@test "capabilities of a non-root user: ambient caps make it effective and permitted" {
  local bnd=(CAP_CHOWN CAP_KILL CAP_NET_BIND_SERVICE CAP_NET_RAW CAP_AUDIT_WRITE)
  local amb=(CAP_NET_BIND_SERVICE CAP_CHOWN)
  local inh=(CAP_NET_BIND_SERVICE CAP_CHOWN CAP_KILL)
  make_bundle sh -c 'id -u; cat /proc/self/status'
  update_config '.process.user = {uid: 1000, gid: 1000}'
  set_caps "$(jq -n --argjson b "$(cap_json "${bnd[@]}")" --argjson a "$(cap_json "${amb[@]}")" \
    --argjson i "$(cap_json "${inh[@]}")" \
    '{bounding: $b, effective: $a, permitted: $a, inheritable: $i, ambient: $a}')"
  run_ctr capsuser
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == 1000 ]]
  [[ $(status_field CapBnd) == "$(cap_mask "${bnd[@]}")" ]]
  [[ $(status_field CapEff) == "$(cap_mask "${amb[@]}")" ]]
  [[ $(status_field CapPrm) == "$(cap_mask "${amb[@]}")" ]]
  [[ $(status_field CapInh) == "$(cap_mask "${inh[@]}")" ]]
  [[ $(status_field CapAmb) == "$(cap_mask "${amb[@]}")" ]]
}

@test "capabilities of a non-root user without ambient caps: nothing effective" {
  local bnd=(CAP_CHOWN CAP_KILL CAP_NET_BIND_SERVICE)
  make_bundle cat /proc/self/status
  update_config '.process.user = {uid: 1000, gid: 1000}'
  set_caps "$(jq -n --argjson b "$(cap_json "${bnd[@]}")" '{bounding: $b, effective: $b, permitted: $b}')"
  run_ctr capsnoamb
  [[ $status -eq 0 ]]
  [[ $(status_field CapBnd) == "$(cap_mask "${bnd[@]}")" ]]
  [[ $(status_field CapEff) == 0000000000000000 ]]
  [[ $(status_field CapPrm) == 0000000000000000 ]]
  [[ $(status_field CapAmb) == 0000000000000000 ]]
}

# A ping of 127.0.0.1 after bringing lo up (needs CAP_NET_ADMIN).
PING='ip link set lo up; ping -c1 -W2 127.0.0.1 >/dev/null 2>&1 && echo ping-ok || echo ping-failed'

@test "without CAP_NET_RAW, ping (a raw socket) fails" {
  make_bundle sh -c "$PING; ping -c1 -W2 127.0.0.1 2>&1 | tail -n 1"
  set_caps "$(jq -n '["CAP_NET_ADMIN"] | {bounding: ., effective: ., permitted: .}')"
  run_ctr noraw
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == ping-failed ]]
  grep -qi 'permission denied\|not permitted' <<<"${lines[1]}" || fail "ping's error: ${lines[1]}"
}

@test "with CAP_NET_RAW, the same ping succeeds" {
  make_bundle sh -c "$PING"
  set_caps "$(jq -n '["CAP_NET_ADMIN", "CAP_NET_RAW"] | {bounding: ., effective: ., permitted: .}')"
  run_ctr raw
  [[ $status -eq 0 ]]
  [[ $output == ping-ok ]]
}

@test "without CAP_SYS_ADMIN, mounting a tmpfs fails" {
  make_bundle sh -c 'mount -t tmpfs x /mnt 2>&1 && echo mounted || echo refused'
  run_ctr nosysadmin
  [[ $status -eq 0 ]]
  [[ ${lines[-1]} == refused ]]
  [[ $output == *"denied"* || $output == *"not permitted"* ]]
}

@test "with CAP_SYS_ADMIN, mounting a tmpfs succeeds" {
  make_bundle sh -c 'mount -t tmpfs x /mnt 2>&1 && echo mounted || echo refused'
  set_caps "$(jq -n '["CAP_SYS_ADMIN"] | {bounding: ., effective: ., permitted: .}')"
  run_ctr sysadmin
  [[ $status -eq 0 ]]
  [[ ${lines[-1]} == mounted ]]
}

@test "process.cwd missing from the image is created (writable root)" {
  make_bundle sh -c 'pwd; pwd -P'
  update_config '.root.readonly = false | .process.cwd = "/work/dir/here"'
  run_ctr cwdnew
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == /work/dir/here ]]
  [[ ${lines[1]} == /work/dir/here ]]
  [[ -d $BUNDLE/rootfs/work/dir/here ]]
}

@test "process.cwd missing from the image is created even with root.readonly" {
  make_bundle pwd
  update_config '.root.readonly = true | .process.cwd = "/work/dir/here"'
  run_ctr cwdnewro
  [[ $status -eq 0 ]]
  [[ $output == /work/dir/here ]]
  [[ -d $BUNDLE/rootfs/work/dir/here ]]
}

@test "process.cwd is created so that a non-root user can enter it" {
  make_bundle pwd
  update_config '.root.readonly = false | .process.cwd = "/work/app" | .process.user = {uid: 1000, gid: 1000}'
  run_ctr cwduser
  [[ $status -eq 0 ]]
  [[ $output == /work/app ]]
}

# The fds the container's `ls` sees in /proc/self/fd, one line, sorted.
FD_LIST='ls /proc/self/fd | sort -n | tr "\n" " "'

@test "--preserve-fds 2 passes exactly fds 3 and 4" {
  local f=$BATS_TEST_TMPDIR/fdfile
  echo preserved >"$f"
  make_bundle sh -c "$FD_LIST; echo; cat <&3; cat <&4"
  local id
  id=$(cid preserve)
  # fds 3, 4 and 5 open in the calling process; only 3 and 4 are passed.  (In
  # a subshell: fd 3 is bats' own channel, which rt closes.)
  status=0
  (
    exec 3<"$f" 4<"$f" 5<"$f"
    exec timeout -k 5 "$RT_TIMEOUT" "$STOCKADE" --root "$ROOT" $(sk_globals) run --preserve-fds 2 -b "$BUNDLE" "$id"
  ) >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" </dev/null || status=$?
  mapfile -t lines <"$BATS_TEST_TMPDIR/out"
  echo "status $status; stdout: ${lines[*]}; stderr: $(cat "$BATS_TEST_TMPDIR/err")"
  [[ $status -eq 0 ]]
  # 0-2, 3 and 4, and the directory ls is reading (its number varies: one more fd).
  [[ ${lines[0]} =~ ^"0 1 2 3 4 "[0-9]+" "$ ]] || fail "fds inside: ${lines[0]}"
  [[ ${lines[1]} == preserved ]]
  [[ ${lines[2]} == preserved ]]
}

@test "without --preserve-fds no fd of the caller beyond 0-2 reaches the container" {
  local f=$BATS_TEST_TMPDIR/fdfile
  echo leaked >"$f"
  make_bundle sh -c "$FD_LIST"
  local id
  id=$(cid noleak)
  status=0
  (
    exec 3<"$f" 5<"$f" 6<"$f"
    exec timeout -k 5 "$RT_TIMEOUT" "$STOCKADE" --root "$ROOT" $(sk_globals) run -b "$BUNDLE" "$id"
  ) >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" </dev/null || status=$?
  output=$(cat "$BATS_TEST_TMPDIR/out")
  echo "status $status; stdout: $output; stderr: $(cat "$BATS_TEST_TMPDIR/err")"
  [[ $status -eq 0 ]]
  [[ $output =~ ^"0 1 2 "[0-9]+" "$ ]] || fail "fds inside: $output"
}

@test "rlimits: a soft limit above the hard limit is refused and named" {
  make_bundle true
  update_config '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 2000, hard: 1000}]'
  local id
  id=$(cid softhard)
  run_rt run -b "$BUNDLE" "$id"
  assert_failed_with_message
  if is_stockade; then stderr_has 'process\.rlimits\[0\]'; fi
  assert_no_leftovers "$id"
}
