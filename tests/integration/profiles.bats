#!/usr/bin/env bats
# Profiles seen from inside real containers: the shipped default runs a
# busybox workload unchanged; each directive of the default profile wins
# over a config that asks for more (enforce), strict refuses such a config
# naming every field, complain runs it as asked and reports; the profile is
# chosen by --profile, stockade.conf or an allowed annotation, and nothing
# else.  The unit tests (tests/unit/profile) cover every directive's merge;
# these prove the merged result is what the kernel enforces.

load ../lib/helpers
load ../lib/container_setup

setup() {
  common_setup
  is_stockade || skip "profiles are Stockade's own"
}

# The default profile puts the container in a user namespace whose root is an
# unprivileged host uid: the bundle path must be searchable by it.
traversable() {
  local d=$BUNDLE
  while [[ $d != / ]]; do
    chmod o+x "$d"
    d=$(dirname "$d")
  done
}

# profile_bundle SCRIPT: a bundle running `sh -c SCRIPT`, usable under a
# profile that requires a user namespace.
profile_bundle() {
  make_bundle sh -c "$1"
  traversable
}

# What Docker writes for `docker run --privileged`: every capability, no
# seccomp, no masked or read-only paths, a writable root, no new privileges
# allowed, every device allowed in the cgroup.  "Every capability" is every
# one this host's root holds (the VM withholds CAP_SYS_RESOURCE), so that
# complain mode, which changes nothing, can run it.
privileged_config() {
  local all bnd i
  bnd=$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)
  all=$(cap_json $(for i in "${!CAP_NAMES[@]}"; do
    ((16#$bnd >> i & 1)) && echo "CAP_${CAP_NAMES[$i]}"
  done))
  update_config '.process.capabilities = {bounding: $a, effective: $a, permitted: $a, inheritable: $a}
    | .process.noNewPrivileges = false | .root.readonly = false
    | del(.linux.seccomp) | .linux.maskedPaths = [] | .linux.readonlyPaths = []
    | .linux.resources.devices = [{allow: true, access: "rwm"}]' --argjson a "$all"
}

# status_field NAME: NAME's value in a /proc/self/status dump in $output.
status_field() {
  awk -v k="$1:" '$1 == k { print $2 }' <<<"$output"
}

DEFAULT_CEILING=(CAP_CHOWN CAP_DAC_OVERRIDE CAP_FSETID CAP_FOWNER CAP_SETGID CAP_SETUID CAP_SETPCAP
  CAP_NET_BIND_SERVICE CAP_SYS_CHROOT CAP_KILL CAP_AUDIT_WRITE CAP_SETFCAP)

# ---------------------------------------------------------------------------
# The default profile applies with no --profile at all.

@test "profiles: with no --profile and no stockade.conf, the default profile applies" {
  profile_bundle 'grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status; cat /proc/self/uid_map'
  update_config '.process.noNewPrivileges = false'
  # No --profile (so not through rt, which passes --profile none): what an
  # engine gets.
  run "$STOCKADE" --root "$ROOT" --config /nonexistent/stockade.conf run -b "$BUNDLE" "$(cid dflt)"
  [[ $status -eq 0 ]]
  [[ $(status_field NoNewPrivs) == 1 ]]
  [[ $(status_field Seccomp) == 2 ]]
  # Container root is not host root.
  read -r inside outside count <<<"$(grep -E '^ +[0-9]' <<<"$output" | head -1)"
  [[ $inside == 0 && $outside -ge 524288 && $count == 65536 ]]
  [[ $output == *"profile default (enforce)"* ]]
}

@test "profiles: a busybox workload runs unchanged under the default profile" {
  SK_PROFILE=default
  profile_bundle 'set -e
    echo data >/tmp/f; cat /tmp/f
    mkdir -p /run/app; echo pid >/run/app/pid; cat /run/app/pid
    ls / >/dev/null; ps >/dev/null; wc -l </etc/passwd >/dev/null
    sh -c "exit 3" || echo "child exit $?"
    sleep 0.1 & wait
    httpd -p 8080 -h /tmp && netstat -ltn | grep -c ":8080 "
    echo done'
  update_config '.process.capabilities.bounding += ["CAP_NET_RAW"] | .process.capabilities.effective += ["CAP_NET_RAW"]
    | .process.capabilities.permitted += ["CAP_NET_RAW"]'
  run_ctr work
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == data && ${lines[1]} == pid && ${lines[2]} == "child exit 3" ]]
  [[ ${lines[3]} == 1 && ${lines[4]} == done ]]
}

@test "profiles: a database-like process writes to a volume under the default profile" {
  SK_PROFILE=default
  profile_bundle 'echo row1 >>/mnt/db && echo row2 >>/mnt/db && sync && cat /mnt/db'
  mkdir -p "$BATS_TEST_TMPDIR/vol"
  chmod 777 "$BATS_TEST_TMPDIR/vol"
  add_mount "{\"destination\": \"/mnt\", \"type\": \"bind\", \"source\": \"$BATS_TEST_TMPDIR/vol\", \"options\": [\"rbind\", \"rw\"]}"
  run_ctr db
  [[ $status -eq 0 ]]
  [[ $output == $'row1\nrow2' ]]
  [[ $(cat "$BATS_TEST_TMPDIR/vol/db") == $'row1\nrow2' ]]
}

# ---------------------------------------------------------------------------
# enforce: each directive of the default profile, seen from inside.

@test "profiles enforce: a privileged-style config gets the profile's capability ceiling" {
  SK_PROFILE=default
  profile_bundle 'grep -E "^Cap(Bnd|Eff|Prm|Inh|Amb):" /proc/self/status'
  privileged_config
  run_ctr caps
  [[ $status -eq 0 ]]
  want=$(cap_mask "${DEFAULT_CEILING[@]}")
  [[ $(status_field CapBnd) == "$want" ]]
  [[ $(status_field CapEff) == "$want" ]]
  [[ $(status_field CapPrm) == "$want" ]]
  [[ $(status_field CapInh) == "$want" || $(status_field CapInh) == 0000000000000000 ]]
  [[ $(status_field CapAmb) == 0000000000000000 ]]
  stderr_has 'clamp +process\.capabilities\.bounding: .*CAP_SYS_ADMIN.* \(CapabilityBoundingSet\)'
}

@test "profiles enforce: without CAP_NET_RAW and CAP_SYS_ADMIN, raw sockets and mount fail inside" {
  SK_PROFILE=default
  profile_bundle 'ping -c1 -W1 127.0.0.1 >/dev/null 2>&1; echo "ping=$?"
    arping -c1 -w1 -I lo 127.0.0.1 >/dev/null 2>&1; echo "arping=$?"
    mount -t tmpfs none /mnt 2>/dev/null; echo "mount=$?"'
  privileged_config
  run_ctr raw
  [[ $status -eq 0 ]]
  [[ ${lines[1]} != arping=0 ]]
  [[ ${lines[2]} != mount=0 ]]
}

@test "profiles enforce: no seccomp in the config still gets the profile's filter" {
  SK_PROFILE=default
  profile_bundle 'grep -E "^Seccomp(_filters)?:" /proc/self/status
    unshare -n true 2>/dev/null; echo "unshare=$?"
    echo ok'
  privileged_config
  run_ctr seccomp
  [[ $status -eq 0 ]]
  [[ $(status_field Seccomp) == 2 ]]
  [[ $(status_field Seccomp_filters) == 1 ]]
  [[ ${lines[2]} != unshare=0 ]]
  [[ ${lines[3]} == ok ]]
}

@test "profiles enforce: a config's seccomp filter and the profile's are both loaded" {
  SK_PROFILE=default
  profile_bundle 'grep "^Seccomp_filters:" /proc/self/status; mkdir /tmp/x 2>/dev/null; echo "mkdir=$?"'
  update_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO"}]}'
  run_ctr two
  [[ $status -eq 0 ]]
  [[ $(status_field Seccomp_filters) == 2 ]]
  [[ ${lines[1]} == mkdir=1 ]]
}

@test "profiles enforce: noNewPrivileges false is forced to true" {
  SK_PROFILE=default
  profile_bundle 'grep "^NoNewPrivs:" /proc/self/status'
  update_config '.process.noNewPrivileges = false'
  run_ctr nnp
  [[ $status -eq 0 ]]
  [[ $(status_field NoNewPrivs) == 1 ]]
  stderr_has 'clamp +process\.noNewPrivileges: false -> true \(NoNewPrivileges\)'
}

@test "profiles enforce: a writable rootfs becomes read-only, /tmp and /run stay writable" {
  SK_PROFILE=default
  profile_bundle 'touch /x 2>/dev/null; echo "root=$?"; touch /tmp/x && echo tmp-ok; touch /run/x && echo run-ok
    grep -E " /(tmp|run) " /proc/self/mountinfo'
  update_config '.root.readonly = false'
  run_ctr ro
  [[ $status -eq 0 ]]
  [[ ${lines[0]} != root=0 && ${lines[1]} == tmp-ok && ${lines[2]} == run-ok ]]
  MI=$(sed 1,3d <<<"$output")
  for d in /tmp /run; do
    line=$(mi_top "$d")
    [[ $(mi_fstype "$line") == tmpfs ]]
    assert_opt "$(mi_mount_opts "$line")" nosuid
    assert_opt "$(mi_mount_opts "$line")" nodev
  done
}

@test "profiles enforce: the writable /run keeps what the image put there" {
  SK_PROFILE=default
  profile_bundle 'cat /run/app/conf; echo pid >/run/app/pid && echo ok'
  mkdir -p "$BUNDLE/rootfs/run/app"
  echo from-image >"$BUNDLE/rootfs/run/app/conf"
  chmod 777 "$BUNDLE/rootfs/run/app"
  run_ctr copyup
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == from-image && ${lines[1]} == ok ]]
  [[ ! -e $BUNDLE/rootfs/run/app/pid ]]
}

@test "profiles enforce: masked and read-only paths are added to an empty config's" {
  SK_PROFILE=default
  profile_bundle 'wc -c </proc/keys; wc -c </proc/interrupts; echo 1 >/proc/sysrq-trigger 2>/dev/null; echo "sysrq=$?"
    ls /sys/firmware | wc -l'
  privileged_config
  run_ctr masked
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == 0 && ${lines[1]} == 0 ]]
  [[ ${lines[2]} != sysrq=0 ]]
  [[ ${lines[3]} == 0 ]]
}

@test "profiles enforce: a host / or docker.sock bind is removed, a volume bind stays, binds get nosuid,nodev" {
  SK_PROFILE=default
  profile_bundle 'ls /host/etc/hostname 2>/dev/null; echo "host=$?"; ls /home/mark && grep " /home " /proc/self/mountinfo'
  mkdir -p "$BATS_TEST_TMPDIR/vol"
  touch "$BATS_TEST_TMPDIR/vol/mark"
  add_mount '{"destination": "/host", "type": "bind", "source": "/", "options": ["rbind"]}'
  add_mount "{\"destination\": \"/home\", \"type\": \"bind\", \"source\": \"$BATS_TEST_TMPDIR/vol\", \"options\": [\"rbind\"]}"
  run_ctr binds
  [[ $status -eq 0 ]]
  [[ ${lines[0]} != host=0 ]]
  [[ ${lines[1]} == /home/mark ]]
  assert_opt "$(mi_mount_opts "${lines[2]}")" nosuid
  assert_opt "$(mi_mount_opts "${lines[2]}")" nodev
  stderr_has 'clamp +mounts: / on /host -> removed \(DenyBindSources\)'
}

@test "profiles enforce: a config without a pid namespace gets a private one" {
  SK_PROFILE=default
  profile_bundle 'echo $$; readlink /proc/self/ns/pid'
  remove_namespace pid
  run_ctr pidns
  [[ $status -eq 0 ]]
  [[ ${lines[0]} == 1 ]]
  [[ ${lines[1]} != "$(readlink /proc/self/ns/pid)" ]]
  stderr_has 'PrivateNamespaces'
}

@test "profiles enforce: the pids limit and RLIMIT_CORE are set where the config leaves them open" {
  SK_PROFILE=default
  profile_bundle 'ulimit -c; cat /proc/self/cgroup | grep pids; sleep 5'
  id=$(cid pids)
  rt run -d -b "$BUNDLE" "$id" >"$BATS_TEST_TMPDIR/out" 2>&1 </dev/null
  pid=$(container_pid "$id")
  p=$(awk -F: '$2 ~ /(^|,)pids(,|$)/ { print $3 }' "/proc/$pid/cgroup")
  [[ $(cat "/sys/fs/cgroup/pids$p/pids.max") == 4096 ]]
  [[ $(awk '/^Max core file size/ { print $5 }' "/proc/$pid/limits") == 0 ]]
}

@test "profiles enforce: a sysctl outside SysctlAllow is dropped, an allowed one is set" {
  SK_PROFILE=default
  profile_bundle 'cat /proc/sys/kernel/msgmax /proc/sys/net/ipv4/ip_unprivileged_port_start'
  update_config '.linux.sysctl = {"kernel.msgmax": "12345", "net.ipv4.ip_unprivileged_port_start": "99"}'
  run_ctr sysctl
  [[ $status -eq 0 ]]
  [[ ${lines[0]} != 12345 ]]
  [[ ${lines[1]} == 99 ]]
  stderr_has 'linux\.sysctl.*kernel\.msgmax.*SysctlAllow'
}

@test "profiles enforce: exec asking for a capability beyond the ceiling gets the ceiling" {
  SK_PROFILE=default
  profile_bundle 'sleep 30'
  id=$(cid execcap)
  rt run -d -b "$BUNDLE" "$id" >"$BATS_TEST_TMPDIR/out" 2>&1 </dev/null
  run_rt exec --cap CAP_SYS_ADMIN "$id" sh -c 'grep -E "^(CapEff|Seccomp|NoNewPrivs):" /proc/self/status'
  [[ $status -eq 0 ]]
  ((16#$(status_field CapEff) & (1 << 21))) && fail "exec got CAP_SYS_ADMIN"
  [[ $(status_field Seccomp) == 2 && $(status_field NoNewPrivs) == 1 ]]
}

@test "profiles enforce: a host device beyond DeviceAllow= is not created, the default set is" {
  SK_PROFILE=default
  profile_bundle 'ls /dev/kmsg 2>/dev/null; echo "kmsg=$?"; echo x >/dev/null && echo null-ok'
  update_config '.linux.devices = [{path: "/dev/kmsg", type: "c", major: 1, minor: 11, fileMode: 420}]
    | .linux.resources.devices += [{allow: true, type: "c", major: 1, minor: 11, access: "rwm"}]'
  run_ctr dev
  [[ $status -eq 0 ]]
  [[ ${lines[0]} != kmsg=0 && ${lines[1]} == null-ok ]]
  stderr_has 'clamp +linux\.devices: .*/dev/kmsg.* \(DeviceAllow\)'
}

@test "profiles strict: joining the host's network namespace by path is refused (JoinNamespaces=no)" {
  SK_PROFILE=strict
  profile_bundle 'true'
  set_caps '{}'
  update_config '.process.noNewPrivileges = true | .root.readonly = true'
  add_namespace network /proc/1/ns/net
  run_ctr joinnet
  assert_failed_with_message
  stderr_has 'linux\.namespaces.*(JoinNamespaces|PrivateNamespaces)'
  [[ -z $(ls -A "$ROOT") ]]
}

# ---------------------------------------------------------------------------
# strict and complain

@test "profiles strict: a config exceeding the profile is refused, every violation named, nothing left" {
  SK_PROFILE=strict
  profile_bundle 'echo should-not-run'
  privileged_config
  add_mount '{"destination": "/host", "type": "bind", "source": "/", "options": ["rbind"]}'
  run_ctr strict
  assert_failed_with_message
  [[ $output != *should-not-run* ]]
  stderr_has 'profile strict \(strict\)'
  stderr_has 'process\.capabilities\.bounding: .*not allowed by CapabilityBoundingSet'
  stderr_has 'process\.noNewPrivileges: false not allowed by NoNewPrivileges'
  stderr_has 'root\.readonly: false not allowed by ReadOnlyRootfs'
  stderr_has 'mounts.*DenyBindSources'
  [[ -z $(ls -A "$ROOT") ]]
}

@test "profiles strict: hooks are refused by AllowHooks=no" {
  SK_PROFILE=strict
  profile_bundle 'true'
  set_caps '{}'
  update_config '.process.noNewPrivileges = true | .root.readonly = true | .hooks = {prestart: [{path: "/bin/true"}]}'
  run_ctr hooks
  assert_failed_with_message
  stderr_has 'hooks.*AllowHooks'
}

@test "profiles strict: a config within the profile runs with no capabilities and its small syscall set" {
  SK_PROFILE=strict
  profile_bundle 'grep -E "^(CapEff|CapBnd|NoNewPrivs):" /proc/self/status; echo x >/tmp/x && cat /tmp/x; ulimit -n'
  set_caps '{}'
  update_config '.process.noNewPrivileges = true | .root.readonly = true'
  run_ctr within
  [[ $status -eq 0 ]]
  [[ $(status_field CapEff) == 0000000000000000 && $(status_field CapBnd) == 0000000000000000 ]]
  [[ $(status_field NoNewPrivs) == 1 ]]
  [[ ${lines[3]} == x && ${lines[4]} == 1024 ]]
}

@test "profiles complain: the config runs as asked and the report says what enforce would change" {
  SK_PROFILE=complain
  profile_bundle 'grep -E "^(CapBnd|NoNewPrivs):" /proc/self/status; touch /x && echo root-writable'
  privileged_config
  run_ctr complain
  [[ $status -eq 0 ]]
  ((16#$(status_field CapBnd) & (1 << 21))) || fail "complain should keep CAP_SYS_ADMIN"
  [[ $(status_field NoNewPrivs) == 0 ]]
  [[ ${lines[2]} == root-writable ]]
  stderr_has 'profile complain \(complain\)'
  stderr_has 'process\.capabilities\.bounding.*CapabilityBoundingSet'
}

# ---------------------------------------------------------------------------
# The report as JSON lines (--log) and PolicyLog=

@test "profiles: each change is a JSON line in --log and in PolicyLog=" {
  profile_bundle 'true'
  update_config '.process.noNewPrivileges = false'
  conf=$BATS_TEST_TMPDIR/stockade.conf
  printf '[Stockade]\nProfile=default\nPolicyLog=%s\n' "$BATS_TEST_TMPDIR/policy.jsonl" >"$conf"
  STOCKADE_CONF=$conf
  unset SK_PROFILE
  id=$(cid log)
  run_rt --log "$BATS_TEST_TMPDIR/log.json" --log-format json --profile default run -b "$BUNDLE" "$id"
  [[ $status -eq 0 ]]
  for f in "$BATS_TEST_TMPDIR/log.json" "$BATS_TEST_TMPDIR/policy.jsonl"; do
    n=$(jq -c --arg id "$id" 'select(.container == $id and .directive == "NoNewPrivileges")' "$f" | wc -l)
    [[ $n -eq 1 ]] || fail "$f: want one NoNewPrivileges record for $id, got $n"
  done
  [[ $(stat -c %a "$BATS_TEST_TMPDIR/policy.jsonl") == 600 ]]
}

# ---------------------------------------------------------------------------
# Choosing the profile: --profile, stockade.conf, the annotation.

@test "profiles selection: stockade.conf Profile= applies when --profile is not given" {
  profile_bundle 'true'
  privileged_config
  conf=$BATS_TEST_TMPDIR/stockade.conf
  printf 'Profile=strict\n' >"$conf"
  run "$STOCKADE" --root "$ROOT" --config "$conf" run -b "$BUNDLE" "$(cid conf)"
  [[ $status -ne 0 ]]
  [[ $output == *"profile strict (strict)"* ]]
}

@test "profiles selection: --profile wins over stockade.conf" {
  profile_bundle 'grep "^NoNewPrivs:" /proc/self/status'
  update_config '.process.noNewPrivileges = false'
  printf 'Profile=strict\n' >"$BATS_TEST_TMPDIR/stockade.conf"
  STOCKADE_CONF=$BATS_TEST_TMPDIR/stockade.conf SK_PROFILE=none run_ctr cli
  [[ $status -eq 0 ]]
  [[ $(status_field NoNewPrivs) == 0 ]]
}

@test "profiles selection: Profile=none in stockade.conf runs without a floor and warns" {
  profile_bundle 'grep "^NoNewPrivs:" /proc/self/status'
  update_config '.process.noNewPrivileges = false'
  printf 'Profile=none\n' >"$BATS_TEST_TMPDIR/stockade.conf"
  # Not through rt, which passes --profile none itself.
  status=0
  out=$("$STOCKADE" --root "$ROOT" --config "$BATS_TEST_TMPDIR/stockade.conf" run -b "$BUNDLE" "$(cid none)" 2>"$BATS_TEST_TMPDIR/err") || status=$?
  [[ $status -eq 0 ]]
  [[ $out == *"NoNewPrivs:"*0* ]]
  grep -qi 'warn.*no profile' "$BATS_TEST_TMPDIR/err"
}

@test "profiles selection: an allowed annotation chooses the profile" {
  profile_bundle 'grep "^CapBnd:" /proc/self/status'
  set_caps '{}'
  update_config '.process.noNewPrivileges = true | .root.readonly = true
    | .annotations["org.stockade.profile"] = "strict"'
  printf '[Stockade]\nProfile=default\nProfileAnnotation=yes\nAllowedProfiles=strict\n' >"$BATS_TEST_TMPDIR/stockade.conf"
  out=$("$STOCKADE" --root "$ROOT" --config "$BATS_TEST_TMPDIR/stockade.conf" --log "$BATS_TEST_TMPDIR/log" --debug \
    run -b "$BUNDLE" "$(cid ann)" 2>&1)
  [[ $out == *"CapBnd:"*0000000000000000* ]]
  grep -q 'profile strict (from annotation org.stockade.profile)' "$BATS_TEST_TMPDIR/log"
}

@test "profiles selection: an annotation naming a profile not allowed is refused, nothing left" {
  profile_bundle 'echo should-not-run'
  update_config '.annotations["org.stockade.profile"] = "none"'
  printf '[Stockade]\nProfileAnnotation=yes\nAllowedProfiles=strict\n' >"$BATS_TEST_TMPDIR/stockade.conf"
  STOCKADE_CONF=$BATS_TEST_TMPDIR/stockade.conf
  # The annotation outranks --profile, so even rt's --profile none cannot help it.
  run_ctr annbad
  assert_failed_with_message
  [[ $output != *should-not-run* ]]
  stderr_has 'annotations\["org\.stockade\.profile"\]: profile "none" is not among AllowedProfiles=strict'
  [[ -z $(ls -A "$ROOT") ]]
}

@test "profiles selection: without ProfileAnnotation=yes the annotation is ignored" {
  profile_bundle 'grep "^NoNewPrivs:" /proc/self/status'
  update_config '.process.noNewPrivileges = false | .annotations["org.stockade.profile"] = "none"'
  out=$("$STOCKADE" --root "$ROOT" --config /nonexistent/stockade.conf run -b "$BUNDLE" "$(cid annign)" 2>&1)
  [[ $out == *"NoNewPrivs:"*1* ]]
  [[ $out == *"annotation org.stockade.profile ignored"* ]]
}

@test "profiles selection: a broken stockade.conf refuses containers, naming file and line" {
  profile_bundle 'echo should-not-run'
  printf '[Stockade]\nProfile=default\nProfil=strict\n' >"$BATS_TEST_TMPDIR/stockade.conf"
  STOCKADE_CONF=$BATS_TEST_TMPDIR/stockade.conf
  run_ctr broken
  assert_failed_with_message
  stderr_has 'stockade\.conf:3: unknown setting "Profil"; did you mean "Profile"\?'
  [[ -z $(ls -A "$ROOT") ]]
}

@test "profiles selection: exec applies the profile the container was created under" {
  profile_bundle 'sleep 30'
  printf 'Profile=default\n' >"$BATS_TEST_TMPDIR/stockade.conf"
  id=$(cid execp)
  "$STOCKADE" --root "$ROOT" --config "$BATS_TEST_TMPDIR/stockade.conf" run -d -b "$BUNDLE" "$id" \
    </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1
  [[ $(rt state "$id" | jq -r .status) == running ]]
  jq -e '.profile == "default"' "$ROOT/$id/state.json"
  # rt passes --profile none: exec still uses the recorded profile.
  run_rt exec "$id" grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status
  [[ $status -eq 0 ]]
  [[ $(status_field NoNewPrivs) == 1 && $(status_field Seccomp) == 2 ]]
}

# ---------------------------------------------------------------------------
# Tools for authors

@test "profiles: check --format json reports the changes and the exposure without starting anything" {
  profile_bundle 'true'
  privileged_config
  run "$STOCKADE" --root "$ROOT" check --profile default --bundle "$BUNDLE" --format json
  [[ $status -eq 0 ]]
  json_true '.profile == "default" and .mode == "enforce" and .refused == false' <<<"$output"
  json_true '[.changes[] | select(.directive == "CapabilityBoundingSet")] | length > 0' <<<"$output"
  json_true '.exposure | test("capabilities")' <<<"$output"
  run "$STOCKADE" --root "$ROOT" check --profile strict --bundle "$BUNDLE"
  [[ $status -eq 1 ]]
  [[ $output == *REFUSED* ]]
  [[ -z $(ls -A "$ROOT") ]]
}

@test "profiles: the shipped profiles lint clean and show round-trips" {
  for p in default strict complain; do
    run "$STOCKADE" profile lint "$REPO_ROOT/profiles/$p.profile"
    [[ $status -eq 0 && $output == ok ]]
    "$STOCKADE" profile show "$p" >"$BATS_TEST_TMPDIR/$p.shown"
    run "$STOCKADE" profile lint "$BATS_TEST_TMPDIR/$p.shown"
    [[ $status -eq 0 ]] || fail "profile show $p does not lint: $output"
  done
}
