import { rangeOf, rangesOverlap } from '../../lab/ipv4.js';

/**
 * VirtualBox >= 6.1.28 only allows host-only networks inside the ranges of /etc/vbox/networks.conf
 * (`* 192.168.56.0/21` when the file is missing). Returns whether `cidr` is allowed by that file's text.
 */
export function hostOnlyAllowed(confText: string | null, cidr: string): boolean {
  const ranges = confText === null ? ['192.168.56.0/21'] : [...confText.matchAll(/^\s*\*\s+(.+)$/gm)].flatMap((m) => m[1]!.trim().split(/\s+/));
  const want = rangeOf(cidr);
  if (!want) return false;
  return ranges.some((r) => {
    const allowed = rangeOf(r);
    return allowed !== null && allowed[0] <= want[0] && want[1] <= allowed[1] && rangesOverlap(allowed, want);
  });
}

/** Versions before 6.1.28 have no such restriction. */
export function restrictsHostOnly(version: string): boolean {
  const [major = 0, minor = 0, patch = 0] = version.split(/[.r_]/).map((p) => parseInt(p, 10) || 0);
  return major > 6 || (major === 6 && (minor > 1 || (minor === 1 && patch >= 28)));
}
