/**
 * A local GitHub of exactly the endpoints Token Desk calls, faithful to GitHub's
 * REST documentation: bodies start from the documented examples, every request it
 * receives and every response it sends is checked against the official OpenAPI
 * description (violations are recorded for tests to assert on), errors have
 * GitHub's shape and headers, and secrets are sealed-box encrypted to a real key
 * pair per target, which the fake decrypts so a test can see what arrived.
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import sodium from 'libsodium-wrappers';
import { GitHubContract } from './github-contract.js';

type Json = Record<string, unknown>;

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  handle: (request: FakeRequest) => FakeResponse;
}

interface FakeRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  login: string;
}

interface FakeResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A canned answer, or one built from the request (to echo what the client sent). */
type FakeAnswer = FakeResponse | ((request: { authorization: string }) => FakeResponse);

export interface RecordedRequest {
  method: string;
  path: string;
  template: string | null;
  status: number;
}

interface Account {
  login: string;
  /** Classic-token scopes GitHub reports in X-OAuth-Scopes. */
  scopes: string[];
}

interface Repository {
  id: number;
  owner: string;
  name: string;
  private: boolean;
  admins: Set<string>;
  environments: string[];
}

interface Secret {
  value: string;
  createdAt: string;
  updatedAt: string;
  visibility?: string;
  selectedRepositoryIds?: number[];
}

interface KeyPair {
  keyId: string;
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}

export interface FakeGitHub {
  /** The API base URL to give the client (with GHES's /api/v3 when asked for). */
  apiBaseUrl: string;
  addAccount(token: string, login: string, scopes?: string[]): void;
  addRepository(
    owner: string,
    name: string,
    options?: { admins?: string[]; environments?: string[]; private?: boolean },
  ): number;
  addOrganization(org: string, admins: string[]): void;
  /** The decrypted value stored under `target` (`owner/repo`, `owner/repo:env`, `org:NAME`). */
  secret(target: string, name: string): string | undefined;
  /** The repository ids an organization secret with visibility "selected" is shared with. */
  selectedRepositories(org: string, name: string): number[] | undefined;
  /** An organization secret's visibility and, for "selected", its repositories, as GitHub holds them. */
  orgSecretAccess(
    org: string,
    name: string,
  ): { visibility: string; selectedRepositoryIds?: number[] } | undefined;
  /** What an organization admin does on GitHub: changes who may read the secret. */
  setOrgSecretAccess(
    org: string,
    name: string,
    visibility: 'all' | 'private' | 'selected',
    selectedRepositoryIds?: number[],
  ): void;
  /** What someone does on GitHub: deletes the secret. */
  deleteSecret(target: string, name: string): void;
  /** Makes the next request whose path contains `pathPart` fail with this answer. */
  failNext(pathPart: string, response: FakeAnswer): void;
  /** Adds these headers (a hostile `link`, say) to the next answer whose path contains `pathPart`. */
  headersNext(pathPart: string, headers: Record<string, string>): void;
  requests: RecordedRequest[];
  /** Every departure from GitHub's OpenAPI description, by the client or by the fake. */
  violations: string[];
  close(): Promise<void>;
}

const DOCS = 'https://docs.github.com/rest';

/** Endpoints another suite adds (tests/support/issuers/github/): an answer, or null to leave the request to the fake. */
export interface FakeGitHubExtension {
  answer(request: {
    method: string;
    path: string;
    headers: IncomingHttpHeaders;
    body: unknown;
  }): { status: number; template: string; headers: Record<string, string>; raw: string } | null;
}

function basicError(status: number, message: string, headers?: Record<string, string>) {
  return { status, body: { message, documentation_url: DOCS, status: String(status) }, headers };
}

export async function startFakeGitHub(
  options: {
    enterprise?: boolean;
    contract?: GitHubContract;
    extension?: FakeGitHubExtension;
  } = {},
): Promise<FakeGitHub> {
  await sodium.ready;
  const contract = options.contract ?? new GitHubContract();
  const prefix = options.enterprise ? '/api/v3' : '';
  const accounts = new Map<string, Account>();
  const repositories = new Map<string, Repository>();
  const organizations = new Map<string, Set<string>>();
  const secrets = new Map<string, Secret>();
  const keys = new Map<string, KeyPair>();
  const failures: { pathPart: string; response: FakeAnswer }[] = [];
  const extraHeaders: { pathPart: string; headers: Record<string, string> }[] = [];
  const requests: RecordedRequest[] = [];
  const violations: string[] = [];
  let nextId = 1000;

  const keyFor = (target: string): KeyPair => {
    let pair = keys.get(target);
    if (!pair) {
      const generated = sodium.crypto_box_keypair();
      pair = {
        keyId: String(nextId++),
        publicKey: generated.publicKey,
        privateKey: generated.privateKey,
      };
      keys.set(target, pair);
    }
    return pair;
  };

  const repoFor = (request: FakeRequest): Repository | FakeResponse => {
    const repository = repositories.get(`${request.params.owner}/${request.params.repo}`);
    // GitHub answers 404, not 403, for a private repository the caller cannot see.
    if (!repository || (repository.private && !repository.admins.has(request.login)))
      return basicError(404, 'Not Found');
    if (!repository.admins.has(request.login))
      return basicError(403, 'Resource not accessible by personal access token', {
        'x-accepted-github-permissions': 'secrets=write',
      });
    return repository;
  };
  const environmentOf = (request: FakeRequest, repository: Repository): FakeResponse | null =>
    repository.environments.includes(request.params.environment_name ?? '')
      ? null
      : basicError(404, 'Not Found');
  const orgFor = (request: FakeRequest): FakeResponse | null => {
    const admins = organizations.get(request.params.org ?? '');
    if (!admins) return basicError(404, 'Not Found');
    if (!admins.has(request.login))
      return basicError(403, 'Resource not accessible by personal access token', {
        'x-accepted-github-permissions': 'organization_secrets=write',
      });
    return null;
  };

  const publicKey = (target: string): FakeResponse => {
    const pair = keyFor(target);
    return {
      status: 200,
      body: {
        ...contract.example<Json>('actions-public-key'),
        key_id: pair.keyId,
        key: sodium.to_base64(pair.publicKey, sodium.base64_variants.ORIGINAL),
      },
    };
  };
  const readSecret = (target: string, name: string, org: boolean): FakeResponse => {
    const secret = secrets.get(`${target}#${name.toUpperCase()}`);
    if (!secret) return basicError(404, 'Not Found');
    const { selected_repositories_url: _url, ...example } = contract.example<Json>(
      org ? 'organization-actions-secret' : 'actions-secret',
    );
    const visibility = secret.visibility ?? 'private';
    return {
      status: 200,
      body: {
        ...example,
        name: name.toUpperCase(),
        created_at: secret.createdAt,
        updated_at: secret.updatedAt,
        ...(org ? { visibility } : {}),
        // GitHub links the repositories only for visibility "selected".
        ...(org && visibility === 'selected'
          ? {
              selected_repositories_url: `${baseUrl}/orgs/${target.slice('org:'.length)}/actions/secrets/${name.toUpperCase()}/repositories`,
            }
          : {}),
      },
    };
  };
  const writeSecret = (target: string, name: string, body: unknown): FakeResponse => {
    const { encrypted_value, key_id, visibility, selected_repository_ids } = (body ?? {}) as Json;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || /^GITHUB_/i.test(name))
      return basicError(
        422,
        'Secret names can only contain alphanumeric characters or underscores.',
      );
    const pair = keyFor(target);
    if (key_id !== pair.keyId) return basicError(422, 'Bad request: key_id does not match.');
    let value: string;
    try {
      value = sodium.to_string(
        sodium.crypto_box_seal_open(
          sodium.from_base64(String(encrypted_value), sodium.base64_variants.ORIGINAL),
          pair.publicKey,
          pair.privateKey,
        ),
      );
    } catch {
      return basicError(422, 'Bad request: the value could not be decrypted.');
    }
    const key = `${target}#${name.toUpperCase()}`;
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const existing = secrets.get(key);
    secrets.set(key, {
      value,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
      ...(typeof visibility === 'string' ? { visibility } : {}),
      // An update that names no repositories leaves a "selected" secret with none:
      // GitHub replaces the selection with what the request says (external-secrets
      // found this the hard way, external-secrets#6514).
      ...(visibility === 'selected'
        ? {
            selectedRepositoryIds: Array.isArray(selected_repository_ids)
              ? (selected_repository_ids as number[])
              : [],
          }
        : {}),
    });
    // GitHub answers 201 with an empty object on create, 204 without a body on update.
    return existing ? { status: 204 } : { status: 201, body: {} };
  };

  const routes: Route[] = [];
  const route = (method: string, template: string, handle: Route['handle']) => {
    const pattern = new RegExp(
      `^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{(\w+)\\?\}/g, '(?<$1>[^/]+)')}$`,
    );
    routes.push({ method, template, pattern, handle });
  };

  route('GET', '/user', (request) => ({
    status: 200,
    body: {
      ...contract.example<Json>('private-user'),
      login: request.login,
      id: 1,
      html_url: `https://github.com/${request.login}`,
    },
  }));
  route('GET', '/user/repos', (request) => {
    const perPage = Math.min(100, Number(request.query.get('per_page') ?? 30) || 30);
    const page = Math.max(1, Number(request.query.get('page') ?? 1) || 1);
    const template = contract.example<Json[]>('repository-items-default-response')[0] ?? {};
    const visible = [...repositories.values()].filter(
      (repository) => !repository.private || repository.admins.has(request.login),
    );
    const slice = visible.slice((page - 1) * perPage, page * perPage).map((repository) => ({
      ...template,
      id: repository.id,
      name: repository.name,
      full_name: `${repository.owner}/${repository.name}`,
      private: repository.private,
      owner: { ...(template.owner as Json), login: repository.owner },
      permissions: {
        admin: repository.admins.has(request.login),
        maintain: false,
        push: true,
        triage: true,
        pull: true,
      },
    }));
    const pages = Math.max(1, Math.ceil(visible.length / perPage));
    const link = (n: number, rel: string) =>
      `<${baseUrl}/user/repos?per_page=${perPage}&page=${n}>; rel="${rel}"`;
    const headers: Record<string, string> = {};
    if (page < pages) headers.link = [link(page + 1, 'next'), link(pages, 'last')].join(', ');
    return { status: 200, body: slice, headers };
  });
  route('GET', '/user/orgs', (request) => {
    const template = contract.example<Json[]>('organization-simple-items')[0] ?? {};
    return {
      status: 200,
      body: [...organizations.entries()]
        .filter(([, admins]) => admins.has(request.login))
        .map(([login], index) => ({ ...template, login, id: 500 + index })),
    };
  });
  route('GET', '/repos/{owner}/{repo}/environments', (request) => {
    const repository = repoFor(request);
    if (!('environments' in repository)) return repository;
    const example = contract.example<{ environments: Json[] }>('environments');
    const template = example.environments[0] ?? {};
    return {
      status: 200,
      body: {
        total_count: repository.environments.length,
        environments: repository.environments.map((name, index) => ({
          ...template,
          id: 700 + index,
          name,
        })),
      },
    };
  });
  route('GET', '/repos/{owner}/{repo}/actions/secrets/public-key', (request) => {
    const repository = repoFor(request);
    return 'environments' in repository
      ? publicKey(`${repository.owner}/${repository.name}`)
      : repository;
  });
  route('GET', '/repos/{owner}/{repo}/actions/secrets/{secret_name}', (request) => {
    const repository = repoFor(request);
    return 'environments' in repository
      ? readSecret(
          `${repository.owner}/${repository.name}`,
          request.params.secret_name ?? '',
          false,
        )
      : repository;
  });
  route('PUT', '/repos/{owner}/{repo}/actions/secrets/{secret_name}', (request) => {
    const repository = repoFor(request);
    return 'environments' in repository
      ? writeSecret(
          `${repository.owner}/${repository.name}`,
          request.params.secret_name ?? '',
          request.body,
        )
      : repository;
  });
  const environmentTarget = (request: FakeRequest): string | FakeResponse => {
    const repository = repoFor(request);
    if (!('environments' in repository)) return repository;
    return (
      environmentOf(request, repository) ??
      `${repository.owner}/${repository.name}:${request.params.environment_name}`
    );
  };
  route(
    'GET',
    '/repos/{owner}/{repo}/environments/{environment_name}/secrets/public-key',
    (request) => {
      const target = environmentTarget(request);
      return typeof target === 'string' ? publicKey(target) : target;
    },
  );
  route(
    'GET',
    '/repos/{owner}/{repo}/environments/{environment_name}/secrets/{secret_name}',
    (request) => {
      const target = environmentTarget(request);
      return typeof target === 'string'
        ? readSecret(target, request.params.secret_name ?? '', false)
        : target;
    },
  );
  route(
    'PUT',
    '/repos/{owner}/{repo}/environments/{environment_name}/secrets/{secret_name}',
    (request) => {
      const target = environmentTarget(request);
      return typeof target === 'string'
        ? writeSecret(target, request.params.secret_name ?? '', request.body)
        : target;
    },
  );
  route('GET', '/orgs/{org}/actions/secrets/public-key', (request) => {
    return orgFor(request) ?? publicKey(`org:${request.params.org}`);
  });
  route('GET', '/orgs/{org}/actions/secrets/{secret_name}', (request) => {
    return (
      orgFor(request) ??
      readSecret(`org:${request.params.org}`, request.params.secret_name ?? '', true)
    );
  });
  route('GET', '/orgs/{org}/actions/secrets/{secret_name}/repositories', (request) => {
    const refused = orgFor(request);
    if (refused) return refused;
    const secret = secrets.get(
      `org:${request.params.org}#${(request.params.secret_name ?? '').toUpperCase()}`,
    );
    if (!secret) return basicError(404, 'Not Found');
    const example = contract.example<{ repositories: Json[] }>('public-repository-paginated');
    const template = example.repositories[0] ?? {};
    const selected = [...repositories.values()].filter((repository) =>
      (secret.selectedRepositoryIds ?? []).includes(repository.id),
    );
    const perPage = Math.min(100, Number(request.query.get('per_page') ?? 30) || 30);
    const page = Math.max(1, Number(request.query.get('page') ?? 1) || 1);
    const pages = Math.max(1, Math.ceil(selected.length / perPage));
    const path = `/orgs/${request.params.org}/actions/secrets/${request.params.secret_name}/repositories`;
    return {
      status: 200,
      headers:
        page < pages
          ? { link: `<${baseUrl}${path}?per_page=${perPage}&page=${page + 1}>; rel="next"` }
          : {},
      body: {
        total_count: selected.length,
        repositories: selected.slice((page - 1) * perPage, page * perPage).map((repository) => ({
          ...template,
          id: repository.id,
          name: repository.name,
          full_name: `${repository.owner}/${repository.name}`,
          owner: { ...(template.owner as Json), login: repository.owner },
        })),
      },
    };
  });
  route('PUT', '/orgs/{org}/actions/secrets/{secret_name}', (request) => {
    return (
      orgFor(request) ??
      writeSecret(`org:${request.params.org}`, request.params.secret_name ?? '', request.body)
    );
  });

  async function handle(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const url = new URL(incoming.url ?? '/', 'http://fake');
    const method = incoming.method ?? 'GET';
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = undefined;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        violations.push(`${method} ${url.pathname}: the client sent a body that is not JSON`);
      }
    }
    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : null;
    const extended =
      path === null
        ? null
        : options.extension?.answer({ method, path, headers: incoming.headers, body });
    if (extended) {
      const { template, status } = extended;
      requests.push({ method, path: url.pathname, template, status });
      outgoing.writeHead(extended.status, extended.headers).end(extended.raw);
      return;
    }
    const matched =
      path === null
        ? null
        : routes
            .filter((candidate) => candidate.method === method)
            .map((candidate) => ({ candidate, match: candidate.pattern.exec(path) }))
            // A literal segment (public-key) wins over a parameter ({secret_name}).
            .find(({ match }) => match !== null);
    let response: FakeResponse;
    const failure = failures.findIndex((entry) => url.pathname.includes(entry.pathPart));
    const auth = /^(?:token|bearer) (\S+)$/i.exec(incoming.headers.authorization ?? '')?.[1];
    const account = auth ? accounts.get(auth) : undefined;
    if (!matched) {
      response = basicError(404, 'Not Found');
    } else if (!account) {
      response = basicError(401, 'Bad credentials');
    } else if (failure >= 0) {
      const answer = failures.splice(failure, 1)[0]!.response;
      response =
        typeof answer === 'function'
          ? answer({ authorization: incoming.headers.authorization ?? '' })
          : answer;
    } else {
      const problems = contract.checkRequest(method, matched.candidate.template, body);
      violations.push(...problems);
      const params = Object.fromEntries(
        Object.entries(matched.match?.groups ?? {}).map(([key, value]) => [
          key,
          decodeURIComponent(value),
        ]),
      );
      response = problems.length
        ? basicError(422, 'Invalid request.')
        : matched.candidate.handle({ params, query: url.searchParams, body, login: account.login });
    }
    if (matched) {
      violations.push(
        ...contract.checkResponse(
          method,
          matched.candidate.template,
          response.status,
          response.body,
        ),
      );
    }
    const extra = extraHeaders.findIndex((entry) => url.pathname.includes(entry.pathPart));
    if (extra >= 0)
      response = {
        ...response,
        headers: { ...response.headers, ...extraHeaders.splice(extra, 1)[0]!.headers },
      };
    requests.push({
      method,
      path: url.pathname,
      template: matched?.candidate.template ?? null,
      status: response.status,
    });
    const headers: Record<string, string> = {
      'x-github-media-type': 'github.v3; format=json',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      ...(account ? { 'x-oauth-scopes': account.scopes.join(', ') } : {}),
      ...response.headers,
    };
    if (response.body === undefined) {
      outgoing.writeHead(response.status, headers).end();
    } else {
      outgoing
        .writeHead(response.status, {
          ...headers,
          'content-type': 'application/json; charset=utf-8',
        })
        .end(JSON.stringify(response.body));
    }
  }

  const server = createServer((incoming, outgoing) => {
    handle(incoming, outgoing).catch((error: unknown) => {
      violations.push(`the fake itself failed: ${String(error)}`);
      outgoing.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${prefix}`;

  return {
    apiBaseUrl: baseUrl,
    addAccount(token, login, scopes = ['repo']) {
      accounts.set(token, { login, scopes });
    },
    addRepository(owner, name, repositoryOptions = {}) {
      const id = nextId++;
      repositories.set(`${owner}/${name}`, {
        id,
        owner,
        name,
        private: repositoryOptions.private ?? true,
        admins: new Set(repositoryOptions.admins ?? [owner]),
        environments: repositoryOptions.environments ?? [],
      });
      return id;
    },
    addOrganization(org, admins) {
      organizations.set(org, new Set(admins));
    },
    secret(target, name) {
      return secrets.get(`${target}#${name.toUpperCase()}`)?.value;
    },
    selectedRepositories(org, name) {
      return secrets.get(`org:${org}#${name.toUpperCase()}`)?.selectedRepositoryIds;
    },
    orgSecretAccess(org, name) {
      const secret = secrets.get(`org:${org}#${name.toUpperCase()}`);
      return secret
        ? {
            visibility: secret.visibility ?? 'private',
            ...(secret.selectedRepositoryIds
              ? { selectedRepositoryIds: secret.selectedRepositoryIds }
              : {}),
          }
        : undefined;
    },
    setOrgSecretAccess(org, name, visibility, selectedRepositoryIds) {
      const key = `org:${org}#${name.toUpperCase()}`;
      const secret = secrets.get(key);
      if (!secret) throw new Error(`no organization secret ${name} in ${org}`);
      const { selectedRepositoryIds: _dropped, ...rest } = secret;
      secrets.set(key, {
        ...rest,
        visibility,
        ...(visibility === 'selected'
          ? { selectedRepositoryIds: selectedRepositoryIds ?? [] }
          : {}),
      });
    },
    deleteSecret(target, name) {
      secrets.delete(`${target}#${name.toUpperCase()}`);
    },
    failNext(pathPart, response) {
      failures.push({ pathPart, response });
    },
    headersNext(pathPart, headers) {
      extraHeaders.push({ pathPart, headers });
    },
    requests,
    violations,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
