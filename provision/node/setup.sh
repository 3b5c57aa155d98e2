#!/usr/bin/env bash
# Runs once on every node at its first `vagrant up` (Vagrant's shell provisioner, as root), whatever the provider.
#   setup.sh SUITE DOCKER_VERSION
# On the lxc box everything is baked in and this only checks it; on a VM box it installs Debian's packages.
set -euo pipefail
suite=${1:?suite}; want_docker=${2:?docker version}
export DEBIAN_FRONTEND=noninteractive

if ! command -v dockerd >/dev/null || ! command -v etcd >/dev/null; then
  # A VM box: the suite's own packages pin Docker and etcd (the version is checked below, not assumed).
  extra=; case "$suite" in trixie|sid|forky) extra=docker-cli ;; esac
  apt-get update -q
  apt-get install -y -q --no-install-recommends docker.io $extra etcd-server etcd-client busybox-static \
    bridge-utils iptables iproute2 iputils-ping tcpdump
  usermod -aG docker vagrant
fi

# The course starts its own two-member etcd by hand; the packaged single-member service must stay off.
systemctl disable --now etcd.service >/dev/null 2>&1 || true
systemctl mask etcd.service >/dev/null 2>&1 || true
systemctl enable --now docker.service >/dev/null

for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
# No registry is reachable: the course's busybox image comes from Debian's busybox-static.
if ! docker image inspect busybox >/dev/null 2>&1; then
  dir=$(mktemp -d)
  mkdir -p "$dir/bin"
  src=/usr/share/docker-lab/busybox           # baked into the lxc box: the same binary in every suite
  [ -x "$src" ] || src=/bin/busybox            # a VM box: the suite's own busybox-static
  cp "$src" "$dir/bin/busybox"
  for applet in $("$dir/bin/busybox" --list); do [ "$applet" = busybox ] || ln -s busybox "$dir/bin/$applet"; done
  mkdir -p "$dir/etc" "$dir/tmp" "$dir/var/www"
  echo 'root:x:0:0:root:/root:/bin/sh' >"$dir/etc/passwd"
  echo 'root:x:0:' >"$dir/etc/group"
  tar -C "$dir" -c . | docker import -c 'CMD ["sh"]' - busybox:latest >/dev/null
  rm -rf "$dir"
fi

have=$(docker version --format '{{.Server.Version}}')
case "$have" in
  "$want_docker"|"$want_docker"+*|"$want_docker"-*) echo "docker-lab: $(hostname) runs Docker $have" ;;
  *) echo "docker-lab: $(hostname) runs Docker $have, lab.yaml expects $want_docker" >&2 ;;
esac
