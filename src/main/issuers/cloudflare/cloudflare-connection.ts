/**
 * Checking a Cloudflare token when a person connects the account in Settings: it is
 * live (`/user/tokens/verify`, or the account's), it may list tokens (a page of
 * them), and whose it is. Cloudflare cannot say whether it may create tokens
 * without making one; a token without API Tokens Write is refused, in words, at the
 * first create.
 *
 * The login shown is the account email when the token may read it (`GET /user`,
 * User Details Read: user tokens only), else the token's own name as Cloudflare
 * lists it; for account tokens, the name and the account.
 */
import { DeskError } from '../../desk-error.js';
import type { Fetch } from '../../ports.js';
import {
  displayable,
  isoOrNull,
  TOKEN_VALUE,
  tokenCheck,
  tokenPageCheck,
  verifyCheck,
} from './cloudflare-answers.js';
import { openTokenApi, type TokenApi } from './cloudflare-client.js';
import { describeCloudflareFailure } from './cloudflare-failure.js';
import { cloudflareScope } from './cloudflare-scope.js';

export interface VerifiedCloudflareConnection {
  /** The address to keep as the connection's host (the API base, plus /accounts/<id> for an account). */
  host: string;
  /** The account email, or the token's name (see above). */
  login: string;
  /** The connection token's own id: the issuer never rotates or deletes it. */
  tokenId: string;
  accountId: string | null;
  /** When the connection's own token stops working; null when it does not expire. */
  expiresAt: string | null;
}

export async function verifyCloudflareConnection(
  input: { address: string; token: string },
  fetch: Fetch,
  now: () => number = Date.now,
): Promise<VerifiedCloudflareConnection> {
  const scope = cloudflareScope(input.address);
  const token = input.token.trim();
  if (!TOKEN_VALUE.test(token))
    throw new DeskError(
      'invalid_request',
      'That does not look like a Cloudflare API token (one line of letters, digits and - _, as Cloudflare showed it).',
    );
  const api = openTokenApi({ ...scope, token, fetch });
  const needs =
    scope.accountId === null
      ? 'a token with API Tokens Read and Write (the “Create additional tokens” template)'
      : 'an account token with Account API Tokens Read and Write for this account';
  const step = async <T>(what: string, request: (api: TokenApi) => Promise<T>): Promise<T> => {
    try {
      return await request(api);
    } catch (error) {
      throw describeCloudflareFailure(error, {
        what,
        host: scope.host,
        needs,
        now: now(),
        secrets: [token],
      });
    }
  };
  const invalid = (what: string) =>
    new DeskError(
      'issuer_invalid_response',
      `Cloudflare at ${scope.host} ${what}, so Token Desk did not connect it. Check the API address.`,
    );

  const verified = await step('check the token', (client) => client.verify());
  if (!verifyCheck.Check(verified)) throw invalid('answered the token check without a token id');
  if (verified.status !== 'active')
    throw new DeskError(
      'issuer_bad_credential',
      `Cloudflare says this token is ${displayable(verified.status, 20)}, not active. Connect a token that works.`,
    );
  const page: unknown = await step('list your API tokens', async (client) =>
    (await client.listPage(1, 5)).json(),
  );
  if (!tokenPageCheck.Check(page)) throw invalid('answered without a valid page of tokens');
  const own = await step('read the token', (client) => client.get(verified.id));
  if (!tokenCheck.Check(own)) throw invalid('answered with a token Token Desk cannot read');
  const name = displayable(own.name) || verified.id;
  const email = await emailOf(api);
  return {
    host: `${scope.apiBase.href.replace(/\/+$/, '')}${scope.accountId ? `/accounts/${scope.accountId}` : ''}`,
    login:
      email ??
      (scope.accountId === null ? name : `${name} · account ${scope.accountId.slice(0, 8)}…`),
    tokenId: verified.id,
    accountId: scope.accountId,
    expiresAt: isoOrNull(verified.expires_on ?? own.expires_on),
  };
}

/** The user's email when the token may read it; null otherwise (most token-making tokens may not). */
async function emailOf(api: TokenApi): Promise<string | null> {
  try {
    const email = await api.userEmail();
    return typeof email === 'string' && /^[^\s@]{1,64}@[^\s@]{1,190}$/.test(email)
      ? displayable(email, 254)
      : null;
  } catch {
    return null;
  }
}
