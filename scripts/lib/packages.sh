# scripts/lib/packages.sh: sourced by test.sh, demo.sh and bench/run.sh.
# shellcheck shell=bash

# missing_packages PKG...: print, one per line, the Debian packages of the
# list that are not installed.
missing_packages() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
  done
}
