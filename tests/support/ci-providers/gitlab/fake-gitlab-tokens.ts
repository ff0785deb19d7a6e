/**
 * The token half of the local GitLab (fake-gitlab.ts mounts it): personal, project
 * and group access tokens, from GitLab's documentation and API source —
 *   docs.gitlab.com/api/personal_access_tokens (list with filters, get, `self`, rotate
 *     with `expires_at`, self-rotate with `api` or `self_rotate`, automatic reuse
 *     detection, revoke; 401 for a token that is not yours),
 *   docs.gitlab.com/api/project_access_tokens and api/group_access_tokens (list, get,
 *     create with name/scopes/access_level/expires_at/description, rotate, self-rotate,
 *     revoke; revoked ones still listed),
 *   docs.gitlab.com/user/project/settings/project_access_tokens (Maintainer for a
 *     project, Owner for a group; a bot user per token; at most 365 days),
 *   gitlab lib/api/resource_access_tokens.rb (401 `unauthorized!` when listing,
 *     reading or rotating without the role, 400 `bad_request!` when creating or
 *     revoking without it) and app/services/personal_access_tokens/rotate_service.rb
 *     (the old token revoked and a new one made in one step; one week without
 *     `expires_at`; name, scopes and description kept).
 *
 * Every request to these routes is checked against those shapes (method, path,
 * PRIVATE-TOKEN, query and body keys and their types); whatever is off-contract is
 * recorded in `offContract`, which the tests assert is empty.
 */

export interface FakeAnswer {
  status: number;
  body?: unknown;
  /** Written as is instead of `body` (a malformed or huge answer). */
  raw?: string;
  headers?: Record<string, string>;
}

export interface FakeToken {
  id: number;
  value: string;
  name: string;
  description: string | null;
  username: string;
  userId: number;
  scopes: string[];
  createdAt: string;
  /** YYYY-MM-DD or null. */
  expiresAt: string | null;
  lastUsedAt: string | null;
  revoked: boolean;
  previousId: number | null;
  owner: { kind: 'personal' } | { kind: 'project' | 'group'; namespaceId: number };
}

export interface TokenNamespace {
  id: number;
  kind: 'project' | 'group';
  path: string;
  members: Map<string, number>;
}

/** What the store needs of the rest of the fake. */
export interface NamespaceDirectory {
  find(kind: 'project' | 'group', idOrPath: string): TokenNamespace | undefined;
}

export interface Actor {
  username: string;
  scopes: string[];
  token: FakeToken;
}

const DAY_MS = 86_400_000;
const MAX_LIFETIME_DAYS = 365;
const RESOURCE_SCOPES = new Set([
  'api',
  'read_api',
  'read_registry',
  'write_registry',
  'read_repository',
  'write_repository',
  'create_runner',
  'manage_runner',
  'ai_features',
  'k8s_proxy',
  'self_rotate',
]);
const ACCESS_LEVELS = new Set([10, 15, 20, 30, 40, 50]);
const LIST_FILTERS = [
  'created_after',
  'created_before',
  'expires_after',
  'expires_before',
  'last_used_after',
  'last_used_before',
  'revoked',
  'search',
  'sort',
  'state',
];
const PAGINATION = ['page', 'per_page', 'pagination'];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class FakeGitLabTokens {
  readonly tokens: FakeToken[] = [];
  /** Requests that left GitLab's documented shapes, one sentence each. */
  readonly offContract: string[] = [];
  now: () => number = Date.now;
  private nextTokenId = 1000;
  private nextUserId = 5000;
  private readonly userIds = new Map<string, number>();
  private botCount = 0;
  private selfUrl = '';

  constructor(private readonly namespaces: NamespaceDirectory) {}

  /** A personal access token for `username` (made on GitLab's pages, so any scopes). */
  addPersonal(
    username: string,
    value: string,
    scopes: string[],
    options: { name?: string; expiresInDays?: number | null; createdDaysAgo?: number } = {},
  ): FakeToken {
    const created = this.now() - (options.createdDaysAgo ?? 0) * DAY_MS;
    return this.store({
      value,
      name: options.name ?? `${username}-token`,
      description: null,
      username,
      scopes,
      createdAt: new Date(created).toISOString(),
      expiresAt:
        options.expiresInDays === null
          ? null
          : this.dayFromToday(options.expiresInDays ?? MAX_LIFETIME_DAYS),
      owner: { kind: 'personal' },
      previousId: null,
    });
  }

  /** A project or group access token made on GitLab's pages, with its bot member. */
  addResourceToken(
    namespace: TokenNamespace,
    value: string,
    options: { name: string; scopes: string[]; accessLevel: number; expiresInDays?: number },
  ): FakeToken {
    const username = this.newBot(namespace, options.accessLevel);
    return this.store({
      value,
      name: options.name,
      description: null,
      username,
      scopes: options.scopes,
      createdAt: new Date(this.now()).toISOString(),
      expiresAt: this.dayFromToday(options.expiresInDays ?? MAX_LIFETIME_DAYS),
      owner: { kind: namespace.kind, namespaceId: namespace.id },
      previousId: null,
    });
  }

  byValue(value: string): FakeToken | undefined {
    return this.tokens.find((token) => token.value === value);
  }

  /**
   * Who a PRIVATE-TOKEN is, or null (401). A revoked token presented to a rotation
   * route revokes its whole family: GitLab's automatic reuse detection
   * (Gitlab::Auth::AuthFinders#revoke_token_family, only on `access_tokens/:id|self/rotate`).
   */
  authenticate(value: string, rotationRequest = false): Actor | null {
    const token = this.byValue(value);
    if (!token) return null;
    if (token.revoked) {
      if (rotationRequest) this.revokeFamily(token);
      return null;
    }
    if (this.expired(token)) return null;
    token.lastUsedAt = new Date(this.now()).toISOString();
    return { username: token.username, scopes: token.scopes, token };
  }

  /** The answer for a token route, or null when `path` is none of them. */
  route(
    method: string,
    path: string,
    query: URLSearchParams,
    body: Record<string, unknown>,
    headers: {
      privateToken: boolean;
      contentType: string | undefined;
      rawBody: string;
      /** This request's URL without its query, for the Link header. */
      selfUrl: string;
    },
    actor: Actor,
    levelOf: (namespace: TokenNamespace, username: string) => number,
  ): FakeAnswer | null {
    const personal = /^\/personal_access_tokens(?:\/(self|[0-9]+))?(\/rotate)?$/.exec(path);
    const resource =
      /^\/(projects|groups)\/([^/]+)\/access_tokens(?:\/(self|[0-9]+))?(\/rotate)?$/.exec(path);
    if (!personal && !resource) return null;
    const where = `${method} ${path}`;
    if (!headers.privateToken) this.offContract.push(`${where}: no PRIVATE-TOKEN header`);
    const rotate = Boolean(personal?.[2] ?? resource?.[4]);
    const target = personal ? personal[1] : resource?.[3];
    // Which query and body keys each documented route takes.
    const allowedQuery =
      method === 'GET' && target === undefined
        ? [...LIST_FILTERS, ...PAGINATION, ...(personal ? ['user_id'] : [])]
        : [];
    for (const key of query.keys())
      if (!allowedQuery.includes(key)) this.offContract.push(`${where}: query ${key}`);
    const allowedBody = rotate
      ? ['expires_at']
      : method === 'POST' && resource && target === undefined
        ? ['name', 'scopes', 'access_level', 'expires_at', 'description']
        : [];
    for (const key of Object.keys(body))
      if (!allowedBody.includes(key)) this.offContract.push(`${where}: body key ${key}`);
    if (method === 'POST' && headers.rawBody && headers.contentType !== 'application/json')
      this.offContract.push(`${where}: content-type ${headers.contentType ?? 'none'}`);
    this.selfUrl = headers.selfUrl;
    if (personal) return this.personalRoute(method, target, rotate, query, body, actor, where);
    const kind = resource![1] === 'projects' ? 'project' : 'group';
    const namespace = this.namespaces.find(kind, decodeURIComponent(resource![2] ?? ''));
    const level = namespace ? levelOf(namespace, actor.username) : 0;
    if (!namespace || level < 10)
      return {
        status: 404,
        body: { message: `404 ${kind === 'project' ? 'Project' : 'Group'} Not Found` },
      };
    return this.resourceRoute(method, namespace, level, target, rotate, query, body, actor, where);
  }

  // ---------------------------------------------------------------- personal access tokens

  private personalRoute(
    method: string,
    target: string | undefined,
    rotate: boolean,
    query: URLSearchParams,
    body: Record<string, unknown>,
    actor: Actor,
    where: string,
  ): FakeAnswer {
    const userId = this.userId(actor.username);
    if (method === 'GET' && target === undefined) {
      const filterUser = query.get('user_id');
      if (filterUser !== null && Number(filterUser) !== userId)
        return { status: 401, body: { message: '401 Unauthorized' } };
      const own = this.tokens.filter(
        (token) => token.owner.kind === 'personal' && token.username === actor.username,
      );
      return this.paginate(
        this.filtered(own, query, where).map((token) => this.entity(token)),
        query,
      );
    }
    const token =
      target === 'self'
        ? actor.token
        : this.tokens.find((candidate) => String(candidate.id) === target);
    const own = token !== undefined && token.username === actor.username;
    if (method === 'GET' && target !== undefined && !rotate) {
      return own ? { status: 200, body: this.entity(token) } : UNAUTHORIZED;
    }
    if (method === 'POST' && rotate) {
      if (
        target === 'self' &&
        !actor.scopes.includes('api') &&
        !actor.scopes.includes('self_rotate')
      )
        return { status: 403, body: { message: '403 Forbidden' } };
      if (!own) return UNAUTHORIZED;
      if (token.owner.kind !== 'personal' && target !== 'self')
        return { status: 405, body: { message: '405 Method Not Allowed' } };
      return this.rotate(token, body, where);
    }
    if (method === 'DELETE' && target !== undefined && !rotate) {
      if (!token) return { status: 404, body: { message: '404 Not found' } };
      if (!own) return { status: 400, body: { message: '400 Bad request' } };
      token.revoked = true;
      return { status: 204 };
    }
    this.offContract.push(`${where}: no such route`);
    return { status: 405, body: { message: '405 Method Not Allowed' } };
  }

  // ---------------------------------------------------------------- project and group access tokens

  private resourceRoute(
    method: string,
    namespace: TokenNamespace,
    level: number,
    target: string | undefined,
    rotate: boolean,
    query: URLSearchParams,
    body: Record<string, unknown>,
    actor: Actor,
    where: string,
  ): FakeAnswer {
    const needed = namespace.kind === 'project' ? 40 : 50;
    const allowed = level >= needed;
    const kindWord = namespace.kind;
    const ofNamespace = this.tokens.filter(
      (token) =>
        token.owner.kind === namespace.kind &&
        'namespaceId' in token.owner &&
        token.owner.namespaceId === namespace.id,
    );
    const token =
      target === 'self'
        ? ofNamespace.find((candidate) => candidate === actor.token)
        : ofNamespace.find((candidate) => String(candidate.id) === target);
    if (method === 'GET' && target === undefined) {
      if (!allowed) return UNAUTHORIZED;
      return this.paginate(
        this.filtered(ofNamespace, query, where).map((entry) => this.entity(entry, namespace)),
        query,
      );
    }
    if (method === 'GET' && target !== undefined && !rotate) {
      if (!allowed) return UNAUTHORIZED;
      return token
        ? { status: 200, body: this.entity(token, namespace) }
        : { status: 404, body: { message: `404 ${kindWord} Access Token Not Found` } };
    }
    if (method === 'POST' && target === undefined) {
      // Only a person's personal access token may create one (not a bot's).
      if (!allowed || actor.token.owner.kind !== 'personal')
        return badRequest(`User does not have permission to create ${kindWord} access token`);
      return this.create(namespace, level, body, where);
    }
    if (method === 'POST' && rotate) {
      const selfRotation = target === 'self' && token !== undefined;
      if (!allowed && !selfRotation) return UNAUTHORIZED;
      if (!token) return UNAUTHORIZED;
      return this.rotate(token, body, where, namespace);
    }
    if (method === 'DELETE' && target !== undefined && !rotate) {
      if (!token)
        return { status: 404, body: { message: `404 ${kindWord} Access Token Not Found` } };
      if (!allowed) return badRequest(`${actor.username} cannot delete ${token.username}`);
      token.revoked = true;
      return { status: 204 };
    }
    this.offContract.push(`${where}: no such route`);
    return { status: 405, body: { message: '405 Method Not Allowed' } };
  }

  private create(
    namespace: TokenNamespace,
    creatorLevel: number,
    body: Record<string, unknown>,
    where: string,
  ): FakeAnswer {
    const { name, scopes, expires_at: expiresAt, access_level: accessLevel, description } = body;
    if (typeof name !== 'string' || name.length === 0) {
      this.offContract.push(`${where}: name missing or not a string`);
      return { status: 400, body: { error: 'name is missing' } };
    }
    if (
      !Array.isArray(scopes) ||
      scopes.length === 0 ||
      !scopes.every((scope) => typeof scope === 'string' && RESOURCE_SCOPES.has(scope))
    ) {
      this.offContract.push(`${where}: scopes ${JSON.stringify(scopes)}`);
      return { status: 400, body: { error: 'scopes does not have a valid value' } };
    }
    if (typeof expiresAt !== 'string') {
      this.offContract.push(`${where}: expires_at missing`);
      return { status: 400, body: { error: 'expires_at is missing' } };
    }
    const expiry = this.checkExpiry(expiresAt, where);
    if (expiry) return expiry;
    if (
      accessLevel !== undefined &&
      !(typeof accessLevel === 'number' && ACCESS_LEVELS.has(accessLevel))
    ) {
      this.offContract.push(`${where}: access_level ${JSON.stringify(accessLevel)}`);
      return { status: 400, body: { error: 'access_level does not have a valid value' } };
    }
    if (description !== undefined && typeof description !== 'string')
      this.offContract.push(`${where}: description not a string`);
    const level = (accessLevel as number | undefined) ?? 40;
    if (level > creatorLevel)
      return badRequest(
        'Access level of the token can\u2019t be greater the access level of the user who created the token',
      );
    const username = this.newBot(namespace, level);
    const token = this.store({
      value: newValue(),
      name,
      description: typeof description === 'string' ? description : null,
      username,
      scopes: scopes as string[],
      createdAt: new Date(this.now()).toISOString(),
      expiresAt,
      owner: { kind: namespace.kind, namespaceId: namespace.id },
      previousId: null,
    });
    return { status: 201, body: { ...this.entity(token, namespace), token: token.value } };
  }

  // ---------------------------------------------------------------- rotation

  /** GitLab's RotateService: the old one revoked, a new one made, in one step. */
  private rotate(
    old: FakeToken,
    body: Record<string, unknown>,
    where: string,
    namespace?: TokenNamespace,
  ): FakeAnswer {
    if (old.revoked) {
      // Reuse detection: rotating a token already rotated or revoked ends its family
      // (RotateService answers "Token already revoked", as a 400).
      this.revokeFamily(old);
      return badRequest('Token already revoked');
    }
    if (this.expired(old)) return UNAUTHORIZED;
    let expiresAt = this.dayFromToday(7);
    if (body.expires_at !== undefined) {
      if (typeof body.expires_at !== 'string') {
        this.offContract.push(`${where}: expires_at not a string`);
        return { status: 400, body: { error: 'expires_at is invalid' } };
      }
      const problem = this.checkExpiry(body.expires_at, where);
      if (problem) return problem;
      expiresAt = body.expires_at;
    }
    old.revoked = true;
    const token = this.store({
      value: newValue(),
      name: old.name,
      description: old.description,
      username: old.username,
      scopes: [...old.scopes],
      createdAt: new Date(this.now()).toISOString(),
      expiresAt,
      owner: old.owner,
      previousId: old.id,
    });
    return { status: 200, body: { ...this.entity(token, namespace), token: token.value } };
  }

  /** Every token descended from the same first token, revoked. */
  revokeFamily(member: FakeToken): void {
    let root = member;
    while (root.previousId !== null) {
      const previous = this.tokens.find((token) => token.id === root.previousId);
      if (!previous) break;
      root = previous;
    }
    const family = new Set([root.id]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const token of this.tokens)
        if (token.previousId !== null && family.has(token.previousId) && !family.has(token.id)) {
          family.add(token.id);
          grew = true;
        }
    }
    for (const token of this.tokens) if (family.has(token.id)) token.revoked = true;
  }

  // ---------------------------------------------------------------- helpers

  private checkExpiry(value: string, where: string): FakeAnswer | null {
    if (!DATE.test(value) || !Number.isFinite(Date.parse(`${value}T00:00:00Z`))) {
      this.offContract.push(`${where}: expires_at ${value} is not YYYY-MM-DD`);
      return { status: 400, body: { error: 'expires_at is invalid' } };
    }
    const max = this.dayFromToday(MAX_LIFETIME_DAYS);
    if (value > max)
      return badRequest(
        `Expiration date must be before ${this.dayFromToday(MAX_LIFETIME_DAYS + 1)}`,
      );
    if (value <= this.dayFromToday(0)) return badRequest('Expiration date must be in the future');
    return null;
  }

  private filtered(tokens: FakeToken[], query: URLSearchParams, where: string): FakeToken[] {
    let result = tokens;
    const revoked = query.get('revoked');
    if (revoked !== null) {
      if (revoked !== 'true' && revoked !== 'false')
        this.offContract.push(`${where}: revoked=${revoked} is not a boolean`);
      result = result.filter((token) => token.revoked === (revoked === 'true'));
    }
    const state = query.get('state');
    if (state !== null) {
      if (state !== 'active' && state !== 'inactive')
        this.offContract.push(`${where}: state=${state}`);
      result = result.filter((token) => this.active(token) === (state === 'active'));
    }
    const search = query.get('search');
    if (search) result = result.filter((token) => token.name.includes(search));
    return result;
  }

  private paginate(items: unknown[], query: URLSearchParams): FakeAnswer {
    const perPageRaw = query.get('per_page');
    const pageRaw = query.get('page');
    const perPage = Math.min(100, Math.max(1, Number(perPageRaw ?? 20) || 20));
    const page = Math.max(1, Number(pageRaw ?? 1) || 1);
    const totalPages = Math.max(1, Math.ceil(items.length / perPage));
    const link = (n: number, rel: string) => {
      const next = new URLSearchParams(query);
      next.set('page', String(n));
      next.set('per_page', String(perPage));
      return `<${this.selfUrl}?${next}>; rel="${rel}"`;
    };
    return {
      status: 200,
      body: items.slice((page - 1) * perPage, page * perPage),
      headers: {
        link: [
          ...(page < totalPages ? [link(page + 1, 'next')] : []),
          link(1, 'first'),
          link(totalPages, 'last'),
        ].join(', '),
        'x-page': String(page),
        'x-per-page': String(perPage),
        'x-total': String(items.length),
        'x-total-pages': String(totalPages),
        'x-next-page': page < totalPages ? String(page + 1) : '',
        'x-prev-page': page > 1 ? String(page - 1) : '',
      },
    };
  }

  private entity(token: FakeToken, namespace?: TokenNamespace): Record<string, unknown> {
    const base = {
      id: token.id,
      name: token.name,
      revoked: token.revoked,
      created_at: token.createdAt,
      description: token.description,
      scopes: token.scopes,
      user_id: token.userId,
      last_used_at: token.lastUsedAt,
      active: this.active(token),
      expires_at: token.expiresAt,
    };
    if (!namespace) return base;
    return { ...base, access_level: namespace.members.get(token.username) ?? 0 };
  }

  private active(token: FakeToken): boolean {
    return !token.revoked && !this.expired(token);
  }

  private expired(token: FakeToken): boolean {
    return token.expiresAt !== null && Date.parse(`${token.expiresAt}T00:00:00Z`) <= this.now();
  }

  private dayFromToday(days: number): string {
    return new Date(Math.floor(this.now() / DAY_MS) * DAY_MS + days * DAY_MS)
      .toISOString()
      .slice(0, 10);
  }

  private userId(username: string): number {
    let id = this.userIds.get(username);
    if (id === undefined) {
      id = this.nextUserId++;
      this.userIds.set(username, id);
    }
    return id;
  }

  private newBot(namespace: TokenNamespace, level: number): string {
    const username = `${namespace.kind}_${namespace.id}_bot_${(++this.botCount).toString(16)}`;
    namespace.members.set(username, level);
    return username;
  }

  private store(fields: Omit<FakeToken, 'id' | 'userId' | 'lastUsedAt' | 'revoked'>): FakeToken {
    const token: FakeToken = {
      ...fields,
      id: this.nextTokenId++,
      userId: this.userId(fields.username),
      lastUsedAt: null,
      revoked: false,
    };
    this.tokens.push(token);
    return token;
  }
}

const UNAUTHORIZED: FakeAnswer = { status: 401, body: { message: '401 Unauthorized' } };

function badRequest(message: string): FakeAnswer {
  return { status: 400, body: { message: `400 Bad request - ${message}` } };
}

/** A new token value in GitLab's shape: `glpat-` and 20 URL-safe characters. */
function newValue(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let value = 'glpat-';
  for (let i = 0; i < 20; i++) value += alphabet[Math.floor(Math.random() * alphabet.length)];
  return value;
}
