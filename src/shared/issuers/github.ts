/**
 * GitHub personal access tokens as Token Desk tracks them. GitHub has no API to list,
 * create, rotate or revoke a person's own tokens, so Token Desk keeps a record of the
 * tokens the person tracks here (name, kind, login, expiry as GitHub last said it) and
 * never their values. No Node or DOM: the renderer's form and main's check share this.
 */
import { Type, type Static } from 'typebox';

/**
 * What the page may send when tracking a token, beyond its name: nothing. The value is
 * asked in main's own prompt (never from the page) and the expiry is read from GitHub,
 * so a page that sends either, or anything else, is refused by name.
 */
export const GitHubTrackOptions = Type.Object({}, { additionalProperties: false });
export type GitHubTrackOptions = Static<typeof GitHubTrackOptions>;

/** The two kinds of personal access token, told apart by their prefix. */
export type GitHubTokenKind = 'classic' | 'fine-grained';

export const GITHUB_TOKEN_KIND_LABELS: Record<GitHubTokenKind, string> = {
  classic: 'GitHub classic token',
  'fine-grained': 'GitHub fine-grained token',
};

/** What GitHub cannot tell Token Desk, in the words the page shows instead of a blank. */
export const GITHUB_UNKNOWN = {
  lastUse: 'GitHub does not tell when a personal access token was used',
  expiryUnchecked: 'Unknown until the value is checked',
  /** A fine-grained token's permissions are not in any answer to the token itself. */
  fineGrainedScopes: 'Permissions are shown only on GitHub',
} as const;
