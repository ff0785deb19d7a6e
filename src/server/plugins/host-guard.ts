/**
 * The first check of every request, before any route, body parser or authentication runs:
 * the client's address, when proxies forward it, and the host name it was sent to.
 *
 * DNS rebinding defence. A page on evil.example can point its own name at 127.0.0.1 and
 * then talk to the local service as a same-origin site; the only thing that gives it
 * away is the `Host` header, which still says evil.example. So the service answers only
 * to host names it knows: loopback names always, names listed in
 * TOKEN_DESK_ALLOWED_HOSTS, and (when it listens on a non-loopback address) IP
 * literals, which a rebinding page cannot produce.
 */
import { isIP } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.js';

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
function hostChecker(policy: HostPolicy): (header: string | undefined) => boolean {
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
function hostRefusal(header: string | undefined, policy: HostPolicy): string {
  const shown =
    header === undefined || header === ''
      ? 'no Host header'
      : `the host name "${header.length > 80 ? `${header.slice(0, 80)}…` : header}"`;
  const how = isLoopbackHost(policy.listenHost)
    ? 'This local service answers only to 127.0.0.1, [::1] and localhost'
    : 'This service answers only to its IP addresses, loopback names and TOKEN_DESK_ALLOWED_HOSTS';
  return `Request refused: it was sent to ${shown}. ${how}, so that a web page cannot reach it through a name it controls (DNS rebinding). To use another name, add it to TOKEN_DESK_ALLOWED_HOSTS.`;
}

/**
 * Which proxies' `X-Forwarded-For` to believe: none (`false`), the nearest one (`true`, the
 * same as 1), a hop count, or the proxies' addresses/CIDRs.
 */
export type TrustProxy = boolean | number | string[];

/**
 * Fastify (5.12) trusts nothing for a bare hop count, so a count becomes proxy-addr's own
 * rule: believe the nearest `hops` addresses in the chain. `true` is one hop, not every
 * hop: nginx and HAProxy append the address they saw to the X-Forwarded-For the client
 * sent, so only the rightmost entry was written by the proxy; believing every hop would
 * hand the client the leftmost one, an address of its own choosing. Counts are safe only
 * when the proxy is the only way in; addresses or CIDRs are the safer setting.
 */
export function trustProxyOption(
  trust: TrustProxy,
): false | string[] | ((a: string, hop: number) => boolean) {
  const hops = trust === true ? 1 : trust;
  if (hops === false || Array.isArray(hops)) return hops;
  if (hops <= 0) return false;
  return (_address, hop) => hop < hops;
}

/**
 * Whether the address proxy-addr picked from X-Forwarded-For can be used as the client's:
 * an IP address, as Node's strict parser reads it (no port, no brackets, no leading zeros)
 * and without a zone index, which names an interface of another machine. Anything else a
 * trusted hop passed along (`=HYPERLINK(…)`, `foo`) is never a limiter key nor stored.
 */
function isForwardedAddress(address: string | undefined, peer: string | undefined): boolean {
  if (address === undefined) return false;
  return address === peer || (isIP(address) !== 0 && !address.includes('%'));
}

/**
 * First of all hooks. Callback style: no promise per request. `trustProxy` is also
 * Fastify's own option (trustProxyOption), which decides what `request.ip` reads.
 */
export function registerHostGuard(
  app: FastifyInstance,
  policy: HostPolicy,
  trustProxy: TrustProxy,
): void {
  const hostAllowed = hostChecker(policy);
  const forwarding = trustProxyOption(trustProxy) !== false;
  app.addHook('onRequest', (request, _reply, done) => {
    // Before anything reads or logs request.ip. When what the proxies forwarded is not an
    // address, the request is the peer's own: a client cannot get a fresh limiter window
    // or write into the audit trail by making one up. The own property shadows Fastify's
    // getter for this request only, so the usual request keeps its shape.
    if (forwarding) {
      const peer = request.socket.remoteAddress;
      if (!isForwardedAddress(request.ip, peer)) {
        if (peer === undefined) {
          done(new ApiError(400, 'invalid_request', 'The connection closed before the request.'));
          return;
        }
        Object.defineProperty(request, 'ip', { value: peer, enumerable: true });
      }
    }
    const host = request.headers.host;
    if (!hostAllowed(host)) {
      done(new ApiError(421, 'host_not_allowed', hostRefusal(host, policy)));
      return;
    }
    // A NUL in a path parameter or the query is never a real id or filter, and PostgreSQL
    // cannot even take it as a query parameter: bad input, for both backends alike.
    if (request.url.includes('%00')) {
      done(new ApiError(400, 'invalid_request', 'The URL contains a NUL character (%00).'));
      return;
    }
    done();
  });
}
