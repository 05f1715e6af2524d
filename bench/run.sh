#!/usr/bin/env bash
# bench/run.sh: compare Stockade with crun, runc and a floor program (issue 9).
#
#   sudo bench/run.sh [--move-hugetlb | --hide-cgroup2] [--no-install] [--quick] [--only LETTERS] [--out DIR]
#
# Scenarios (each is ONE hyperfine invocation holding every runtime, so the
# runtimes see the same machine load):
#   a  `run` of /bin/true, sequential (the floor program too)
#   b  `create`, `start`, `delete` timed separately (hyperfine --prepare)
#   c  `exec` of /bin/true into a running container
#   d  `state` and `list` with 100 containers present (per runtime)
#   e  200 containers `run` with 2-way parallelism (xargs -P2)
#   f  peak RSS during `run` (/usr/bin/time -f %M: the largest ru_maxrss of
#      the runtime's process tree, the container's /bin/true included)
#   g  the smallest linux.resources.memory.limit under which `run` of
#      /bin/true still succeeds (bisection to one page)
# Stockade runs twice: with `--profile default` and `--profile none` (the
# plain `stockade spec` config).  Every runtime gets the same bundle: that
# config with /bin/true and ociVersion 1.0.2 (crun 1.8 refuses 1.2.0).
#
# The runtimes' state roots (--root) are on a tmpfs, as /run is on a usual
# host; the script always runs in a private mount namespace of its own.
#
# Output: a markdown table (median, p95, ratio to crun's median) on stdout
# and in OUT/results.md, hyperfine's JSON in OUT/*.json.  Only the ratios are
# worth quoting on a shared, noisy machine.
#
# --move-hugetlb: crun 1.8 refuses a hybrid cgroup host whose cgroup2 mount
# holds a controller ("cgroups in hybrid mode not supported, drop all
# controllers from cgroupv2"); on this host that is hugetlb.  With the flag the
# script disables hugetlb in cgroup2's subtree_control files, mounts it as a
# v1 hierarchy at /sys/fs/cgroup/hugetlb and undoes both on exit.  Without
# it, crun is left out when the host has that layout and ratios are to runc.
# That move needs a moment when no other cgroup2 user holds hugetlb; on a
# busy host use --hide-cgroup2 instead: the whole run happens in a private
# mount namespace with the cgroup2 mount unmounted, so all three runtimes see
# the same cgroup v1-only host and nothing changes for anyone else.
# RT[name] holds a runtime command line that is split on purpose (no spaces
# in paths: the work dir comes from mktemp under /tmp).
# shellcheck disable=SC2086
set -euo pipefail

cd "$(dirname "$0")/.."
REPO=$PWD
. scripts/lib/packages.sh

ARGS=("$@")
move_hugetlb=0 hide_cgroup2=0 install=1 quick=0 only=abcdefg out=/tmp/stockade-bench
while [[ $# -gt 0 ]]; do
  case $1 in
    --move-hugetlb) move_hugetlb=1 ;;
    --hide-cgroup2) hide_cgroup2=1 ;;
    --no-install) install=0 ;;
    --quick) quick=1 ;;
    --only) only=$2; shift ;;
    --out) out=$2; shift ;;
    -h|--help) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[[ $EUID -eq 0 ]] || { echo "run.sh: run as root" >&2; exit 1; }
if [[ ${STOCKADE_BENCH_PRIVATE_NS:-} != 1 ]]; then
  # Rerun in a private mount namespace: the runtimes' state roots go on a
  # tmpfs there (below), and with --hide-cgroup2 the cgroup2 mount is
  # unmounted there, so every runtime sees a plain v1 host.  Nothing changes
  # for anyone else.
  if [[ $hide_cgroup2 -eq 1 ]]; then
    echo "--hide-cgroup2: running in a private mount namespace where /sys/fs/cgroup/unified" >&2
    echo "is unmounted: every runtime sees cgroup v1 only, the host is left as it is." >&2
    # shellcheck disable=SC2016
    exec env STOCKADE_BENCH_PRIVATE_NS=1 unshare -m --propagation private bash -c \
      'umount -l /sys/fs/cgroup/unified && exec "$0" "$@"' "$REPO/bench/run.sh" "${ARGS[@]}"
  fi
  exec env STOCKADE_BENCH_PRIVATE_NS=1 unshare -m --propagation private "$REPO/bench/run.sh" "${ARGS[@]}"
fi

say() { printf '\n== %s\n' "$*" >&2; }
wants() { [[ $only == *"$1"* ]]; }

# Runs per command: enough for a stable median of a ~10-100 ms command.
if [[ $quick -eq 1 ]]; then
  RUNS=10 WARMUP=2 N_MANY=10 N_PAR=20 PAR_RUNS=2 RSS_RUNS=5
else
  RUNS=60 WARMUP=5 N_MANY=100 N_PAR=200 PAR_RUNS=3 RSS_RUNS=20
fi

# --- dependencies and build -------------------------------------------------------
PACKAGES=(crun runc hyperfine jq time gcc libseccomp-dev busybox-static meson ninja-build
  pkg-config libyajl-dev libcap-dev scdoc)
if [[ $install -eq 1 ]]; then
  mapfile -t missing < <(missing_packages "${PACKAGES[@]}")
  if [[ ${#missing[@]} -gt 0 ]]; then
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

# An optimized build of its own (-O2 -g, like Debian's crun), not the
# developer's debug build.
BUILD=$REPO/build-bench
say "building Stockade (debugoptimized) in $BUILD"
[[ -f $BUILD/build.ninja ]] || meson setup "$BUILD" --buildtype=debugoptimized >/dev/null
ninja -C "$BUILD" stockade >/dev/null
STOCKADE=$BUILD/stockade
commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src include meson.build 2>/dev/null || echo "-dirty")

# --- work dir and bundle ----------------------------------------------------------------
rm -rf "$out"
mkdir -p "$out"
work=$(mktemp -d /tmp/stockade-bench-work.XXXXXX)
# Under --profile default container root is an unprivileged host uid: the
# bundle path must be searchable and the rootfs readable by "other" (as in
# scripts/demo.sh; the ids differ per container, so no chown).
chmod 0755 "$work"
ROOTFS=$work/rootfs
"$REPO/tests/lib/make-rootfs.sh" "$REPO/tests/.cache/rootfs"
cp -a "$REPO/tests/.cache/rootfs" "$ROOTFS"

# make_bundle DIR JQ: DIR/config.json = Stockade's spec, fixed up for all
# three runtimes, then JQ.
make_bundle() {
  mkdir -p "$1"
  rm -f "$1/config.json"
  (cd "$1" && "$STOCKADE" spec)
  jq --arg root "$ROOTFS" '
      .ociVersion = "1.0.2"
    | .root.path = $root
    | .process.terminal = false
    | .process.args = ["/bin/true"]
  ' "$1/config.json" | jq "$2" >"$1/config.json.new"
  mv "$1/config.json.new" "$1/config.json"
}
B=$work/bundle
make_bundle "$B" .
make_bundle "$work/bundle-sleep" '.process.args = ["/bin/sleep", "1000000"]'

# The floor: its seccomp filter is the default profile's allow-list,
# compiled once here ("prepared"), loaded raw per run.
FLOOR=$work/floor
gcc -O2 -Wall -Wextra -o "$FLOOR" "$REPO/bench/floor.c" -lseccomp
"$STOCKADE" profile show default | sed -n 's/^SystemCallFilter=//p' | tr ' ' '\n' >"$work/syscalls"
# shellcheck disable=SC2046
"$FLOOR" --prepare "$work/floor.bpf" $(cat "$work/syscalls")
"$FLOOR" "$ROOTFS" "$work/floor.bpf" || { echo "run.sh: the floor program fails" >&2; exit 1; }

# --- cgroup layout: crun and hugetlb ------------------------------------------------------
UNIFIED=/sys/fs/cgroup/unified
HUGE_V1=/sys/fs/cgroup/hugetlb
moved_hugetlb=0 hugetlb_subtrees=()
restore_hugetlb() {
  [[ $moved_hugetlb -eq 1 ]] || return 0
  # The v1 hierarchy dies (and hugetlb returns to cgroup2) only when it is
  # unmounted with no child cgroup; a mount taken while children existed may
  # keep it alive, so remount and retry a few times.
  local f
  for _ in 1 2 3; do
    mountpoint -q "$HUGE_V1" || mount -t cgroup -o hugetlb cgroup "$HUGE_V1" 2>/dev/null || true
    find "$HUGE_V1" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null || true
    umount "$HUGE_V1" 2>/dev/null || true
    sleep 1
    grep -qw hugetlb "$UNIFIED/cgroup.controllers" && break
  done
  rmdir "$HUGE_V1" 2>/dev/null || true
  if grep -qw hugetlb "$UNIFIED/cgroup.controllers"; then
    for f in "${hugetlb_subtrees[@]}"; do echo +hugetlb >"$f" 2>/dev/null || true; done
    say "hugetlb is back on cgroup2 (subtree_control restored)"
  else
    say "WARNING: hugetlb did not return to cgroup2 (cgroups left under $HUGE_V1?)"
  fi
}
NAMES=()
declare -A RT
cleanup() {
  local n id
  for n in "${NAMES[@]+"${NAMES[@]}"}"; do
    for id in $(${RT[$n]} list -q 2>/dev/null); do ${RT[$n]} delete --force "$id" >/dev/null 2>&1 || true; done
  done
  restore_hugetlb
  [[ -z ${STATE:-} ]] || umount "$STATE" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
crun_ok=1
if grep -qw hugetlb "$UNIFIED/cgroup.controllers" 2>/dev/null; then
  if [[ $move_hugetlb -eq 1 ]]; then
    say "moving hugetlb from cgroup2 to a v1 mount at $HUGE_V1 (undone on exit)"
    echo "crun 1.8 refuses a hybrid host with any controller on cgroup2; other"
    echo "runtimes on this host see hugetlb on v1 until this script exits."
    moved_hugetlb=1   # from here on, restore_hugetlb undoes whatever was done
    # Disable it from the leaves up, remembering where it was on; a css
    # still dying (it takes seconds) or a runtime re-enabling it meanwhile
    # makes the mount EBUSY: retry for up to 90 s.
    for _ in $(seq 90); do
      while read -r f; do
        if grep -qw hugetlb "$f" 2>/dev/null; then
          [[ " ${hugetlb_subtrees[*]} " == *" $f "* ]] || hugetlb_subtrees=("$f" "${hugetlb_subtrees[@]}")
          echo -hugetlb >"$f" 2>/dev/null || true
        fi
      done < <(find "$UNIFIED" -name cgroup.subtree_control -printf '%d %p\n' | sort -rn | cut -d' ' -f2-)
      mkdir -p "$HUGE_V1"
      mount -t cgroup -o hugetlb cgroup "$HUGE_V1" 2>/dev/null && break
      sleep 1
    done
    mountpoint -q "$HUGE_V1" || { echo "run.sh: could not move hugetlb (busy)" >&2; exit 1; }
  else
    crun_ok=0
    say "crun left out: hugetlb sits on the cgroup2 mount of this hybrid host and crun 1.8"
    echo "refuses that layout. Rerun with --move-hugetlb to move it to a v1 mount for the"
    echo "duration of the run (it changes the host's cgroup layout for everyone meanwhile)."
  fi
fi

# --- runtimes ------------------------------------------------------------------------------
# State roots on a tmpfs, as /run is on a usual host (and as runc's, crun's
# and containerd's defaults below /run are); here /run is on the root disk.
# The rootfs stays on disk.  The mount lives in our private namespace.
STATE=$work/state
mkdir -p "$STATE"
mount -t tmpfs -o mode=0755 bench-state "$STATE"
add_rt() { NAMES+=("$1"); RT[$1]=$2; mkdir -p "$STATE/root-$1"; }
[[ $crun_ok -eq 1 ]] && add_rt crun "crun --root $STATE/root-crun"
add_rt runc "runc --root $STATE/root-runc"
add_rt sk-none "$STOCKADE --root $STATE/root-sk-none --profile none"
add_rt sk-default "$STOCKADE --root $STATE/root-sk-default --profile default"
REF=${NAMES[0]}   # ratios are to crun, or to runc without crun

# helper scripts for hyperfine's --prepare/--cleanup and the parallel run
cat >"$work/prep" <<EOF
#!/bin/bash
# prep ACTION ID RUNTIME-COMMAND...
action=\$1 id=\$2; shift 2
rt() { "\$@" >/dev/null 2>&1; }
case \$action in
  gone) rt "\$@" delete --force "\$id" || true ;;
  created) rt "\$@" delete --force "\$id" || true; rt "\$@" create -b $B "\$id" ;;
  stopped) rt "\$@" delete --force "\$id" || true; rt "\$@" create -b $B "\$id"; rt "\$@" start "\$id"
    for _ in \$(seq 200); do
      "\$@" state "\$id" 2>/dev/null | grep -q '"stopped"' && exit 0
      sleep 0.01
    done; echo "prep: \$id never stopped" >&2; exit 1 ;;
esac
EOF
cat >"$work/par" <<EOF
#!/bin/bash
# par N PREFIX RUNTIME-COMMAND...: run N containers of /bin/true, two at a time
n=\$1 prefix=\$2; shift 2
seq 1 "\$n" | xargs -P 2 -I{} "\$@" run -b $B "\$prefix-{}" >/dev/null
EOF
chmod +x "$work/prep" "$work/par"


# hf NAME [hyperfine args...] -- CMD...: one hyperfine run of every command.
hf() {
  local name=$1; shift
  say "scenario $name"
  hyperfine -N ${HF_ARGS:---style basic} --export-json "$out/$name.json" "$@" >&2
}

# --- the scenarios ----------------------------------------------------------------------------
if wants a; then
  args=(-n floor "$FLOOR $ROOTFS $work/floor.bpf")
  for n in "${NAMES[@]}"; do args+=(-n "$n" "${RT[$n]} run -b $B bench-a-$n"); done
  hf a-run --warmup "$WARMUP" --runs "$RUNS" "${args[@]}"
fi

if wants b; then
  for step in create start delete; do
    args=()
    for n in "${NAMES[@]}"; do
      case $step in
        create) args+=(--prepare "$work/prep gone bench-b-$n ${RT[$n]}") ;;
        start) args+=(--prepare "$work/prep created bench-b-$n ${RT[$n]}") ;;
        delete) args+=(--prepare "$work/prep stopped bench-b-$n ${RT[$n]}") ;;
      esac
    done
    for n in "${NAMES[@]}"; do
      case $step in
        create) args+=(-n "$n" "${RT[$n]} create -b $B bench-b-$n") ;;
        *) args+=(-n "$n" "${RT[$n]} $step bench-b-$n") ;;
      esac
    done
    hf "b-$step" --warmup "$WARMUP" --runs "$RUNS" "${args[@]}"
    # hyperfine 1.15 has one --cleanup for all commands: clean up here
    for n in "${NAMES[@]}"; do "$work/prep" gone "bench-b-$n" ${RT[$n]}; done
  done
fi

if wants c; then
  args=()
  for n in "${NAMES[@]}"; do
    ${RT[$n]} run -d -b "$work/bundle-sleep" "bench-c-$n" </dev/null >/dev/null 2>>"$out/setup.log"
    args+=(-n "$n" "${RT[$n]} exec bench-c-$n /bin/true")
  done
  hf c-exec --warmup "$WARMUP" --runs "$RUNS" "${args[@]}"
  for n in "${NAMES[@]}"; do ${RT[$n]} delete --force "bench-c-$n"; done
fi

if wants d; then
  say "creating $N_MANY containers per runtime"
  for n in "${NAMES[@]}"; do
    for i in $(seq 1 "$N_MANY"); do ${RT[$n]} create -b "$B" "bench-d-$n-$i" </dev/null >/dev/null 2>>"$out/setup.log"; done
  done
  for verb in state list; do
    args=()
    for n in "${NAMES[@]}"; do
      [[ $verb == state ]] && args+=(-n "$n" "${RT[$n]} state bench-d-$n-$((N_MANY / 2))")
      [[ $verb == list ]] && args+=(-n "$n" "${RT[$n]} list")
    done
    hf "d-$verb" --warmup "$WARMUP" --runs "$RUNS" "${args[@]}"
  done
  for n in "${NAMES[@]}"; do
    for i in $(seq 1 "$N_MANY"); do ${RT[$n]} delete --force "bench-d-$n-$i"; done
  done
fi

if wants e; then
  args=()
  for n in "${NAMES[@]}"; do args+=(-n "$n" "$work/par $N_PAR bench-e-$n ${RT[$n]}"); done
  hf e-parallel --warmup 1 --runs "$PAR_RUNS" "${args[@]}"
fi

# median and max of a list of integers on stdin
med_max() { sort -n | awk '{ v[NR] = $1 } END { printf "%d %d\n", v[int((NR + 1) / 2)], v[NR] }'; }

if wants f; then
  say "scenario f-rss: peak RSS (KiB) of $RSS_RUNS runs each"
  : >"$out/f-rss.txt"
  for n in floor "${NAMES[@]}"; do
    for _ in $(seq 1 "$RSS_RUNS"); do
      if [[ $n == floor ]]; then
        /usr/bin/time -f %M -o "$work/rss" "$FLOOR" "$ROOTFS" "$work/floor.bpf"
      else
        # shellcheck disable=SC2086
        /usr/bin/time -f %M -o "$work/rss" ${RT[$n]} run -b "$B" "bench-f-$n"
      fi
      cat "$work/rss"
    done | med_max | { read -r med max; echo "$n $med $max" | tee -a "$out/f-rss.txt" >&2; }
  done
fi

if wants g; then
  say "scenario g-memlimit: smallest memory limit (bytes) under which run succeeds"
  : >"$out/g-memlimit.txt"
  # starts RT LIMIT: does `run` of /bin/true succeed under LIMIT bytes?
  starts() {
    local n=$1 limit=$2 ok=0
    make_bundle "$work/bundle-g" ".linux.resources.memory.limit = $limit"
    # shellcheck disable=SC2086
    timeout 30 ${RT[$n]} run -b "$work/bundle-g" "bench-g-$n" </dev/null >/dev/null 2>&1 && ok=1
    ${RT[$n]} delete --force "bench-g-$n" >/dev/null 2>&1 || true
    [[ $ok -eq 1 ]]
  }
  page=4096
  for n in "${NAMES[@]}"; do
    lo=$page hi=$((256 * 1024 * 1024))  # invariant: fails at lo, starts at hi
    if starts "$n" "$lo"; then hi=$lo
    elif ! starts "$n" "$hi"; then hi=0
    else
      while ((hi - lo > page)); do
        mid=$(((lo + hi) / 2 / page * page))
        if starts "$n" "$mid"; then hi=$mid; else lo=$mid; fi
      done
    fi
    echo "$n $hi" | tee -a "$out/g-memlimit.txt" >&2
  done
fi

# --- the table ---------------------------------------------------------------------------------
report() {
  echo "Commit $commit, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)."
  if [[ ${STOCKADE_BENCH_PRIVATE_NS:-} == 1 ]]; then
    echo "Cgroups: v1 only (--hide-cgroup2: cgroup2 unmounted in the benchmark's mount namespace)."
  elif [[ $moved_hugetlb -eq 1 ]]; then
    echo "Cgroups: hybrid, hugetlb moved to a v1 mount for crun (--move-hugetlb)."
  fi
  echo "crun $(crun --version 2>/dev/null | sed -n 's/^crun version //p'), runc $(runc --version | sed -n 's/^runc version //p'), $(hyperfine --version)."
  echo
  echo "| scenario | command | median ms | p95 ms | ratio to $REF |"
  echo "|---|---|---:|---:|---:|"
  local f
  for f in "$out"/[a-e]-*.json; do
    [[ -f $f ]] || continue
    jq -r --arg ref "$REF" --arg scen "$(basename "$f" .json)" '
      (.results | map(select(.command == $ref)) | .[0].median) as $refmed
      | .results[]
      | (.times | sort) as $t
      | [$scen, .command, (.median * 1000 * 100 | round / 100),
         ($t[(($t | length) * 0.95 | ceil) - 1] * 1000 * 100 | round / 100),
         (if $refmed then (.median / $refmed * 100 | round / 100) else "n/a" end)]
      | "| " + (map(tostring) | join(" | ")) + " |"' "$f"
  done
  if [[ -f $out/f-rss.txt ]]; then
    echo
    echo "| peak RSS of run (KiB) | median | max | ratio to $REF |"
    echo "|---|---:|---:|---:|"
    local ref_rss
    ref_rss=$(awk -v r="$REF" '$1 == r { print $2 }' "$out/f-rss.txt")
    awk -v ref="${ref_rss:-0}" '{ printf "| %s | %d | %d | %s |\n", $1, $2, $3, (ref > 0 ? sprintf("%.2f", $2 / ref) : "n/a") }' "$out/f-rss.txt"
  fi
  if [[ -f $out/g-memlimit.txt ]]; then
    echo
    echo "| smallest memory.limit that starts /bin/true | bytes | KiB | ratio to $REF |"
    echo "|---|---:|---:|---:|"
    local ref_lim
    ref_lim=$(awk -v r="$REF" '$1 == r { print $2 }' "$out/g-memlimit.txt")
    awk -v ref="${ref_lim:-0}" '{ printf "| %s | %d | %d | %s |\n", $1, $2, $2 / 1024, (ref > 0 ? sprintf("%.2f", $2 / ref) : "n/a") }' "$out/g-memlimit.txt"
  fi
}
report | tee "$out/results.md"
say "results in $out (results.md, hyperfine JSON)"
