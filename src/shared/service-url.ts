/**
 * The token service URL as the app stores it: http(s), no credentials, no trailing
 * slash. It decides where a password and a 30-day session go, and it is pasted into
 * shell snippets, so what it may contain is kept deliberately small.
 */
export const DEFAULT_SERVICE_URL = 'http://127.0.0.1:4780';

export type ServiceUrlCheck = { ok: true; url: string } | { ok: false; message: string };

export const SERVICE_URL_MESSAGES = {
  unparsable: 'Enter the service URL, for example http://127.0.0.1:4780.',
  whitespace: 'The service URL must not contain spaces, line breaks or control characters.',
  scheme: 'The service URL must start with http:// or https://.',
  credentials: 'The service URL must not contain a user name or password.',
  queryOrFragment: 'The service URL must not contain a query or fragment.',
  host: 'The service URL host may contain only letters, digits, dots and hyphens, or be an IP address.',
  path: 'The service URL path may contain only letters, digits and . _ ~ / - (and percent-escaped non-ASCII characters).',
  httpsNeeded:
    'Use https:// for a service on another computer: over http:// your password and session would cross the network unencrypted. http:// is allowed only for this computer (localhost, 127.0.0.1, [::1]).',
} as const;

// The URL parser silently drops tabs and line breaks, so check what the person typed.
// eslint-disable-next-line no-control-regex
const WHITESPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f-\u009f]/;
// After parsing, a host is lower-case ASCII (IDN as punycode), an IPv4 address, or [IPv6].
const HOST = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])$/;
// RFC 3986 unreserved characters and "/". Every ASCII character a real service path
// needs is here; an escaped ASCII byte (%0a, %27, %24) is only ever a disguise.
const PATH = /^(?:[A-Za-z0-9._~/-]|%[89A-Fa-f][0-9A-Fa-f])*$/;

function isLoopback(hostname: string): boolean {
  // WHATWG parsing already turned 127.1 and 0x7f.1 into 127.0.0.1.
  return hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

/** Whether a (normalized) service URL points at this computer, where http:// is allowed. */
export function isLoopbackServiceUrl(serviceUrl: string): boolean {
  try {
    return isLoopback(new URL(serviceUrl).hostname);
  } catch {
    return false;
  }
}

function isValidUtf8Path(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

export function normalizeServiceUrl(raw: string): ServiceUrlCheck {
  const trimmed = raw.trim();
  const refuse = (message: string): ServiceUrlCheck => ({ ok: false, message });
  if (WHITESPACE_OR_CONTROL.test(trimmed)) return refuse(SERVICE_URL_MESSAGES.whitespace);
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return refuse(SERVICE_URL_MESSAGES.unparsable);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return refuse(SERVICE_URL_MESSAGES.scheme);
  }
  if (url.username || url.password) return refuse(SERVICE_URL_MESSAGES.credentials);
  if (url.search || url.hash || trimmed.includes('?') || trimmed.includes('#')) {
    return refuse(SERVICE_URL_MESSAGES.queryOrFragment);
  }
  if (!HOST.test(url.hostname)) return refuse(SERVICE_URL_MESSAGES.host);
  if (!PATH.test(url.pathname) || !isValidUtf8Path(url.pathname)) {
    return refuse(SERVICE_URL_MESSAGES.path);
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    return refuse(SERVICE_URL_MESSAGES.httpsNeeded);
  }
  return { ok: true, url: url.origin + url.pathname.replace(/\/+$/, '') };
}
