/**
 * GitHub Actions secrets on github.com and GitHub Enterprise Server, through
 * Octokit. Every answer from GitHub is untrusted: what we read is checked for shape
 * before use, and failures become ProviderErrors with words and a stable code.
 */
import { Octokit } from '@octokit/rest';
import { checkGitHubSecretName } from '../../../shared/ci-providers/github.js';
import { isLoopbackServiceUrl } from '../../../shared/service-url.js';
import { describeHttpFailure, type FailureWords } from '../http-failure.js';
import { ForeignHostRefused, withinApiBase } from '../origin-guard.js';
import { findOutboundError } from '../../net/outbound-error.js';
import { outboundFailure } from '../../net/provider-failure.js';
import { ProviderError, requireId, requireString } from '../provider-error.js';
import type { PushOutcome } from '../secret-store.js';
import { sealForGitHub } from './sealed-box.js';

export const GITHUB_API_URL = 'https://api.github.com';
const TIMEOUT_MS = 15_000;
/** 20 pages of 100: more repositories than a picker can show; a provider that never stops paging is cut off. */
const MAX_PAGES = 20;

export type GitHubTarget =
  | { kind: 'repository'; owner: string; repo: string }
  | { kind: 'environment'; owner: string; repo: string; environment: string }
  | {
      kind: 'organization';
      org: string;
      visibility: 'all' | 'private' | 'selected';
      /** Required with visibility "selected". */
      selectedRepositoryIds?: number[];
    };

export interface GitHubRepository {
  id: number;
  owner: string;
  repo: string;
  private: boolean;
  /** Whether the user can write secrets here (admin on the repository). */
  canWriteSecrets: boolean;
}

/** Who may read an organization secret, as GitHub holds it. */
export type OrgSecretAccess =
  { visibility: 'all' | 'private' } | { visibility: 'selected'; selectedRepositoryIds: number[] };

const VISIBILITIES: readonly string[] = ['all', 'private', 'selected'];

import type { Fetch } from '../../ports.js';

/**
 * What a refused request needs, named as GitHub's token settings name it, per
 * endpoint (GitHub's REST docs, "Fine-grained access tokens for …"; classic tokens
 * need `repo`, and `admin:org` for organization secrets).
 */
export const GITHUB_PERMISSIONS = {
  repositorySecrets:
    'a fine-grained token with the repository permission "Secrets: Read and write" (or a classic token with the repo scope)',
  environmentSecrets:
    'a fine-grained token with the repository permissions "Environments: Read and write" and "Secrets: Read and write" (or a classic token with the repo scope)',
  environments:
    'a fine-grained token with the repository permission "Actions: Read-only" (or a classic token with the repo scope)',
  organizationSecrets:
    'a fine-grained token with the organization permission "Secrets: Read and write" (or a classic token with the admin:org scope, and repo for private repositories)',
} as const;

/** The API base URL for a host the user typed: github.com, or GHES's `https://host/api/v3`. */
export function githubApiBaseUrl(input: string): string {
  const url = new URL(input.trim());
  // A personal access token crosses the network: https, except to this computer.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackServiceUrl(url.href)))
    throw new Error('A GitHub host must use https://.');
  if (url.hostname === 'github.com' || url.hostname === 'api.github.com') return GITHUB_API_URL;
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.origin}${path.endsWith('/api/v3') ? path : `${path}/api/v3`}`;
}

/**
 * Every request Octokit makes passes here: only to the account's API base, with a
 * timeout, and never following a redirect. GitHub's answers steer requests (a
 * `Link: rel="next"` URL is fetched as given, with the Authorization header), so a
 * hostile or broken answer could otherwise send the access token anywhere, over
 * plain http too; a redirect would let another host answer for GitHub (a login, a
 * public key to seal to).
 */
function guardedFetch(inner: Fetch, timeoutMs: number, apiBaseUrl: string): Fetch {
  const base = new URL(apiBaseUrl.endsWith('/') ? apiBaseUrl : `${apiBaseUrl}/`);
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input);
    if (!withinApiBase(url, base)) return Promise.reject(new ForeignHostRefused(url));
    const timeout = AbortSignal.timeout(timeoutMs);
    return inner(input, {
      ...init,
      redirect: 'error',
      signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout,
    });
  };
}

/** For octokit.paginate: stops after MAX_PAGES pages. */
function capped<T>(response: { data: T[] }, done: () => void, pages: { count: number }): T[] {
  if (++pages.count >= MAX_PAGES) done();
  return response.data;
}

export class GitHubSecrets {
  private readonly octokit: Octokit;
  private readonly apiBaseUrl: string;

  constructor(options: { apiBaseUrl: string; token: string; fetch?: Fetch; timeoutMs?: number }) {
    this.apiBaseUrl = options.apiBaseUrl.replace(/\/+$/, '');
    this.octokit = new Octokit({
      auth: options.token,
      baseUrl: this.apiBaseUrl,
      userAgent: 'token-desk',
      request: {
        fetch: guardedFetch(
          options.fetch ?? fetch,
          options.timeoutMs ?? TIMEOUT_MS,
          this.apiBaseUrl,
        ),
        retries: 0,
      },
      log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    });
  }

  /** Who the credential belongs to. */
  async whoami(): Promise<{ login: string }> {
    const { data } = await this.call('read your GitHub account', () =>
      this.octokit.rest.users.getAuthenticated(),
    );
    return { login: requireString('GitHub', data.login, 'login') };
  }

  async listRepositories(): Promise<GitHubRepository[]> {
    const pages = { count: 0 };
    const repositories = await this.call(
      'list your repositories',
      () =>
        this.octokit.paginate(
          this.octokit.rest.repos.listForAuthenticatedUser,
          { per_page: 100, sort: 'full_name' },
          (response, done) => capped(response, done, pages),
        ),
      GITHUB_PERMISSIONS.repositorySecrets,
    );
    return listOf(repositories, 'repositories').map((repository) => ({
      id: requireId('GitHub', repository.id, 'id'),
      owner: requireString('GitHub', repository.owner?.login, 'owner.login'),
      repo: requireString('GitHub', repository.name, 'name'),
      private: repository.private === true,
      canWriteSecrets: repository.permissions?.admin === true,
    }));
  }

  async listEnvironments(owner: string, repo: string): Promise<string[]> {
    const { data } = await this.call(
      `list the environments of ${owner}/${repo}`,
      () => this.octokit.rest.repos.getAllEnvironments({ owner, repo, per_page: 100 }),
      GITHUB_PERMISSIONS.environments,
    );
    return listOf(data.environments ?? [], 'environments').map((environment) =>
      requireString('GitHub', environment.name, 'name'),
    );
  }

  async listOrganizations(): Promise<string[]> {
    const pages = { count: 0 };
    const organizations = await this.call(
      'list your organizations',
      () =>
        this.octokit.paginate(
          this.octokit.rest.orgs.listForAuthenticatedUser,
          { per_page: 100 },
          (response, done) => capped(response, done, pages),
        ),
      GITHUB_PERMISSIONS.organizationSecrets,
    );
    return listOf(organizations, 'organizations').map((organization) =>
      requireString('GitHub', organization.login, 'login'),
    );
  }

  /** Whether a secret of this name already exists at the target (to ask before overwriting). */
  async secretExists(target: GitHubTarget, name: string): Promise<boolean> {
    try {
      await this.call(
        `read the secret ${name} at ${describeTarget(target)}`,
        () =>
          target.kind === 'repository'
            ? this.octokit.rest.actions.getRepoSecret({ ...repoOf(target), secret_name: name })
            : target.kind === 'environment'
              ? this.octokit.rest.actions.getEnvironmentSecret({
                  ...repoOf(target),
                  environment_name: target.environment,
                  secret_name: name,
                })
              : this.octokit.rest.actions.getOrgSecret({ org: target.org, secret_name: name }),
        permissionsFor(target),
      );
      return true;
    } catch (error) {
      if (error instanceof ProviderError && error.code === 'provider_not_found') {
        // A missing secret and a missing target both answer 404: tell them apart.
        await this.publicKey(target);
        return false;
      }
      throw error;
    }
  }

  /**
   * Who may read an organization secret now (an admin may have changed it on
   * GitHub since Token Desk sent it), or null when the secret does not exist.
   */
  async orgSecretAccess(org: string, name: string): Promise<OrgSecretAccess | null> {
    let visibility: unknown;
    try {
      const { data } = await this.call(
        `read who may use the secret ${name} of the organization ${org}`,
        () => this.octokit.rest.actions.getOrgSecret({ org, secret_name: name }),
        GITHUB_PERMISSIONS.organizationSecrets,
      );
      visibility = (data as { visibility?: unknown }).visibility;
    } catch (error) {
      if (error instanceof ProviderError && error.code === 'provider_not_found') return null;
      throw error;
    }
    if (typeof visibility !== 'string' || !VISIBILITIES.includes(visibility)) {
      // Guessing could widen it: stop instead.
      throw new ProviderError(
        'provider_invalid_response',
        `GitHub answered with a visibility Token Desk does not know for the secret ${name} of the organization ${org}, so nothing was written. Update it on GitHub, or send the token to it again.`,
      );
    }
    if (visibility !== 'selected') return { visibility: visibility as 'all' | 'private' };
    return { visibility, selectedRepositoryIds: await this.selectedRepositoryIds(org, name) };
  }

  /**
   * The repositories an organization secret with visibility "selected" is shared
   * with, every one of them: a list cut short would narrow the secret when sent
   * back. Read page by page with GitHub's `page` parameter, never from a Link URL.
   */
  async selectedRepositoryIds(org: string, name: string): Promise<number[]> {
    const what = `read which repositories the secret ${name} of the organization ${org} is shared with`;
    const ids = new Set<number>();
    let total = 0;
    for (let page = 1; page <= MAX_PAGES; page++) {
      const { data } = await this.call(
        what,
        () =>
          this.octokit.rest.actions.listSelectedReposForOrgSecret({
            org,
            secret_name: name,
            per_page: 100,
            page,
          }),
        GITHUB_PERMISSIONS.organizationSecrets,
      );
      total = requireCount(data.total_count);
      const repositories = listOf(data.repositories, 'repositories');
      for (const repository of repositories) ids.add(requireId('GitHub', repository.id, 'id'));
      if (ids.size >= total || repositories.length === 0) break;
    }
    if (ids.size < total) {
      throw new ProviderError(
        'provider_invalid_response',
        `GitHub listed ${ids.size} of the ${total} repositories the secret ${name} of the organization ${org} is shared with, so Token Desk did not update it: sending a shorter list would take the secret away from the others. Try again; if this keeps happening, update the secret on GitHub.`,
      );
    }
    return [...ids];
  }

  /**
   * Encrypts `value` to the target's public key and creates or updates the secret.
   * An organization secret with visibility "selected" is sent with its repository
   * ids every time: GitHub replaces the selection with what an update names, so an
   * update naming none would leave the secret with no repository.
   */
  async pushSecret(target: GitHubTarget, name: string, value: string): Promise<PushOutcome> {
    const nameProblem = checkGitHubSecretName(name);
    if (nameProblem) throw new ProviderError('provider_invalid_name', nameProblem);
    if (
      target.kind === 'organization' &&
      target.visibility === 'selected' &&
      target.selectedRepositoryIds === undefined
    ) {
      throw new ProviderError(
        'provider_invalid_name',
        'Choose at least one repository for an organization secret with selected visibility.',
      );
    }
    const key = await this.publicKey(target);
    const encrypted_value = await sealForGitHub(value, key.key);
    const what = `write the secret ${name} to ${describeTarget(target)}`;
    const response = await this.call(
      what,
      () =>
        target.kind === 'repository'
          ? this.octokit.rest.actions.createOrUpdateRepoSecret({
              ...repoOf(target),
              secret_name: name,
              encrypted_value,
              key_id: key.keyId,
            })
          : target.kind === 'environment'
            ? this.octokit.rest.actions.createOrUpdateEnvironmentSecret({
                ...repoOf(target),
                environment_name: target.environment,
                secret_name: name,
                encrypted_value,
                key_id: key.keyId,
              })
            : this.octokit.rest.actions.createOrUpdateOrgSecret({
                org: target.org,
                secret_name: name,
                encrypted_value,
                key_id: key.keyId,
                visibility: target.visibility,
                ...(target.visibility === 'selected'
                  ? { selected_repository_ids: target.selectedRepositoryIds }
                  : {}),
              }),
      permissionsFor(target),
    );
    if (response.status === 201) return 'created';
    if (response.status === 204) return 'updated';
    throw new ProviderError(
      'provider_invalid_response',
      `GitHub answered ${response.status} when asked to ${what}; expected 201 or 204.`,
    );
  }

  private async publicKey(target: GitHubTarget): Promise<{ keyId: string; key: string }> {
    const { data } = await this.call(
      `read the public key of ${describeTarget(target)}`,
      () =>
        target.kind === 'repository'
          ? this.octokit.rest.actions.getRepoPublicKey(repoOf(target))
          : target.kind === 'environment'
            ? this.octokit.rest.actions.getEnvironmentPublicKey({
                ...repoOf(target),
                environment_name: target.environment,
              })
            : this.octokit.rest.actions.getOrgPublicKey({ org: target.org }),
      permissionsFor(target),
    );
    return {
      keyId: requireString('GitHub', data.key_id, 'key_id'),
      key: requireString('GitHub', data.key, 'key'),
    };
  }

  /** One request, its failure in words; `needs` names the permission it takes. */
  private async call<T>(what: string, request: () => Promise<T>, needs?: string): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw describeGitHubFailure(error, what, Date.now(), { needs, apiBaseUrl: this.apiBaseUrl });
    }
  }
}

/** A list in GitHub's answer; anything else stops here, in words, instead of as a TypeError. */
function listOf<T>(value: T[], field: string): T[] {
  // Typed as GitHub documents it; checked because the answer is untrusted.
  if (Array.isArray(value as unknown)) return value;
  throw new ProviderError(
    'provider_invalid_response',
    `GitHub answered without a valid list of ${field}, so Token Desk stopped.`,
  );
}

function requireCount(value: unknown): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  throw new ProviderError(
    'provider_invalid_response',
    'GitHub answered without a valid "total_count", so Token Desk stopped.',
  );
}

function permissionsFor(target: GitHubTarget): string {
  switch (target.kind) {
    case 'repository':
      return GITHUB_PERMISSIONS.repositorySecrets;
    case 'environment':
      return GITHUB_PERMISSIONS.environmentSecrets;
    case 'organization':
      return GITHUB_PERMISSIONS.organizationSecrets;
  }
}

function repoOf(target: { owner: string; repo: string }) {
  return { owner: target.owner, repo: target.repo };
}

export function describeTarget(target: GitHubTarget): string {
  switch (target.kind) {
    case 'repository':
      return `${target.owner}/${target.repo}`;
    case 'environment':
      return `${target.owner}/${target.repo} (environment ${target.environment})`;
    case 'organization':
      return `the organization ${target.org}`;
  }
}

interface OctokitFailure {
  status?: unknown;
  response?: { headers?: Record<string, string | undefined>; data?: unknown };
  message?: unknown;
  cause?: unknown;
}

export function describeGitHubFailure(
  error: unknown,
  what: string,
  now = Date.now(),
  context: { needs?: string; apiBaseUrl?: string } = {},
): ProviderError {
  if (error instanceof ProviderError) return error;
  const outbound = findOutboundError(error);
  if (outbound) return outboundFailure('GitHub', outbound, what);
  const failure = (error ?? {}) as OctokitFailure;
  // Octokit wraps what fetch threw as the cause of its RequestError.
  const refused = [error, failure.cause].find((entry) => entry instanceof ForeignHostRefused);
  if (refused instanceof ForeignHostRefused) {
    return new ProviderError(
      'provider_foreign_host',
      `GitHub's answer pointed Token Desk at ${refused.target.origin}, which is not this account's GitHub (${context.apiBaseUrl ?? 'its API address'}), while trying to ${what}. Token Desk refused to go there and sent it nothing, not your access token either. Check the account's GitHub address; if it is right, something between you and GitHub is changing its answers.`,
    );
  }
  // Octokit reports a request that never got an answer (refused, reset, timed out)
  // as status 500 without a response: that is "unreachable", not GitHub failing.
  const status =
    typeof failure.status === 'number' && failure.response !== undefined ? failure.status : 0;
  const headers = failure.response?.headers ?? {};
  const accepted = headers['x-accepted-github-permissions'];
  const needs = accepted
    ? // Sets GitHub accepts are separated by ";", permissions within a set by ",".
      `the permission GitHub names for it (${accepted
        .replace(/=/g, ': ')
        .replace(/\s*;\s*/g, ' or ')
        .replace(/\s*,\s*/g, ' and ')})`
    : (context.needs ?? GITHUB_PERMISSIONS.repositorySecrets);
  return describeHttpFailure(
    GITHUB_WORDS,
    { status, header: (name) => headers[name], message: githubMessage(failure.response?.data) },
    what,
    now,
    needs,
  );
}

const GITHUB_WORDS: FailureWords = {
  provider: 'GitHub',
  refusedToken: 'bad credentials',
  notFoundAdvice:
    'check the name, and that the token can see it (GitHub answers "not found" for private repositories a token cannot access).',
  invalidStatuses: [422],
  resetHeader: 'x-ratelimit-reset',
  // GitHub signals a rate limit with 429, or with 403 and no requests remaining or a Retry-After.
  isRateLimited: ({ status, header }) =>
    status === 429 ||
    (status === 403 &&
      (header('x-ratelimit-remaining') === '0' || Number.isFinite(Number(header('retry-after'))))),
};

function githubMessage(data: unknown): string | null {
  const message = (data as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message.slice(0, 200) : null;
}
