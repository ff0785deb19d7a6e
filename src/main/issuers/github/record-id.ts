/**
 * How a tracked GitHub token is named on the Token Desk service: `kind.login.random`
 * (GitHub logins have no dots). The service keeps every GitHub record of an account
 * under the one host, so the login in the id is what makes a record one connection's:
 * ada's tracked tokens are listed, rotated and revoked only through ada's connection.
 */
import { randomUUID } from 'node:crypto';
import type { GitHubTokenKind } from '../../../shared/issuers/github.js';
import { GITHUB_LOGIN } from '../../../shared/github-login.js';

const KINDS: readonly GitHubTokenKind[] = ['classic', 'fine-grained'];

/** A new record id for a token of `kind` that GitHub says is `login`'s. */
export function githubRecordId(kind: GitHubTokenKind, login: string): string {
  return `${kind}.${login}.${randomUUID()}`;
}

/** The kind and login in a record id this app wrote; null for anything else. */
export function parseGitHubRecordId(id: string): { kind: GitHubTokenKind; login: string } | null {
  const [kind, login, random, ...rest] = id.split('.');
  if (rest.length > 0 || !random || !KINDS.includes(kind as GitHubTokenKind)) return null;
  if (!login || !GITHUB_LOGIN.test(login)) return null;
  return { kind: kind as GitHubTokenKind, login };
}

/** GitHub logins are unique whatever their case: "Ada" and "ada" are one account. */
export function sameGitHubLogin(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Whether a record id is one of `login`'s (a connection's): anything unparsable is not. */
export function isRecordOf(login: string): (id: string) => boolean {
  return (id) => {
    const parsed = parseGitHubRecordId(id);
    return parsed !== null && login !== '' && sameGitHubLogin(parsed.login, login);
  };
}
