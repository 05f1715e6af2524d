# scripts/test-hardening.sh: the hostile-input passes of scripts/test.sh
# (issue 8), sourced by it after the integration tests; every result is
# added to test.sh's passed/failed/skipped totals.
#
#   valgrind  tests/valgrind/*.bats: CLI paths that start no container, under
#             memcheck, against the plain build          (--no-valgrind skips)
#   asan      a second build, $ASAN_BUILD_DIR (default build-asan), clang with
#             -fsanitize=address,undefined; the unit tests and the same bats
#             files as the main pass but engine-*.bats and escapes.bats run
#             against it
#                                                         (--no-asan skips)
#   fuzz      tests/fuzz/run.sh: each libFuzzer harness for FUZZ_TIME seconds
#             (default 40; 4 harnesses)                   (--no-fuzz skips)
#
# Uses from test.sh: say, count_tap, run_bats_pass, logdir, BUILD_DIR, bats_files, unit,
# and the options hardening_valgrind, hardening_asan, hardening_fuzz.
# shellcheck shell=bash
# Variables come from test.sh; meson -D values contain commas on purpose.
# shellcheck disable=SC2154,SC2054

hardening_run_valgrind() {
  say "valgrind: CLI paths that start no container (tests/valgrind)"
  RUNTIME=$BUILD_DIR/stockade run_bats_pass valgrind tests/valgrind/*.bats
}

# The ASan+UBSan build, with clang: gcc 12's combined runtime ignores
# log_path for UBSan reports, which must land in files (see below).  A second
# compiler's -Werror is a bonus.  b_lundef=false: clang's sanitizer runtimes
# are linked into the executables only.
hardening_build_asan() {
  local opts=(-Dwerror_ci=true -Db_sanitize=address,undefined -Db_lundef=false -Dc_args=-fno-omit-frame-pointer)
  local -x CC=clang
  if [[ -f $ASAN_BUILD_DIR/build.ninja ]]; then
    meson setup --reconfigure "$ASAN_BUILD_DIR" "${opts[@]}" >"$logdir/asan-setup.log" 2>&1 ||
      meson setup --wipe "$ASAN_BUILD_DIR" "${opts[@]}" >"$logdir/asan-setup.log" 2>&1
  else
    meson setup "$ASAN_BUILD_DIR" "${opts[@]}" >"$logdir/asan-setup.log" 2>&1
  fi || { cat "$logdir/asan-setup.log"; return 1; }
  ninja -C "$ASAN_BUILD_DIR" >"$logdir/asan-build.log" 2>&1 || { cat "$logdir/asan-build.log"; return 1; }
}

hardening_run_asan() {
  local sanlog=$logdir/sanitizers f testlog rc
  ASAN_BUILD_DIR=${ASAN_BUILD_DIR:-build-asan}
  [[ $ASAN_BUILD_DIR == /* ]] || ASAN_BUILD_DIR=$PWD/$ASAN_BUILD_DIR
  say "ASan+UBSan build ($ASAN_BUILD_DIR)"
  if ! hardening_build_asan; then
    echo "test.sh: the ASan build failed" >&2
    failed=$((failed + 1))
    return
  fi
  mkdir -p "$sanlog"

  if [[ $unit -eq 1 ]]; then
    say "unit tests under ASan+UBSan"
    testlog=$ASAN_BUILD_DIR/meson-logs/testlog.json
    rm -f "$testlog"
    # Reports go to the test's own output (meson prints failing logs).
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      meson test -C "$ASAN_BUILD_DIR" --suite unit --print-errorlogs >"$logdir/asan-unit.log" 2>&1
    rc=$?
    jq -r '.stdout // ""' "$testlog" >"$logdir/asan-unit.tap" 2>/dev/null
    count_tap "$logdir/asan-unit.tap"
    # An executable that died without a "not ok" (a sanitizer report) is one failure.
    while IFS=$'\t' read -r name result; do
      echo "unit test executable $name under ASan: $result"
      failed=$((failed + 1))
    done < <(jq -r 'select(.result != "OK" and .result != "SKIP")
                    | select((.stdout // "") | test("(^|\n)not ok [0-9]+") | not)
                    | [.name, .result] | @tsv' "$testlog" 2>/dev/null)
    [[ $rc -eq 0 ]] || cat "$logdir/asan-unit.log"
  fi

  say "integration tests under ASan+UBSan: RUNTIME=$ASAN_BUILD_DIR/stockade"
  # The runtime forks and clones into containers, so a report can come from a
  # process whose stderr a test swallows, or that has just entered the
  # container's mount namespace: every report goes to a file under $sanlog,
  # and each file counts as a failure below.  allow_user_segv_handler keeps the runtime's own signal setup;
  # abort_on_error=0 exits with a status instead of dumping core inside a
  # container.  UBSan stops at the first report.  Commands get a longer
  # timeout: instrumented, they are about 2x slower.
  # The engine tests are left out: dockerd, containerd and podman start the
  # runtime with their own environment, and they are the slowest files.
  # escapes.bats is left out too: its attackers race the runtime from
  # inside the container, and at the instrumented build's speed the
  # attacker's container once outlived its teardown's delete (ci run of
  # stop 12; not reproduced alone).  It runs in the main pass.
  local asan_files=()
  for f in "${bats_files[@]}"; do
    case $(basename "$f") in
      engine-* | escapes.bats) ;;
      *) asan_files+=("$f") ;;
    esac
  done
  [[ ${#asan_files[@]} -gt 0 ]] || return 0
  # No LeakSanitizer here: at exit it stops the world with ptrace, which
  # fails now and then for a runtime process that has entered a container's
  # user namespace ("Unable to get registers", "does not work under ptrace")
  # and fails the command though nothing leaked.  Leaks are checked by the
  # ASan unit tests above and by the valgrind pass over the CLI.
  ASAN_OPTIONS="detect_leaks=0:abort_on_error=0:allow_user_segv_handler=1:log_path=$sanlog/asan" \
    UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$sanlog/ubsan" \
    RUNTIME=$ASAN_BUILD_DIR/stockade RT_TIMEOUT=60 run_bats_pass asan-bats "${asan_files[@]}"
  for f in "$sanlog"/*; do
    [[ -f $f ]] || continue
    echo "sanitizer report $(basename "$f"):"
    cat "$f"
    failed=$((failed + 1))
  done
}

hardening_run_fuzz() {
  say "fuzzing: tests/fuzz/run.sh, ${FUZZ_TIME:-40}s per harness"
  local rc
  FUZZ_TIME=${FUZZ_TIME:-40} bash tests/fuzz/run.sh 2>&1 | tee "$logdir/fuzz.tap"
  rc=${PIPESTATUS[0]}
  count_tap "$logdir/fuzz.tap"
  if [[ $rc -ne 0 ]] && ! grep -qE '^not ok [0-9]+' "$logdir/fuzz.tap"; then
    echo "test.sh: tests/fuzz/run.sh failed without a failing harness" >&2
    failed=$((failed + 1))
  fi
}

[[ $hardening_valgrind -eq 1 ]] && hardening_run_valgrind
[[ $hardening_asan -eq 1 ]] && hardening_run_asan
[[ $hardening_fuzz -eq 1 ]] && hardening_run_fuzz
true
