#!/usr/bin/env bash
# tests/fuzz/run.sh: build the libFuzzer harnesses (clang, ASan+UBSan) and run
# each for a bounded time; prints one TAP line per harness and fails on any
# crash, leak, sanitizer report or timeout.
#
#   tests/fuzz/run.sh                     every harness, FUZZ_TIME seconds each
#   tests/fuzz/run.sh config profile      only these (config process profile seccomp)
#
# Environment:
#   FUZZ_TIME=N        seconds per harness (default 30; CI uses the default)
#   FUZZ_BUILD_DIR     meson build dir (default build-fuzz)
#   FUZZ_CORPUS_OUT=D  keep the inputs each run discovers in D/HARNESS
#                      (default: a temporary dir, removed)
#
# A longer run, e.g. an hour per harness, keeping what it finds:
#   FUZZ_TIME=3600 FUZZ_CORPUS_OUT=/var/tmp/stockade-fuzz tests/fuzz/run.sh
# Reproduce a crash: build-fuzz/tests/fuzz/fuzz-HARNESS CRASH-FILE.  A fixed
# crash's input goes into tests/fuzz/corpus/HARNESS/ as a regression seed.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
FUZZ_TIME=${FUZZ_TIME:-30}
FUZZ_BUILD_DIR=${FUZZ_BUILD_DIR:-build-fuzz}
all=(config process profile seccomp)
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${all[@]}")

echo "1..${#targets[@]}"
if [[ ! -f $FUZZ_BUILD_DIR/build.ninja ]]; then
  CC=clang meson setup "$FUZZ_BUILD_DIR" -Dfuzz=true >"$FUZZ_BUILD_DIR.setup.log" 2>&1 ||
    { cat "$FUZZ_BUILD_DIR.setup.log"; rm -f "$FUZZ_BUILD_DIR.setup.log"; echo "not ok 1 - fuzz: meson setup"; exit 1; }
  rm -f "$FUZZ_BUILD_DIR.setup.log"
fi
if ! ninja -C "$FUZZ_BUILD_DIR" "${targets[@]/#/tests/fuzz/fuzz-}" >/dev/null; then
  ninja -C "$FUZZ_BUILD_DIR" "${targets[@]/#/tests/fuzz/fuzz-}"
  echo "not ok 1 - fuzz: build"
  exit 1
fi

work=$(mktemp -d /tmp/stockade-fuzz-run.XXXXXX)
trap 'rm -rf "$work"' EXIT
# Leaks fail the run (libFuzzer's -detect_leaks); UBSan stops at the first
# report (-fno-sanitize-recover=all) and prints where.
# The profile harness writes its files under TMPDIR: keep them in $work.
export TMPDIR=$work
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
rc=0
n=0
for t in "${targets[@]}"; do
  n=$((n + 1))
  out=${FUZZ_CORPUS_OUT:+$FUZZ_CORPUS_OUT/$t}
  out=${out:-$work/corpus-$t}
  mkdir -p "$out" "$work/artifacts-$t"
  log=$work/$t.log
  # The first corpus dir receives new inputs; the seeds stay untouched.
  "$FUZZ_BUILD_DIR/tests/fuzz/fuzz-$t" -max_total_time="$FUZZ_TIME" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$work/artifacts-$t/" \
    "$out" "tests/fuzz/corpus/$t" >"$log" 2>&1
  status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  corp=$(grep -oE 'corp: [0-9]+/[0-9]+[a-zA-Z]*' "$log" | tail -1)
  summary="${execs:-?} execs, ${speed:-?} exec/s, ${corp:-corp: ?} in ${FUZZ_TIME}s"
  if [[ $status -eq 0 ]]; then
    echo "ok $n - fuzz $t: $summary"
  else
    rc=1
    echo "not ok $n - fuzz $t (exit $status): $summary"
    grep -E -A40 'ERROR: |runtime error:|==[0-9]+==' "$log" | head -80 | sed 's/^/# /'
    for a in "$work/artifacts-$t"/*; do
      [[ -f $a ]] || continue
      echo "# input $(basename "$a") (base64): $(base64 -w0 "$a" | head -c 4000)"
    done
  fi
done
exit $rc
