/** The token service URL as the app stores it: http(s), no credentials, no trailing slash. */
export const DEFAULT_SERVICE_URL = 'http://127.0.0.1:4780';

export type ServiceUrlCheck = { ok: true; url: string } | { ok: false; message: string };

export function normalizeServiceUrl(raw: string): ServiceUrlCheck {
  const trimmed = raw.trim();
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return { ok: false, message: 'Enter the service URL, for example http://127.0.0.1:4780.' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, message: 'The service URL must start with http:// or https://.' };
  }
  if (url.username || url.password) {
    return { ok: false, message: 'The service URL must not contain a user name or password.' };
  }
  if (url.search || url.hash) {
    return { ok: false, message: 'The service URL must not contain a query or fragment.' };
  }
  return { ok: true, url: url.origin + url.pathname.replace(/\/+$/, '') };
}
