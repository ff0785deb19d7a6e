/**
 * Which proxy a request goes through, from the environment, the way curl and
 * undici's EnvHttpProxyAgent read it: lower-case names first (`https_proxy`, then
 * `HTTPS_PROXY`, then the http ones for https too), `no_proxy`/`NO_PROXY` as a list
 * of host names, domain suffixes (`.corp.example` or `corp.example`), optional
 * ports, or `*`. Our own choice on top: this computer (localhost, 127.0.0.0/8,
 * [::1]) is never proxied, because the local token service is there and a
 * company proxy cannot reach it.
 */
import { isIP } from 'node:net';
import { OutboundError } from './outbound-error.js';

export type ProxyEnvironment = Readonly<Record<string, string | undefined>>;

export interface ProxyChoice {
  /** As configured, credentials included when the URL carries them. */
  url: URL;
  /** scheme://host:port only: what sentences and the keychain entry name. */
  origin: string;
  /** The variable it came from, e.g. HTTPS_PROXY. */
  source: string;
}

function firstSet(env: ProxyEnvironment, names: readonly string[]): [string, string] | null {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return [name, value];
  }
  return null;
}

const HTTPS_NAMES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'] as const;
const HTTP_NAMES = ['http_proxy', 'HTTP_PROXY'] as const;

/** The proxy for `target`, or null to connect directly. */
export function proxyFor(target: URL, env: ProxyEnvironment): ProxyChoice | null {
  if (isLoopback(target.hostname)) return null;
  const configured = firstSet(env, target.protocol === 'https:' ? HTTPS_NAMES : HTTP_NAMES);
  if (!configured) return null;
  if (bypassed(target, firstSet(env, ['no_proxy', 'NO_PROXY'])?.[1] ?? '')) return null;
  const [source, raw] = configured;
  return { ...parseProxyUrl(raw, source), source };
}

function parseProxyUrl(raw: string, source: string): { url: URL; origin: string } {
  // curl takes "proxy.corp:3128" as http://; so do we.
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    // The value is not echoed: it may hold a password.
    throw new OutboundError(
      'proxy_misconfigured',
      `${source} is set to something that is not a proxy address. Set it to one like http://proxy.example:3128, or unset it.`,
    );
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw new OutboundError(
      'proxy_misconfigured',
      `${source} names a ${url.protocol.replace(/:$/, '')} proxy; Token Desk uses http:// and https:// proxies. Set it to one like http://proxy.example:3128, or unset it.`,
    );
  }
  return { url, origin: url.origin };
}

/** Whether NO_PROXY keeps `target` off the proxy. */
export function bypassed(target: URL, noProxy: string): boolean {
  const hostname = bare(target.hostname);
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    const { name, entryPort } = splitEntry(entry);
    if (entryPort !== null && entryPort !== port) continue;
    const domain = name.replace(/^\*?\./, '');
    if (!domain) continue;
    if (hostname === domain) return true;
    // A suffix matches on a label boundary only, and never inside an IP address.
    if (!isIP(hostname) && hostname.endsWith(`.${domain}`)) return true;
  }
  return false;
}

function splitEntry(entry: string): { name: string; entryPort: string | null } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { name: bracketed[1]!, entryPort: bracketed[2] ?? null };
  // An IPv6 address without brackets has several colons: no port on it.
  if (isIP(entry) === 6) return { name: entry, entryPort: null };
  const withPort = /^(.*):(\d+)$/.exec(entry);
  return withPort
    ? { name: withPort[1]!, entryPort: withPort[2]! }
    : { name: entry, entryPort: null };
}

function bare(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

export function isLoopback(hostname: string): boolean {
  const name = bare(hostname);
  return (
    name === 'localhost' ||
    name.endsWith('.localhost') ||
    name === '::1' ||
    (isIP(name) === 4 && name.startsWith('127.'))
  );
}

/** What sentences call the proxy Electron's session chose ("Check that … is right"). */
export const SYSTEM_PROXY_SOURCE = 'the system proxy setting';

/**
 * The proxy for `target` from Chromium's answer to `session.resolveProxy` (the system's
 * settings, a PAC script's result): `DIRECT`, or `PROXY host:port` / `HTTPS host:port`,
 * several separated by `;` in order of preference. The first entry Token Desk can use
 * wins: DIRECT, or an HTTP(S) proxy. SOCKS entries are passed over; a list of nothing
 * but SOCKS is an error in words, never a quiet direct connection.
 */
export function proxyFromPac(target: URL, answer: string): ProxyChoice | null {
  if (isLoopback(target.hostname)) return null;
  const entries = answer
    .split(';')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) return null;
  for (const entry of entries) {
    const [kind = '', address = ''] = entry.split(/\s+/);
    const type = kind.toUpperCase();
    if (type === 'DIRECT') return null;
    if ((type === 'PROXY' || type === 'HTTPS') && address) {
      const scheme = type === 'HTTPS' ? 'https' : 'http';
      return {
        ...parseProxyUrl(`${scheme}://${address}`, SYSTEM_PROXY_SOURCE),
        source: SYSTEM_PROXY_SOURCE,
      };
    }
  }
  throw new OutboundError(
    'proxy_misconfigured',
    `The system proxy setting sends ${target.host} through a SOCKS proxy only (${entries.join('; ')}); Token Desk uses HTTP and HTTPS proxies. Ask for an HTTP proxy, or set HTTPS_PROXY to one before starting Token Desk.`,
  );
}
