import { isIPv4 } from 'node:net';
import semver from 'semver';
import { z } from 'zod';
import { cidrContains, parseCidr } from './ipv4.js';

/** Debian suites a box can be built from; each pins Docker and etcd through Debian's own packages. */
export const SUITES = ['bullseye', 'bookworm', 'trixie', 'sid'] as const;

const name = z.string().regex(/^[a-z][a-z0-9-]{0,30}[a-z0-9]$/, 'must be 2-32 characters: lower-case letters, digits and dashes, starting with a letter');
const ipv4 = z.string().refine((s) => isIPv4(s), 'must be an IPv4 address such as 192.168.205.10');
const version = z.string().refine((s) => semver.valid(semver.coerce(s)) !== null && /^\d+(\.\d+){0,2}/.test(s), 'must be a version such as 20.10.24');
const memory = z.number().int('must be a whole number of MB').min(256, 'must be at least 256 (MB)');
const cpus = z.number().int('must be a whole number').min(1, 'must be at least 1');

const resources = z.strictObject({ memory: memory.optional(), cpus: cpus.optional() });

const node = z.strictObject({
  name,
  ip: ipv4,
  memory: memory.optional(),
  cpus: cpus.optional(),
});

export const labSchema = z
  .strictObject({
    name: name.describe('The lab name: prefixes LXC container names and the host bridge, so labs never collide.'),
    network: z.strictObject({
      subnet: z.string().refine((s) => parseCidr(s) !== null, 'must be an IPv4 /8../30 network such as 192.168.205.0/24'),
    }),
    suite: z.enum(SUITES).describe('Debian suite of the nodes (the boxes docker-lab builds, and the Docker/etcd packages on VMs).'),
    docker: z.strictObject({ version }),
    etcd: z.strictObject({ version }),
    boxes: z.record(z.string(), z.string().min(1)).describe('a box per Vagrant provider (the provider registry checks the names)'),
    resources: resources.default({}),
    nodes: z.array(node).min(2, 'the course needs two nodes').max(9, 'at most 9 nodes'),
  })
  .superRefine((lab, ctx) => {
    const net = parseCidr(lab.network.subnet);
    const seenNames = new Map<string, number>();
    const seenIps = new Map<string, number>();
    lab.nodes.forEach((n, i) => {
      const prevName = seenNames.get(n.name);
      if (prevName !== undefined) ctx.addIssue({ code: 'custom', path: ['nodes', i, 'name'], message: `duplicate node name (also nodes[${prevName}])` });
      seenNames.set(n.name, i);
      const prevIp = seenIps.get(n.ip);
      if (prevIp !== undefined) ctx.addIssue({ code: 'custom', path: ['nodes', i, 'ip'], message: `duplicate address (also nodes[${prevIp}])` });
      seenIps.set(n.ip, i);
      if (net && isIPv4(n.ip)) {
        if (!cidrContains(net, n.ip))
          ctx.addIssue({ code: 'custom', path: ['nodes', i, 'ip'], message: `${n.ip} is outside network.subnet ${lab.network.subnet}` });
        else if (n.ip === net.hostAddress)
          ctx.addIssue({ code: 'custom', path: ['nodes', i, 'ip'], message: `${n.ip} is the host's own address on the lab network` });
        else if (n.ip === net.network || n.ip === net.broadcast)
          ctx.addIssue({ code: 'custom', path: ['nodes', i, 'ip'], message: `${n.ip} is the network or broadcast address` });
      }
    });
  });

export type LabFile = z.output<typeof labSchema>;
