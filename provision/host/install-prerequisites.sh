#!/usr/bin/env bash
# Installs what the lxc and libvirt providers need on a Debian host, non-interactively. Idempotent.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
# qemu-system-x86: the KVM probe boots its guest under emulation in the tests. libcap2-bin: setcap for the box's
# ping. tcpdump: `lab capture` reads pcaps back in its tests. chromium: the HTML report's test opens it headless. tmux:
# the interactive modes' tests type into a real terminal.
packages=(vagrant vagrant-lxc lxc mmdebstrap debootstrap busybox-static sudo iproute2 iptables openssh-client openssh-server rsync libcap2-bin qemu-system-x86 tcpdump chromium tmux)
# libvirt: the daemons, dnsmasq for the management network's DHCP, qemu-utils and e2fsprogs to pack the box's
# disk. Without systemd as init, the sysv scripts come first, so that apt does not pull systemd in.
packages+=(libvirt-daemon-system libvirt-clients vagrant-libvirt dnsmasq-base qemu-utils e2fsprogs)
[ -d /run/systemd/system ] || packages=(libvirt-daemon-system-sysv "${packages[@]}")
missing=()
for p in "${packages[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# Seen on hosts of this kind: something left /dev/null a regular file, where tmux and others refuse to start.
if [ ! -c /dev/null ]; then rm -f /dev/null && mknod -m 666 /dev/null c 1 3; fi
# Many labs on one host (`lab up --count N`): privileged LXC nodes count against root's inotify instances, about 8
# a node, and Debian's 128 stops the ninth lab at boot. Raised to what LXC's production-setup guide gives, kept
# across reboots; never lowered. `lab up` still counts before starting, for hosts set up some other way.
inotify=1048576
if [ "$(cat /proc/sys/fs/inotify/max_user_instances)" -lt "$inotify" ]; then
  echo "fs.inotify.max_user_instances = $inotify" > /etc/sysctl.d/60-docker-lab.conf
  sysctl -q -w fs.inotify.max_user_instances="$inotify"
fi
