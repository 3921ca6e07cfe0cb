#!/usr/bin/env bash
# Installs the Debian packages of tools/apt-packages.txt for the given groups that are not installed yet.
set -euo pipefail
cd "$(dirname "$0")"
[ "$#" -gt 0 ] || set -- test
need=()
while read -r name group _; do
  case "$name" in ''|'#'*) continue ;; esac
  for g in "$@"; do
    if [ "$group" = "$g" ] && ! dpkg -s "$name" >/dev/null 2>&1; then need+=("$name"); fi
  done
done < apt-packages.txt
[ "${#need[@]}" -gt 0 ] || exit 0
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
echo "[apt] installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${need[@]}" >/dev/null
