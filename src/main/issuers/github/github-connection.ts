/**
 * A GitHub issuer connection: its API base (checked: https, or http on this computer
 * only), the token pages main opens there, and the check when the person connects it.
 */
import type { GitHubTokenKind } from '../../../shared/issuers/github.js';
import { isLoopbackServiceUrl } from '../../../shared/service-url.js';
import { DeskError } from '../../desk-error.js';
import type { Fetch } from '../../ports.js';
import { checkGitHubToken, type GitHubTokenCheck } from './github-token-api.js';

/** The API base a GitHub issuer connection names: https (http only on this computer), no path tricks. */
export function githubIssuerApiBase(host: string): string {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw new DeskError('invalid_host', 'This GitHub connection has no usable address.');
  }
  const allowed =
    url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackServiceUrl(url.href));
  if (!allowed || url.username || url.password || url.search || url.hash)
    throw new DeskError(
      'invalid_host',
      'A GitHub address must be https:// (http:// only on this computer), without a user name, query or fragment.',
    );
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Where a person manages their tokens on this GitHub (main decides it; never from the page). */
export function githubTokenPage(apiBase: string, kind: GitHubTokenKind): string {
  const url = new URL(apiBase);
  const site =
    url.hostname === 'api.github.com'
      ? 'https://github.com'
      : `${url.origin}${url.pathname.replace(/\/api\/v3\/?$/, '').replace(/\/+$/, '')}`;
  return `${site}/settings/${kind === 'classic' ? 'tokens' : 'personal-access-tokens'}`;
}

/**
 * Checks a GitHub connection for the issuer. GitHub needs no credential to track
 * tokens (each value is checked as it is pasted), so `credential` may be null: then
 * only the address is checked. With one, GitHub says whose it is; its expiry comes
 * back too, for Settings to show.
 */
export async function verifyGitHubConnection(
  input: { host: string; credential: string | null },
  fetch: Fetch,
): Promise<{ apiBase: string; login: string | null; credential: GitHubTokenCheck | null }> {
  const apiBase = githubIssuerApiBase(input.host);
  if (input.credential === null || input.credential.trim() === '')
    return { apiBase, login: null, credential: null };
  const check = await checkGitHubToken(apiBase, input.credential, fetch);
  return { apiBase, login: check.login, credential: check };
}
