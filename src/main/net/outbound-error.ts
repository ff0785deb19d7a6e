/**
 * A request that got no HTTP answer from its host, in a sentence that names the
 * host and, when one was used, the proxy (its address only: never a user name or
 * password). undici reports these as `TypeError: fetch failed` with the real
 * reason somewhere down the `cause` chain; this is the one place that reads it.
 */

export type OutboundErrorCode =
  /** Nothing answered: the proxy or the host is down, refused, or its name does not resolve. */
  | 'unreachable'
  /** The proxy wants a user name and password, or refused the ones Token Desk sent. */
  | 'proxy_auth_failed'
  /** The proxy answered the tunnel request with something other than 200 or 407. */
  | 'proxy_refused'
  /** HTTPS_PROXY (or its kin) is set to something that is not a proxy address. */
  | 'proxy_misconfigured'
  | 'certificate_untrusted'
  | 'certificate_expired'
  | 'certificate_wrong_name'
  /** Any other certificate or TLS failure (revoked, not yet valid, not TLS at all). */
  | 'certificate_problem'
  /** http:// to another computer: a credential would cross the network in clear text. */
  | 'insecure_url';

export class OutboundError extends Error {
  constructor(
    readonly code: OutboundErrorCode,
    message: string,
    /** The code Node or undici gave, for logs and tests; never shown on its own. */
    readonly reason: string | null = null,
  ) {
    super(message);
    this.name = 'OutboundError';
  }
}

/** Where a request was going and how: what every sentence needs to name. */
export interface Route {
  /** The target as a person would recognise it: host, and port when not the default. */
  host: string;
  /** The proxy's address without credentials, and the variable it came from; null when direct. */
  proxy: { origin: string; source: string } | null;
  /** Whether a Proxy-Authorization header was sent (from the URL or the keychain). */
  sentProxyCredentials: boolean;
}

/** The first OutboundError in `error`'s cause chain (Octokit wraps what fetch threw). */
export function findOutboundError(error: unknown): OutboundError | null {
  for (const entry of causes(error)) if (entry instanceof OutboundError) return entry;
  return null;
}

const UNKNOWN_AUTHORITY = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
]);

const NO_CONNECTION = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const CUT_OFF = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

const ADD_YOUR_CA =
  "If it is your company's server, add your company's certificate authority (a PEM file from your IT department) to Token Desk's trusted authorities. Token Desk does not skip this check.";

/**
 * What fetch threw, as an OutboundError; null when the caller words it better
 * itself: its own abort or timeout, a host on a direct route that refused or cut
 * the connection (the caller knows it is "the token service" or "GitHub"), or a
 * bug, which goes on as it was.
 */
export function describeNetworkFailure(error: unknown, route: Route): OutboundError | null {
  const chain = causes(error);
  if (chain.some((entry) => entry instanceof OutboundError)) {
    return chain.find((entry) => entry instanceof OutboundError) as OutboundError;
  }
  const { host } = route;
  const viaProxy = route.proxy ? ` through the proxy ${proxyName(route)}` : '';

  // Before the abort check: undici names its refused tunnel an AbortError too.
  const tunnelStatus = chain.map(proxyStatusOf).find((status) => status !== null) ?? null;
  if (tunnelStatus !== null && route.proxy) {
    if (tunnelStatus === 407) {
      return new OutboundError(
        'proxy_auth_failed',
        route.sentProxyCredentials
          ? `The proxy ${proxyName(route)} refused the user name and password Token Desk sent for it, so ${host} was not reached. Sign in to the proxy again with your current password.`
          : `The proxy ${proxyName(route)} asks for a user name and password, and none is saved for it, so ${host} was not reached. Sign in to the proxy first.`,
        'HTTP 407',
      );
    }
    return new OutboundError(
      'proxy_refused',
      `The proxy ${proxyName(route)} would not open a connection to ${host} (it answered ${tunnelStatus}): it may not reach ${host}, or may not allow it. Ask whoever runs the proxy.`,
      `HTTP ${tunnelStatus}`,
    );
  }

  if (chain.some(isCallersAbort)) return null;
  for (const entry of chain) {
    const code = codeOf(entry);
    if (code === null) continue;
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
      const names = altNamesOf(entry);
      return new OutboundError(
        'certificate_wrong_name',
        `The certificate ${host} presented is not for ${hostnameOf(host)}${names ? ` (it is for ${names})` : ''}, so Token Desk did not send anything${viaProxy}. Check the address; if it is right, the server is misconfigured, or something between you and it is answering in its place.`,
        code,
      );
    }
    if (UNKNOWN_AUTHORITY.has(code)) {
      const selfSigned = code === 'DEPTH_ZERO_SELF_SIGNED_CERT';
      return new OutboundError(
        'certificate_untrusted',
        `${selfSigned ? `${host} presented a self-signed certificate` : `The certificate of ${host} is signed by an authority this computer does not trust`} (unknown authority), so Token Desk did not send anything${viaProxy}. ${ADD_YOUR_CA}`,
        code,
      );
    }
    if (code === 'CERT_HAS_EXPIRED') {
      return new OutboundError(
        'certificate_expired',
        `The certificate of ${host} has expired, so Token Desk did not send anything${viaProxy}. Whoever runs ${hostnameOf(host)} needs to renew it; check too that this computer's clock is right.`,
        code,
      );
    }
    if (code === 'CERT_NOT_YET_VALID') {
      return new OutboundError(
        'certificate_problem',
        `The certificate of ${host} is not valid yet, so Token Desk did not send anything. Check that this computer's clock is right.`,
        code,
      );
    }
    if (code.startsWith('CERT_') || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
      return new OutboundError(
        'certificate_problem',
        `Token Desk could not set up a secure connection to ${host}${viaProxy} (${code}), so it sent nothing. Check that the address is an https:// one that ${hostnameOf(host)} really serves.`,
        code,
      );
    }
    if (NO_CONNECTION.has(code)) {
      // Through a proxy the only connection Token Desk opens is to the proxy.
      if (route.proxy) {
        return new OutboundError(
          'unreachable',
          `Can't reach the proxy ${proxyName(route)} (${connectionWords(code)}), so ${host} was not reached. Check that the proxy is running and that ${route.proxy.source} is right.`,
          code,
        );
      }
      if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
        return new OutboundError(
          'unreachable',
          `The name ${hostnameOf(host)} does not resolve on this computer, so Token Desk could not reach it. Check the address; if ${hostnameOf(host)} is only reachable through your company's proxy, set HTTPS_PROXY before starting Token Desk.`,
          code,
        );
      }
      // Direct and refused or unrouted: the caller knows what the host is and says it better.
      return null;
    }
    if (CUT_OFF.has(code)) {
      if (!route.proxy) return null;
      return new OutboundError(
        'unreachable',
        `The connection to ${host}${viaProxy} was closed before an answer came. Try again.`,
        code,
      );
    }
  }
  return null;
}

function proxyName(route: Route): string {
  return route.proxy ? `${route.proxy.origin} (from ${route.proxy.source})` : '';
}

function connectionWords(code: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'it refused the connection';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'its name does not resolve';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'it did not accept a connection in time';
    default:
      return 'no route to it';
  }
}

function hostnameOf(host: string): string {
  return host.replace(/:\d+$/, '');
}

/** The error and its causes, outermost first; cycles and depth are bounded. */
function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current = error;
  while (current !== undefined && current !== null && chain.length < 8) {
    if (chain.includes(current)) break;
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

/** The caller's signal fired (its timeout, or it gave up): the caller words that itself. */
function isCallersAbort(entry: unknown): boolean {
  return (
    entry instanceof DOMException && (entry.name === 'AbortError' || entry.name === 'TimeoutError')
  );
}

function codeOf(entry: unknown): string | null {
  const code = (entry as { code?: unknown })?.code;
  return typeof code === 'string' ? code : null;
}

/**
 * The status a proxy answered a CONNECT with. undici says it only in its message
 * ("Proxy response (407) !== 200 when HTTP Tunneling"); the tests pin that wording.
 */
function proxyStatusOf(entry: unknown): number | null {
  const message = (entry as { message?: unknown })?.message;
  if (typeof message !== 'string') return null;
  const match = /^Proxy response \((\d{3})\) !== 200/.exec(message);
  if (match) return Number(match[1]);
  // Plain-http requests through a proxy (not tunnelled) report 407 this way.
  return /^Proxy Authentication Required \(407\)/.test(message) ? 407 : null;
}

/** The DNS names a refused certificate is for, as Node gives them ("DNS:a, DNS:b"). */
function altNamesOf(entry: unknown): string | null {
  const names = (entry as { cert?: { subjectaltname?: unknown } })?.cert?.subjectaltname;
  if (typeof names !== 'string' || names.length === 0) return null;
  return names
    .split(/,\s*/)
    .map((name) => name.replace(/^DNS:/, ''))
    .slice(0, 5)
    .join(', ')
    .slice(0, 300);
}
