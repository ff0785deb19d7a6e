/**
 * The official `cloudflare` SDK, opened for one connection: its API base, main's
 * outbound layer under our transport, one attempt per call (a retried roll would
 * kill the value the first one made; a retried create makes two tokens), a timeout,
 * and nothing read from the environment (CLOUDFLARE_API_KEY, CLOUDFLARE_EMAIL,
 * CLOUDFLARE_BASE_URL, CLOUDFLARE_LOG would otherwise change what is sent and where).
 *
 * User tokens live under /user/tokens, account-owned ones under
 * /accounts/{account_id}/tokens; `TokenApi` is the one shape both are used through.
 */
import Cloudflare from 'cloudflare';
import type { Fetch } from '../../ports.js';
import { CLOUDFLARE_TIMEOUT_MS } from './cloudflare-failure.js';
import { cloudflareFetch } from './cloudflare-transport.js';

/** What Cloudflare takes to create a token (the SDK's TokenCreateParams, without account_id). */
export interface NewPolicy {
  effect: 'allow' | 'deny';
  permission_groups: { id: string }[];
  /** Documented as either all `"*"` values or all nested maps, never a mix in one policy. */
  resources: Record<string, string> | Record<string, Record<string, string>>;
}

export interface NewTokenBody {
  name: string;
  policies: NewPolicy[];
  expires_on?: string;
  not_before?: string;
  condition?: { request_ip: { in?: string[]; not_in?: string[] } };
}

export interface TokenApi {
  /**
   * One page of tokens, unparsed: the envelope is checked by the caller. Recently
   * expired tokens too (`include_expired`): an expired token still in a CI secret is
   * exactly what the list must show.
   */
  listPage(page: number, perPage: number): Promise<Response>;
  get(id: string): Promise<unknown>;
  create(body: NewTokenBody): Promise<unknown>;
  delete(id: string): Promise<unknown>;
  verify(): Promise<unknown>;
  /** Cloudflare's roll: a new value at once, the old one stops. */
  roll(id: string): Promise<unknown>;
  permissionGroups(): Promise<Response>;
  /** The signed-in user's email; only for user tokens, and only with User Details Read. */
  userEmail(): Promise<unknown>;
  /** The signed-in user's id, unparsed; only for user tokens, and only with User Details Read. */
  userId(): Promise<unknown>;
  /** One page of the accounts the token can see (GET /accounts), unparsed. */
  accountsPage(page: number, perPage: number): Promise<Response>;
  /** One page of the zones the token can see (GET /zones; of the connection's account only, for an account's token), unparsed. */
  zonesPage(page: number, perPage: number): Promise<Response>;
}

export function openTokenApi(options: {
  apiBase: URL;
  accountId: string | null;
  token: string;
  fetch: Fetch;
}): TokenApi {
  const client = new Cloudflare({
    apiToken: options.token,
    apiKey: null,
    apiEmail: null,
    userServiceKey: null,
    baseURL: options.apiBase.href.replace(/\/+$/, ''),
    fetch: cloudflareFetch(options.fetch, options.apiBase),
    maxRetries: 0,
    timeout: CLOUDFLARE_TIMEOUT_MS,
    logLevel: 'off',
  });
  const account_id = options.accountId;
  const accountsPage = (page: number, per_page: number) =>
    client.accounts.list({ page, per_page, direction: 'asc' }).asResponse();
  if (account_id === null) {
    const tokens = client.user.tokens;
    return {
      listPage: (page, per_page) =>
        tokens.list({ page, per_page, direction: 'asc', include_expired: true }).asResponse(),
      get: (id) => tokens.get(id),
      create: (body) => tokens.create(body),
      delete: (id) => tokens.delete(id),
      verify: () => tokens.verify(),
      roll: (id) => tokens.value.update(id),
      permissionGroups: () => tokens.permissionGroups.list().asResponse(),
      userEmail: async () => (await client.user.get()).email,
      userId: async () => (await client.user.get()).id,
      accountsPage,
      zonesPage: (page, per_page) => client.zones.list({ page, per_page }).asResponse(),
    };
  }
  const tokens = client.accounts.tokens;
  return {
    listPage: (page, per_page) =>
      tokens
        .list({ account_id, page, per_page, direction: 'asc', include_expired: true })
        .asResponse(),
    get: (id) => tokens.get(id, { account_id }),
    create: (body) => tokens.create({ account_id, ...body }),
    delete: (id) => tokens.delete(id, { account_id }),
    verify: () => tokens.verify({ account_id }),
    roll: (id) => tokens.value.update(id, { account_id }),
    permissionGroups: () => tokens.permissionGroups.list({ account_id }).asResponse(),
    userEmail: () => Promise.resolve(null),
    userId: () => Promise.resolve(null),
    accountsPage,
    zonesPage: (page, per_page) =>
      client.zones.list({ page, per_page, account: { id: account_id } }).asResponse(),
  };
}
