#!/usr/bin/env bats
# The CLI paths that never start a container, under valgrind (memcheck):
# --help, spec, features, profile show/lint, check, state/list/events on a
# prepared root, and the error paths of create on malformed bundles.  A
# memcheck error or a definite/indirect/possible leak fails the test.
#
# Run by scripts/test.sh against the plain build (valgrind cannot run the
# ASan one):  RUNTIME=build/stockade bats tests/valgrind/cli.bats
# Containers the state tests need are created by the runtime without
# valgrind; only the command under test runs under it.
#
# That it can fail: before the fix in cmd_update.c, "update --help" failed
# test 1 with "3 bytes in 3 blocks are definitely lost".
load ../lib/helpers

CORPUS=$REPO_ROOT/tests/unit/oci

setup() {
  common_setup
  is_stockade || skip "valgrind tests check Stockade's own binary"
  command -v valgrind >/dev/null || skip "valgrind is not installed"
  if ldd "$STOCKADE" | grep -q libasan; then
    skip "$STOCKADE is built with ASan; valgrind needs the plain build"
  fi
}

# vg ARGS...: `stockade --root $ROOT ARGS` under memcheck; sets $status and
# $output like run_rt.  Valgrind's report goes to a file, so a report is never
# mistaken for the command's output: vg fails the test when it is not empty.
vg() {
  local log=$BATS_TEST_TMPDIR/vg.log
  rm -f "$log"
  status=0
  valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible \
    --errors-for-leak-kinds=definite,indirect,possible --log-file="$log" \
    "$STOCKADE" --root "$ROOT" "$@" >"$BATS_TEST_TMPDIR/vg.out" 2>&1 3>&- </dev/null || status=$?
  output=$(cat "$BATS_TEST_TMPDIR/vg.out")
  # "==PID==" lines are memcheck's findings; "--PID--" lines are valgrind's
  # own notes (e.g. it does not emulate seccomp(2): the call gets ENOSYS).
  if grep -q '^==[0-9]*==' "$log" || [[ $status -eq 99 ]]; then
    echo "valgrind report for: stockade $*"
    cat "$log"
    return 1
  fi
}

# vg_ok ARGS...: vg, and the command must succeed.
vg_ok() {
  vg "$@" || return 1
  [[ $status -eq 0 ]] || fail "stockade $* exited $status: $output"
}

# vg_refused ARGS...: vg, and the command must fail cleanly (exit 1, a message).
vg_refused() {
  vg "$@" || return 1
  [[ $status -ne 0 && -n $output ]] || fail "stockade $* should fail with a message (exit $status): $output"
}

@test "valgrind: --help, --version and every command's --help" {
  vg_ok --help
  vg_ok --version
  for c in create start run exec state list kill delete ps pause resume events update check profile spec features; do
    vg "$c" --help || return 1
  done
  vg_refused no-such-command
}

@test "valgrind: spec and features" {
  cd "$BATS_TEST_TMPDIR"
  vg_ok spec
  jq -e .ociVersion config.json >/dev/null
  rm config.json
  vg_ok spec --rootless
  vg_refused spec # config.json exists now
  vg_ok features
  jq -e .ociVersionMin <<<"$output" >/dev/null
}

@test "valgrind: profile show and lint, good and bad" {
  for p in default strict; do
    vg_ok profile show "$p"
    vg_ok profile lint "$REPO_ROOT/profiles/$p.profile"
  done
  # Valgrind does not emulate seccomp(2), so libseccomp sees API level 0 and
  # refuses complain's SCMP_ACT_LOG: only memcheck's verdict counts here.
  vg profile show complain
  vg profile lint "$REPO_ROOT/profiles/complain.profile"
  printf 'Include=%s\nNoSuchDirective=1\n' "$REPO_ROOT/profiles/default.profile" >"$BATS_TEST_TMPDIR/bad.profile"
  vg_refused profile lint "$BATS_TEST_TMPDIR/bad.profile"
  printf 'Include=bad2\n' >"$BATS_TEST_TMPDIR/bad2.profile"
  vg_refused profile lint "$BATS_TEST_TMPDIR/bad2.profile"
  vg_refused profile show no-such-profile
}

@test "valgrind: check a bundle under each profile, text and json" {
  make_bundle true
  update_config '.process.capabilities.bounding += ["CAP_SYS_ADMIN"] | .mounts += [{"destination":"/host","type":"bind","source":"/","options":["rbind"]}]'
  vg_ok check --bundle "$BUNDLE" # the built-in default profile
  vg_ok check --profile default --bundle "$BUNDLE"
  vg_ok check --profile default --bundle "$BUNDLE" --format json
  vg check --profile complain --bundle "$BUNDLE" # SCMP_ACT_LOG, see above
  vg check --profile strict --bundle "$BUNDLE"
}

@test "valgrind: create refuses malformed bundles without leaking" {
  make_bundle true
  local f n=0 cfg
  cfg=$(cat "$BUNDLE/config.json")
  # One malformed config per area of the unit corpus (the first of each prefix).
  for f in $(ls "$CORPUS"/bad/*.json | awk -F/ '{ split($NF, a, "-"); if (!seen[a[1]]++) print }'); do
    cp "$f" "$BUNDLE/config.json"
    vg_refused create -b "$BUNDLE" "$(cid bad)"
    n=$((n + 1))
  done
  ((n > 20))
  # Refusals after the parse: missing rootfs, bad id, missing bundle.
  echo "$cfg" >"$BUNDLE/config.json"
  vg_refused create -b "$BUNDLE" "../bad-id"
  vg_refused create -b "$BATS_TEST_TMPDIR/no-such-bundle" "$(cid nob)"
  mv "$BUNDLE/rootfs" "$BUNDLE/rootfs.away"
  vg_refused create -b "$BUNDLE" "$(cid norootfs)"
  [[ -z $(ls -A "$ROOT") ]]
}

@test "valgrind: state, list and events on a prepared root; errors on unknown ids" {
  make_bundle sleep 100
  local id
  id=$(cid vg)
  create_container "$id"
  vg_ok state "$id"
  [[ $(jq -r .status <<<"$output") == created ]]
  vg_ok list
  vg_ok list --format json
  vg_ok list -q
  vg_ok events --stats "$id"
  vg_refused state no-such-id
  vg_refused start no-such-id
  vg_refused kill no-such-id KILL
  vg_refused delete no-such-id
  vg_refused exec no-such-id true
  rt delete -f "$id"
}
