/**
 * A local GitLab of exactly the endpoints Token Desk calls, from GitLab's REST
 * documentation (api/rest, api/project_level_variables, api/group_level_variables,
 * api/projects, api/groups, api/users): `/api/v4` under the instance URL, the
 * PRIVATE-TOKEN header, `{"message": …}` error bodies, offset pagination headers,
 * 429 with Retry-After and RateLimit-* headers, variables keyed by key and
 * environment scope, and GitLab's own masking rule applied server-side.
 *
 * It also serves GitLab's token API (fake-gitlab-tokens.ts): personal, project and
 * group access tokens on the same instance, so a project token can be pushed into a
 * project variable here, and every PRIVATE-TOKEN is one of its tokens (`addUser`
 * makes a personal access token), revoked or expired ones refused.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeGitLabTokens, type FakeAnswer, type TokenNamespace } from './fake-gitlab-tokens.js';

interface Variable {
  key: string;
  value: string;
  masked: boolean;
  protected: boolean;
  raw: boolean;
  environment_scope: string;
  variable_type: string;
}

interface Namespace {
  id: number;
  kind: 'project' | 'group';
  path: string;
  /** Direct members' access level per username: 30 Developer, 40 Maintainer, 50 Owner. */
  members: Map<string, number>;
  /** A public group or project is listed to everyone (api/groups, api/projects without filters). */
  visibility: 'private' | 'public';
  variables: Variable[];
}

/** A canned answer, or one built from the request (to echo what the client sent). */
type FailAnswer = FakeAnswer | ((request: { privateToken: string }) => FakeAnswer);

interface NamespaceOptions {
  visibility?: 'private' | 'public';
}

export interface FakeGitLab {
  url: string;
  addUser(token: string, username: string, scopes?: string[]): void;
  addProject(path: string, members: Record<string, number>, options?: NamespaceOptions): number;
  addGroup(path: string, members: Record<string, number>, options?: NamespaceOptions): number;
  variable(
    kind: 'project' | 'group',
    path: string,
    key: string,
    scope?: string,
  ): Variable | undefined;
  failNext(pathPart: string, answer: FailAnswer): void;
  /** Adds these headers (a hostile `link`, say) to the next answer whose path contains `pathPart`. */
  headersNext(pathPart: string, headers: Record<string, string>): void;
  /**
   * Lets the real handler answer the next `times` requests whose path contains
   * `pathPart` (so a rotation really happens), then changes that answer: another
   * answer, `destroy` (the connection is cut: the answer is lost) or `hang` (never
   * answered).
   */
  alter(
    pathPart: string,
    change: (
      answer: FakeAnswer,
      request: { query: URLSearchParams },
    ) => FakeAnswer | 'destroy' | 'hang',
    times?: number,
  ): () => void;
  /** A project or group as the token API sees it (to give it tokens made on GitLab's pages). */
  namespace(kind: 'project' | 'group', idOrPath: string): TokenNamespace | undefined;
  /** The token API's state and its off-contract record. */
  tokens: FakeGitLabTokens;
  requests: { method: string; path: string; status: number; privateToken: boolean }[];
  close(): Promise<void>;
}

const MASKABLE = /^[A-Za-z0-9_+=/@:.~-]{8,}$/;

export async function startFakeGitLab(): Promise<FakeGitLab> {
  const namespaces: Namespace[] = [];
  const failures: { pathPart: string; answer: FailAnswer }[] = [];
  const extraHeaders: { pathPart: string; headers: Record<string, string> }[] = [];
  const requests: FakeGitLab['requests'] = [];
  const alterations: {
    pathPart: string;
    change: Parameters<FakeGitLab['alter']>[1];
    times: number;
  }[] = [];
  let nextId = 100;

  const find = (kind: Namespace['kind'], idOrPath: string) =>
    namespaces.find(
      (namespace) =>
        namespace.kind === kind &&
        (namespace.path === idOrPath || String(namespace.id) === idOrPath),
    );

  /** A user's role in a group or project (direct memberships only: the fake has no inheritance). */
  const levelOf = (namespace: { members: Map<string, number> }, username: string): number =>
    namespace.members.get(username) ?? 0;

  const tokens = new FakeGitLabTokens({ find });

  const notFound = (what: string): FakeAnswer => ({
    status: 404,
    body: { message: `404 ${what} Not Found` },
  });

  function paginate(items: unknown[], query: URLSearchParams, base: string): FakeAnswer {
    const perPage = Math.min(100, Math.max(1, Number(query.get('per_page') ?? 20) || 20));
    const page = Math.max(1, Number(query.get('page') ?? 1) || 1);
    const totalPages = Math.max(1, Math.ceil(items.length / perPage));
    const link = (n: number, rel: string) => {
      const next = new URLSearchParams(query);
      next.set('page', String(n));
      next.set('per_page', String(perPage));
      return `<${base}?${next}>; rel="${rel}"`;
    };
    return {
      status: 200,
      body: items.slice((page - 1) * perPage, page * perPage),
      headers: {
        'x-page': String(page),
        'x-per-page': String(perPage),
        'x-total': String(items.length),
        'x-total-pages': String(totalPages),
        'x-next-page': page < totalPages ? String(page + 1) : '',
        'x-prev-page': page > 1 ? String(page - 1) : '',
        link: [
          ...(page < totalPages ? [link(page + 1, 'next')] : []),
          link(1, 'first'),
          link(totalPages, 'last'),
        ].join(', '),
      },
    };
  }

  function answer(
    method: string,
    path: string,
    query: URLSearchParams,
    body: Record<string, unknown>,
    username: string,
    base: string,
  ): FakeAnswer {
    if (method === 'GET' && path === '/user')
      return {
        status: 200,
        body: { id: 1, username, name: username, state: 'active', web_url: `${base}/${username}` },
      };
    if (method === 'GET' && (path === '/projects' || path === '/groups')) {
      const kind = path === '/projects' ? 'project' : 'group';
      // api/groups and api/projects list what the user can see (public ones too);
      // min_access_level keeps those where the user has at least that role;
      // `membership` keeps the user's own.
      const minLevel = Number(query.get('min_access_level') ?? 0);
      const membersOnly = minLevel > 0 || query.get('membership') === 'true';
      const search = query.get('search');
      const items = namespaces
        .filter((namespace) => namespace.kind === kind)
        .filter((namespace) => {
          const level = levelOf(namespace, username);
          return membersOnly
            ? level >= Math.max(minLevel, 10)
            : level >= 10 || namespace.visibility === 'public';
        })
        .filter((namespace) => !search || namespace.path.includes(search))
        .map((namespace) =>
          kind === 'project'
            ? {
                id: namespace.id,
                name: namespace.path.split('/').pop(),
                path: namespace.path.split('/').pop(),
                path_with_namespace: namespace.path,
                web_url: `${base}/${namespace.path}`,
              }
            : {
                id: namespace.id,
                name: namespace.path.split('/').pop(),
                path: namespace.path.split('/').pop(),
                full_path: namespace.path,
                web_url: `${base}/groups/${namespace.path}`,
              },
        );
      return paginate(items, query, `${base}/api/v4${path}`);
    }
    const match = /^\/(projects|groups)\/([^/]+)(?:\/variables(?:\/([^/]+))?)?$/.exec(path);
    if (!match) return { status: 404, body: { error: '404 Not Found' } };
    const kind = match[1] === 'projects' ? 'project' : 'group';
    const namespace = find(kind, decodeURIComponent(match[2] ?? ''));
    const level = namespace ? levelOf(namespace, username) : 0;
    if (!namespace || level < 10) return notFound(kind === 'project' ? 'Project' : 'Group');
    if (!path.includes('/variables')) {
      return method === 'GET'
        ? {
            status: 200,
            body: {
              id: namespace.id,
              path_with_namespace: namespace.path,
              full_path: namespace.path,
            },
          }
        : { status: 405, body: { message: '405 Method Not Allowed' } };
    }
    // Variables need the Maintainer role (Owner for groups).
    if (level < (kind === 'group' ? 50 : 40))
      return { status: 403, body: { message: '403 Forbidden' } };
    const scope =
      query.get('filter[environment_scope]') ??
      (typeof body.environment_scope === 'string' ? body.environment_scope : '*');
    const key = match[3] === undefined ? undefined : decodeURIComponent(match[3]);
    const existing = (k: string) =>
      namespace.variables.find(
        (variable) => variable.key === k && variable.environment_scope === scope,
      );
    const validate = (value: unknown, masked: unknown): FakeAnswer | null => {
      if (typeof value !== 'string') return { status: 400, body: { error: 'value is missing' } };
      if (masked === true && !MASKABLE.test(value))
        return { status: 400, body: { message: { value: ['is invalid'] } } };
      return null;
    };
    if (method === 'GET' && key) {
      const variable = existing(key);
      return variable ? { status: 200, body: variable } : notFound('Variable');
    }
    if (method === 'POST' && key === undefined) {
      const newKey = String(body.key ?? '');
      if (!/^[A-Za-z0-9_]{1,255}$/.test(newKey))
        return {
          status: 400,
          body: { message: { key: ["can contain only letters, digits and '_'."] } },
        };
      if (existing(newKey))
        return {
          status: 400,
          body: { message: { key: [`(${newKey}) has already been taken`] } },
        };
      const invalid = validate(body.value, body.masked);
      if (invalid) return invalid;
      const variable: Variable = {
        key: newKey,
        value: String(body.value),
        masked: body.masked === true,
        protected: body.protected === true,
        raw: body.raw === true,
        environment_scope: scope,
        variable_type: typeof body.variable_type === 'string' ? body.variable_type : 'env_var',
      };
      namespace.variables.push(variable);
      return { status: 201, body: variable };
    }
    if (method === 'PUT' && key) {
      const variable = existing(key);
      if (!variable) return notFound('Variable');
      const invalid = validate(body.value, body.masked ?? variable.masked);
      if (invalid) return invalid;
      variable.value = String(body.value);
      if (typeof body.masked === 'boolean') variable.masked = body.masked;
      if (typeof body.protected === 'boolean') variable.protected = body.protected;
      if (typeof body.raw === 'boolean') variable.raw = body.raw;
      return { status: 200, body: variable };
    }
    return { status: 405, body: { message: '405 Method Not Allowed' } };
  }

  async function handle(incoming: IncomingMessage, outgoing: ServerResponse, base: string) {
    const url = new URL(incoming.url ?? '/', base);
    const method = incoming.method ?? 'GET';
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    let body: Record<string, unknown> = {};
    const rawBody = Buffer.concat(chunks).toString('utf8');
    try {
      if (rawBody) body = JSON.parse(rawBody) as Record<string, unknown>;
    } catch {
      body = {};
    }
    const token = incoming.headers['private-token'];
    // gitbeaker sends the path as one %2F-encoded segment; routing needs it raw.
    const rawPath = (incoming.url ?? '/').split('?')[0] ?? '/';
    const actor =
      typeof token === 'string'
        ? tokens.authenticate(token, /access_tokens\/(\d+|self)\/rotate$/.test(rawPath))
        : null;
    const user = actor ?? undefined;
    // A token with only the self_rotate scope may rotate itself (GitLab 17.9).
    const selfRotation = /access_tokens\/self\/rotate$/.test(rawPath) && method === 'POST';
    let result: FakeAnswer;
    const failure = failures.findIndex((entry) => rawPath.includes(entry.pathPart));
    if (!rawPath.startsWith('/api/v4/')) result = { status: 404, body: { error: '404 Not Found' } };
    else if (!user) result = { status: 401, body: { message: '401 Unauthorized' } };
    else if (!user.scopes.includes('api') && method !== 'GET' && !selfRotation)
      result = {
        status: 403,
        body: {
          error: 'insufficient_scope',
          error_description:
            'The request requires higher privileges than provided by the access token.',
          scope: 'api',
        },
      };
    else if (failure >= 0) {
      const failing = failures.splice(failure, 1)[0]!.answer;
      result =
        typeof failing === 'function'
          ? failing({ privateToken: typeof token === 'string' ? token : '' })
          : failing;
    } else
      result =
        tokens.route(
          method,
          rawPath.slice('/api/v4'.length),
          url.searchParams,
          body,
          {
            privateToken: typeof token === 'string',
            contentType: incoming.headers['content-type']?.split(';')[0],
            rawBody,
            selfUrl: `${base}${rawPath}`,
          },
          user,
          levelOf,
        ) ??
        answer(
          method,
          rawPath.slice('/api/v4'.length),
          url.searchParams,
          body,
          user.username,
          base,
        );
    const extra = extraHeaders.findIndex((entry) => rawPath.includes(entry.pathPart));
    if (extra >= 0)
      result = {
        ...result,
        headers: { ...result.headers, ...extraHeaders.splice(extra, 1)[0]!.headers },
      };
    const alteration = alterations.findIndex(
      (entry) => entry.times > 0 && rawPath.includes(entry.pathPart),
    );
    let altered: FakeAnswer | 'destroy' | 'hang' = result;
    if (alteration >= 0) {
      const entry = alterations[alteration]!;
      entry.times--;
      altered = entry.change(result, { query: url.searchParams });
    }
    requests.push({
      method,
      path: rawPath,
      status: typeof altered === 'string' ? 0 : altered.status,
      privateToken: typeof token === 'string',
    });
    if (altered === 'destroy') {
      incoming.socket.destroy();
      return;
    }
    if (altered === 'hang') {
      hanging.push(outgoing);
      return;
    }
    outgoing
      .writeHead(altered.status, {
        'content-type': 'application/json',
        'ratelimit-limit': '2000',
        'ratelimit-remaining': '1999',
        ...altered.headers,
      })
      .end(altered.raw ?? (altered.body === undefined ? '' : JSON.stringify(altered.body)));
  }
  const hanging: ServerResponse[] = [];

  let base = '';
  const server = createServer((incoming, outgoing) => {
    handle(incoming, outgoing, base).catch(() => outgoing.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const add = (
    kind: Namespace['kind'],
    path: string,
    members: Record<string, number>,
    options: NamespaceOptions = {},
  ) => {
    const id = nextId++;
    namespaces.push({
      id,
      kind,
      path,
      members: new Map(Object.entries(members)),
      visibility: options.visibility ?? 'private',
      variables: [],
    });
    return id;
  };
  return {
    url: base,
    addUser(token, username, scopes = ['api']) {
      tokens.addPersonal(username, token, scopes);
    },
    addProject: (path, members, options) => add('project', path, members, options),
    addGroup: (path, members, options) => add('group', path, members, options),
    variable(kind, path, key, scope = '*') {
      return find(kind, path)?.variables.find(
        (variable) => variable.key === key && variable.environment_scope === scope,
      );
    },
    failNext(pathPart, failureAnswer) {
      failures.push({ pathPart, answer: failureAnswer });
    },
    headersNext(pathPart, headers) {
      extraHeaders.push({ pathPart, headers });
    },
    alter(pathPart, change, times = 1) {
      const entry = { pathPart, change, times };
      alterations.push(entry);
      return () => {
        entry.times = 0;
      };
    },
    namespace: find,
    tokens,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of hanging.splice(0)) response.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
