/** How to reach one node over SSH: read once from `vagrant ssh-config`, then used by every connection. */
export interface SshTarget {
  /** The lab's node name (docker-node1), used in every message about this node. */
  node: string;
  host: string;
  port: number;
  user: string;
  /** Path of the private key. Its contents are never printed or written to a report. */
  identityFile: string;
}
