#!/usr/bin/env bash
# make-rootfs.sh DIR: build a minimal busybox rootfs for Stockade's integration
# tests and demo into DIR.
#
# DIR gets Debian's static busybox at /bin/busybox, one symlink per applet at
# the applet's usual path (/bin, /sbin, /usr/bin, /usr/sbin), /etc/passwd and
# /etc/group with root, nobody and a user `app` (1000:1000), /etc/hostname and
# the empty directories a container needs (/proc, /sys, /dev, /tmp, ...).
#
# Idempotent and cached: DIR carries a stamp of the busybox binary and of this
# script; when both match, nothing is done.  Otherwise the tree is rebuilt next
# to DIR and swapped in, under a lock so parallel callers do not collide.
set -euo pipefail

die() { echo "make-rootfs.sh: $*" >&2; exit 1; }

[[ $# -eq 1 && -n $1 ]] || die "usage: make-rootfs.sh DIR"
dir=$1
[[ $dir == /* ]] || dir=$PWD/$dir
dir=${dir%/}

busybox=${BUSYBOX:-}
if [[ -z $busybox ]]; then
  for c in /bin/busybox /usr/bin/busybox; do
    [[ -x $c ]] && { busybox=$c; break; }
  done
fi
[[ -n $busybox && -x $busybox ]] ||
  die "no busybox found: install Debian's busybox-static (apt-get install busybox-static)"
# A dynamically linked busybox (Debian's `busybox` package) would not run in
# a rootfs without its libraries.
ldd_out=$(LC_ALL=C ldd "$busybox" 2>&1 || true)
if ! grep -qE 'not a dynamic executable|statically linked' <<<"$ldd_out"; then
  die "$busybox is dynamically linked: install Debian's busybox-static"
fi

stamp="busybox $(sha256sum <"$busybox" | cut -d' ' -f1) script $(sha256sum <"${BASH_SOURCE[0]}" | cut -d' ' -f1)"
stamp_file=.stockade-rootfs-stamp

up_to_date() { [[ -f $dir/$stamp_file && "$(cat "$dir/$stamp_file")" == "$stamp" ]]; }
up_to_date && exit 0

mkdir -p "$(dirname "$dir")"
exec 9>"$dir.lock"
flock 9
up_to_date && exit 0   # another caller built it while we waited

tmp=$(mktemp -d "$dir.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chmod 0755 "$tmp"

# Directories: system ones 0755, /tmp sticky and world-writable, /root private.
mkdir -p "$tmp"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,run,mnt,var,home/app}
install -d -m 1777 "$tmp/tmp"
install -d -m 0700 "$tmp/root"
chown 1000:1000 "$tmp/home/app"

install -m 0755 "$busybox" "$tmp/bin/busybox"

# One symlink per applet at its usual place (`--list-full` gives the paths);
# fall back to /bin for a busybox built without --list-full.
if applets=$("$busybox" --list-full 2>/dev/null) && [[ -n $applets ]]; then
  :
else
  applets=$("$busybox" --list | sed 's|^|bin/|')
fi
while read -r path; do
  [[ -n $path && $path == */* && $path != bin/busybox ]] || continue   # skip /linuxrc
  mkdir -p "$tmp/$(dirname "$path")"
  [[ -e $tmp/$path || -L $tmp/$path ]] || ln -s /bin/busybox "$tmp/$path"
done <<<"$applets"
# Every applet is also reachable as /bin/NAME, whatever PATH a config has.
while read -r name; do
  [[ -n $name && ! -e $tmp/bin/$name && ! -L $tmp/bin/$name ]] && ln -s /bin/busybox "$tmp/bin/$name"
done < <("$busybox" --list)

cat >"$tmp/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
app:x:1000:1000:app:/home/app:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat >"$tmp/etc/group" <<'GROUP'
root:x:0:
app:x:1000:
nogroup:x:65534:
GROUP
echo stockade >"$tmp/etc/hostname"
printf '127.0.0.1\tlocalhost\n::1\tlocalhost\n' >"$tmp/etc/hosts"
: >"$tmp/etc/resolv.conf"
chmod 0644 "$tmp"/etc/{passwd,group,hostname,hosts,resolv.conf}

echo "$stamp" >"$tmp/$stamp_file"

rm -rf "$dir"
mv "$tmp" "$dir"
trap - EXIT
