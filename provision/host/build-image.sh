#!/usr/bin/env bash
# Builds one of the course's base images (python, redis) on the host, as a rootfs tar for `docker import`:
# mmdebstrap (or debootstrap) of the node's own suite, from the mirror apt already uses. docker-lab imports it
# onto the nodes the first time a lesson needs it (src/images/).
#   build-image.sh NAME SUITE OUTPUT.tar [DEB_CACHE]
# The cache folder (an absolute path) lets the images of one suite, built one after the other, fetch their
# packages once.
set -euo pipefail

name=${1:?image name}; suite=${2:?suite}; out=${3:?output tar}; cache=${4:-}
here=$(dirname "${BASH_SOURCE[0]}")
# The images' recipe is the one a public VM box uses to build them itself.
# shellcheck source=../node/setup.sh
source "$here/../node/setup.sh"
printf '%s\n' "${BASE_IMAGES[@]}" | grep -qx "$name" || { echo "build-image: no image $name (images: ${BASE_IMAGES[*]})" >&2; exit 2; }
mirror=$(apt_mirror) || { echo "build-image: no Debian mirror found in /etc/apt/sources*" >&2; exit 2; }

echo "build-image: $name from Debian $suite ($mirror)"
started=$SECONDS
mkdir -p "$(dirname "$out")"
base_image_rootfs "$name" "$suite" "$mirror" "$out.partial" "$cache"
mv "$out.partial" "$out"
echo "build-image: $name in $((SECONDS - started)) s, $(du -m "$out" | cut -f1) MB"
