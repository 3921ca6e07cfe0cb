#!/usr/bin/env bash
# Installs the Debian packages of debian-packages.txt that this machine lacks (as root, or through sudo).
# Idempotent: a machine that has them all runs no apt at all.
set -euo pipefail
list="$(dirname "$0")/debian-packages.txt"
need=()
while read -r pkg probe _; do
  case "$pkg" in ''|'#'*) continue ;; esac
  case "$probe" in
    dpkg:*) dpkg -s "${probe#dpkg:}" >/dev/null 2>&1 || need+=("$pkg") ;;
    *) [ -e "$probe" ] || need+=("$pkg") ;;
  esac
done < "$list"
[ "${#need[@]}" -eq 0 ] && exit 0
SUDO=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "[setup] need root or sudo to install: ${need[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
echo "[setup] apt-get install ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
