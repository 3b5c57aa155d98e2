# Discovers a node's network, read-only, in one round trip (see discovery-script.ts). Runs as root.
# Prints sections for parse.ts: a line `### <section> <args>`, then the output of one command.
mark() { echo "### $*"; }
seen=' '
visit() { # kind name path: one namespace, once, however many paths lead to it (told apart by inode)
  ino=$(stat -L -c %i "$3" 2>/dev/null) || return 0
  # A sandbox whose container is gone can leave its file behind for a while; it cannot be entered, and is no part
  # of the network any more.
  nsenter --net="$3" true 2>/dev/null || return 0
  case "$seen" in *" $ino "*) return 0 ;; esac
  seen="$seen$ino "
  mark ns "$1" "$2" "$ino"
  mark addr; nsenter --net="$3" ip -d -j addr show 2>&1; echo
  for dev in $(nsenter --net="$3" ip -o link show type vxlan 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'); do
    mark fdb "$dev"; nsenter --net="$3" bridge -j fdb show dev "$dev" 2>&1; echo
  done
}
mark hostname; hostname
ids=$(docker ps -q 2>/dev/null)
mark docker-containers; if [ -n "$ids" ]; then docker inspect $ids 2>&1; else echo '[]'; fi
ids=$(docker network ls -q 2>/dev/null)
mark docker-networks; if [ -n "$ids" ]; then docker network inspect $ids 2>&1; else echo '[]'; fi
mark nat; iptables -t nat -S 2>&1
visit host host /proc/1/ns/net
for f in /var/run/docker/netns/*; do [ -e "$f" ] && visit docker "${f##*/}" "$f"; done
for f in /var/run/netns/*; do [ -e "$f" ] && visit netns "${f##*/}" "$f"; done
mark end
