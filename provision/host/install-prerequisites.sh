#!/usr/bin/env bash
# Installs what the lxc provider needs on a Debian host, non-interactively. Idempotent.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
packages=(vagrant vagrant-lxc lxc debootstrap busybox-static sudo iproute2 iptables openssh-client openssh-server rsync)
missing=()
for p in "${packages[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
