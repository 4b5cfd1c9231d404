#!/usr/bin/env bash
# need-tools.sh cmd:package ... — make sure each command exists; install the
# missing ones' Debian packages with apt-get when running as root, otherwise
# say exactly what to install and fail.
set -euo pipefail
missing_pkgs=()
for pair in "$@"; do
  cmd=${pair%%:*}; pkg=${pair#*:}
  command -v "$cmd" >/dev/null 2>&1 || missing_pkgs+=("$pkg")
done
[ ${#missing_pkgs[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "missing tools; install them with: sudo apt-get install -y ${missing_pkgs[*]}" >&2
  exit 1
fi
echo "installing ${missing_pkgs[*]} with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing_pkgs[@]}" >/dev/null
for pair in "$@"; do
  cmd=${pair%%:*}
  command -v "$cmd" >/dev/null 2>&1 || { echo "still missing after install: $cmd" >&2; exit 1; }
done
