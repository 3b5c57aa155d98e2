#!/usr/bin/env bash
# Builds the lab's box for one provider and one Debian suite with mmdebstrap, from the mirror apt already uses.
# Everything a node needs is baked in (Docker, etcd, sshd, busybox), so nodes need no network but the lab's.
# The course's python and redis images are not: only two lessons use them, and the host brings them to the
# nodes when a lesson asks (build-image.sh), which keeps the box, and so a fresh machine's first `up`, small.
#   build-box.sh PROVIDER SUITE OUTPUT.box RECIPE_ID
# The rootfs is made here, the same for every provider; box-PROVIDER.sh (sourced) adds its packages
# (BOX_PACKAGES), its own configuration (box_configure ROOT) and packs the box (box_pack WORK OUT RECIPE).
# RECIPE_ID is written into the box so that docker-lab can tell a stale box from a current one.
set -euo pipefail

provider=${1:?provider}; suite=${2:?suite}; out=${3:?output box path}; recipe=${4:?recipe id}
here=$(dirname "${BASH_SOURCE[0]}")
[ -f "$here/box-$provider.sh" ] || { echo "build-box: no box recipe for provider $provider" >&2; exit 2; }
# shellcheck source=box-lxc.sh
source "$here/box-$provider.sh"

# apt_mirror is shared with VM provisioning (sourcing it runs nothing).
# shellcheck source=../node/setup.sh
source "$here/../node/setup.sh"
mirror=$(apt_mirror) || { echo "build-box: no Debian mirror found in /etc/apt/sources*" >&2; exit 2; }

packages=systemd,systemd-sysv,dbus,openssh-server,openssh-client,sudo,iproute2,iputils-ping,bridge-utils,iptables,procps,tcpdump,
# openssh-client: Vagrant uploads its provisioner with scp, which sid's openssh-server no longer pulls in.
packages+=docker.io,etcd-server,etcd-client,busybox-static,ca-certificates,libnss-myhostname,tcpdump,curl
case "$suite" in
  trixie|sid|forky) packages+=,docker-cli ;;   # docker.io only recommends the client there
esac
[ -z "${BOX_PACKAGES:-}" ] || packages+=,$BOX_PACKAGES

host_busybox=/bin/busybox
if ! [ -x "$host_busybox" ] || ldd "$host_busybox" >/dev/null 2>&1; then
  echo "build-box: a static $host_busybox is needed (apt-get install busybox-static)" >&2; exit 2
fi

work=$(mktemp -d /var/tmp/docker-lab-box.XXXXXX)
trap '[ -n "${DOCKER_LAB_KEEP_WORK:-}" ] || rm -rf --one-file-system "$work"' EXIT
root=$work/rootfs

# mmdebstrap, not debootstrap: apt fetches the packages side by side, where debootstrap fetches and checks them
# one by one in shell (80 s against 114 s here; same mirror, same signed index). The merged-/usr hook links /bin
# and the rest into /usr as debootstrap does, where the suite has usr-is-merged (else mmdebstrap merges with the
# usrmerge package, which pulls perl in). Valid-Until is not checked: a mirror's copy of sid may be older than
# its index allows, and debootstrap never looked; the index is still checked against the archive's keys.
echo "build-box: mmdebstrap $suite from $mirror for $provider"
started=$SECONDS
mmdebstrap --variant=minbase --hook-dir=/usr/share/mmdebstrap/hooks/maybe-merged-usr \
  --aptopt='Acquire::Check-Valid-Until "false"' --include="$packages" "$suite" "$root" "$mirror" \
  >"$work/mmdebstrap.log" 2>&1 &
# In the background: stopped (Ctrl-C stops the whole process group), mmdebstrap takes a moment to unmount what
# it mounted in the rootfs. A signal ends a `wait`, not the child, so the traps wait for it before the EXIT trap
# removes the folder; in the foreground, bash would exit at once and leave a half-removed rootfs behind.
bootstrap=$!
trap 'wait "$bootstrap"; exit 143' TERM
trap 'wait "$bootstrap"; exit 130' INT
wait "$bootstrap" || { tail -n 30 "$work/mmdebstrap.log" >&2; exit 1; }
trap - TERM INT
echo "build-box: node rootfs in $((SECONDS - started)) s"

echo "build-box: configuring the rootfs"
# The vagrant user with Vagrant's well-known key: Vagrant swaps it for a per-machine key on first boot.
chroot "$root" useradd --create-home --shell /bin/bash --groups sudo,docker vagrant
install -d -m 700 -o 1000 -g 1000 "$root/home/vagrant/.ssh"
vagrant_pub=$(find /usr/share/rubygems-integration /usr/lib/ruby /opt/vagrant -path '*/keys/vagrant.pub' 2>/dev/null | head -n1 || true)
[ -n "$vagrant_pub" ] || { echo "build-box: Vagrant's public key not found; is vagrant installed?" >&2; exit 2; }
install -m 600 -o 1000 -g 1000 "$vagrant_pub" "$root/home/vagrant/.ssh/authorized_keys"
echo 'vagrant ALL=(ALL) NOPASSWD:ALL' >"$root/etc/sudoers.d/vagrant"; chmod 440 "$root/etc/sudoers.d/vagrant"
echo 'Defaults !requiretty' >>"$root/etc/sudoers.d/vagrant"

# Each node gets its own sshd host keys at first boot, not the ones made once in the rootfs for every node.
rm -f "$root"/etc/ssh/ssh_host_*
install -d "$root/etc/systemd/system/ssh.service.d"
# ExecStartPre is reset so the keys exist before Debian's own `sshd -t` check runs.
printf '[Service]\nExecStartPre=\nExecStartPre=/usr/bin/ssh-keygen -A\nExecStartPre=/usr/sbin/sshd -t\n' \
  >"$root/etc/systemd/system/ssh.service.d/host-keys.conf"
printf 'UseDNS no\n' >"$root/etc/ssh/sshd_config.d/lab.conf"
# OpenSSH 9.8 and later (trixie, sid) shut out a source address that fails or drops connections before
# authenticating (PerSourcePenalties). Every connection to a node comes from the one host address, and Vagrant's
# boot-time probing and key swap, like a lab's reconnects, look like that to sshd: a node then resets Vagrant's
# connection in the middle of `up` (seen on sid). The node listens only on the lab's own network.
sshd_version=$(chroot "$root" dpkg-query -W -f='${Version}' openssh-server)
if dpkg --compare-versions "$sshd_version" ge 1:9.8; then printf 'PerSourcePenalties no\n' >>"$root/etc/ssh/sshd_config.d/lab.conf"; fi

# The course starts its own two-member etcd cluster by hand: the packaged single-member one must stay off.
chroot "$root" systemctl disable etcd.service >/dev/null 2>&1 || true
chroot "$root" systemctl mask etcd.service >/dev/null
# Nothing inside a node may reconfigure its lab NIC behind LXC's back, nor wait for a network it won't get.
chroot "$root" systemctl mask systemd-networkd-wait-online.service networking.service >/dev/null 2>&1 || true
: >"$root/etc/resolv.conf"
# The bootstrap copies the build host's name; without the file a node keeps the name LXC/Vagrant gives it,
# and libnss-myhostname resolves it, so Vagrant's hostname step finds nothing to do.
rm -f "$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*   # about 150 MB the box need not carry
# Containers must not look for name servers off the lab: without this, Docker hands containers on the default
# bridge its fallback servers (8.8.8.8, 8.8.4.4). Lookups of unknown names now fail at once, inside the container.
install -d "$root/etc/docker"
printf '{ "dns": ["127.0.0.1"] }\n' >"$root/etc/docker/daemon.json"
# The course's busybox image is made on the node from this binary: the same one in every suite, so that a
# regression matrix varies Docker alone (bullseye's own static busybox 1.30 can not resolve container names).
install -D -m 755 "$host_busybox" "$root/usr/share/docker-lab/busybox"

# --- ping without root (issue 14) ---
# From trixie on, iputils-ping installs ping with neither setuid nor a file capability and relies on
# net.ipv4.ping_group_range, which systemd-sysctl sets; inside an LXC node /proc/sys is read-only, so the
# default range (nobody) stays and the vagrant user's ping fails with "missing cap_net_raw+p". The capability
# is set here, from the host's setcap (libcap2-bin), and travels in the rootfs's xattrs: the packing keeps them,
# and vagrant-lxc's template unpacks with --xattrs. Setting it on every suite gives one rule for all.
ping_bin=$(readlink -f "$root/usr/bin/ping" 2>/dev/null || true)
[ -x "$ping_bin" ] || ping_bin=$(readlink -f "$root/bin/ping")
chmod u-s "$ping_bin"
setcap cap_net_raw+p "$ping_bin" || { echo "build-box: setcap failed on $ping_bin (apt-get install libcap2-bin)" >&2; exit 1; }
# --- end of ping without root ---
echo "$recipe" >"$root/etc/docker-lab-recipe"
box_configure "$root"

echo "build-box: packing"
started=$SECONDS
mkdir -p "$(dirname "$out")"
box_pack "$work" "$out.partial" "$recipe"
mv "$out.partial" "$out"
echo "build-box: packed in $((SECONDS - started)) s; wrote $out ($(du -m "$out" | cut -f1) MB)"
