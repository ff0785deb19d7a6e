/**
 * The key a client's attempts are counted under. An IPv4 address is one client; an
 * IPv6 host usually owns a whole /64 and can pick a fresh address per request, so its
 * attempts count against the /64.
 */
export function clientKey(ip: string): string {
  if (!ip.includes(':')) return ip;
  const bare = ip.split('%')[0] ?? ip; // drop a zone index such as %eth0
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped?.[1]) return mapped[1];
  const [head = '', tail] = bare.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  // A trailing dotted quad stands for two groups.
  const width = (groups: string[]) => groups.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  const groups =
    tail === undefined
      ? left
      : [
          ...left,
          ...Array<string>(Math.max(0, 8 - width(left) - width(right))).fill('0'),
          ...right,
        ];
  const prefix = groups.slice(0, 4).map((g) => (Number.parseInt(g, 16) || 0).toString(16));
  return `${prefix.join(':')}::/64`;
}
