/**
 * A local stand-in of an npm registry's token API and sign-in with npm's two 2FA flows,
 * modelled on npm's own client (the code these requests must satisfy):
 *
 * - npm-registry-fetch lib/check-response.js: a 401 with `www-authenticate: OTP` (or
 *   "one-time pass" in the body) is EOTP; lib/index.js sends the code as `npm-otp` and
 *   the credential as `authorization: Bearer …` (Basic for a forced login);
 * - npm/cli lib/utils/auth.js `otplease`: an EOTP body with `authUrl` and `doneUrl` is
 *   the web flow (open authUrl, poll doneUrl), else a typed one-time code; the request
 *   is then sent again with the code;
 * - npm-profile lib/index.js: `webAuth` (`POST /-/v1/login` → `{loginUrl, doneUrl}`),
 *   `webAuthCheckLogin` (doneUrl: 202 + Retry-After until done, then 200 `{token}`),
 *   `loginCouch` (`PUT /-/user/org.couchdb.user:<name>`, on 409 `GET …?write=true` then
 *   `PUT …/-rev/<rev>` with Basic auth), `listTokens` (`GET /-/npm/v1/tokens`,
 *   `objects` + `urls.next`), `removeToken` (`DELETE /-/npm/v1/tokens/token/<key>`);
 * - npm/cli lib/commands/token.js `create`: the body keys name, password,
 *   token-description → description, expires (days), packages, packages_all, scopes,
 *   orgs, packages_and_scopes_permission, orgs_permission, cidr_whitelist, bypass_2fa;
 * - docs.npmjs.com "About access tokens" (granular tokens: up to 50 packages and scopes,
 *   write tokens at most 90 days) and "Creating and viewing access tokens".
 *
 * Every request is checked against those shapes; anything else is recorded in
 * `offContract`, which the tests assert is empty. Knobs make it misbehave for the
 * hostile tests: one-shot answers per route, page size and next-page URLs.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type TwoFactorMode = 'none' | 'otp' | 'web';
export type Route = 'login' | 'done' | 'couch' | 'logout' | 'whoami' | 'list' | 'create' | 'delete';

export interface CannedAnswer {
  status: number;
  headers?: Record<string, string>;
  /** JSON-encoded unless `raw` is given. */
  body?: unknown;
  raw?: string;
  /** Streams this many bytes of JSON-looking filler (a huge answer). */
  hugeBytes?: number;
}

export interface SeenRequest {
  method: string;
  path: string;
  authorization: string | null;
  otp: string | null;
  body: unknown;
}

interface StoredToken {
  key: string;
  token: string;
  name: string;
  created: string;
  expires: string | null;
  readonly: boolean;
  packages: string[];
  scopes: string[];
  orgs: string[];
  packages_and_scopes_permission: string | null;
  orgs_permission: string | null;
  cidr_whitelist: string[];
  bypass_2fa: boolean;
}

export interface Npm2fa {
  url: string;
  /** The current one-time code for the `otp` mode. */
  otp: string;
  mode: TwoFactorMode;
  webLogin: boolean;
  /** Whether deleting a token also asks for the second factor. */
  secondFactorOnDelete: boolean;
  /** doneUrl answers 202 this many times after authUrl was opened, then 200. null: never. */
  approveAfterPolls: number | null;
  pageSize: number;
  /** Builds the next-page URL (a hostile one to another host, say); default under the registry. */
  nextPage: ((page: number) => string) | null;
  /** Overrides the authUrl / doneUrl handed out (hostile tests). */
  authUrlFor: ((id: string) => string) | null;
  doneUrlFor: ((id: string) => string) | null;
  retryAfterSeconds: string | null;
  requests: SeenRequest[];
  offContract: string[];
  tokens: Map<string, StoredToken>;
  /** The login (session) tokens the stand-in accepts. */
  sessions: Map<string, string>;
  /** The next request on `route` gets this answer instead (once, in order). */
  next(route: Route, answer: CannedAnswer | ((request: SeenRequest) => CannedAnswer)): void;
  /** A person approving in the browser: marks the flow of `authUrl` approved. */
  approve(authUrl: string): void;
  addToken(token: Partial<StoredToken> & { name: string }): StoredToken;
  close(): Promise<void>;
}

const CREATE_KEYS: Record<string, (value: unknown) => boolean> = {
  name: (value) => typeof value === 'string' && value.length > 0,
  password: (value) => typeof value === 'string' && value.length > 0,
  description: (value) => typeof value === 'string',
  expires: (value) => typeof value === 'number' && Number.isInteger(value) && value >= 1,
  packages: (value) => isStrings(value, 50),
  packages_all: (value) => value === true,
  scopes: (value) => isStrings(value, 50),
  orgs: (value) => isStrings(value, 50),
  packages_and_scopes_permission: (value) =>
    value === 'read-only' || value === 'read-write' || value === 'no-access',
  orgs_permission: (value) =>
    value === 'read-only' || value === 'read-write' || value === 'no-access',
  cidr_whitelist: (value) => isStrings(value, 1000),
  bypass_2fa: (value) => typeof value === 'boolean',
  // npm-profile createToken (older clients) sends these two.
  readonly: (value) => typeof value === 'boolean',
};

const COUCH_KEYS = ['_id', 'name', 'password', 'type', 'roles', 'date', 'email', '_rev', 'ok'];

function isStrings(value: unknown, max: number): boolean {
  return (
    Array.isArray(value) && value.length <= max && value.every((item) => typeof item === 'string')
  );
}

const secret = (bytes = 27) =>
  randomBytes(bytes).toString('base64url').replace(/[-_]/g, 'x').slice(0, 36);

export async function startNpm2fa(
  options: { username?: string; password?: string; mode?: TwoFactorMode } = {},
): Promise<Npm2fa> {
  const username = options.username ?? 'ada';
  const password = options.password ?? 'correct-horse-battery-9';
  const canned = new Map<Route, (CannedAnswer | ((request: SeenRequest) => CannedAnswer))[]>();
  /** Web flows by id: polls so far, whether opened, approved, and the token it ends with. */
  const flows = new Map<
    string,
    { polls: number; approved: boolean; result: string; kind: 'otp' | 'login' }
  >();
  /** One-time codes the web flow handed out, each good for one request. */
  const webCodes = new Set<string>();

  const state: Npm2fa = {
    url: '',
    otp: '123456',
    mode: options.mode ?? 'otp',
    webLogin: false,
    secondFactorOnDelete: false,
    approveAfterPolls: 2,
    pageSize: 100,
    nextPage: null,
    authUrlFor: null,
    doneUrlFor: null,
    retryAfterSeconds: '1',
    requests: [],
    offContract: [],
    tokens: new Map(),
    sessions: new Map(),
    next(route, answer) {
      canned.set(route, [...(canned.get(route) ?? []), answer]);
    },
    approve(authUrl) {
      const id = /\/auth\/([A-Za-z0-9]+)/.exec(authUrl)?.[1];
      const flow = id ? flows.get(id) : undefined;
      if (flow) flow.approved = true;
    },
    addToken(token) {
      const stored: StoredToken = {
        key: randomBytes(32).toString('hex'),
        token: `npm_${secret()}`,
        created: new Date().toISOString(),
        expires: null,
        readonly: false,
        packages: [],
        scopes: [],
        orgs: [],
        packages_and_scopes_permission: 'read-write',
        orgs_permission: null,
        cidr_whitelist: [],
        bypass_2fa: false,
        ...token,
      };
      state.tokens.set(stored.key, stored);
      return stored;
    },
    close: () => new Promise((done) => server.close(() => done())),
  };

  function offContract(request: SeenRequest, why: string) {
    state.offContract.push(`${request.method} ${request.path}: ${why}`);
  }

  function listed(token: StoredToken) {
    return {
      key: token.key,
      token: `${token.token.slice(0, 6)}…`,
      name: token.name,
      created: token.created,
      updated: token.created,
      expires: token.expires,
      readonly: token.readonly,
      cidr_whitelist: token.cidr_whitelist.length > 0 ? token.cidr_whitelist : null,
      packages: token.packages,
      scopes: token.scopes,
      orgs: token.orgs,
      packages_and_scopes_permission: token.packages_and_scopes_permission,
      orgs_permission: token.orgs_permission,
      bypass_2fa: token.bypass_2fa,
    };
  }

  /** The second factor for `request`: null when satisfied, else the 401 npm answers. */
  function secondFactor(request: SeenRequest, purpose: string): CannedAnswer | null {
    if (state.mode === 'none') return null;
    if (request.otp !== null) {
      if (state.mode === 'otp' && request.otp === state.otp) return null;
      if (state.mode === 'web' && webCodes.delete(request.otp)) return null;
    }
    const body: Record<string, unknown> = {
      error: `You must provide a one-time pass. Upgrade your client to npm@latest in order to use 2FA. (${purpose})`,
    };
    if (state.mode === 'web') {
      const id = randomBytes(8).toString('hex');
      const code = secret();
      flows.set(id, { polls: 0, approved: false, result: code, kind: 'otp' });
      body.authUrl = state.authUrlFor?.(id) ?? `${state.url}auth/${id}`;
      body.doneUrl = state.doneUrlFor?.(id) ?? `${state.url}-/v1/done?authId=${id}`;
    }
    return { status: 401, headers: { 'www-authenticate': 'OTP' }, body };
  }

  function bearer(request: SeenRequest): string | null {
    const match = /^Bearer (.+)$/.exec(request.authorization ?? '');
    return match && state.sessions.has(match[1]!) ? state.sessions.get(match[1]!)! : null;
  }

  function route(request: SeenRequest): [Route | null, () => CannedAnswer] {
    const url = new URL(request.path, state.url);
    const { method } = request;
    const path = url.pathname;
    if (method === 'POST' && path === '/-/v1/login') {
      return [
        'login',
        () => {
          if (!state.webLogin) return { status: 404, body: { error: 'Not found' } };
          const id = randomBytes(8).toString('hex');
          const token = `npm_${secret()}`;
          flows.set(id, { polls: 0, approved: false, result: token, kind: 'login' });
          return {
            status: 200,
            body: {
              loginUrl: state.authUrlFor?.(id) ?? `${state.url}auth/${id}`,
              doneUrl: state.doneUrlFor?.(id) ?? `${state.url}-/v1/done?authId=${id}`,
            },
          };
        },
      ];
    }
    if (method === 'GET' && path === '/-/v1/done') {
      return [
        'done',
        (): CannedAnswer => {
          const flow = flows.get(url.searchParams.get('authId') ?? '');
          if (!flow) return { status: 404, body: { error: 'no such login' } };
          flow.polls++;
          const ready =
            flow.approved ||
            (state.approveAfterPolls !== null && flow.polls > state.approveAfterPolls);
          if (!ready)
            return {
              status: 202,
              headers:
                state.retryAfterSeconds === null ? {} : { 'retry-after': state.retryAfterSeconds },
              body: {},
            };
          flows.delete(url.searchParams.get('authId')!);
          if (flow.kind === 'login') state.sessions.set(flow.result, username);
          else webCodes.add(flow.result);
          return { status: 200, body: { token: flow.result } };
        },
      ];
    }
    // npm logout (npm/cli lib/commands/logout.js): DELETE /-/user/token/{token}, sent
    // with that token as its bearer.
    const logout = /^\/-\/user\/token\/([^/]+)$/.exec(path);
    if (method === 'DELETE' && logout) {
      return [
        'logout',
        (): CannedAnswer => {
          const token = decodeURIComponent(logout[1]!);
          if (request.authorization !== `Bearer ${token}`)
            offContract(request, 'logout without that session token as its bearer');
          if (!state.sessions.delete(token)) return { status: 404, body: { error: 'Not found' } };
          return { status: 200, body: { ok: 'Logged out' } };
        },
      ];
    }
    const couch = /^\/-\/user\/org\.couchdb\.user:([^/]+)(?:\/-rev\/([^/]+))?$/.exec(path);
    if (couch) {
      return [
        'couch',
        () => {
          const name = decodeURIComponent(couch[1]!);
          if (method === 'GET') {
            if (url.searchParams.get('write') !== 'true')
              offContract(request, 'user document read without write=true');
            return {
              status: 200,
              body: {
                _id: `org.couchdb.user:${name}`,
                _rev: '3-abc',
                name,
                email: 'ada@example.test',
                type: 'user',
                roles: [],
              },
            };
          }
          if (method !== 'PUT') {
            offContract(request, 'unexpected method');
            return { status: 405, body: { error: 'method not allowed' } };
          }
          const body = request.body as Record<string, unknown> | null;
          if (!body || typeof body !== 'object') {
            offContract(request, 'no JSON user document');
            return { status: 400, body: { error: 'bad request' } };
          }
          for (const key of Object.keys(body))
            if (!COUCH_KEYS.includes(key)) offContract(request, `unknown user document key ${key}`);
          if (
            body.name !== name ||
            body._id !== `org.couchdb.user:${name}` ||
            body.type !== 'user' ||
            !Array.isArray(body.roles) ||
            typeof body.password !== 'string'
          )
            offContract(request, 'user document does not match npm-profile loginCouch');
          if (name !== username) return { status: 400, body: { error: 'no such user' } };
          if (body.password !== password)
            return { status: 401, body: { error: 'incorrect or missing password' } };
          const asked = secondFactor(request, 'login');
          if (asked) return asked;
          const token = `npm_${secret()}`;
          state.sessions.set(token, username);
          return { status: 201, body: { ok: true, id: `org.couchdb.user:${name}`, token } };
        },
      ];
    }
    if (method === 'GET' && path === '/-/whoami') {
      return [
        'whoami',
        () => {
          const user = bearer(request);
          return user
            ? { status: 200, body: { username: user } }
            : { status: 401, body: { error: 'You must be logged in' } };
        },
      ];
    }
    if (path === '/-/npm/v1/tokens' && method === 'GET') {
      return [
        'list',
        () => {
          if (!bearer(request)) return { status: 401, body: { error: 'You must be logged in' } };
          const page = Number(url.searchParams.get('page') ?? '0');
          const all = [...state.tokens.values()];
          const slice = all.slice(page * state.pageSize, (page + 1) * state.pageSize);
          const more = (page + 1) * state.pageSize < all.length;
          return {
            status: 200,
            body: {
              objects: slice.map(listed),
              total: all.length,
              urls: {
                next: more
                  ? (state.nextPage?.(page + 1) ?? `${state.url}-/npm/v1/tokens?page=${page + 1}`)
                  : '',
              },
            },
          };
        },
      ];
    }
    if (path === '/-/npm/v1/tokens' && method === 'POST') {
      return [
        'create',
        () => {
          if (!bearer(request)) return { status: 401, body: { error: 'You must be logged in' } };
          const body = request.body as Record<string, unknown> | null;
          if (!body || typeof body !== 'object') {
            offContract(request, 'no JSON body');
            return { status: 400, body: { error: 'bad request' } };
          }
          for (const [key, value] of Object.entries(body)) {
            const check = CREATE_KEYS[key];
            if (!check) offContract(request, `unknown body key ${key}`);
            else if (!check(value))
              offContract(request, `body key ${key} has the wrong type or value`);
          }
          if (typeof body.name !== 'string') offContract(request, 'no name');
          if (body.password !== password)
            return { status: 401, body: { error: 'Invalid password' } };
          const writes =
            body.packages_and_scopes_permission === 'read-write' ||
            body.orgs_permission === 'read-write';
          if (writes && typeof body.expires === 'number' && body.expires > 90)
            return {
              status: 400,
              body: { error: 'Write tokens may expire at most 90 days from now' },
            };
          const asked = secondFactor(request, 'create');
          if (asked) return asked;
          const days = typeof body.expires === 'number' ? body.expires : writes ? 7 : 30;
          const stored = state.addToken({
            name: String(body.name),
            expires: new Date(Date.now() + days * 86_400_000).toISOString(),
            readonly: body.packages_and_scopes_permission === 'read-only',
            packages: (body.packages as string[] | undefined) ?? [],
            scopes: (body.scopes as string[] | undefined) ?? [],
            orgs: (body.orgs as string[] | undefined) ?? [],
            packages_and_scopes_permission:
              (body.packages_and_scopes_permission as string | undefined) ?? null,
            orgs_permission: (body.orgs_permission as string | undefined) ?? null,
            cidr_whitelist: (body.cidr_whitelist as string[] | undefined) ?? [],
            bypass_2fa: body.bypass_2fa === true,
          });
          return { status: 200, body: { ...listed(stored), token: stored.token } };
        },
      ];
    }
    const remove = /^\/-\/npm\/v1\/tokens\/token\/([^/]+)$/.exec(path);
    if (remove && method === 'DELETE') {
      return [
        'delete',
        () => {
          if (!bearer(request)) return { status: 401, body: { error: 'You must be logged in' } };
          if (state.secondFactorOnDelete) {
            const asked = secondFactor(request, 'delete');
            if (asked) return asked;
          }
          const key = decodeURIComponent(remove[1]!);
          if (!state.tokens.delete(key)) return { status: 404, body: { error: 'Token not found' } };
          return { status: 204 };
        },
      ];
    }
    return [
      null,
      () => {
        offContract(request, 'not an npm endpoint Token Desk should call');
        return { status: 404, body: { error: 'Not found' } };
      },
    ];
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const request: SeenRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      authorization: req.headers.authorization ?? null,
      otp: typeof req.headers['npm-otp'] === 'string' ? req.headers['npm-otp'] : null,
      body: null,
    };
    if (text) {
      if (!String(req.headers['content-type'] ?? '').startsWith('application/json'))
        offContract(request, 'a body without content-type application/json');
      try {
        request.body = JSON.parse(text) as unknown;
      } catch {
        offContract(request, 'a body that is not JSON');
      }
    }
    if (request.otp !== null && !/^[A-Za-z0-9]{4,64}$/.test(request.otp))
      offContract(request, 'npm-otp is not a code');
    state.requests.push(request);
    const [name, answer] = route(request);
    const queue = name ? canned.get(name) : undefined;
    const override = queue?.shift();
    if (name && request.authorization?.startsWith('Basic ') && name !== 'couch')
      offContract(request, 'Basic authentication outside the couch login');
    if (
      name &&
      ['whoami', 'list', 'create', 'delete'].includes(name) &&
      !request.authorization?.startsWith('Bearer ')
    )
      offContract(request, 'no Bearer credential');
    const chosen = override
      ? typeof override === 'function'
        ? override(request)
        : override
      : answer();
    send(res, chosen);
  }

  function send(res: ServerResponse, answer: CannedAnswer) {
    const headers: Record<string, string> = { ...answer.headers };
    if (answer.hugeBytes) {
      res.writeHead(answer.status, { 'content-type': 'application/json', ...headers });
      const chunk = Buffer.alloc(64 * 1024, 'a');
      let sent = 0;
      res.write('{"objects":["');
      const pump = () => {
        while (sent < answer.hugeBytes!) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end('"]}');
      };
      res.on('close', () => (sent = answer.hugeBytes!));
      pump();
      return;
    }
    if (answer.status === 204 || (answer.body === undefined && answer.raw === undefined)) {
      res.writeHead(answer.status, headers);
      res.end();
      return;
    }
    const payload = answer.raw ?? JSON.stringify(answer.body);
    res.writeHead(answer.status, { 'content-type': 'application/json', ...headers });
    res.end(payload);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      state.offContract.push(`stand-in failed: ${String(error)}`);
      res.destroy();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  // A signed-in session for tests that do not start with a sign-in.
  return state;
}

/** A session token the stand-in accepts, as a finished sign-in would leave. */
export function sessionFor(registry: Npm2fa, user = 'ada'): string {
  const token = `npm_${secret()}`;
  registry.sessions.set(token, user);
  return token;
}
