#!/usr/bin/env bash
# Runs once on every node at its first `vagrant up` (Vagrant's shell provisioner, as root), whatever the provider.
#   setup.sh SUITE DOCKER_VERSION
# On docker-lab's own boxes (lxc, libvirt) everything is baked in and this only checks it: the course's python
# and redis images come from the host when a lesson first needs them (build-image.sh, src/images/). On a public
# VM box it installs Debian's packages and builds those images itself, since the host may have no mmdebstrap.
# build-box.sh and build-image.sh source this file for the mirror and the images' recipe (the functions
# below), so that every node makes them the same way; sourced, it runs nothing.
set -euo pipefail

# The course's base images. No registry is reachable, so each is a Debian rootfs of the node's own suite with
# the packages that the course's image brought: name, packages (comma-separated), then `docker import` changes.
BASE_IMAGES=(python redis)
base_image_packages() {
  case "$1" in
    # python-is-python3: the course's Dockerfile runs `python app.py`. curl: the course fetches the page with
    # it from inside the container.
    python) echo python3,python-is-python3,python3-flask,python3-redis,curl ;;
    redis) echo redis-server ;;
  esac
}
base_image_changes() {
  case "$1" in
    python) printf '%s\n' 'CMD ["python3"]' ;;
    # Without a config file redis-server would refuse clients from other containers (protected mode); the
    # registry's image turns it off the same way.
    redis) printf '%s\n' 'EXPOSE 6379' 'CMD ["redis-server", "--protected-mode", "no"]' ;;
  esac
}

# What an image never needs: package caches and lists, docs, man pages, translations; nor the build host's
# resolv.conf (Docker bind-mounts its own) and hostname. Run by sh with the rootfs as $1, in both paths below.
# shellcheck disable=SC2016 # expanded by that sh
BASE_IMAGE_TRIM='rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/* "$1"/usr/share/doc/* \
  "$1"/usr/share/man/* "$1"/usr/share/info/* "$1"/usr/share/locale/* "$1"/var/log/*.log
  : >"$1/etc/resolv.conf"; rm -f "$1/etc/hostname"'

# base_image_rootfs NAME SUITE MIRROR OUT.tar [DEB_CACHE]: a minbase rootfs of NAME's packages, as a tar.
# DEB_CACHE, a folder kept between calls, lets the images of one suite fetch their packages once.
# mmdebstrap where it has the merged-/usr hook (1.3, bookworm on), in about half debootstrap's time: apt fetches
# side by side, dpkg installs without syncing, and it writes the tar itself. BASE_IMAGE_BOOTSTRAP=debootstrap
# takes the older path where mmdebstrap could (npm run bench -- --images measures both).
base_image_rootfs() {
  local name=$1 suite=$2 mirror=$3 out=$4 cache=${5:-} hooks=/usr/share/mmdebstrap/hooks
  local tool=${BASE_IMAGE_BOOTSTRAP:-mmdebstrap}
  [ -d "$hooks/maybe-merged-usr" ] || tool=debootstrap
  if [ "$tool" = debootstrap ]; then
    local dir
    dir=$(mktemp -d /var/tmp/docker-lab-image.XXXXXX)
    debootstrap --variant=minbase ${cache:+--cache-dir="$cache"} --include="$(base_image_packages "$name")" \
      "$suite" "$dir" "$mirror" >"$dir.log" 2>&1 || { tail -n 30 "$dir.log" >&2; rm -rf --one-file-system "$dir" "$dir.log"; return 1; }
    sh -c "$BASE_IMAGE_TRIM" sh "$dir"
    tar --numeric-owner -C "$dir" -cf "$out" .
    rm -rf --one-file-system "$dir" "$dir.log"
    return
  fi
  # As the box is made (build-box.sh): merged /usr as debootstrap has it, Valid-Until not checked. dpkg does not
  # sync every file it unpacks (a fifth less time here): a build cut short is thrown away whole anyway. The
  # packages go through DEB_CACHE: copied in before apt looks, copied out (the essential ones too, kept by
  # --skip=essential/unlink) before the trimming empties the image's own cache.
  local args=(--variant=minbase --format=tar --hook-dir="$hooks/maybe-merged-usr"
    --aptopt='Acquire::Check-Valid-Until "false"' --dpkgopt=force-unsafe-io --include="$(base_image_packages "$name")")
  [ -z "$cache" ] || args+=(--skip=essential/unlink --setup-hook='mkdir -p "$1"/var/cache/apt/archives'
    --setup-hook="sync-in $(printf %q "$cache") /var/cache/apt/archives" --customize-hook="sync-out /var/cache/apt/archives $(printf %q "$cache")")
  # The 99mmdebstrap files hold the options above: the image's apt and dpkg are left as debootstrap leaves them.
  args+=(--customize-hook="$BASE_IMAGE_TRIM" --customize-hook='rm "$1"/etc/apt/apt.conf.d/99mmdebstrap "$1"/etc/dpkg/dpkg.cfg.d/99mmdebstrap')
  # mmdebstrap's temp folders go in a work folder of ours: stopped by a signal to the whole process group, it
  # may leave its rootfs mounted there (its worker dies before unmounting; seen during the essential hook).
  local work
  work=$(mktemp -d /var/tmp/docker-lab-image.XXXXXX)
  # In the background, as build-box.sh runs it: the traps wait for mmdebstrap to be gone before the work folder
  # is taken down, and before the caller removes DEB_CACHE and the partial tar.
  TMPDIR=$work mmdebstrap "${args[@]}" "$suite" "$out" "$mirror" >"$work.log" 2>&1 &
  local bootstrap=$! status=0
  trap 'wait "$bootstrap" || :; base_image_discard "$work"; exit 143' TERM
  trap 'wait "$bootstrap" || :; base_image_discard "$work"; exit 130' INT
  wait "$bootstrap" || status=$?
  trap - TERM INT
  [ "$status" = 0 ] || tail -n 30 "$work.log" >&2
  base_image_discard "$work"
  return "$status"
}

# base_image_discard DIR: unmounts what is still mounted under DIR, innermost first, then removes it and its log.
base_image_discard() {
  local dir=$1 mount
  tac /proc/mounts | while read -r _ mount _; do
    case "$mount" in "$dir"/*) umount "$mount" ;; esac
  done
  rm -rf --one-file-system "$dir" "$dir.log"
}

# import_base_images DIR: `docker import`s DIR/<name>.tar for every image the daemon does not have yet.
import_base_images() {
  local dir=$1 name change args
  for name in "${BASE_IMAGES[@]}"; do
    docker image inspect "$name" >/dev/null 2>&1 && continue
    args=()
    while IFS= read -r change; do args+=(-c "$change"); done < <(base_image_changes "$name")
    docker import "${args[@]}" "$dir/$name.tar" "$name:latest" >/dev/null
  done
}

# The apt mirror this machine uses (deb822 .sources first, then one-line sources.list); never a fixed host.
apt_mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -e "$f" ] || continue
    awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' "$f"
  done | head -n1 | grep . && return
  grep -hsE '^deb\s' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | awk '$2 !~ /security/ { print $2; exit }' | grep .
}

# The busybox image, from a static busybox: the course's smallest image.
make_busybox_image() {
  local dir applet src=/usr/share/docker-lab/busybox   # baked into the lxc box: the same binary in every suite
  [ -x "$src" ] || src=/bin/busybox                      # a VM box: the suite's own busybox-static
  dir=$(mktemp -d)
  mkdir -p "$dir/bin"
  cp "$src" "$dir/bin/busybox"
  for applet in $("$dir/bin/busybox" --list); do [ "$applet" = busybox ] || ln -s busybox "$dir/bin/$applet"; done
  mkdir -p "$dir/etc" "$dir/tmp" "$dir/var/www"
  echo 'root:x:0:0:root:/root:/bin/sh' >"$dir/etc/passwd"
  echo 'root:x:0:' >"$dir/etc/group"
  tar -C "$dir" -c . | docker import -c 'CMD ["sh"]' - busybox:latest >/dev/null
  rm -rf "$dir"
}

main() {
  local suite=${1:?suite} want_docker=${2:?docker version}
  export DEBIAN_FRONTEND=noninteractive

  if ! command -v dockerd >/dev/null || ! command -v etcd >/dev/null; then
    # A VM box: the suite's own packages pin Docker and etcd (the version is checked below, not assumed).
    local extra=; case "$suite" in trixie|sid|forky) extra=docker-cli ;; esac
    # The images' bootstrapper (base_image_rootfs): bullseye's mmdebstrap (0.7) has no merged-/usr hook yet.
    local bootstrap=mmdebstrap; case "$suite" in bullseye) bootstrap=debootstrap ;; esac
    apt-get update -q
    apt-get install -y -q --no-install-recommends docker.io $extra etcd-server etcd-client busybox-static \
      bridge-utils iptables iproute2 iputils-ping tcpdump curl $bootstrap
    usermod -aG docker vagrant
  fi

  # The notes type `brctl show` as the vagrant user, on CentOS, whose PATH has /usr/sbin; Debian gives users
  # other than root a PATH without it. The same PATH for commands over ssh (pam_env reads /etc/environment)
  # and for login shells (vagrant ssh: /etc/profile sets PATH again, then reads profile.d).
  grep -qs '^PATH=' /etc/environment || echo 'PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"' >>/etc/environment
  # shellcheck disable=SC2016 # expanded by the login shell, not here
  echo 'case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH="/usr/local/sbin:/usr/sbin:/sbin:$PATH" ;; esac' >/etc/profile.d/docker-lab-sbin.sh

  # The course starts its own two-member etcd by hand; the packaged single-member service must stay off.
  systemctl disable --now etcd.service >/dev/null 2>&1 || true
  systemctl mask etcd.service >/dev/null 2>&1 || true
  systemctl enable --now docker.service >/dev/null

  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  # No registry is reachable: the course's images come from Debian's packages.
  docker image inspect busybox >/dev/null 2>&1 || make_busybox_image
  if ! [ -e /etc/docker-lab-recipe ]; then
    # A public box: build the base images here, from the mirror its packages came from.
    local name mirror images=/usr/share/docker-lab/images
    mirror=$(apt_mirror)
    mkdir -p "$images"
    for name in "${BASE_IMAGES[@]}"; do
      [ -f "$images/$name.tar" ] || base_image_rootfs "$name" "$suite" "$mirror" "$images/$name.tar"
    done
    import_base_images "$images"
  fi

  local have
  have=$(docker version --format '{{.Server.Version}}')
  case "$have" in
    "$want_docker"|"$want_docker"+*|"$want_docker"-*) echo "docker-lab: $(hostname) runs Docker $have" ;;
    *) echo "docker-lab: $(hostname) runs Docker $have, lab.yaml expects $want_docker" >&2 ;;
  esac
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then main "$@"; fi
