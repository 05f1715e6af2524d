#!/usr/bin/env bash
# scripts/test.sh: install what the tests need, build Stockade, run the unit
# tests and the bats integration tests, and print a summary as the last line:
#
#   N passed, N failed, N skipped
#
# Run as root on Debian 12.  Exits non-zero if the build or any test failed.
#
#   scripts/test.sh                       everything (what CI runs)
#   scripts/test.sh --no-install          skip the apt-get step
#   scripts/test.sh [--no-install] tests/integration/cli.bats ...
#                                         only these bats files (unit tests still run)
#   scripts/test.sh --no-unit FILE...     only these bats files, no unit tests
#   --no-asan --no-fuzz --no-valgrind     skip a hostile-input pass (below)
#
# After the main pass (scripts/test-hardening.sh): the CLI under valgrind, the
# unit tests and the same bats files again against an ASan+UBSan build
# (build-asan), and each libFuzzer harness for FUZZ_TIME (40) seconds.
#
# Environment: BUILD_DIR (default build), RUNTIME (the binary the bats tests
# drive; default $BUILD_DIR/stockade, e.g. RUNTIME=/usr/sbin/runc).
set -uo pipefail

orig_pwd=$PWD
cd "$(dirname "$0")/.." || exit 1
. scripts/lib/packages.sh
started=$SECONDS
BUILD_DIR=${BUILD_DIR:-build}
[[ $BUILD_DIR == /* ]] || BUILD_DIR=$PWD/$BUILD_DIR
export RUNTIME=${RUNTIME:-$BUILD_DIR/stockade}

install=1
unit=1
hardening_asan=1 hardening_fuzz=1 hardening_valgrind=1
bats_files=()
for arg in "$@"; do
  case $arg in
    --no-install) install=0 ;;
    --no-unit) unit=0 ;;
    --no-asan) hardening_asan=0 ;;
    --no-fuzz) hardening_fuzz=0 ;;
    --no-valgrind) hardening_valgrind=0 ;;
    -h | --help)
      awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
      exit 0
      ;;
    -*)
      echo "test.sh: unknown option $arg" >&2
      exit 2
      ;;
    *) bats_files+=("$(cd "$orig_pwd" && realpath -m -- "$arg")") ;;
  esac
done
if [[ ${#bats_files[@]} -eq 0 ]]; then
  bats_files=(tests/integration/*.bats)
fi

passed=0
failed=0
skipped=0
logdir=$(mktemp -d /tmp/stockade-test.XXXXXX)
trap 'rm -rf "$logdir"' EXIT

say() { printf '\n==> %s\n' "$*"; }

summary_and_exit() {
  echo
  echo "(took $((SECONDS - started))s)"
  echo "$passed passed, $failed failed, $skipped skipped"
  [[ $failed -eq 0 ]]
  exit
}

if [[ $EUID -ne 0 ]]; then
  echo "test.sh: run as root (the integration tests start real containers): sudo $0 $*" >&2
  failed=1
  summary_and_exit
fi

# --- dependencies ------------------------------------------------------------
PACKAGES=(meson ninja-build pkg-config gcc libyajl-dev libseccomp-dev libcap-dev
  scdoc bats busybox-static jq iproute2 util-linux)
# The engines that tests/integration/engine-*.bats start (privately).
PACKAGES+=(containerd docker.io podman)
# The hostile-input passes: libFuzzer (clang + its runtime), memcheck.
PACKAGES+=(clang libclang-rt-14-dev valgrind)

if [[ $install -eq 1 ]]; then
  mapfile -t missing < <(missing_packages "${PACKAGES[@]}")
  if [[ ${#missing[@]} -gt 0 ]]; then
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # The engine packages would start the host's containerd and dockerd
    # services; the tests start their own.  policy-rc.d keeps apt from
    # starting any service during this install.
    policy_rc=
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
      policy_rc=/usr/sbin/policy-rc.d
      printf '#!/bin/sh\nexit 101\n' >"$policy_rc" && chmod 0755 "$policy_rc"
    fi
    apt_ok=1
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
      >"$logdir/apt.log" 2>&1 || apt_ok=0
    [[ -z $policy_rc ]] || rm -f "$policy_rc"
    if [[ $apt_ok -eq 0 ]]; then
      cat "$logdir/apt.log"
      echo "test.sh: installing packages failed" >&2
      failed=$((failed + 1))
      summary_and_exit
    fi
  fi
fi

# --- build ---------------------------------------------------------------------
say "building"
if [[ -f $BUILD_DIR/build.ninja ]]; then
  meson setup --reconfigure "$BUILD_DIR" -Dwerror_ci=true >"$logdir/setup.log" 2>&1 ||
    meson setup --wipe "$BUILD_DIR" -Dwerror_ci=true >"$logdir/setup.log" 2>&1
else
  meson setup "$BUILD_DIR" -Dwerror_ci=true >"$logdir/setup.log" 2>&1
fi
setup_rc=$?
if [[ $setup_rc -ne 0 ]]; then
  cat "$logdir/setup.log"
  echo "test.sh: meson setup failed" >&2
  failed=$((failed + 1))
  summary_and_exit
fi
if ! ninja -C "$BUILD_DIR"; then
  echo "test.sh: build failed" >&2
  failed=$((failed + 1))
  summary_and_exit
fi

# count_tap FILE: add FILE's TAP results to the totals.  A skip is "ok ... #
# skip"; a TODO test point counts as neither pass nor fail.
count_tap() {
  local p f s
  p=$(grep -cE '^ok [0-9]+' "$1")
  s=$(grep -ciE '^ok [0-9]+.*# *skip' "$1")
  f=$(grep -E '^not ok [0-9]+' "$1" | grep -cviE '# *todo')
  passed=$((passed + p - s))
  skipped=$((skipped + s))
  failed=$((failed + f))
}

# --- unit tests ----------------------------------------------------------------
if [[ $unit -eq 1 ]]; then
  say "unit tests (meson test --suite unit)"
  testlog=$BUILD_DIR/meson-logs/testlog.json
  rm -f "$testlog"
  meson test -C "$BUILD_DIR" --suite unit --print-errorlogs >"$logdir/unit.log" 2>&1
  unit_rc=$?
  if [[ -f $testlog ]] && grep -q . "$testlog"; then
    # Each line of testlog.json is one test executable with its TAP stdout.
    jq -r '.stdout // ""' "$testlog" >"$logdir/unit.tap"
    count_tap "$logdir/unit.tap"
    # An executable that failed without a "not ok" (crash, bad plan, timeout)
    # counts as one failure.
    while IFS=$'\t' read -r name result; do
      echo "unit test executable $name: $result"
      failed=$((failed + 1))
    done < <(jq -r 'select(.result != "OK" and .result != "SKIP" and .result != "EXPECTEDFAIL")
                    | select((.stdout // "") | test("(^|\n)not ok [0-9]+") | not)
                    | [.name, .result] | @tsv' "$testlog")
    # Show every unit TAP line and, for failures, meson's full log.
    cat "$logdir/unit.tap"
    [[ $unit_rc -eq 0 ]] || cat "$logdir/unit.log"
  elif [[ $unit_rc -ne 0 ]] && ! grep -q 'No tests defined' "$logdir/unit.log"; then
    cat "$logdir/unit.log"
    echo "test.sh: meson test failed" >&2
    failed=$((failed + 1))
  else
    echo "(no unit tests)"
  fi
fi

# --- integration tests -----------------------------------------------------------
say "building the test rootfs"
if ! tests/lib/make-rootfs.sh tests/.cache/rootfs; then
  failed=$((failed + 1))
  summary_and_exit
fi

say "integration tests (bats): ${bats_files[*]}"
# run_bats_pass NAME FILES...: bats --tap FILES, counted.  Bounded so a hung
# container cannot eat CI's time; bats prints each failing test's output as
# "# " lines right after its "not ok".
run_bats_pass() {
  local name=$1 rc
  shift
  timeout -k 30 1500 bats --tap "$@" 2>&1 | tee "$logdir/$name.tap"
  rc=${PIPESTATUS[0]}
  # Engine daemons of a bats run that died before its teardown_file.
  tests/lib/engine-cleanup.sh "$STOCKADE_TEST_RUN_ID"
  count_tap "$logdir/$name.tap"
  if [[ $rc -ne 0 ]] && ! grep -qE '^not ok [0-9]+' "$logdir/$name.tap"; then
    echo "test.sh: $name: bats exited $rc without a failing test (timeout or error)" >&2
    failed=$((failed + 1))
  fi
  if [[ $rc -eq 124 ]]; then
    echo "test.sh: $name: bats timed out" >&2
  fi
}
export STOCKADE_TEST_RUN_ID=$logdir
run_bats_pass bats "${bats_files[@]}"

# --- hostile input: valgrind, ASan+UBSan, fuzzing (issue 8) ----------------------
# shellcheck source=scripts/test-hardening.sh
source scripts/test-hardening.sh

summary_and_exit
