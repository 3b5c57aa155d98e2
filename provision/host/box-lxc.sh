# The vagrant-lxc box: the rootfs as a tarball beside LXC's config. Sourced by build-box.sh.
# shellcheck shell=bash

BOX_PACKAGES=

box_configure() { :; }

# box_pack WORK OUT RECIPE: WORK holds rootfs/.
box_pack() {
  local work=$1 out=$2 recipe=$3
  cat >"$work/lxc-config" <<'CONF'
lxc.include = /usr/share/lxc/config/common.conf
lxc.arch = amd64
# Docker runs nested: its containers need devices (tun, fuse...) beyond LXC's default allow-list.
lxc.cgroup.devices.allow = a
lxc.cgroup2.devices.allow = a
CONF
  printf '{"provider":"lxc","version":"1.0.0","built-on":"%s","docker-lab-recipe":"%s"}\n' \
    "$(date -u +%FT%TZ)" "$recipe" >"$work/metadata.json"
  # Keep xattrs: ping's capability lives there. Entries must start with ./rootfs/ for vagrant-lxc's template.
  # gzip -1: the box only goes from this host's cache into Vagrant's, where size matters less than packing time.
  tar --numeric-owner --xattrs --xattrs-include='*' -C "$work" -I 'gzip -1' -cf "$work/rootfs.tar.gz" ./rootfs
  tar -C "$work" -cf "$out" metadata.json lxc-config rootfs.tar.gz
}
