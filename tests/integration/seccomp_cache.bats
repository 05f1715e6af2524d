#!/usr/bin/env bats
# The compiled-seccomp cache (src/runtime/seccomp_cache.c): a profile's filter
# is compiled once per --root and reused; the cache is private to the
# runtime, and a damaged file, a file others could write or a directory others
# can read is never used: the filter is compiled again (and the file
# replaced).  Whatever the cache holds, the container runs under the filter.
# Only a created container writes the cache: a refusal or `check` leaves
# nothing under --root.

load ../lib/helpers
load ../lib/container_setup

CACHE=.cache@seccomp

# A container that prints its seccomp status and tries to make a user
# namespace (the default profile's clone/unshare argument filter refuses it).
profile_bundle() {
  make_bundle sh -c 'grep -E "^Seccomp(_filters)?:" /proc/self/status; if unshare -U true 2>/dev/null; then echo unshare=allowed; else echo unshare=refused; fi'
  prepare_userns_bundle 0   # container root is an unprivileged host uid: the path must be searchable
}

# run_default NAME [GLOBAL OPTIONS]: run the bundle under --profile default
# and check that the profile's filter is in force.
run_default() {
  run_rt --profile default "${@:2}" run -b "$BUNDLE" "$(cid "$1")"
  [[ $status -eq 0 ]] || fail "run failed: $stderr"
  [[ $output == *"Seccomp:"*2* ]] || fail "no seccomp filter: $output"
  [[ $output == *"Seccomp_filters:"*1* ]] || fail "not exactly the profile's filter: $output"
  [[ $output == *unshare=refused* ]] || fail "the profile's filter is not the one loaded: $output"
}

cache_files() {
  find "$ROOT/$CACHE" -type f -name '*.bpf' | sort
}

@test "seccomp cache: the profile's filter is compiled once, kept private under --root and reused" {
  profile_bundle
  run_default first --debug
  [[ $stderr != *"compiled filter from"* ]]
  [[ $(stat -c '%a %u' "$ROOT/$CACHE") == "700 0" ]]
  mapfile -t files < <(cache_files)
  [[ ${#files[@]} -eq 1 ]]
  [[ $(stat -c '%a %u' "${files[0]}") == "600 0" ]]
  ino=$(stat -c %i "${files[0]}")

  run_default second --debug
  [[ $stderr == *"compiled filter from $ROOT/$CACHE/"* ]]
  [[ $(stat -c %i "${files[0]}") == "$ino" ]]   # used, not rewritten
  [[ $(cache_files | wc -l) -eq 1 ]]
  run_rt list -q
  [[ $status -eq 0 && -z $output ]]               # not a container
}

@test "seccomp cache: a damaged cached program is not used and is rebuilt" {
  profile_bundle
  run_default first
  f=$(cache_files)
  cp "$f" "$BATS_TEST_TMPDIR/good"
  # Flip the last byte: part of the BPF program, so its checksum fails.
  size=$(stat -c %s "$f")
  last=$(od -An -tu1 -j $((size - 1)) -N1 "$f" | tr -d ' ')
  printf "\\$(printf %03o $((last ^ 255)))" | dd of="$f" bs=1 seek=$((size - 1)) conv=notrunc status=none
  ! cmp -s "$f" "$BATS_TEST_TMPDIR/good"

  run_default second --debug
  [[ $stderr != *"compiled filter from"* ]]
  cmp "$f" "$BATS_TEST_TMPDIR/good"
}

@test "seccomp cache: a truncated file is not used and is rebuilt" {
  profile_bundle
  run_default first
  f=$(cache_files)
  size=$(stat -c %s "$f")
  truncate -s $((size / 2)) "$f"
  run_default second --debug
  [[ $stderr != *"compiled filter from"* ]]
  [[ $(stat -c %s "$f") -eq $size ]]
}

@test "seccomp cache: a file others could write is not trusted and is replaced" {
  profile_bundle
  run_default first
  f=$(cache_files)
  chmod 0666 "$f"
  run_default second --debug
  [[ $stderr != *"compiled filter from"* ]]
  [[ $(stat -c %a "$f") == 600 ]]
}

@test "seccomp cache: a cache directory others can enter is not used" {
  profile_bundle
  run_default first
  rm -f "$ROOT/$CACHE"/*.bpf
  chmod 0755 "$ROOT/$CACHE"
  run_default second --debug
  [[ $stderr != *"compiled filter from"* ]]
  [[ -z $(cache_files) ]]
}

@test "seccomp cache: a symlink in place of the cache directory is not followed" {
  profile_bundle
  mkdir -p "$ROOT" "$BATS_TEST_TMPDIR/elsewhere"
  chmod 0700 "$BATS_TEST_TMPDIR/elsewhere"
  ln -s "$BATS_TEST_TMPDIR/elsewhere" "$ROOT/$CACHE"
  run_default first
  run_default second
  [[ -z $(ls -A "$BATS_TEST_TMPDIR/elsewhere") ]]
  rm "$ROOT/$CACHE"
}

@test "seccomp cache: a refused container and \`check\` write nothing under --root" {
  profile_bundle
  update_config '.process.capabilities.bounding += ["CAP_SYS_ADMIN"] | .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
  run_rt --profile strict run -b "$BUNDLE" "$(cid refused)"
  [[ $status -ne 0 && $stderr == *CAP_SYS_ADMIN* ]]
  run_rt check --profile default --bundle "$BUNDLE"
  [[ $status -eq 0 ]]
  [[ -z $(ls -A "$ROOT" 2>/dev/null) ]] || fail "left under --root: $(ls -A "$ROOT")"
}
