#!/usr/bin/env bash
# scripts/demo.sh: build Stockade and run one hardened container, showing from
# inside what it can and cannot do.  Run as root on Debian 12:
#
#   sudo ./scripts/demo.sh            (--no-install skips the apt-get step)
#
# The container: a busybox rootfs, read-only, every capability except a few,
# no_new_privs, the usual masked paths, its own namespaces.  Everything lives
# in a temporary directory that is removed on exit, container included.
set -euo pipefail

cd "$(dirname "$0")/.."
REPO=$PWD
. scripts/lib/packages.sh
BUILD_DIR=${BUILD_DIR:-build}
[[ $BUILD_DIR == /* ]] || BUILD_DIR=$REPO/$BUILD_DIR
STOCKADE=$BUILD_DIR/stockade

install=1
[[ ${1:-} == --no-install ]] && install=0

bold() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
die() { echo "demo.sh: $*" >&2; exit 1; }

[[ $EUID -eq 0 ]] || die "run as root: sudo $0"

# --- build ---------------------------------------------------------------------
PACKAGES=(meson ninja-build pkg-config gcc libyajl-dev libseccomp-dev libcap-dev
  scdoc busybox-static jq)
if [[ $install -eq 1 ]]; then
  mapfile -t missing < <(missing_packages "${PACKAGES[@]}")
  if [[ ${#missing[@]} -gt 0 ]]; then
    bold "Installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

bold "Building Stockade"
[[ -f $BUILD_DIR/build.ninja ]] || meson setup "$BUILD_DIR" >/dev/null
ninja -C "$BUILD_DIR" >/dev/null
"$STOCKADE" --version

# --- bundle ----------------------------------------------------------------------
# mktemp makes it 0700: the container's root (an unprivileged host uid under
# the profile) needs no access to it, the runtime opens the rootfs as host root
# and idmaps it.
work=$(mktemp -d /tmp/stockade-demo.XXXXXX)
root=$work/state # a private --root: the demo never touches /run/stockade
bundle=$work/bundle
id=demo-$$
cleanup() {
  "$STOCKADE" --root "$root" delete --force "$id" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

bold "Preparing a busybox bundle in $bundle"
tests/lib/make-rootfs.sh "$REPO/tests/.cache/rootfs"
mkdir -p "$bundle"
cp -a "$REPO/tests/.cache/rootfs" "$bundle/rootfs"
(cd "$bundle" && "$STOCKADE" spec)

# Every capability the OCI spec knows, minus the ones this demo drops.
ALL_CAPS=(CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP
  LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER
  SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE
  SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP
  MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ PERFMON BPF
  CHECKPOINT_RESTORE)
DROPPED=(SYS_ADMIN SYS_MODULE SYS_PTRACE SYS_RAWIO SYS_TIME NET_RAW MKNOD BPF)
# Only ask for what this host's root has (a VM or an outer container may lack some).
host_bnd=$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)
granted=()
for i in "${!ALL_CAPS[@]}"; do
  c=${ALL_CAPS[$i]}
  (((16#$host_bnd >> i) & 1)) || continue
  [[ " ${DROPPED[*]} " == *" $c "* ]] && continue
  granted+=("CAP_$c")
done
caps_json=$(printf '%s\n' "${granted[@]}" | jq -R . | jq -cs .)

# What the container runs: a short tour of its own limits.
read -r -d '' TOUR <<'SH' || true
echo "id:        $(id)"
echo "hostname:  $(hostname)"
echo "pid:       $$ (its own pid namespace)"
grep -E '^(CapEff|CapBnd|NoNewPrivs|Seccomp):' /proc/self/status
if touch /x 2>/dev/null; then echo "touch /x:  allowed"; else echo "touch /x:  refused (read-only rootfs)"; fi
if touch /tmp/x 2>/dev/null; then echo "touch /tmp/x: allowed (tmpfs)"; else echo "touch /tmp/x: refused"; fi
if [ "$(head -c1 /proc/kcore 2>/dev/null | wc -c)" -gt 0 ]; then echo "/proc/kcore: readable"; else echo "/proc/kcore: masked"; fi
if mount -t tmpfs none /mnt 2>/dev/null; then echo "mount:     allowed"; else echo "mount:     refused (no CAP_SYS_ADMIN)"; fi
if mknod /tmp/null c 1 3 2>/dev/null; then echo "mknod:     allowed"; else echo "mknod:     refused (no CAP_MKNOD)"; fi
if hostname other 2>/dev/null; then echo "hostname:  changed"; else echo "sethostname: refused"; fi
SH

jq --argjson caps "$caps_json" --arg tour "$TOUR" '
    .process.terminal = false
  | .process.args = ["sh", "-c", $tour]
  | .process.noNewPrivileges = true
  | .process.capabilities = {bounding: $caps, effective: $caps, permitted: $caps}
  | .root.readonly = true
  | .hostname = "stockade-demo"
  | .mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "noexec", "size=1m"]}]
  | .linux.maskedPaths = ((.linux.maskedPaths // []) + ["/proc/kcore", "/proc/keys", "/proc/timer_list", "/sys/firmware"] | unique)
  | .linux.readonlyPaths = ((.linux.readonlyPaths // []) + ["/proc/sys", "/proc/sysrq-trigger", "/proc/bus"] | unique)
' "$bundle/config.json" >"$bundle/config.json.new"
mv "$bundle/config.json.new" "$bundle/config.json"

echo "read-only rootfs, noNewPrivileges, masked paths; capabilities dropped: ${DROPPED[*]}"

# --- run -------------------------------------------------------------------------
bold "Inside the container as the config asks, with no profile (stockade --profile none run)"
out=$work/out
set +e
"$STOCKADE" --root "$root" --profile none run -b "$bundle" "$id" | tee "$out"
rc=${PIPESTATUS[0]}
set -e
echo "(exit status $rc)"

# Decode the effective capability mask the container reported.
capeff=$(awk '/^CapEff:/ { print $2 }' "$out" || true)
if [[ -n $capeff ]]; then
  names=()
  for i in "${!ALL_CAPS[@]}"; do
    # ALL_CAPS is in kernel bit order (CAP_CHOWN = 0 ... CAP_CHECKPOINT_RESTORE = 40).
    (((16#$capeff >> i) & 1)) && names+=("${ALL_CAPS[$i]}")
  done
  missing=()
  for c in "${ALL_CAPS[@]}"; do
    [[ " ${names[*]} " == *" $c "* ]] || missing+=("$c")
  done
  bold "Capabilities"
  echo "effective (${#names[@]}): ${names[*]}"
  echo "not held  (${#missing[@]}): ${missing[*]}"
fi

# ===========================================================================
# PROFILE CLAMPS: the same over-privileged bundle, with the host's floor on.
# The config above asks for almost every capability; the `default` profile
# decides what the container really gets.
# ===========================================================================
show_profile_clamps() {
  bold "What the default profile would change (stockade check, nothing started)"
  "$STOCKADE" check --profile default --bundle "$bundle" || true

  bold "The same container under the default profile, as every container gets it (clamps logged on stderr)"
  set +e
  "$STOCKADE" --root "$root" run -b "$bundle" "$id-floor"
  echo "(exit status $?)"
  set -e
}
show_profile_clamps

bold "Cleaning up"
"$STOCKADE" --root "$root" delete --force "$id" >/dev/null 2>&1 || true
echo "removed container $id and $work"
