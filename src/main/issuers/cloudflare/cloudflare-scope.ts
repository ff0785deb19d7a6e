/**
 * Where a Cloudflare connection's tokens live, from the address it was connected with:
 * the API base (https://api.cloudflare.com/client/v4 unless a person names another,
 * https only except on this computer) for the user's own tokens, or the same followed
 * by /accounts/<account id> for that account's tokens.
 */
import { CLOUDFLARE_API_BASE } from '../../../shared/issuers/cloudflare.js';
import { isLoopbackServiceUrl } from '../../../shared/service-url.js';
import { DeskError } from '../../desk-error.js';

/** Where a connection's tokens live: the API base, and the account for account-owned tokens. */
export interface CloudflareScope {
  apiBase: URL;
  accountId: string | null;
  /** The API host as a person recognises it (host, and port when not the default). */
  host: string;
}

/**
 * `https://api.cloudflare.com/client/v4` (user tokens) or the same followed by
 * `/accounts/<32 hex digits>` (that account's tokens). https only, except on this computer.
 */
export function cloudflareScope(address: string): CloudflareScope {
  let url: URL;
  try {
    url = new URL(address.trim() || CLOUDFLARE_API_BASE);
  } catch {
    throw badAddress();
  }
  const secure =
    url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackServiceUrl(url.href));
  if (!secure || url.username || url.password || url.search || url.hash) throw badAddress();
  const path = url.pathname.replace(/\/+$/, '');
  const account = /^(.*)\/accounts\/([0-9a-f]{32})$/.exec(path);
  const basePath = account ? account[1] : path;
  return {
    apiBase: new URL(`${url.origin}${basePath}/`),
    accountId: account ? (account[2] ?? null) : null,
    host: url.host,
  };
}

function badAddress(): DeskError {
  return new DeskError(
    'invalid_request',
    `A Cloudflare API address is ${CLOUDFLARE_API_BASE}, optionally followed by /accounts/ and an account id for that account's tokens (https://, no user name, query or fragment).`,
  );
}
