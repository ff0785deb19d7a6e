/**
 * A local Cloudflare API v4 of exactly the token endpoints Token Desk uses, from
 * Cloudflare's documentation and its official client:
 *
 * - developers.cloudflare.com/api/resources/user/subresources/tokens/ (list, get,
 *   create, update, delete, verify; `page` ≥ 1, `per_page` 5–50, `direction`), its
 *   `value/methods/update` (roll: PUT …/value, body `{}` in the docs' curl, none from
 *   the SDK; the result is the new value, 40–80 characters) and
 *   `permission_groups/methods/list`; the same under /accounts/{account_id}/tokens
 *   (api/resources/accounts/subresources/tokens/);
 * - developers.cloudflare.com/fundamentals/api/how-to/create-via-api/ (policies,
 *   resource keys, `expires_on`/`not_before` as `2018-07-01T05:20:00Z`, CIDR conditions);
 * - developers.cloudflare.com/fundamentals/api/troubleshooting/ (verify's answer) and
 *   fundamentals/api/get-started/token-formats/ (`cfut_`/`cfat_` + 40 characters + checksum);
 * - fundamentals/api/how-to/roll-token/ (rolling invalidates the previous value at once);
 * - the `cloudflare` npm SDK 7.3.0 (src/resources/user/tokens/*, resources/shared.ts):
 *   the envelope `{success, errors:[{code, message}], messages, result, result_info}`,
 *   `condition.request_ip` (the how-to page writes `request.ip`; the API schema and
 *   the SDK say `request_ip`), and Bearer authentication;
 * - api/resources/accounts/methods/list (GET /accounts: `page`, `per_page` 5–50,
 *   `direction`, `name`; the accounts the token can see) and api/resources/zones/
 *   methods/list (GET /zones: `page`, `per_page` 5–50, `account.id`, `name`, `status`,
 *   `order`, `direction`, `match`; each zone with its `account: {id, name}`), the
 *   create form's choices of what a token applies to.
 *
 * Every request is checked against those shapes (method, path, headers, query, body
 * keys and types); anything else is answered as Cloudflare would (400) and recorded in
 * `offContract`, which the tests assert is empty. `failNext` makes it misbehave.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const ID = /^[0-9a-f]{32}$/;

/** Permission groups as GET /user/tokens/permission_groups lists them. */
export const PERMISSION_GROUPS = {
  zoneRead: {
    id: 'c8fed203ed3043cba015a93ad1616f1f',
    name: 'Zone Read',
    scopes: ['com.cloudflare.api.account.zone'],
  },
  dnsRead: {
    id: '82e64a83756745bbbb1c9c2701bf816b',
    name: 'DNS Read',
    scopes: ['com.cloudflare.api.account.zone'],
  },
  dnsWrite: {
    id: '4755a26eedb94da69e1066d98aa820be',
    name: 'DNS Write',
    scopes: ['com.cloudflare.api.account.zone'],
  },
  workersWrite: {
    id: 'e086da7e2179491d91ee5f35b3ca210a',
    name: 'Workers Scripts Write',
    scopes: ['com.cloudflare.api.account'],
  },
  apiTokensRead: {
    id: '0cc3a61731504c89b99ec1be78b77aa0',
    name: 'API Tokens Read',
    scopes: ['com.cloudflare.api.user'],
  },
  apiTokensWrite: {
    id: '686d18d5ac6c441c867cbf6771e58a0a',
    name: 'API Tokens Write',
    scopes: ['com.cloudflare.api.user'],
  },
  userDetailsRead: {
    id: '8acbe5bb0d54464ab867149d7f7cf8ac',
    name: 'User Details Read',
    scopes: ['com.cloudflare.api.user'],
  },
  accountTokensWrite: {
    id: '5bc3f8b21c554832afc660159ab75fa4',
    name: 'Account API Tokens Write',
    scopes: ['com.cloudflare.api.account'],
  },
} as const;

export interface StoredToken {
  id: string;
  name: string;
  status: 'active' | 'disabled' | 'expired';
  issued_on: string;
  modified_on: string;
  last_used_on: string | null;
  not_before?: string;
  expires_on?: string;
  policies: {
    id: string;
    effect: 'allow' | 'deny';
    resources: Record<string, unknown>;
    permission_groups: { id: string; name: string }[];
  }[];
  condition?: { request_ip?: { in?: string[]; not_in?: string[] } };
  /** Owner: a user id (user tokens) or an account id (account tokens). */
  owner: { kind: 'user' | 'account'; id: string };
  value: string;
}

/** A one-shot misbehaviour for the next request whose path contains `pathPart` (and method, if given). */
export type Misbehaviour =
  | { kind: 'status'; status: number; code?: number; message?: string; retryAfter?: string }
  | { kind: 'huge' }
  | { kind: 'malformed' }
  | { kind: 'no-result' }
  | { kind: 'redirect'; location: string }
  | { kind: 'echo-credential' }
  /** Does what was asked, then cuts the connection: the answer is lost. */
  | { kind: 'drop-after' }
  /** Does what was asked but leaves the new value out (create: `value`; roll: `result`). */
  | { kind: 'no-value' };

export interface FakeCloudflare {
  url: string;
  /** The API base, as the SDK's baseURL: `${url}/client/v4`. */
  apiBase: string;
  /** A user and a token of theirs with these permission groups; returns the token's value and id. */
  addUser(email: string, groups: string[]): { userId: string; value: string; tokenId: string };
  /**
   * An account and a token it owns with these permission groups; `members` are the
   * users who see it in GET /accounts (the account's own tokens always do).
   */
  addAccount(
    groups: string[],
    options?: { name?: string; members?: string[] },
  ): { accountId: string; value: string; tokenId: string };
  /** A zone in an account; its id. */
  addZone(accountId: string, name: string): string;
  /** Adds a token directly (as the dashboard would), owned by a user or an account. */
  seed(owner: StoredToken['owner'], fields: Partial<StoredToken>): StoredToken;
  tokens: Map<string, StoredToken>;
  /** Whether a value is accepted right now (a rolled or deleted one is not). */
  accepts(value: string): boolean;
  failNext(match: { method?: string; pathPart: string }, misbehaviour: Misbehaviour): void;
  /** Every list page says there are this many tokens and is full, whatever exists (0: off). */
  endlessPages: { totalCount: number } | null;
  requests: { method: string; path: string; status: number }[];
  offContract: string[];
  close(): Promise<void>;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function newValue(kind: 'user' | 'account'): string {
  const body = Array.from(randomBytes(40), (byte) => ALPHANUMERIC[byte % 62]).join('');
  return `${kind === 'user' ? 'cfut_' : 'cfat_'}${body}${hex(4)}`;
}

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;
const CIDR4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const CIDR6 = /^[0-9a-fA-F:]+(?:\d+\.\d+\.\d+\.\d+)?\/(\d{1,3})$/;
function isCidr(text: unknown): boolean {
  if (typeof text !== 'string') return false;
  const v4 = CIDR4.exec(text);
  if (v4) return v4.slice(1, 5).every((part) => Number(part) <= 255) && Number(v4[5]) <= 32;
  const v6 = CIDR6.exec(text);
  return v6 !== null && text.includes(':') && Number(v6[1]) <= 128;
}

const RESOURCE_KEY =
  /^com\.cloudflare\.(?:api\.account\.(?:zone\.)?(?:[0-9a-f]{32}|\*)|api\.user\.[0-9a-f]{32}|edge\.r2\.bucket\.[\w.-]+)$/;

export async function startFakeCloudflare(): Promise<FakeCloudflare> {
  const tokens = new Map<string, StoredToken>();
  const users = new Map<string, { email: string }>();
  const accounts = new Set<string>();
  const accountInfo = new Map<string, { name: string; members: Set<string> }>();
  const zones = new Map<string, { name: string; accountId: string }>();
  const failures: { method?: string; pathPart: string; misbehaviour: Misbehaviour }[] = [];
  const requests: FakeCloudflare['requests'] = [];
  const offContract: string[] = [];
  const groupsById = new Map<string, { id: string; name: string; scopes: readonly string[] }>(
    Object.values(PERMISSION_GROUPS).map((group) => [group.id, group]),
  );

  const seed: FakeCloudflare['seed'] = (owner, fields) => {
    const token: StoredToken = {
      id: hex(16),
      name: 'token',
      status: 'active',
      issued_on: now(),
      modified_on: now(),
      last_used_on: null,
      policies: [],
      owner,
      value: newValue(owner.kind),
      ...fields,
    };
    tokens.set(token.id, token);
    return token;
  };

  const policyFor = (groups: string[], resources: Record<string, unknown>) => ({
    id: hex(16),
    effect: 'allow' as const,
    resources,
    permission_groups: groups.map((id) => ({ id, name: groupsById.get(id)?.name ?? id })),
  });

  const fake: FakeCloudflare = {
    url: '',
    apiBase: '',
    tokens,
    requests,
    offContract,
    endlessPages: null,
    addUser(email, groups) {
      const userId = hex(16);
      users.set(userId, { email });
      const token = seed(
        { kind: 'user', id: userId },
        {
          name: `${email} token maker`,
          policies: [policyFor(groups, { [`com.cloudflare.api.user.${userId}`]: '*' })],
        },
      );
      return { userId, value: token.value, tokenId: token.id };
    },
    addAccount(groups, options = {}) {
      const accountId = hex(16);
      accounts.add(accountId);
      accountInfo.set(accountId, {
        name: options.name ?? `Account ${accountId.slice(0, 6)}`,
        members: new Set(options.members ?? []),
      });
      const token = seed(
        { kind: 'account', id: accountId },
        {
          name: 'account token maker',
          policies: [policyFor(groups, { [`com.cloudflare.api.account.${accountId}`]: '*' })],
        },
      );
      return { accountId, value: token.value, tokenId: token.id };
    },
    addZone(accountId, name) {
      const zoneId = hex(16);
      zones.set(zoneId, { name, accountId });
      return zoneId;
    },
    seed,
    accepts: (value) =>
      [...tokens.values()].some((token) => token.value === value && token.status === 'active'),
    failNext(match, misbehaviour) {
      failures.push({ ...match, misbehaviour });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const hasGroup = (token: StoredToken, ...ids: string[]) =>
    token.policies.some(
      (policy) =>
        policy.effect === 'allow' &&
        policy.permission_groups.some((group) => ids.includes(group.id)),
    );

  const envelope = (result: unknown, extra: Record<string, unknown> = {}) => ({
    success: true,
    errors: [],
    messages: [],
    result,
    ...extra,
  });
  const failure = (status: number, code: number, message: string) => ({
    status,
    body: { success: false, errors: [{ code, message }], messages: [], result: null },
  });
  const invalidToken = () => failure(401, 1000, 'Invalid API Token');
  const forbidden = () => failure(403, 9109, 'Unauthorized to access requested resource');
  const notFound = () => failure(404, 7003, 'Could not route to the requested resource');

  const offContractCall = (what: string) => {
    offContract.push(what);
    return failure(400, 6003, `Invalid request: ${what}`);
  };

  /** Checks a create or update body; the problems, none when it conforms. */
  function bodyProblems(body: unknown, update: boolean): string[] {
    const problems: string[] = [];
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return ['body is not an object'];
    const record = body as Record<string, unknown>;
    const allowed = [
      'name',
      'policies',
      'condition',
      'expires_on',
      'not_before',
      ...(update ? ['status'] : []),
    ];
    for (const key of Object.keys(record))
      if (!allowed.includes(key)) problems.push(`unknown field ${key}`);
    if (typeof record.name !== 'string' || record.name.length < 1 || record.name.length > 120)
      problems.push('name must be a string of 1–120 characters');
    for (const key of ['expires_on', 'not_before'])
      if (
        record[key] !== undefined &&
        !(typeof record[key] === 'string' && TIME.test(record[key] as string))
      )
        problems.push(`${key} must be a UTC timestamp`);
    if (
      update &&
      record.status !== undefined &&
      !['active', 'disabled', 'expired'].includes(record.status as string)
    )
      problems.push('status is not active, disabled or expired');
    if (!Array.isArray(record.policies) || record.policies.length === 0)
      problems.push('policies must be a non-empty array');
    for (const policy of Array.isArray(record.policies) ? record.policies : []) {
      const p = (policy ?? {}) as Record<string, unknown>;
      for (const key of Object.keys(p))
        if (!['effect', 'permission_groups', 'resources'].includes(key))
          problems.push(`unknown policy field ${key}`);
      if (p.effect !== 'allow' && p.effect !== 'deny')
        problems.push('effect must be allow or deny');
      if (!Array.isArray(p.permission_groups) || p.permission_groups.length === 0)
        problems.push('permission_groups must be a non-empty array');
      for (const group of Array.isArray(p.permission_groups) ? p.permission_groups : []) {
        const g = (group ?? {}) as Record<string, unknown>;
        if (Object.keys(g).some((key) => key !== 'id' && key !== 'meta'))
          problems.push('permission group has unknown fields');
        if (typeof g.id !== 'string' || !ID.test(g.id))
          problems.push('permission group id is not an id');
        else if (!groupsById.has(g.id)) problems.push(`unknown permission group ${g.id}`);
      }
      const resources = p.resources;
      if (
        typeof resources !== 'object' ||
        resources === null ||
        Array.isArray(resources) ||
        Object.keys(resources).length === 0
      ) {
        problems.push('resources must be a non-empty object');
        continue;
      }
      const values = Object.values(resources);
      const flat = values.every((value) => value === '*');
      const nested = values.every(
        (value) =>
          typeof value === 'object' &&
          value !== null &&
          Object.entries(value).every(([key, inner]) => RESOURCE_KEY.test(key) && inner === '*'),
      );
      if (!flat && !nested)
        problems.push('resources must map to "*" or to nested resources, not a mix');
      for (const key of Object.keys(resources))
        if (!RESOURCE_KEY.test(key)) problems.push(`unknown resource ${key}`);
    }
    if (record.condition !== undefined) {
      const condition = record.condition as Record<string, unknown>;
      if (
        typeof condition !== 'object' ||
        condition === null ||
        Object.keys(condition).some((key) => key !== 'request_ip')
      )
        problems.push('condition takes request_ip only');
      const ip = (condition?.request_ip ?? {}) as Record<string, unknown>;
      for (const key of Object.keys(ip)) {
        if (key !== 'in' && key !== 'not_in') problems.push(`unknown request_ip field ${key}`);
        else if (!Array.isArray(ip[key]) || !(ip[key] as unknown[]).every(isCidr))
          problems.push(`request_ip.${key} must be CIDR ranges`);
      }
    }
    return problems;
  }

  const shown = (token: StoredToken) => {
    const { owner: _owner, value: _value, ...rest } = token;
    return rest;
  };

  interface Call {
    method: string;
    path: string;
    query: URLSearchParams;
    body: unknown;
    bodyText: string;
    credential: string;
  }

  function route(
    call: Call,
    misbehaviour: Misbehaviour | undefined,
  ): { status: number; body: unknown } {
    const { method, path, query, body } = call;
    const caller = [...tokens.values()].find((token) => token.value === call.credential);
    const scope = /^\/(user|accounts\/([0-9a-f]{32}))\/tokens(\/.*)?$/.exec(path);
    if (method === 'GET' && path === '/user') {
      if (!caller || caller.status !== 'active') return invalidToken();
      if (caller.owner.kind !== 'user' || !hasGroup(caller, PERMISSION_GROUPS.userDetailsRead.id))
        return forbidden();
      const user = users.get(caller.owner.id);
      return {
        status: 200,
        body: envelope({
          id: caller.owner.id,
          email: user?.email,
          first_name: null,
          last_name: null,
          two_factor_authentication_enabled: false,
          suspended: false,
        }),
      };
    }
    if (method === 'GET' && (path === '/accounts' || path === '/zones'))
      return listAccountsOrZones(call, caller);
    if (!scope) return offContractCall(`${method} ${path} is not a token endpoint`);
    const owner: StoredToken['owner'] = scope[2]
      ? { kind: 'account', id: scope[2] }
      : { kind: 'user', id: caller?.owner.id ?? '' };
    const rest = scope[3] ?? '';
    if (!caller || caller.status !== 'active') return invalidToken();
    if (owner.kind === 'account' && !accounts.has(owner.id)) return notFound();
    if (caller.owner.kind !== owner.kind || caller.owner.id !== owner.id) return forbidden();
    caller.last_used_on = now();
    const mayRead = hasGroup(
      caller,
      PERMISSION_GROUPS.apiTokensRead.id,
      PERMISSION_GROUPS.apiTokensWrite.id,
      PERMISSION_GROUPS.accountTokensWrite.id,
    );
    const mayWrite = hasGroup(
      caller,
      PERMISSION_GROUPS.apiTokensWrite.id,
      PERMISSION_GROUPS.accountTokensWrite.id,
    );
    const owned = () =>
      [...tokens.values()].filter(
        (token) => token.owner.kind === owner.kind && token.owner.id === owner.id,
      );
    const noBody = () =>
      call.bodyText === '' ? null : offContractCall(`${method} ${path} takes no body`);

    if (method === 'GET' && rest === '/verify') {
      return (
        noBody() ?? {
          status: 200,
          body: envelope({
            id: caller.id,
            status: caller.status,
            ...(caller.expires_on ? { expires_on: caller.expires_on } : {}),
            ...(caller.not_before ? { not_before: caller.not_before } : {}),
          }),
        }
      );
    }
    if (method === 'GET' && rest === '/permission_groups') {
      const extra = [...query.keys()].find((key) => key !== 'name' && key !== 'scope');
      if (extra) return offContractCall(`unknown query parameter ${extra}`);
      if (!mayRead) return forbidden();
      return { status: 200, body: envelope([...groupsById.values()]) };
    }
    if (method === 'GET' && rest === '') {
      const extra = [...query.keys()].find(
        (key) => !['page', 'per_page', 'direction', 'include_expired'].includes(key),
      );
      if (extra) return offContractCall(`unknown query parameter ${extra}`);
      const page = Number(query.get('page') ?? 1);
      const perPage = Number(query.get('per_page') ?? 20);
      if (!Number.isInteger(page) || page < 1)
        return offContractCall('page must be an integer ≥ 1');
      if (!Number.isInteger(perPage) || perPage < 5 || perPage > 50)
        return offContractCall('per_page must be 5–50');
      const direction = query.get('direction');
      if (direction !== null && direction !== 'asc' && direction !== 'desc')
        return offContractCall('direction must be asc or desc');
      const includeExpired = query.get('include_expired');
      if (includeExpired !== null && includeExpired !== 'true' && includeExpired !== 'false')
        return offContractCall('include_expired must be true or false');
      if (!mayRead) return forbidden();
      if (fake.endlessPages) {
        const items = Array.from({ length: perPage }, () => ({
          ...shown(seedless(owner)),
          id: hex(16),
        }));
        return {
          status: 200,
          body: envelope(items, {
            result_info: {
              page,
              per_page: perPage,
              count: perPage,
              total_count: fake.endlessPages.totalCount,
            },
          }),
        };
      }
      // Oldest first; tokens issued in the same second keep the order they were made in.
      // "Results include active, disabled, and recently-expired tokens when include_expired
      // is set to true."
      const all = owned()
        .filter((token) => includeExpired === 'true' || token.status !== 'expired')
        .sort((a, b) => a.issued_on.localeCompare(b.issued_on));
      if (direction === 'desc') all.reverse();
      const items = all.slice((page - 1) * perPage, page * perPage).map(shown);
      return {
        status: 200,
        body: envelope(items, {
          result_info: { page, per_page: perPage, count: items.length, total_count: all.length },
        }),
      };
    }
    if (method === 'POST' && rest === '') {
      const problems = bodyProblems(body, false);
      if (problems.length) return offContractCall(`POST ${path}: ${problems.join('; ')}`);
      if (!mayWrite) return forbidden();
      const input = body as Record<string, unknown>;
      const token = seed(owner, {
        name: input.name as string,
        policies: (input.policies as StoredToken['policies']).map((policy) => ({
          ...policyFor(
            policy.permission_groups.map((group) => group.id),
            policy.resources,
          ),
          effect: policy.effect,
        })),
        ...(input.expires_on ? { expires_on: input.expires_on as string } : {}),
        ...(input.not_before ? { not_before: input.not_before as string } : {}),
        ...(input.condition ? { condition: input.condition as StoredToken['condition'] } : {}),
      });
      const result: Record<string, unknown> = { ...shown(token), value: token.value };
      if (misbehaviour?.kind === 'no-value') delete result.value;
      return { status: 200, body: envelope(result) };
    }
    const one = /^\/([^/]+)(\/value)?$/.exec(rest);
    if (!one) return offContractCall(`${method} ${path} is not a token endpoint`);
    const id = one[1] ?? '';
    if (!ID.test(id)) return offContractCall(`token id ${id} is not 32 hexadecimal digits`);
    const target = tokens.get(id);
    const mine =
      target && target.owner.kind === owner.kind && target.owner.id === owner.id
        ? target
        : undefined;
    if (one[2]) {
      if (method !== 'PUT') return offContractCall(`${method} ${path}`);
      if (
        call.bodyText !== '' &&
        !(
          typeof body === 'object' &&
          body !== null &&
          !Array.isArray(body) &&
          Object.keys(body).length === 0
        )
      )
        return offContractCall('roll takes an empty object or no body');
      if (!mayWrite) return forbidden();
      if (!mine) return notFound();
      mine.value = newValue(owner.kind);
      mine.modified_on = now();
      return {
        status: 200,
        body: misbehaviour?.kind === 'no-value' ? envelope(null) : envelope(mine.value),
      };
    }
    if (method === 'GET') {
      if (noBody()) return noBody() as { status: number; body: unknown };
      if (!mayRead) return forbidden();
      return mine ? { status: 200, body: envelope(shown(mine)) } : notFound();
    }
    if (method === 'PUT') {
      const problems = bodyProblems(body, true);
      if (problems.length) return offContractCall(`PUT ${path}: ${problems.join('; ')}`);
      if (!mayWrite) return forbidden();
      if (!mine) return notFound();
      Object.assign(mine, body, { modified_on: now() });
      return { status: 200, body: envelope(shown(mine)) };
    }
    if (method === 'DELETE') {
      if (!mayWrite) return forbidden();
      if (!mine) return notFound();
      tokens.delete(id);
      return { status: 200, body: envelope({ id }) };
    }
    return offContractCall(`${method} ${path}`);
  }

  /** The accounts a token can see: its own account's, or those its user is a member of. */
  function visibleAccounts(caller: StoredToken): string[] {
    if (caller.owner.kind === 'account') return [caller.owner.id];
    return [...accountInfo.entries()]
      .filter(([, info]) => info.members.has(caller.owner.id))
      .map(([id]) => id);
  }

  function listAccountsOrZones(
    call: Call,
    caller: StoredToken | undefined,
  ): { status: number; body: unknown } {
    const { path, query } = call;
    const isZones = path === '/zones';
    const known = isZones
      ? ['page', 'per_page', 'direction', 'name', 'status', 'order', 'match', 'account.id']
      : ['page', 'per_page', 'direction', 'name'];
    const extra = [...query.keys()].find((key) => !known.includes(key));
    if (extra) return offContractCall(`unknown query parameter ${extra} on GET ${path}`);
    if (call.bodyText !== '') return offContractCall(`GET ${path} takes no body`);
    const page = Number(query.get('page') ?? 1);
    const perPage = Number(query.get('per_page') ?? 20);
    if (!Number.isInteger(page) || page < 1) return offContractCall('page must be an integer ≥ 1');
    if (!Number.isInteger(perPage) || perPage < 5 || perPage > 50)
      return offContractCall('per_page must be 5–50');
    if (!caller || caller.status !== 'active') return invalidToken();
    caller.last_used_on = now();
    const visible = visibleAccounts(caller);
    let all: unknown[];
    if (isZones) {
      const only = query.get('account.id');
      // A token without a zone permission sees no zones.
      const mayReadZones = hasGroup(
        caller,
        PERMISSION_GROUPS.zoneRead.id,
        PERMISSION_GROUPS.dnsRead.id,
        PERMISSION_GROUPS.dnsWrite.id,
      );
      all = !mayReadZones
        ? []
        : [...zones.entries()]
            .filter(([, zone]) => visible.includes(zone.accountId))
            .filter(([, zone]) => only === null || zone.accountId === only)
            .map(([id, zone]) => ({
              id,
              name: zone.name,
              status: 'active',
              paused: false,
              type: 'full',
              account: { id: zone.accountId, name: accountInfo.get(zone.accountId)?.name },
            }));
    } else {
      all = visible.map((id) => ({
        id,
        name: accountInfo.get(id)?.name ?? id,
        type: 'standard',
        settings: { enforce_twofactor: false },
        created_on: '2024-01-01T00:00:00Z',
      }));
    }
    const items = all.slice((page - 1) * perPage, page * perPage);
    return {
      status: 200,
      body: envelope(items, {
        result_info: {
          page,
          per_page: perPage,
          count: items.length,
          total_count: all.length,
          total_pages: Math.ceil(all.length / perPage),
        },
      }),
    };
  }

  /** A token for endless pages: listed, never stored. */
  function seedless(owner: StoredToken['owner']): StoredToken {
    return {
      id: hex(16),
      name: 'endless',
      status: 'active',
      issued_on: now(),
      modified_on: now(),
      last_used_on: null,
      policies: [],
      owner,
      value: '',
    };
  }

  function checkHeaders(request: IncomingMessage, hasBody: boolean): string[] {
    const problems: string[] = [];
    const authorization = request.headers.authorization ?? '';
    if (!/^Bearer \S+$/.test(authorization))
      problems.push('Authorization must be "Bearer <token>"');
    if (request.headers['x-auth-key'] || request.headers['x-auth-email'])
      problems.push('X-Auth-Key/X-Auth-Email sent beside a Bearer token');
    if (hasBody && !(request.headers['content-type'] ?? '').startsWith('application/json'))
      problems.push('a body must be application/json');
    return problems;
  }

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', fake.url);
      const method = request.method ?? 'GET';
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        requests.push({ method, path: url.pathname, status });
        const text = typeof body === 'string' ? body : JSON.stringify(body);
        response.writeHead(status, { 'content-type': 'application/json', ...headers });
        response.end(text);
      };
      if (!url.pathname.startsWith('/client/v4/')) {
        offContract.push(`${method} ${url.pathname} is outside /client/v4`);
        send(404, {
          success: false,
          errors: [{ code: 7000, message: 'No route for that URI' }],
          messages: [],
          result: null,
        });
        return;
      }
      const path = url.pathname.slice('/client/v4'.length);
      const bodyText = Buffer.concat(chunks).toString('utf8');
      const headerProblems = checkHeaders(request, bodyText !== '');
      let body: unknown;
      try {
        body = bodyText ? (JSON.parse(bodyText) as unknown) : undefined;
      } catch {
        headerProblems.push('body is not JSON');
      }
      if (headerProblems.length) {
        const answer = offContractCall(`${method} ${path}: ${headerProblems.join('; ')}`);
        send(answer.status, answer.body);
        return;
      }
      const credential = (request.headers.authorization ?? '').slice('Bearer '.length);
      const index = failures.findIndex(
        (entry) =>
          path.includes(entry.pathPart) && (entry.method === undefined || entry.method === method),
      );
      const misbehaviour = index >= 0 ? failures.splice(index, 1)[0]?.misbehaviour : undefined;
      switch (misbehaviour?.kind) {
        case 'status': {
          const answer = failure(
            misbehaviour.status,
            misbehaviour.code ?? 10000,
            misbehaviour.message ?? 'Something went wrong',
          );
          send(
            answer.status,
            answer.body,
            misbehaviour.retryAfter ? { 'retry-after': misbehaviour.retryAfter } : {},
          );
          return;
        }
        case 'huge':
          requests.push({ method, path: url.pathname, status: 200 });
          // 6 MB of a valid page, chunked (no Content-Length): only reading tells its size.
          response.writeHead(200, { 'content-type': 'application/json' });
          response.on('error', () => {});
          response.write('{"success":true,"errors":[],"messages":[],"result":[');
          response.end(`${'"x",'.repeat(1_572_864)}"x"]}`);
          return;
        case 'malformed':
          send(200, '{"success":true,"result":[{"id":');
          return;
        case 'no-result':
          send(200, { success: true, errors: [], messages: [] });
          return;
        case 'redirect':
          send(302, '', { location: misbehaviour.location });
          return;
        case 'echo-credential': {
          const echoed = `Invalid request: ${request.headers.authorization ?? ''} ${bodyText}`;
          const answer = failure(400, 6003, echoed);
          send(answer.status, answer.body);
          return;
        }
        default:
          break;
      }
      const answer = route(
        { method, path, query: url.searchParams, body, bodyText, credential },
        misbehaviour,
      );
      if (misbehaviour?.kind === 'drop-after') {
        requests.push({ method, path: url.pathname, status: 0 });
        request.socket.destroy();
        return;
      }
      send(answer.status, answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  fake.url = `http://127.0.0.1:${port}`;
  fake.apiBase = `${fake.url}/client/v4`;
  return fake;
}
