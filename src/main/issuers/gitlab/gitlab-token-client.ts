/**
 * GitLab's token API (REST v4, PRIVATE-TOKEN) through gitbeaker's PersonalAccessTokens,
 * ProjectAccessTokens and GroupAccessTokens resources (plus Users, Projects and Groups
 * for who and where), over a requester of our own, as the CI-variables client does:
 * one attempt (gitbeaker's own handler retries 429 and 5xx, and a repeated rotation
 * would make GitLab revoke the whole token family), a timeout, no redirect followed,
 * at most MAX_ANSWER_BYTES read, and no request outside the instance's API address —
 * a Link header pointing elsewhere is refused before anything is sent there.
 * Pagination is ours, page by page, with a cap. Every answer is checked for shape.
 */
import {
  GroupAccessTokens,
  Groups,
  PersonalAccessTokens,
  ProjectAccessTokens,
  Projects,
  Users,
} from '@gitbeaker/rest';
import {
  createRequesterFn,
  type FormattedResponse,
  type RequestOptions,
} from '@gitbeaker/requester-utils';
import { Type, type Static, type TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { gitlabHost } from '../../ci-providers/gitlab/gitlab-variables.js';
import { describeHttpFailure, type FailureWords } from '../../ci-providers/http-failure.js';
import { ForeignHostRefused, withinApiBase } from '../../ci-providers/origin-guard.js';
import { ProviderError } from '../../ci-providers/provider-error.js';
import { DeskError } from '../../desk-error.js';
import { findOutboundError } from '../../net/outbound-error.js';
import { outboundFailure } from '../../net/provider-failure.js';
import type { Fetch } from '../../ports.js';

const TIMEOUT_MS = 15_000;
/** A page of 100 tokens is about 40 KB; 2 MB is far beyond any honest answer. */
export const MAX_ANSWER_BYTES = 2 * 1024 * 1024;
export const PAGE_SIZE = 100;

// ------------------------------------------------------------------ answers' shapes

const Stamp = Type.String({ minLength: 1, maxLength: 64 });
const DateOnly = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' });
const Name = Type.String({ maxLength: 10_000 });

export const PersonalTokenAnswer = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
  name: Name,
  revoked: Type.Boolean(),
  active: Type.Boolean(),
  created_at: Stamp,
  scopes: Type.Array(Type.String({ maxLength: 100 }), { maxItems: 50 }),
  user_id: Type.Integer(),
  last_used_at: Type.Union([Stamp, Type.Null()]),
  expires_at: Type.Union([DateOnly, Type.Null()]),
  description: Type.Optional(Type.Union([Type.String({ maxLength: 10_000 }), Type.Null()])),
});
export type PersonalTokenAnswer = Static<typeof PersonalTokenAnswer>;

export const ResourceTokenAnswer = Type.Object({
  ...PersonalTokenAnswer.properties,
  access_level: Type.Integer({ minimum: 0, maximum: 100 }),
});
export type ResourceTokenAnswer = Static<typeof ResourceTokenAnswer>;

const UserAnswer = Type.Object({
  id: Type.Integer({ minimum: 1 }),
  username: Type.String({ minLength: 1, maxLength: 255 }),
});
const ProjectAnswer = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
  path_with_namespace: Type.String({ minLength: 1, maxLength: 2000 }),
});
const GroupAnswer = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
  full_path: Type.String({ minLength: 1, maxLength: 2000 }),
});

/** A token's value as a create or rotate answer carries it. */
const TokenValue = Type.String({ minLength: 8, maxLength: 1000, pattern: '^[!-~]+$' });
const tokenValueCheck = Compile(TokenValue);

export type NamespaceKind = 'project' | 'group';

/** What a request sent once came to: GitLab's answer, or why not and whether GitLab surely did nothing. */
export type Sent =
  { ok: true; answer: unknown } | { ok: false; error: ProviderError; refused: boolean };
export interface Namespace {
  kind: NamespaceKind;
  id: number;
  path: string;
}

// ------------------------------------------------------------------ the requester

/** A GitLab answer that was not 2xx: enough to say why in words. */
export class GitLabHttpError extends Error {
  constructor(
    readonly status: number,
    readonly headers: Headers,
    readonly body: unknown,
  ) {
    super(`GitLab answered ${status}`);
    this.name = 'GitLabHttpError';
  }
}

/** An answer Token Desk would not read on: too large, not JSON, or a redirect. */
export class UnreadableAnswer extends Error {
  constructor(
    readonly reason: 'too-large' | 'not-json' | 'redirect' | 'cut-off',
    readonly detail = '',
  ) {
    super(`GitLab's answer was unreadable: ${reason}`);
    this.name = 'UnreadableAnswer';
  }
}

async function readBounded(response: Response, limit: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel().catch(() => {});
    throw new UnreadableAnswer('too-large');
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => {});
        throw new UnreadableAnswer('too-large');
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof UnreadableAnswer) throw error;
    // Cut mid-body, or the timeout: whatever arrived is not a whole answer.
    throw new UnreadableAnswer('cut-off');
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The `rel="next"` URL of a Link header, if any. */
function nextLink(link: string | null): string | null {
  if (!link) return null;
  for (const part of link.split(',')) {
    const match = /<([^>]*)>\s*;\s*rel="?next"?/.exec(part);
    if (match) return match[1] ?? null;
  }
  return null;
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
  // Checked before PRIVATE-TOKEN is attached to anything.
  if (!withinApiBase(url, base)) throw new ForeignHostRefused(url);
  const response = await send(url, {
    method: String(method ?? 'GET'),
    headers: headers as Record<string, string>,
    body: body as string | undefined,
    // A redirect could carry PRIVATE-TOKEN elsewhere: it is an answer to report, never followed.
    redirect: 'manual',
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel().catch(() => {});
    const location = response.headers.get('location');
    let where = '';
    try {
      if (location) where = new URL(location, url).origin;
    } catch {
      where = '';
    }
    throw new UnreadableAnswer('redirect', where);
  }
  // gitbeaker asks its own host for the next page whatever the Link says; a Link
  // elsewhere is still a sign of a hostile or misconfigured server: refused. Only on
  // reads: a rotation's answer must never be dropped for a header it does not need.
  const next = response.ok && method === 'GET' ? nextLink(response.headers.get('link')) : null;
  if (next !== null) {
    let nextUrl: URL;
    try {
      nextUrl = new URL(next, url);
    } catch {
      throw new UnreadableAnswer('not-json', 'an unreadable Link header');
    }
    if (!withinApiBase(nextUrl, base)) throw new ForeignHostRefused(nextUrl);
  }
  const text = await readBounded(response, MAX_ANSWER_BYTES);
  let parsed: unknown = null;
  if (text) {
    try {
      parsed = JSON.parse(text) as unknown;
    } catch {
      if (response.ok) throw new UnreadableAnswer('not-json');
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

function requesterOver(send: Fetch) {
  return createRequesterFn(
    async (_service, request) => request,
    (endpoint, options) => oneAttempt(send, endpoint, options),
  );
}

// ------------------------------------------------------------------ failures in words

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

export class GitLabTokenClient {
  readonly host: string;
  /** The host as people read it, for sentences: `gitlab.example.com`. */
  readonly hostName: string;
  private readonly config: {
    host: string;
    token: string;
    requesterFn: ReturnType<typeof requesterOver>;
  };

  constructor(options: { host: string; token: string; fetch: Fetch }) {
    try {
      this.host = gitlabHost(options.host);
    } catch {
      throw new DeskError(
        'invalid_host',
        'The GitLab address must be an https:// URL (http:// only on this computer), so nothing was sent.',
      );
    }
    this.hostName = new URL(this.host).host;
    this.config = {
      host: this.host,
      token: options.token,
      requesterFn: requesterOver(options.fetch),
    };
  }

  // ---------------------------------------------------------------- who

  async currentUser(): Promise<{ id: number; username: string }> {
    const user = await this.call('read your GitLab account', () =>
      new Users(this.config).showCurrentUser(),
    );
    return this.checked(UserAnswer, user, 'your account');
  }

  /** The token this connection uses, as GitLab describes it. */
  async selfToken(): Promise<PersonalTokenAnswer> {
    const token = await this.call('read the access token this connection uses', () =>
      new PersonalAccessTokens(this.config).show(),
    );
    return this.checked(PersonalTokenAnswer, token, 'the connection’s own token');
  }

  // ---------------------------------------------------------------- personal access tokens

  /** The person's own personal access tokens, not revoked ones (15.5+ filters; older ones are filtered here). */
  async listPersonal(maxPages: number): Promise<PersonalTokenAnswer[]> {
    const items = await this.pages('list your personal access tokens', maxPages, (page) =>
      new PersonalAccessTokens(this.config).all({
        revoked: false,
        page,
        perPage: PAGE_SIZE,
        showExpanded: true,
      }),
    );
    return items.map((item) => this.checked(PersonalTokenAnswer, item, 'a personal access token'));
  }

  async showPersonal(id: number): Promise<PersonalTokenAnswer> {
    const token = await this.call('read a personal access token', () =>
      new PersonalAccessTokens(this.config).show({ tokenId: id }),
    );
    return this.checked(PersonalTokenAnswer, token, 'a personal access token');
  }

  /** One POST …/rotate, never repeated: the answer as it came (the caller checks for `token`). */
  rotatePersonal(id: number | 'self', expiresAt: string, what: string): Promise<Sent> {
    return this.sendOnce(what, () =>
      new PersonalAccessTokens(this.config).rotate(id, { expiresAt }),
    );
  }

  async revokePersonal(id: number): Promise<void> {
    await this.call('revoke a personal access token', () =>
      new PersonalAccessTokens(this.config).remove({ tokenId: id }),
    );
  }

  // ---------------------------------------------------------------- project and group access tokens

  /**
   * The first `limit` projects where the person is at least Maintainer, or groups where
   * they are Owner (what managing their access tokens needs), most recently active first
   * for projects; `more` when GitLab has others.
   */
  async namespaces(
    kind: NamespaceKind,
    limit: number,
  ): Promise<{ items: Namespace[]; more: boolean }> {
    if (kind === 'project') {
      const answer = await this.call('list the projects you maintain', () =>
        new Projects(this.config).all({
          minAccessLevel: 40,
          simple: true,
          orderBy: 'last_activity_at',
          sort: 'desc',
          pagination: 'offset',
          page: 1,
          perPage: limit,
          showExpanded: true,
        }),
      );
      const { data, next } = this.onePage(answer, 'projects');
      return {
        items: data.map((item) => {
          const project = this.checked(ProjectAnswer, item, 'a project');
          return { kind, id: project.id, path: project.path_with_namespace };
        }),
        more: next !== null,
      };
    }
    const answer = await this.call('list the groups you own', () =>
      new Groups(this.config).all({
        minAccessLevel: 50,
        pagination: 'offset',
        page: 1,
        perPage: limit,
        showExpanded: true,
      }),
    );
    const { data, next } = this.onePage(answer, 'groups');
    return {
      items: data.map((item) => {
        const group = this.checked(GroupAnswer, item, 'a group');
        return { kind, id: group.id, path: group.full_path };
      }),
      more: next !== null,
    };
  }

  async namespace(kind: NamespaceKind, id: number): Promise<Namespace> {
    if (kind === 'project') {
      const project = await this.call(`open the project ${id}`, () =>
        new Projects(this.config).show(id),
      );
      const checked = this.checked(ProjectAnswer, project, 'a project');
      return { kind, id, path: checked.path_with_namespace };
    }
    const group = await this.call(`open the group ${id}`, () =>
      new Groups(this.config).show(id, { withProjects: false } as never),
    );
    const checked = this.checked(GroupAnswer, group, 'a group');
    return { kind, id, path: checked.full_path };
  }

  async listResource(namespace: Namespace, maxPages: number): Promise<ResourceTokenAnswer[]> {
    const items = await this.pages(
      `list the access tokens of the ${namespace.kind} ${namespace.path}`,
      maxPages,
      (page) =>
        this.resource(namespace.kind).all(namespace.id, {
          revoked: false,
          page,
          perPage: PAGE_SIZE,
          showExpanded: true,
        } as never),
    );
    return items.map((item) => this.checked(ResourceTokenAnswer, item, 'an access token'));
  }

  async showResource(
    kind: NamespaceKind,
    namespaceId: number,
    tokenId: number,
  ): Promise<ResourceTokenAnswer> {
    const token = await this.call(`read an access token of the ${kind} ${namespaceId}`, () =>
      this.resource(kind).show(namespaceId, tokenId),
    );
    return this.checked(ResourceTokenAnswer, token, 'an access token');
  }

  /** One POST …/access_tokens, never repeated: the answer as it came (the caller checks for `token`). */
  async createResource(
    namespace: Namespace,
    input: {
      name: string;
      scopes: string[];
      accessLevel: number;
      expiresAt: string;
      description?: string;
    },
  ): Promise<Sent> {
    return this.sendOnce(`create an access token in the ${namespace.kind} ${namespace.path}`, () =>
      this.resource(namespace.kind).create(
        namespace.id,
        input.name,
        input.scopes as never,
        input.expiresAt,
        {
          accessLevel: input.accessLevel as never,
          ...(input.description ? { description: input.description } : {}),
        },
      ),
    );
  }

  async revokeResource(kind: NamespaceKind, namespaceId: number, tokenId: number): Promise<void> {
    await this.call(`revoke an access token of the ${kind} ${namespaceId}`, () =>
      this.resource(kind).revoke(namespaceId, tokenId),
    );
  }

  // ---------------------------------------------------------------- helpers

  private resource(kind: NamespaceKind) {
    return kind === 'project'
      ? new ProjectAccessTokens(this.config)
      : new GroupAccessTokens(this.config);
  }

  /** Whether `value` is a token value GitLab could have made (printable ASCII, no spaces). */
  static isTokenValue(value: unknown): value is string {
    return tokenValueCheck.Check(value);
  }

  /** `value` as `schema`, or an error in words naming GitLab, its host and what was wrong. */
  checked<S extends TSchema>(schema: S, value: unknown, what: string): Static<S> {
    const check = compiled(schema);
    if (check.Check(value)) return value as Static<S>;
    const [first] = check.Errors(value);
    const where = first?.instancePath ? ` (at ${first.instancePath.slice(0, 60)})` : '';
    throw new ProviderError(
      'provider_invalid_response',
      `GitLab at ${this.hostName} answered with something that is not ${what}${where}, so Token Desk stopped.`,
    );
  }

  private onePage(answer: unknown, what: string): { data: unknown[]; next: number | null } {
    const record = (answer ?? {}) as { data?: unknown; paginationInfo?: { next?: unknown } };
    if (!Array.isArray(record.data))
      throw new ProviderError(
        'provider_invalid_response',
        `GitLab at ${this.hostName} answered without a list of ${what}, so Token Desk stopped.`,
      );
    const next = record.paginationInfo?.next;
    return { data: record.data, next: typeof next === 'number' && next > 0 ? next : null };
  }

  /**
   * Every page of a list, at most `maxPages`: GitLab's `x-next-page` must be the page
   * after the one just read (a server naming page 1 again would loop forever), and a
   * list still going after `maxPages` is refused rather than read on without end.
   */
  private async pages(
    what: string,
    maxPages: number,
    page: (n: number) => Promise<unknown>,
  ): Promise<unknown[]> {
    const items: unknown[] = [];
    for (let n = 1; n <= maxPages; n++) {
      const answer = await this.call(what, () => page(n));
      const { data, next } = this.onePage(answer, what.replace(/^list /, ''));
      items.push(...data);
      if (next === null) return items;
      if (next !== n + 1)
        throw new ProviderError(
          'provider_invalid_response',
          `GitLab at ${this.hostName} named page ${next} as the one after page ${n} when Token Desk tried to ${what}, so it stopped.`,
        );
    }
    throw new ProviderError(
      'provider_invalid_response',
      `GitLab at ${this.hostName} was still sending pages after ${maxPages} pages of ${PAGE_SIZE} when Token Desk tried to ${what}, which no honest answer does, so it stopped.`,
    );
  }

  /**
   * A request that changes something and is never repeated. `refused` is true only
   * when GitLab answered with a 4xx, so nothing was done; anything else (no answer,
   * 5xx, a timeout, an answer cut or unreadable) leaves the outcome unknown.
   */
  private async sendOnce(what: string, request: () => Promise<unknown>): Promise<Sent> {
    try {
      return { ok: true, answer: await request() };
    } catch (error) {
      const refused = error instanceof GitLabHttpError && error.status >= 400 && error.status < 500;
      return { ok: false, error: this.describe(error, what), refused };
    }
  }

  async call<T>(what: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw this.describe(error, what);
    }
  }

  /** Any failure of a request as a ProviderError in words, naming GitLab and its host. */
  describe(error: unknown, what: string, now = Date.now()): ProviderError {
    if (error instanceof ProviderError) return error;
    const at = `GitLab at ${this.hostName}`;
    const outbound = findOutboundError(error);
    if (outbound) return outboundFailure('GitLab', outbound, what);
    if (error instanceof ForeignHostRefused)
      return new ProviderError(
        'provider_foreign_host',
        `${at} pointed Token Desk to ${error.target.origin}, which is not this GitLab, while it tried to ${what}. Token Desk refused and sent nothing there, not your access token either.`,
      );
    if (error instanceof UnreadableAnswer) {
      const words = {
        'too-large': `answered with more than ${MAX_ANSWER_BYTES / 1024 / 1024} MB`,
        'not-json': `answered with something that is not GitLab’s JSON${error.detail ? ` (${error.detail})` : ''}`,
        redirect: `answered with a redirect${error.detail ? ` to ${error.detail}` : ''}, which Token Desk does not follow (your access token would go with it)`,
        'cut-off': 'stopped answering in the middle',
      }[error.reason];
      return new ProviderError(
        error.reason === 'cut-off' ? 'provider_unreachable' : 'provider_invalid_response',
        `${at} ${words} when Token Desk tried to ${what}, so it stopped. Check the GitLab address of this connection.`,
      );
    }
    if (!(error instanceof GitLabHttpError))
      return describeHttpFailure(WORDS, NO_ANSWER, `${what} (${this.hostName})`, now, NEEDS);
    const failure = {
      status: error.status,
      header: (name: string) => error.headers.get(name) ?? undefined,
      message: gitlabMessage(error.body),
    };
    const described = describeHttpFailure(WORDS, failure, what, now, NEEDS);
    return new ProviderError(
      described.code,
      described.message.replace(/^GitLab /, `${at} `),
      described.retryAt,
    );
  }
}

const compiledSchemas = new WeakMap<TSchema, ReturnType<typeof Compile>>();
function compiled(schema: TSchema) {
  let check = compiledSchemas.get(schema);
  if (!check) {
    check = Compile(schema);
    compiledSchemas.set(schema, check);
  }
  return check;
}

const NO_ANSWER = { status: 0, header: () => undefined, message: null };
const NEEDS =
  'a personal access token with the api scope, and the Maintainer role for a project’s tokens (Owner for a group’s)';
const WORDS: FailureWords = {
  provider: 'GitLab',
  refusedToken: '401 Unauthorized',
  notFoundAdvice:
    'check that it still exists and that your account can see it (GitLab answers "not found" for what it hides from you).',
  invalidStatuses: [400, 422],
  resetHeader: 'ratelimit-reset',
  isRateLimited: ({ status }) => status === 429,
};
