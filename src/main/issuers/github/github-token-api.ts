/**
 * The two GitHub endpoints that say anything about a personal access token:
 * `GET /user` with the token (who it belongs to; its expiry in the
 * `GitHub-Authentication-Token-Expiration` header when it has one; a classic token's
 * scopes in `X-OAuth-Scopes`), and `POST /credentials/revoke` (unauthenticated; up to
 * 1,000 values; 202). The value is a secret the person pasted: it goes to the API base
 * only, is checked for shape before anything is sent, and is cut out of every error.
 * Answers are untrusted: bounded, checked, redirects refused.
 */
import { CUT_OFF, TOO_LARGE, readBounded } from '../../net/read-bounded.js';
import { Compile } from 'typebox/compile';
import { Type } from 'typebox';
import { redactSecrets } from '../../../shared/credential-patterns.js';
import { isLoopbackServiceUrl } from '../../../shared/service-url.js';
import type { GitHubTokenKind } from '../../../shared/issuers/github.js';
import { GITHUB_LOGIN } from '../../../shared/github-login.js';
import { DeskError } from '../../desk-error.js';
import { findOutboundError } from '../../net/outbound-error.js';
import type { Fetch } from '../../ports.js';

export const GITHUB_REQUEST_TIMEOUT_MS = 15_000;
/** GitHub's /user answer is about 2 KB; anything past this is not GitHub's. */
export const GITHUB_MAX_ANSWER_BYTES = 256 * 1024;
/** GitHub's documented limit per revocation request. */
export const GITHUB_MAX_REVOKE = 1000;
const API_VERSION = '2022-11-28';

// GitHub's formats since 2021: a prefix, then letters and digits (fine-grained: and `_`).
// GitHub said its tokens may grow to 255 characters, so only a floor is fixed. Nothing
// else is allowed: the value goes into a header.
const CLASSIC = /^ghp_[A-Za-z0-9]{30,251}$/;
const FINE_GRAINED = /^github_pat_[A-Za-z0-9_]{30,244}$/;
/** Every prefix /credentials/revoke takes (its OpenAPI description lists these five). */
const REVOCABLE = /^(?:ghp_|gho_|ghu_|ghr_)[A-Za-z0-9]{30,251}$|^github_pat_[A-Za-z0-9_]{30,244}$/;
const OTHER_KINDS: [RegExp, string][] = [
  [/^gho_/, 'an OAuth app token (gho_)'],
  [/^ghu_/, "a GitHub App's user token (ghu_)"],
  [/^ghs_/, "a GitHub App's installation token (ghs_)"],
  [/^ghr_/, "a GitHub App's refresh token (ghr_)"],
];

const LOGIN = GITHUB_LOGIN.source;
const userCheck = Compile(Type.Object({ login: Type.String({ pattern: LOGIN }) }));
const SCOPE = /^[a-z][a-z0-9_:]{0,49}$/;
const MAX_SCOPES = 50;

export interface GitHubTokenCheck {
  login: string;
  kind: GitHubTokenKind;
  /**
   * When GitHub says the token expires; null when it sent no expiry (a token without
   * one) or one Token Desk could not read (`expiry` says which).
   */
  expiresAt: string | null;
  expiry: 'expires' | 'never' | 'unreadable';
  /** A classic token's scopes as GitHub lists them; null for a fine-grained token. */
  scopes: string[] | null;
}

/** The kind of a pasted value, or a sentence saying why it is not one Token Desk tracks. */
export function githubTokenKind(value: string): GitHubTokenKind | { problem: string } {
  if (CLASSIC.test(value)) return 'classic';
  if (FINE_GRAINED.test(value)) return 'fine-grained';
  for (const [pattern, kind] of OTHER_KINDS) {
    if (pattern.test(value))
      return {
        problem: `That is ${kind}, not a personal access token. Paste a classic (ghp_…) or fine-grained (github_pat_…) personal access token.`,
      };
  }
  return {
    problem:
      'That is not a GitHub personal access token: they start with ghp_ (classic) or github_pat_ (fine-grained). Copy it again from GitHub.',
  };
}

/**
 * The value of `GitHub-Authentication-Token-Expiration` as an ISO time, or null when it
 * is not exactly one of the two forms GitHub sends: `2026-03-01 12:00:00 UTC`, and
 * `2023-04-26 20:23:26 +0200` (go-github#2649). Never a guess: a wrong date would
 * silence a reminder.
 */
export function parseGitHubExpiration(header: string): string | null {
  const match =
    /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) (?:UTC|([+-])(\d{2})(\d{2}))$/.exec(header);
  if (!match) return null;
  const [, y, mo, d, h, mi, s, sign, oh, om] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const offsetMinutes = sign ? (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) : 0;
  if (sign && (Number(oh) > 14 || Number(om) > 59)) return null;
  if (year < 2000 || hour > 23 || minute > 59 || second > 59) return null;
  const local = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(local);
  // Date.UTC rolls 2026-02-30 over to March: refuse instead.
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return new Date(local - offsetMinutes * 60_000).toISOString();
}

/** A sentence about GitHub at `apiBase`, with every secret cut out. */
function failure(code: string, message: string, secrets: readonly string[]): DeskError {
  return new DeskError(code, redactSecrets(message, secrets));
}

/** `api.github.com`, or a GitHub Enterprise host, as a person recognises it. */
export function githubHostLabel(apiBase: string): string {
  return new URL(apiBase).host;
}

/** Whether this API base is GitHub Enterprise Server (which has no /credentials/revoke). */
export function isEnterpriseApi(apiBase: string): boolean {
  return /\/api\/v3\/?$/.test(new URL(apiBase).pathname);
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * One request to GitHub: no redirect followed, a timeout, the answer read up to
 * GITHUB_MAX_ANSWER_BYTES. Failures before an answer become sentences naming the host.
 */
async function request(
  fetch: Fetch,
  apiBase: string,
  path: string,
  init: { method: string; headers: Record<string, string>; body?: string },
  what: string,
  secrets: readonly string[],
  timeoutMs: number,
): Promise<Answer> {
  const host = githubHostLabel(apiBase);
  // The one door a value leaves by: https, or http to this computer (the stand-ins) only.
  const base = new URL(apiBase);
  if (!(
    base.protocol === 'https:' ||
    (base.protocol === 'http:' && isLoopbackServiceUrl(base.href))
  ))
    throw new DeskError(
      'invalid_host',
      `Token Desk sends a GitHub token only over https://, and ${base.protocol}//${host} is not, so nothing was sent.`,
    );
  let response: Response;
  try {
    response = await fetch(`${apiBase.replace(/\/+$/, '')}${path}`, {
      ...init,
      headers: {
        accept: 'application/vnd.github+json',
        'x-github-api-version': API_VERSION,
        'user-agent': 'token-desk',
        ...init.headers,
      },
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const outbound = findOutboundError(error);
    if (outbound)
      throw failure(
        'github_unreachable',
        `${outbound.message} (Token Desk was trying to ${what} on GitHub.)`,
        secrets,
      );
    const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
    throw failure(
      'github_unreachable',
      timedOut
        ? `GitHub at ${host} did not answer within ${timeoutMs / 1000} seconds, so Token Desk could not ${what}. Try again.`
        : `Token Desk could not reach GitHub at ${host} to ${what}. Check the address and your connection.`,
      secrets,
    );
  }
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel().catch(() => {});
    throw failure(
      'github_redirect',
      `GitHub at ${host} answered with a redirect (${response.status}) when Token Desk tried to ${what}. Token Desk does not follow redirects with a token; check the GitHub address.`,
      secrets,
    );
  }
  const text = await readBounded(response, GITHUB_MAX_ANSWER_BYTES);
  if (text === TOO_LARGE)
    throw failure(
      'github_invalid_response',
      `GitHub at ${host} answered with more than ${GITHUB_MAX_ANSWER_BYTES / 1024} KB when Token Desk tried to ${what}, which no answer of GitHub's to this is. Check the GitHub address.`,
      secrets,
    );
  if (text === CUT_OFF)
    throw failure(
      'github_unreachable',
      `GitHub at ${host} stopped in the middle of its answer when Token Desk tried to ${what}. Try again.`,
      secrets,
    );
  return { status: response.status, headers: response.headers, text };
}

/** A failed answer in words: rate limits, server trouble, anything else with GitHub's message. */
function statusFailure(answer: Answer, host: string, what: string, secrets: readonly string[]) {
  const { status, headers } = answer;
  if (
    status === 429 ||
    (status === 403 &&
      (headers.get('x-ratelimit-remaining') === '0' || headers.get('retry-after') !== null))
  ) {
    const retryAfter = Number(headers.get('retry-after'));
    const reset = Number(headers.get('x-ratelimit-reset'));
    const at =
      Number.isFinite(retryAfter) && headers.get('retry-after') !== null
        ? Date.now() + retryAfter * 1000
        : Number.isFinite(reset) && reset > 0
          ? reset * 1000
          : null;
    const when =
      at === null
        ? 'Try again in a few minutes.'
        : `Try again after ${new Date(at).toISOString().slice(11, 19)} UTC.`;
    return failure(
      'github_rate_limited',
      `GitHub at ${host} is limiting requests, so Token Desk could not ${what}. ${when}`,
      secrets,
    );
  }
  if (status >= 500)
    return failure(
      'github_unreachable',
      `GitHub at ${host} answered ${status} when Token Desk tried to ${what}. Try again later.`,
      secrets,
    );
  const message = githubMessage(answer.text);
  return failure(
    'github_refused',
    `GitHub at ${host} answered ${status} when Token Desk tried to ${what}${message ? `: “${message}”` : ''}.`,
    secrets,
  );
}

/** GitHub's own explanation from an error body, flattened and cut short; null without one. */
function githubMessage(text: string): string | null {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  const message = (body as { message?: unknown } | null)?.message;
  if (typeof message !== 'string') return null;
  const flat = message
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > 200 ? `${flat.slice(0, 199)}…` : flat || null;
}

/**
 * Checks a pasted value with GitHub: who it belongs to, its kind, its expiry, and a
 * classic token's scopes. A value that is not a personal access token is refused
 * before anything is sent; the value never appears in an error.
 */
export async function checkGitHubToken(
  apiBase: string,
  rawValue: string,
  fetch: Fetch,
  options: { timeoutMs?: number } = {},
): Promise<GitHubTokenCheck> {
  const value = rawValue.trim();
  const kind = githubTokenKind(value);
  const secrets = [value, rawValue];
  if (typeof kind === 'object') throw failure('github_not_a_token', kind.problem, secrets);
  const host = githubHostLabel(apiBase);
  const what = 'check the token';
  const answer = await request(
    fetch,
    apiBase,
    '/user',
    { method: 'GET', headers: { authorization: `Bearer ${value}` } },
    what,
    secrets,
    options.timeoutMs ?? GITHUB_REQUEST_TIMEOUT_MS,
  );
  if (answer.status === 401)
    throw failure(
      'github_token_refused',
      `GitHub at ${host} does not accept this value: it is not a working GitHub token there (mistyped, expired, revoked, or made on another GitHub).`,
      secrets,
    );
  if (answer.status !== 200) throw statusFailure(answer, host, what, secrets);
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    body = undefined;
  }
  if (!userCheck.Check(body))
    throw failure(
      'github_invalid_response',
      `GitHub at ${host} answered without a valid login when Token Desk checked the token, so nothing was recorded. Check the GitHub address.`,
      secrets,
    );
  const header = answer.headers.get('github-authentication-token-expiration');
  const expiresAt = header === null ? null : parseGitHubExpiration(header.trim());
  return {
    login: body.login,
    kind,
    expiresAt,
    expiry: header === null ? 'never' : expiresAt === null ? 'unreadable' : 'expires',
    scopes: kind === 'classic' ? scopesOf(answer.headers.get('x-oauth-scopes')) : null,
  };
}

const publicUserCheck = Compile(
  Type.Object({ login: Type.String({ pattern: LOGIN }), type: Type.String({ maxLength: 50 }) }),
);

/** A GitHub login as GitHub spells it, looked up without any token. */
export interface GitHubUser {
  login: string;
}

/**
 * Looks a login up on GitHub without a token (`GET /users/{username}`): whether it is a
 * person's account (an organization owns no personal access tokens) and how GitHub
 * spells it. A login that is not login-shaped is refused before anything is sent. A
 * GitHub Enterprise Server in private mode answers 401 to anyone without a token: said.
 */
export async function lookUpGitHubUser(
  apiBase: string,
  rawLogin: string,
  fetch: Fetch,
  options: { timeoutMs?: number } = {},
): Promise<GitHubUser> {
  const login = rawLogin.trim();
  const host = githubHostLabel(apiBase);
  if (!GITHUB_LOGIN.test(login))
    throw new DeskError(
      'invalid_login',
      'A GitHub login is letters, digits and hyphens (such as “octocat”), as in your profile’s address on GitHub.',
    );
  const what = `look up ${login}`;
  const answer = await request(
    fetch,
    apiBase,
    `/users/${encodeURIComponent(login)}`,
    { method: 'GET', headers: {} },
    what,
    [],
    options.timeoutMs ?? GITHUB_REQUEST_TIMEOUT_MS,
  );
  if (answer.status === 404)
    throw new DeskError(
      'github_user_unknown',
      `GitHub at ${host} has no account named ${login}. Check the login: it is the name in your profile’s address.`,
    );
  if (answer.status === 401)
    throw new DeskError(
      'github_needs_token',
      `GitHub at ${host} shows accounts only to people signed in, so Token Desk could not check ${login} without a token. Connect this GitHub with an access token instead.`,
    );
  if (answer.status !== 200) throw statusFailure(answer, host, what, []);
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    body = undefined;
  }
  if (!publicUserCheck.Check(body) || body.login.toLowerCase() !== login.toLowerCase())
    throw new DeskError(
      'github_invalid_response',
      `GitHub at ${host} answered without the account Token Desk asked for when it looked up ${login}. Check the GitHub address.`,
    );
  if (body.type !== 'User')
    throw new DeskError(
      'github_not_a_person',
      `${body.login} on GitHub at ${host} is ${body.type === 'Organization' ? 'an organization' : `a ${body.type.slice(0, 30).replace(/[^\w -]/g, '')} account`}, and only a person’s account has personal access tokens. Enter your own login.`,
    );
  return { login: body.login };
}

/** `X-OAuth-Scopes` as a list: only scope-shaped entries, at most MAX_SCOPES. */
function scopesOf(header: string | null): string[] {
  if (header === null) return [];
  return header
    .split(',')
    .map((scope) => scope.trim())
    .filter((scope) => SCOPE.test(scope))
    .slice(0, MAX_SCOPES);
}

/**
 * Asks GitHub to revoke `values` (POST /credentials/revoke, unauthenticated: GitHub
 * answers 403 to an authenticated call). Only on github.com: GitHub Enterprise Server
 * does not have this endpoint. Every value is checked for shape before anything is sent.
 */
export async function revokeGitHubCredentials(
  apiBase: string,
  rawValues: readonly string[],
  fetch: Fetch,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  const values = rawValues.map((value) => value.trim());
  const secrets = [...values, ...rawValues];
  const host = githubHostLabel(apiBase);
  if (values.length === 0 || values.length > GITHUB_MAX_REVOKE)
    throw new DeskError(
      'github_revoke_refused',
      `GitHub revokes 1 to ${GITHUB_MAX_REVOKE} tokens at a time; Token Desk was given ${values.length}.`,
    );
  if (!values.every((value) => REVOCABLE.test(value)))
    throw new DeskError(
      'github_not_a_token',
      'One of the values is not a GitHub token GitHub can revoke (ghp_, github_pat_, gho_, ghu_ or ghr_), so nothing was sent.',
    );
  if (isEnterpriseApi(apiBase))
    throw new DeskError(
      'github_revoke_unavailable',
      `GitHub Enterprise Server (${host}) has no API to revoke a token, so nothing was sent. Delete it on ${host} under Settings → Developer settings.`,
    );
  const what = 'revoke the token';
  const answer = await request(
    fetch,
    apiBase,
    '/credentials/revoke',
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ credentials: values }),
    },
    what,
    secrets,
    options.timeoutMs ?? GITHUB_REQUEST_TIMEOUT_MS,
  );
  if (answer.status === 202) return;
  if (answer.status === 422)
    throw failure(
      'github_revoke_refused',
      `GitHub at ${host} refused to revoke the token${githubMessage(answer.text) ? `: “${githubMessage(answer.text)}”` : ''}. It may still work: delete it on GitHub under Settings → Developer settings.`,
      secrets,
    );
  throw statusFailure(answer, host, what, secrets);
}
