/**
 * What GitHub says about personal access tokens, plugged into the fake GitHub
 * (tests/support/ci-providers/github/fake-github.ts): tokens a test makes, `GET /user`
 * answered with them, and `POST /credentials/revoke`. Faithful to GitHub's own
 * descriptions, and checked against the official OpenAPI description (@octokit/openapi)
 * through GitHubContract; anything a client sends off-contract is recorded in
 * `violations` for the tests to assert empty.
 *
 * Sources:
 * - GET /user: https://docs.github.com/rest/users/users#get-the-authenticated-user
 *   (200 with a private-user body; 401 "Bad credentials" in the basic-error shape).
 * - The `GitHub-Authentication-Token-Expiration` header "returned in the response
 *   header when a PAT with expiration is used" (github/roadmap#203, shipped in the
 *   changelog of 2021-07-26): absent for a token without expiry; `2026-03-01 12:00:00
 *   UTC`, and on some tokens a numeric offset, `2023-04-26 20:23:26 +0200`
 *   (go-github's parseTokenExpiration and go-github#2649).
 * - `X-OAuth-Scopes` on classic tokens: https://docs.github.com/apps/oauth-apps/building-oauth-apps/scopes-for-oauth-apps
 *   (fine-grained tokens have no scopes and send none).
 * - GET /users/{username}: https://docs.github.com/rest/users/users#get-a-user
 *   (no token needed; 200 with a public-user body whose `type` is "User" or
 *   "Organization"; 404 "Not Found"). A private GitHub Enterprise Server answers 401
 *   to anyone without a token (`privateMode`).
 * - POST /credentials/revoke: https://docs.github.com/rest/credentials/revoke
 *   (`{credentials: string[]}`, 1 to 1,000; 202; 422 on validation failure;
 *   "Any authenticated requests will return a 403"; github.com only: the GHES
 *   descriptions in @octokit/openapi do not have it).
 * - API versions: https://docs.github.com/rest/about-the-rest-api/api-versions
 *   (an unsupported `X-GitHub-Api-Version` gets 400).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { GitHubContract } from '../../ci-providers/github/github-contract.js';
import {
  startFakeGitHub,
  type FakeGitHub,
  type FakeGitHubExtension,
} from '../../ci-providers/github/fake-github.js';

const DOCS = 'https://docs.github.com/rest';
const API_VERSIONS = new Set(['2022-11-28', '2026-03-10']);
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

type Kind = 'classic' | 'fine-grained';

interface Token {
  login: string;
  kind: Kind;
  scopes: string[];
  /** The header value GitHub sends, as given (a test may make it malformed); null: no expiry. */
  expiration: string | null;
  live: boolean;
}

/** How the next answer to a path misbehaves. */
export type Misbehaviour =
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  /** A body far larger than any GitHub answer, with or without a content-length. */
  | { kind: 'huge'; bytes: number; declared: boolean }
  | { kind: 'malformed' }
  | { kind: 'redirect'; status: 301 | 302 | 307 | 308; location: string }
  /** An error whose message echoes what the client sent (its Authorization header and body). */
  | { kind: 'echo'; status: number }
  /** 200 with no login in the body. */
  | { kind: 'no-login' };

export interface TokenRequest {
  method: string;
  path: string;
  /** Whether an Authorization header came with it. */
  authenticated: boolean;
  /** What /credentials/revoke was sent, as received. */
  credentials?: unknown;
  status: number;
}

export interface GitHubTokenStandIn {
  /** A new token GitHub knows; answers its value. */
  addToken(options: {
    login: string;
    kind?: Kind;
    scopes?: string[];
    expiration?: string | null;
  }): string;
  /** What "Regenerate token" does on GitHub: a new value, same login and kind; the old one stops. */
  regenerate(value: string, expiration?: string | null): string;
  isLive(value: string): boolean;
  /** Every value /credentials/revoke was asked to revoke, in order. */
  revoked: string[];
  requests: TokenRequest[];
  violations: string[];
  misbehaveNext(path: '/user' | '/users' | '/credentials/revoke', how: Misbehaviour): void;
  /** An account GitHub knows by login (a token's login is known too); an organization owns no tokens. */
  addUser(login: string, type?: 'User' | 'Organization'): void;
}

export interface GitHubWithTokens {
  github: FakeGitHub;
  tokens: GitHubTokenStandIn;
  close(): Promise<void>;
}

/** A value shaped as GitHub makes them: `ghp_` + 36, or `github_pat_` + 22 + `_` + 59. */
export function githubTokenValue(kind: Kind): string {
  const pick = (length: number) =>
    [...randomBytes(length)].map((byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]).join('');
  return kind === 'classic' ? `ghp_${pick(36)}` : `github_pat_${pick(22)}_${pick(59)}`;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  raw: string;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Answer {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    raw: body === undefined ? '' : JSON.stringify(body),
  };
}

function basicError(status: number, message: string) {
  return { message, documentation_url: DOCS, status: String(status) };
}

/** The extension itself, for a fake GitHub the caller starts. */
export function githubTokenExtension(options: {
  contract: GitHubContract;
  enterprise?: boolean;
  /** A GitHub Enterprise Server that shows nothing to anyone without a token. */
  privateMode?: boolean;
}): FakeGitHubExtension & GitHubTokenStandIn {
  const { contract } = options;
  const tokens = new Map<string, Token>();
  /** Accounts by lower-cased login: GitHub finds one whatever case it is asked in. */
  const users = new Map<string, { login: string; type: 'User' | 'Organization' }>();
  const misbehaviours: { path: string; how: Misbehaviour }[] = [];
  const revoked: string[] = [];
  const requests: TokenRequest[] = [];
  const violations: string[] = [];

  const authorization = (headers: IncomingHttpHeaders): string | null =>
    /^(?:token|bearer) (\S+)$/i.exec(headers.authorization ?? '')?.[1] ?? null;

  const misbehave = (
    path: string,
    sent: { headers: IncomingHttpHeaders; body: unknown },
  ): Answer | null => {
    const index = misbehaviours.findIndex((entry) => entry.path === path);
    if (index < 0) return null;
    const how = misbehaviours.splice(index, 1)[0]!.how;
    switch (how.kind) {
      case 'status':
        return json(how.status, how.body ?? basicError(how.status, 'Failure'), how.headers);
      case 'huge': {
        const raw = `{"login":"${'a'.repeat(how.bytes)}"}`;
        return {
          status: 200,
          // Without content-length, node sends it chunked: the client must count.
          headers: how.declared
            ? { 'content-type': 'application/json', 'content-length': String(raw.length) }
            : { 'content-type': 'application/json' },
          raw,
        };
      }
      case 'malformed':
        return { status: 200, headers: { 'content-type': 'application/json' }, raw: '{"login": ' };
      case 'redirect':
        return { status: how.status, headers: { location: how.location }, raw: '' };
      case 'echo':
        return json(
          how.status,
          basicError(
            how.status,
            `Refused ${sent.headers.authorization ?? ''} with ${JSON.stringify(sent.body)}`,
          ),
        );
      case 'no-login':
        return json(200, { id: 1 });
    }
  };

  const user = (headers: IncomingHttpHeaders, body: unknown) => {
    if (body !== undefined) violations.push('GET /user: the client sent a body');
    const value = authorization(headers);
    const token = value ? tokens.get(value) : undefined;
    if (!token || !token.live) {
      const answer = basicError(401, 'Bad credentials');
      violations.push(...contract.checkResponse('GET', '/user', 401, answer));
      return json(401, answer);
    }
    const answer = {
      ...contract.example<Record<string, unknown>>('private-user'),
      login: token.login,
      id: 1,
      html_url: `https://github.com/${token.login}`,
    };
    violations.push(...contract.checkResponse('GET', '/user', 200, answer));
    return json(200, answer, {
      ...(token.kind === 'classic'
        ? { 'x-oauth-scopes': token.scopes.join(', '), 'x-accepted-oauth-scopes': '' }
        : {}),
      ...(token.expiration === null
        ? {}
        : { 'github-authentication-token-expiration': token.expiration }),
    });
  };

  const lookUp = (path: string, headers: IncomingHttpHeaders, body: unknown) => {
    if (body !== undefined) violations.push('GET /users/{username}: the client sent a body');
    if (headers.authorization !== undefined)
      violations.push('GET /users/{username}: a login is looked up without any token');
    if (options.privateMode) {
      const answer = basicError(401, 'Must authenticate to access this API.');
      return json(401, answer);
    }
    const login = decodeURIComponent(path.slice('/users/'.length));
    const user = users.get(login.toLowerCase());
    if (!user) {
      const answer = basicError(404, 'Not Found');
      violations.push(...contract.checkResponse('GET', '/users/{username}', 404, answer));
      return json(404, answer);
    }
    const answer = {
      ...contract.example<Record<string, unknown>>('public-user-default-response'),
      login: user.login,
      type: user.type,
      html_url: `https://github.com/${user.login}`,
    };
    violations.push(...contract.checkResponse('GET', '/users/{username}', 200, answer));
    return json(200, answer);
  };

  const revoke = (headers: IncomingHttpHeaders, body: unknown) => {
    if (authorization(headers) !== null || headers.authorization !== undefined) {
      // GitHub: "Any authenticated requests will return a 403."
      violations.push('POST /credentials/revoke: the client sent an Authorization header');
      return json(403, basicError(403, 'Must not be authenticated'));
    }
    if (!/^application\/json\b/.test(headers['content-type'] ?? ''))
      violations.push('POST /credentials/revoke: the body was not sent as application/json');
    const problems = contract.checkRequest('POST', '/credentials/revoke', body);
    if (problems.length) {
      violations.push(...problems);
      const answer = {
        message: 'Invalid request.',
        documentation_url: `${DOCS}/credentials/revoke`,
        errors: problems,
      };
      violations.push(...contract.checkResponse('POST', '/credentials/revoke', 422, answer));
      return json(422, answer);
    }
    for (const credential of (body as { credentials: string[] }).credentials) {
      revoked.push(credential);
      const token = tokens.get(credential);
      if (token) token.live = false;
    }
    violations.push(...contract.checkResponse('POST', '/credentials/revoke', 202, {}));
    return json(202, {});
  };

  const add = (token: Token, kind: Kind): string => {
    if (!users.has(token.login.toLowerCase()))
      users.set(token.login.toLowerCase(), { login: token.login, type: 'User' });
    const value = githubTokenValue(kind);
    tokens.set(value, token);
    return value;
  };

  return {
    answer({ method, path, headers, body }) {
      const users = method === 'GET' && /^\/users\/[^/]+$/.test(path);
      const known =
        users ||
        (method === 'GET' && path === '/user') ||
        (method === 'POST' && path === '/credentials/revoke');
      if (!known) return null;
      const key = users ? '/users' : path;
      // The fake's own accounts (CI credentials such as `ghp_ada`) keep the fake's own
      // /user; values shaped as GitHub makes them are this stand-in's, known or not.
      const value = authorization(headers) ?? '';
      if (path === '/user' && !tokens.has(value) && !/^(?:ghp_|github_pat_)\w{30,}$/.test(value))
        return null;
      const version = headers['x-github-api-version'];
      let answer: Answer;
      if (typeof version === 'string' && !API_VERSIONS.has(version)) {
        violations.push(`${method} ${path}: unsupported X-GitHub-Api-Version ${version}`);
        answer = json(400, basicError(400, `Unsupported API version ${version}`));
      } else if (path === '/credentials/revoke' && options.enterprise) {
        violations.push('POST /credentials/revoke: GitHub Enterprise Server has no such endpoint');
        answer = json(404, basicError(404, 'Not Found'));
      } else {
        answer =
          misbehave(key, { headers, body }) ??
          (users
            ? lookUp(path, headers, body)
            : path === '/user'
              ? user(headers, body)
              : revoke(headers, body));
      }
      requests.push({
        method,
        path,
        authenticated: headers.authorization !== undefined,
        ...(path === '/credentials/revoke'
          ? { credentials: (body as { credentials?: unknown } | undefined)?.credentials }
          : {}),
        status: answer.status,
      });
      return { ...answer, template: users ? '/users/{username}' : path };
    },
    addToken({ login, kind = 'classic', scopes = ['repo'], expiration = null }) {
      return add({ login, kind, scopes, expiration, live: true }, kind);
    },
    regenerate(value, expiration) {
      const token = tokens.get(value);
      if (!token || !token.live) throw new Error('no live token with that value to regenerate');
      token.live = false;
      return add(
        {
          ...token,
          live: true,
          expiration: expiration === undefined ? token.expiration : expiration,
        },
        token.kind,
      );
    },
    isLive: (value) => tokens.get(value)?.live === true,
    revoked,
    requests,
    violations,
    misbehaveNext(path, how) {
      misbehaviours.push({ path, how });
    },
    addUser(login, type = 'User') {
      users.set(login.toLowerCase(), { login, type });
    },
  };
}

/** A fake GitHub (github.com's paths, or GHES's /api/v3) with the token endpoints. */
export async function startGitHubWithTokens(
  options: { enterprise?: boolean; privateMode?: boolean; contract?: GitHubContract } = {},
): Promise<GitHubWithTokens> {
  const contract = options.contract ?? new GitHubContract();
  const tokens = githubTokenExtension({
    contract,
    enterprise: options.enterprise,
    privateMode: options.privateMode,
  });
  const github = await startFakeGitHub({
    enterprise: options.enterprise,
    contract,
    extension: tokens,
  });
  return { github, tokens, close: () => github.close() };
}
