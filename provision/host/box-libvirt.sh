# The vagrant-libvirt box: the rootfs as an ext4 disk (qcow2) with the kernel and initrd beside it, booted
# directly by QEMU (no bootloader, no partition table, no loop device). Sourced by build-box.sh.
# shellcheck shell=bash

# A kernel and its initramfs, udev for the VM's devices, and apparmor: Debian's kernel turns AppArmor on, and
# dockerd then needs apparmor_parser to start a container.
BOX_PACKAGES=linux-image-cloud-amd64,initramfs-tools,udev,kmod,apparmor
# The disk as the guest sees it; qcow2 stores only what is used.
BOX_DISK_GB=16

box_configure() {
  local root=$1
  # eth0 is Vagrant's management NIC (DHCP); Vagrant writes eth1's file itself when networkd is active.
  chroot "$root" systemctl enable systemd-networkd.service >/dev/null 2>&1
  printf '[Match]\nName=eth0\n\n[Network]\nDHCP=ipv4\n' >"$root/etc/systemd/network/10-eth0.network"
  printf '/dev/vda / ext4 defaults,errors=remount-ro 0 1\n' >"$root/etc/fstab"
  # Each VM its own machine-id, made at its first boot: nodes cloned from one image would otherwise send one
  # DHCP client id and share systemd's other per-machine identities.
  : >"$root/etc/machine-id"
  # That first boot must not wait on the serial console for systemd-firstboot's questions (locale, root password).
  ln -sf /dev/null "$root/etc/systemd/system/systemd-firstboot.service"
  # Under emulation an RSA host key takes most of a minute to make at first boot: the VM's sshd has ECDSA and
  # Ed25519 keys only, which Vagrant, OpenSSH and ssh2 all take.
  cat >"$root/usr/local/sbin/docker-lab-host-keys" <<'SH'
#!/bin/sh
for t in ecdsa ed25519; do
  [ -e "/etc/ssh/ssh_host_${t}_key" ] || ssh-keygen -q -t "$t" -N '' -f "/etc/ssh/ssh_host_${t}_key"
done
SH
  chmod 755 "$root/usr/local/sbin/docker-lab-host-keys"
  printf 'HostKey /etc/ssh/ssh_host_ecdsa_key\nHostKey /etc/ssh/ssh_host_ed25519_key\n' >>"$root/etc/ssh/sshd_config.d/lab.conf"
  printf '[Service]\nExecStartPre=\nExecStartPre=/usr/local/sbin/docker-lab-host-keys\nExecStartPre=/usr/sbin/sshd -t\n' \
    >"$root/etc/systemd/system/ssh.service.d/host-keys.conf"
}

# box_pack WORK OUT RECIPE: WORK holds rootfs/.
box_pack() {
  local work=$1 out=$2 recipe=$3 root=$1/rootfs
  command -v qemu-img >/dev/null || { echo "build-box: qemu-img is needed (apt-get install qemu-utils)" >&2; return 2; }
  cp "$(readlink -f "$root/vmlinuz")" "$work/vmlinuz"
  cp "$(readlink -f "$root/initrd.img")" "$work/initrd.img"
  truncate -s "${BOX_DISK_GB}G" "$work/root.img"
  mke2fs -q -t ext4 -L root -d "$root" "$work/root.img"
  qemu-img convert -O qcow2 "$work/root.img" "$work/box.img"
  rm -f "$work/root.img"
  printf '{"provider":"libvirt","format":"qcow2","virtual_size":%s,"built-on":"%s","docker-lab-recipe":"%s"}\n' \
    "$BOX_DISK_GB" "$(date -u +%FT%TZ)" "$recipe" >"$work/metadata.json"
  # The box's own Vagrantfile boots the kernel it carries; __FILE__ is where Vagrant unpacked the box.
  cat >"$work/Vagrantfile" <<'RUBY'
Vagrant.configure("2") do |config|
  config.vm.provider :libvirt do |libvirt|
    here = File.dirname(__FILE__)
    libvirt.kernel = File.join(here, "vmlinuz")
    libvirt.initrd = File.join(here, "initrd.img")
    libvirt.cmd_line = "root=/dev/vda rw console=ttyS0 net.ifnames=0"
    libvirt.disk_bus = "virtio"
  end
end
RUBY
  tar -C "$work" -cf "$out" metadata.json Vagrantfile box.img vmlinuz initrd.img
}
