/**
 * DNS rebinding defence. A page on evil.example can point its own name at 127.0.0.1 and
 * then talk to the local service as a same-origin site; the only thing that gives it
 * away is the `Host` header, which still says evil.example. So the service answers only
 * to host names it knows: loopback names always, names listed in
 * TOKEN_DESK_ALLOWED_HOSTS, and (when it listens on a non-loopback address) IP
 * literals, which a rebinding page cannot produce.
 */
import { isIP } from 'node:net';

/** `127.0.0.0/8`, `::1` or `localhost`, with or without IPv6 brackets. */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase();
  return name === 'localhost' || name === '::1' || name === '[::1]' || isLoopbackIPv4(name);
}

function isLoopbackIPv4(name: string): boolean {
  return isIP(name) === 4 && name.startsWith('127.');
}

const PORT = /^:\d{1,5}$/;

/** The host name in a `Host` header value (IPv6 keeps its brackets), or null if malformed. */
export function hostnameOf(header: string): string | null {
  if (header.startsWith('[')) {
    const close = header.indexOf(']');
    if (close < 0) return null;
    const rest = header.slice(close + 1);
    if (rest !== '' && !PORT.test(rest)) return null;
    return header.slice(0, close + 1).toLowerCase();
  }
  const colon = header.indexOf(':');
  if (colon < 0) return header.toLowerCase();
  return PORT.test(header.slice(colon)) ? header.slice(0, colon).toLowerCase() : null;
}

function isIPLiteral(name: string): boolean {
  if (name.startsWith('[') && name.endsWith(']')) return isIP(name.slice(1, -1)) === 6;
  return isIP(name) === 4;
}

export interface HostPolicy {
  /** The address the service listens on. */
  listenHost: string;
  /** Extra host names to answer to (lowercase, no port); `*` answers to any. */
  allowedHosts: readonly string[];
}

/** Remembers up to this many accepted `Host` values, so the usual one costs a Map lookup. */
const ACCEPTED_CACHE_SIZE = 64;

/** A predicate over the raw `Host` header value. */
export function hostChecker(policy: HostPolicy): (header: string | undefined) => boolean {
  if (policy.allowedHosts.includes('*')) return () => true;
  const named = new Set(policy.allowedHosts.map((host) => host.toLowerCase()));
  const literalsToo = !isLoopbackHost(policy.listenHost);
  const accepted = new Set<string>();
  return (header) => {
    if (header === undefined) return false;
    if (accepted.has(header)) return true;
    const name = hostnameOf(header);
    if (name === null || name === '') return false;
    const ok = isLoopbackHost(name) || named.has(name) || (literalsToo && isIPLiteral(name));
    // Only accepted values are cached: refused ones cannot grow it.
    if (ok && accepted.size < ACCEPTED_CACHE_SIZE) accepted.add(header);
    return ok;
  };
}

/** The sentence a refused request gets. */
export function hostRefusal(header: string | undefined, policy: HostPolicy): string {
  const shown =
    header === undefined || header === ''
      ? 'no Host header'
      : `the host name "${header.length > 80 ? `${header.slice(0, 80)}…` : header}"`;
  const how = isLoopbackHost(policy.listenHost)
    ? 'This local service answers only to 127.0.0.1, [::1] and localhost'
    : 'This service answers only to its IP addresses, loopback names and TOKEN_DESK_ALLOWED_HOSTS';
  return `Request refused: it was sent to ${shown}. ${how}, so that a web page cannot reach it through a name it controls (DNS rebinding). To use another name, add it to TOKEN_DESK_ALLOWED_HOSTS.`;
}
