/**
 * GitLab CI/CD variables on gitlab.com and self-managed GitLab, through gitbeaker.
 *
 * gitbeaker's own request handler retries 429 and 502 up to ten times with growing
 * delays (about four minutes in all) and drops the Retry-After it was given; a user
 * waiting on a dialog needs the answer and the time to retry instead. So its
 * resources run over our requester: one attempt, a timeout, and errors that keep
 * the status, headers and body. Every answer is untrusted and checked for shape.
 */
import { GroupVariables, Groups, ProjectVariables, Projects, Users } from '@gitbeaker/rest';
import {
  createRequesterFn,
  type FormattedResponse,
  type RequestOptions,
} from '@gitbeaker/requester-utils';
import { checkGitLabVariableKey } from '../../../shared/ci-providers/gitlab.js';
import { isLoopbackServiceUrl } from '../../../shared/service-url.js';
import { describeHttpFailure, type FailureWords, type HttpFailure } from '../http-failure.js';
import { ForeignHostRefused, withinApiBase } from '../origin-guard.js';
import { ProviderError, requireId, requireString } from '../provider-error.js';
import type { PushOutcome } from '../secret-store.js';
import { findOutboundError } from '../../net/outbound-error.js';
import { outboundFailure } from '../../net/provider-failure.js';
import type { Fetch } from '../../ports.js';

export const GITLAB_URL = 'https://gitlab.com';
const TIMEOUT_MS = 15_000;

export interface GitLabTarget {
  kind: 'project' | 'group';
  /** Full path, e.g. `acme/mobile/app` (a project) or `acme/mobile` (a group). */
  path: string;
  /** `*` for every environment, or one environment's name. */
  environmentScope: string;
}

export interface GitLabVariableFlags {
  masked: boolean;
  protected: boolean;
}

export interface GitLabNamespaceItem {
  id: number;
  path: string;
}

/**
 * GitLab masks a value only if it is one line of at least 8 characters from the
 * Base64 alphabet plus `@ : . ~ -` (its Ci::Maskable rule). Our `ca_` tokens are.
 */
const MASKABLE = /^[A-Za-z0-9_+=/@:.~-]{8,}$/;
export function maskingProblem(value: string): string | null {
  return MASKABLE.test(value)
    ? null
    : 'GitLab cannot mask this value (it must be one line of at least 8 characters: letters, digits and _ + = / @ : . ~ -). Send it unmasked, or not at all.';
}

export function checkEnvironmentScope(scope: string): string | null {
  // \s plus the other C0 controls
  // eslint-disable-next-line no-control-regex
  return scope.length >= 1 && scope.length <= 255 && !/[\s\u0000-\u001f]/.test(scope)
    ? null
    : 'The environment scope must be * or an environment name (no spaces), at most 255 characters.';
}

/** What a failed GitLab request left us: enough to say why in words. */
class GitLabHttpError extends Error {
  constructor(
    readonly status: number,
    readonly headers: Headers,
    readonly body: unknown,
  ) {
    super(`GitLab answered ${status}`);
  }
}

async function oneAttempt(
  send: Fetch,
  endpoint: string,
  options?: Record<string, unknown>,
): Promise<FormattedResponse> {
  const { prefixUrl, searchParams, method, headers, body } = (options ?? {}) as RequestOptions & {
    prefixUrl?: string;
    searchParams?: string;
  };
  const base = new URL(prefixUrl?.endsWith('/') ? prefixUrl : `${prefixUrl ?? ''}/`);
  const url = new URL(endpoint, base);
  url.search = searchParams ?? '';
  // gitbeaker builds every URL from the instance's own API address (for the next
  // page it keeps the endpoint and takes only the query of GitLab's Link), so this
  // holds today; it is checked here, before PRIVATE-TOKEN is attached to anything,
  // so that no later change can send it elsewhere.
  if (!withinApiBase(url, base)) throw new ForeignHostRefused(url);
  const response = await send(url, {
    method: String(method ?? 'GET'),
    headers: headers as Record<string, string>,
    body: body as string | undefined,
    redirect: 'error', // a redirect could carry PRIVATE-TOKEN to another host
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await response.text();
  let parsed: unknown = null;
  if (text) {
    try {
      parsed = JSON.parse(text) as unknown;
    } catch {
      parsed = text.slice(0, 500);
    }
  }
  if (!response.ok) throw new GitLabHttpError(response.status, response.headers, parsed);
  return {
    body: parsed as FormattedResponse['body'],
    headers: Object.fromEntries(response.headers.entries()),
    status: response.status,
  };
}

/** gitbeaker's requester over `send`: every resource of one client goes through it. */
function requesterOver(send: Fetch) {
  return createRequesterFn(
    async (_service, request) => request,
    (endpoint, options) => oneAttempt(send, endpoint, options),
  );
}

export class GitLabVariables {
  private readonly config: {
    host: string;
    token: string;
    requesterFn: ReturnType<typeof requesterOver>;
  };

  constructor(options: { host: string; token: string; fetch?: Fetch }) {
    this.config = {
      host: gitlabHost(options.host),
      token: options.token,
      requesterFn: requesterOver(options.fetch ?? fetch),
    };
  }

  async whoami(): Promise<{ username: string }> {
    const user = await this.call('read your GitLab account', () =>
      new Users(this.config).showCurrentUser(),
    );
    return {
      username: requireString('GitLab', (user as { username?: unknown }).username, 'username'),
    };
  }

  /** Projects where the user is at least Maintainer (project variables need it). */
  async listProjects(search?: string): Promise<GitLabNamespaceItem[]> {
    const projects = await this.call('list your projects', () =>
      new Projects(this.config).all({
        membership: true,
        minAccessLevel: 40,
        simple: true,
        perPage: 100,
        maxPages: 20,
        orderBy: 'path',
        sort: 'asc',
        ...(search ? { search } : {}),
      }),
    );
    return listOf(projects, 'projects').map((project) =>
      namespaceItem(project, 'path_with_namespace'),
    );
  }

  /**
   * Groups where the user is Owner: group variables need the Owner role (a
   * Maintainer gets 403), and api/groups' min_access_level keeps exactly those.
   */
  async listGroups(): Promise<GitLabNamespaceItem[]> {
    const groups = await this.call('list your groups', () =>
      new Groups(this.config).all({ minAccessLevel: 50, perPage: 100, maxPages: 20 }),
    );
    return listOf(groups, 'groups').map((group) => namespaceItem(group, 'full_path'));
  }

  async variableExists(target: GitLabTarget, key: string): Promise<boolean> {
    return (await this.variableFlags(target, key)) !== null;
  }

  /** An existing variable's masked and protected flags (kept when a rotation updates it), or null. */
  async variableFlags(target: GitLabTarget, key: string): Promise<GitLabVariableFlags | null> {
    try {
      const variable = await this.call(
        `read the variable ${key} in ${describeTarget(target)}`,
        () =>
          this.variables(target).show(target.path, key, {
            filter: { environment_scope: target.environmentScope },
          }),
      );
      const record = (variable ?? {}) as { masked?: unknown; protected?: unknown };
      return { masked: record.masked === true, protected: record.protected === true };
    } catch (error) {
      if (error instanceof ProviderError && error.code === 'provider_not_found') {
        // "Variable not found" and "project not found" are both 404: tell them apart.
        await this.call(`open ${describeTarget(target)}`, async () => {
          if (target.kind === 'project') await new Projects(this.config).show(target.path);
          else await new Groups(this.config).show(target.path);
        });
        return null;
      }
      throw error;
    }
  }

  /** Creates the variable, or updates it when the key exists in that environment scope. */
  async pushVariable(
    target: GitLabTarget,
    key: string,
    value: string,
    flags: GitLabVariableFlags,
  ): Promise<PushOutcome> {
    const problem =
      checkGitLabVariableKey(key) ??
      checkEnvironmentScope(target.environmentScope) ??
      (flags.masked ? maskingProblem(value) : null);
    if (problem) throw new ProviderError('provider_invalid_name', problem);
    const options = {
      masked: flags.masked,
      protected: flags.protected,
      variableType: 'env_var' as const,
      environmentScope: target.environmentScope,
      // Raw: GitLab would otherwise expand `$…` inside the value.
      raw: true,
    };
    const what = `write the variable ${key} to ${describeTarget(target)}`;
    if (await this.variableExists(target, key)) {
      await this.call(what, () =>
        this.variables(target).edit(target.path, key, value, {
          ...options,
          filter: { environment_scope: target.environmentScope },
        }),
      );
      return 'updated';
    }
    await this.call(what, () => this.variables(target).create(target.path, key, value, options));
    return 'created';
  }

  private variables(target: GitLabTarget) {
    return target.kind === 'project'
      ? new ProjectVariables(this.config)
      : new GroupVariables(this.config);
  }

  private async call<T>(what: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw describeGitLabFailure(error, what);
    }
  }
}

/** The instance URL as gitbeaker wants it: origin plus any sub-path, without /api/v4. */
export function gitlabHost(input: string): string {
  const url = new URL(input.trim());
  // A personal access token crosses the network: https, except to this computer.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackServiceUrl(url.href)))
    throw new Error('A GitLab host must use https://.');
  return `${url.origin}${url.pathname.replace(/\/+$/, '').replace(/\/api\/v4$/, '')}`;
}

export function describeTarget(target: GitLabTarget): string {
  const scope = target.environmentScope === '*' ? '' : ` (environment ${target.environmentScope})`;
  return `the ${target.kind} ${target.path}${scope}`;
}

export function describeGitLabFailure(
  error: unknown,
  what: string,
  now = Date.now(),
): ProviderError {
  if (error instanceof ProviderError) return error;
  const outbound = findOutboundError(error);
  if (outbound) return outboundFailure('GitLab', outbound, what);
  if (error instanceof ForeignHostRefused) {
    return new ProviderError(
      'provider_foreign_host',
      `Token Desk was about to send a request for GitLab to ${error.target.origin}, which is not this account's GitLab, while trying to ${what}. It refused and sent it nothing, not your access token either. Check the account's GitLab address.`,
    );
  }
  const failure: HttpFailure =
    error instanceof GitLabHttpError
      ? {
          status: error.status,
          header: (name) => error.headers.get(name) ?? undefined,
          message: gitlabMessage(error.body),
        }
      : NO_ANSWER;
  return describeHttpFailure(GITLAB_WORDS, failure, what, now, GITLAB_NEEDS);
}

/** Anything but an HTTP answer: refused, reset, timed out. */
const NO_ANSWER: HttpFailure = { status: 0, header: () => undefined, message: null };
const GITLAB_NEEDS =
  'a personal access token with the api scope, and the Maintainer role (Owner for a group) there';

const GITLAB_WORDS: FailureWords = {
  provider: 'GitLab',
  refusedToken: '401 Unauthorized',
  notFoundAdvice:
    'check the path, and that your account is a member (GitLab answers "not found" for what it hides from you).',
  invalidStatuses: [400, 422],
  resetHeader: 'ratelimit-reset',
  isRateLimited: ({ status }) => status === 429,
};

/** GitLab's error bodies: `{"message": "..."}`, `{"message": {"key": ["..."]}}` or `{"error": "..."}`. */
function gitlabMessage(body: unknown): string | null {
  const record = (body ?? {}) as { message?: unknown; error?: unknown };
  const raw = record.message ?? record.error;
  if (typeof raw === 'string') return raw.slice(0, 200);
  if (raw && typeof raw === 'object') {
    return Object.entries(raw as Record<string, unknown>)
      .map(
        ([field, problems]) =>
          `${field} ${Array.isArray(problems) ? problems.map(String).join(', ') : String(problems)}`,
      )
      .join('; ')
      .slice(0, 200);
  }
  return null;
}

/** A list in GitLab's answer; anything else stops here, in words, instead of as a TypeError. */
function listOf(value: unknown, field: string): unknown[] {
  if (Array.isArray(value)) return value;
  throw new ProviderError(
    'provider_invalid_response',
    `GitLab answered without a valid list of ${field}, so Token Desk stopped.`,
  );
}

function namespaceItem(value: unknown, pathField: string): GitLabNamespaceItem {
  const record = (value ?? {}) as Record<string, unknown>;
  return {
    id: requireId('GitLab', record.id, 'id'),
    path: requireString('GitLab', record[pathField], pathField),
  };
}
