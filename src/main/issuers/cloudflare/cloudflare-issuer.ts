/**
 * Cloudflare API tokens as a token issuer: the user's own tokens (/user/tokens), or an
 * account's tokens when the connection's address names the account
 * (`…/client/v4/accounts/<account id>`), through the official SDK.
 *
 * Rotation: by default a new token with the same permissions, conditions and expiry
 * is created, pushed everywhere, and the old one deleted by main afterwards
 * (`create-then-delete`: a natural grace period). Cloudflare's roll (`at-once`: a new
 * value, the old one stops there and then) is there too, chosen per issuer or per
 * call. Neither is ever retried: a second roll kills the value the first one made,
 * and a second create leaves two tokens.
 *
 * The connection's own token is listed like the others, but never rotated or deleted
 * from here: that would cut the connection off with its credential in the keychain.
 */
import { checkCloudflareCreateOptions } from '../../../shared/issuers/cloudflare.js';
import type { RotationStyle } from '../../../shared/issuers/token-facts.js';
import { normalizeName } from '../../../shared/token-name.js';
import { DeskError } from '../../desk-error.js';
import type { Fetch } from '../../ports.js';
import type { IssuerConnection, IssuerContext } from '../registry.js';
import type { VendorChoices } from '../../../shared/ipc/create-choices.js';
import {
  hasCode,
  rollKeepsExpiry,
  type CreateTokenInput,
  type IssuedToken,
  type IssuerCapabilities,
  type IssuerToken,
  type RotateOptions,
  type RotatedToken,
  type TokenIssuer,
} from '../token-issuer.js';
import {
  displayable,
  isoOrNull,
  MissingField,
  namedPageCheck,
  permissionGroupsCheck,
  TOKEN_ID,
  TOKEN_VALUE,
  tokenCheck,
  tokenPageCheck,
  toIssuerToken,
  verifyCheck,
  type CloudflareToken,
} from './cloudflare-answers.js';
import { openTokenApi, type NewTokenBody, type TokenApi } from './cloudflare-client.js';
import { describeCloudflareFailure, outcomeUnknown } from './cloudflare-failure.js';
import { cloudflareTime, newTokenBody, replacementBody } from './cloudflare-requests.js';
import { cloudflareScope, type CloudflareScope } from './cloudflare-scope.js';

/** How `rotate` replaces a token (see the file's comment). */
export type CloudflareRotation = Extract<RotationStyle, 'create-then-delete' | 'at-once'>;

export interface CloudflareIssuerOptions {
  /** The default for `rotate` when the call does not choose; create-then-delete unless set. */
  rotation?: CloudflareRotation;
}

export type CloudflareRotateOptions = RotateOptions & { style?: CloudflareRotation };

/** Cloudflare's answers are paged by 50 at most; 40 pages is 2,000 tokens. */
const PER_PAGE = 50;
const MAX_PAGES = 40;
/** Accounts and zones offered by the create form: 4 pages of 50 each, the rest said in a note. */
const CHOICE_PAGES = 4;
/** Cloudflare lists a few hundred permission groups; a list far longer is not an honest one. */
const MAX_PERMISSION_GROUPS = 2000;
const CLOUDFLARE_ID = /^[0-9a-f]{32}$/;

export const CLOUDFLARE_CAPABILITIES: IssuerCapabilities = {
  // Cloudflare's roll is asked for by name; by default a new token replaces the old one after the pushes.
  rotation: 'create-then-delete',
  rotate: true,
  maxGracePeriodSeconds: 0,
  revokeMany: 0,
  expiryRequired: false,
  create: true,
  maxExpiryDays: null,
};

interface Deps {
  credential: () => Promise<string>;
  fetch: Fetch;
  now: () => number;
}

export class CloudflareIssuer implements TokenIssuer {
  readonly kind = 'cloudflare';
  readonly capabilities = CLOUDFLARE_CAPABILITIES;
  private ownId: Promise<string> | null = null;

  constructor(
    private readonly scope: CloudflareScope,
    private readonly deps: Deps,
    private readonly rotation: CloudflareRotation = 'create-then-delete',
  ) {}

  async list(): Promise<IssuerToken[]> {
    const own = await this.ownTokenId();
    const tokens = await this.run('list your API tokens', {}, async (api) => {
      const seen = new Map<string, CloudflareToken>();
      for (let page = 1; ; page++) {
        if (page > MAX_PAGES)
          throw this.invalid(
            `kept sending pages past ${MAX_PAGES * PER_PAGE} tokens when Token Desk listed them, so it stopped`,
          );
        const body: unknown = await (await api.listPage(page, PER_PAGE)).json();
        if (!tokenPageCheck.Check(body))
          throw this.invalid('answered without a valid page of tokens');
        for (const item of body.result) {
          const token = this.checkedToken(item);
          seen.set(token.id, token);
        }
        const { per_page, total_count } = body.result_info;
        if (body.result.length === 0 || seen.size >= total_count || page * per_page >= total_count)
          return [...seen.values()];
      }
    });
    return tokens.map((token) => this.present(token, own));
  }

  async get(id: string): Promise<IssuerToken> {
    const own = await this.ownTokenId();
    return this.present(await this.fetchToken(id, 'read the token'), own);
  }

  async create(input: CreateTokenInput): Promise<IssuedToken> {
    const name = normalizeName(input.name);
    if (!name.ok) throw new DeskError('invalid_name', name.message);
    const expiresOn = this.expiryOf(input.expiresAt);
    const checked = checkCloudflareCreateOptions(input.options);
    if (!checked.ok) throw new DeskError('invalid_request', checked.message);
    return this.createToken(newTokenBody(name.name, checked.options, expiresOn));
  }

  async rotate(id: string, options: CloudflareRotateOptions = {}): Promise<RotatedToken> {
    const style = options.style ?? this.rotation;
    // A roll keeps the token's expiry: an expiry asked with one would be dropped unsaid.
    if (style === 'at-once' && options.expiresAt !== undefined) throw rollKeepsExpiry('Cloudflare');
    // A rotation keeps or moves a token's expiry; it does not take one away.
    if (options.expiresAt === null)
      throw new DeskError(
        'invalid_expiry',
        'A rotated Cloudflare token keeps its expiry unless you choose a new date; Token Desk does not make it last forever. Nothing was rotated.',
      );
    await this.refuseOwn(id, 'rotate');
    return style === 'at-once' ? this.roll(id) : this.replace(id, options.expiresAt);
  }

  async revoke(id: string): Promise<void> {
    await this.refuseOwn(id, 'delete');
    if (!TOKEN_ID.test(id)) throw notFound();
    await this.run('delete the token', { token: true }, (api) => api.delete(id));
  }

  async revokeMany(ids: readonly string[]): Promise<{ revoked: string[]; notFound: string[] }> {
    const own = await this.ownTokenId();
    if (ids.includes(own)) throw ownTokenRefusal('delete', 'the tokens you chose include');
    const revoked: string[] = [];
    const missing: string[] = [];
    // One at a time: Cloudflare has no bulk delete, and a failure part-way must say what went.
    for (const id of ids) {
      try {
        await this.revoke(id);
        revoked.push(id);
      } catch (error) {
        if (error instanceof DeskError && error.code === 'token_not_found') {
          missing.push(id);
          continue;
        }
        if (!(error instanceof DeskError) || revoked.length === 0) throw error;
        throw new DeskError(
          error.code,
          `Cloudflare deleted ${revoked.length} of the ${ids.length} tokens, then stopped: ${error.message}`,
        );
      }
    }
    return { revoked, notFound: missing };
  }

  /** Cloudflare's permission groups for the create form: id, name and what they apply to. */
  async permissionGroups(): Promise<{ id: string; name: string; scopes: string[] }[]> {
    const body: unknown = await this.run('list the permission groups', {}, async (api) =>
      (await api.permissionGroups()).json(),
    );
    if (!permissionGroupsCheck.Check(body))
      throw this.invalid('answered without a valid list of permission groups');
    return body.result
      .filter((group) => /^[0-9a-f]{32}$/.test(group.id))
      .map((group) => ({
        id: group.id,
        name: displayable(group.name) || group.id,
        scopes: (group.scopes ?? []).map((scope) => displayable(scope, 200)),
      }));
  }

  /**
   * What the create form may offer: the permission groups, and the accounts and zones
   * the connection's token can see (an account's token: its own account and its zones).
   * Accounts or zones the token may not read are left out with a sentence; an answer
   * that is malformed, huge or a redirect stops the whole call in words.
   */
  async createChoices(): Promise<VendorChoices> {
    const notes: string[] = [];
    const permissionGroups = await this.permissionGroups();
    if (permissionGroups.length > MAX_PERMISSION_GROUPS)
      throw this.invalid(`listed more than ${MAX_PERMISSION_GROUPS} permission groups`);
    const accounts = await this.namedChoices('accounts', notes);
    const zones = await this.namedChoices('zones', notes);
    let userId: string | null = null;
    if (this.scope.accountId === null) {
      try {
        const id = await this.run('read your user', {}, (api) => api.userId());
        if (typeof id === 'string' && CLOUDFLARE_ID.test(id)) userId = id;
        else throw this.invalid('answered with a user without a valid id');
      } catch (error) {
        if (!hasCode(error, 'issuer_missing_permission')) throw error;
        notes.push(
          'The connection’s token may not read your user (User Details Read), so “Yourself” cannot be chosen.',
        );
      }
    }
    return {
      kind: 'cloudflare',
      permissionGroups,
      accounts: accounts.map(({ id, name }) => ({ id, name })),
      zones,
      userId,
      notes,
    };
  }

  /** Up to CHOICE_PAGES pages of accounts or zones, ids checked, names made displayable. */
  private async namedChoices(
    what: 'accounts' | 'zones',
    notes: string[],
  ): Promise<{ id: string; name: string; accountId: string | null }[]> {
    const seen = new Map<string, { id: string; name: string; accountId: string | null }>();
    let total = 0;
    let unusable = 0;
    try {
      await this.run(`list the ${what} the token can see`, {}, async (api) => {
        for (let page = 1; page <= CHOICE_PAGES; page++) {
          const response =
            what === 'accounts'
              ? await api.accountsPage(page, PER_PAGE)
              : await api.zonesPage(page, PER_PAGE);
          const body: unknown = await response.json();
          if (!namedPageCheck.Check(body))
            throw this.invalid(`answered without a valid page of ${what}`);
          if (body.result.length > PER_PAGE)
            throw this.invalid(`sent more ${what} on one page than Token Desk asked for`);
          total = body.result_info.total_count;
          for (const item of body.result) {
            if (!CLOUDFLARE_ID.test(item.id)) {
              unusable++;
              continue;
            }
            const accountId = item.account?.id;
            seen.set(item.id, {
              id: item.id,
              name: displayable(item.name) || item.id,
              accountId: accountId && CLOUDFLARE_ID.test(accountId) ? accountId : null,
            });
          }
          if (body.result.length < PER_PAGE || page * PER_PAGE >= total) return;
        }
      });
    } catch (error) {
      if (!hasCode(error, 'issuer_missing_permission')) throw error;
      notes.push(
        `The connection’s token may not list your ${what}, so only “All ${what}” can be chosen for them.`,
      );
      return [];
    }
    if (total > seen.size + unusable)
      notes.push(
        `Cloudflare has more ${what} than the ${seen.size} Token Desk offers here; for another one choose “All ${what}”.`,
      );
    if (unusable > 0)
      notes.push(
        `Cloudflare listed ${unusable} ${what} with an id Token Desk cannot use; they are left out.`,
      );
    return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Cloudflare's roll: the value changes in place, the old one stops now. */
  private async roll(id: string): Promise<RotatedToken> {
    const own = await this.ownTokenId();
    const token = await this.fetchToken(id, 'roll the token');
    const name = displayable(token.name) || id;
    const value = await this.run('roll the token', { token: true }, async (api) => {
      try {
        return await api.roll(id);
      } catch (error) {
        if (!outcomeUnknown(error)) throw error;
        throw new DeskError(
          'issuer_outcome_unknown',
          `Token Desk asked Cloudflare at ${this.scope.host} to roll “${name}” but got no usable answer. Cloudflare may already have replaced its value: then the old value has stopped working and the new one never arrived. Token Desk does not roll it again by itself (that would stop yet another value): check the token in Cloudflare's dashboard, roll it once there or here, and update every place that uses it.`,
        );
      }
    });
    if (typeof value !== 'string' || !TOKEN_VALUE.test(value))
      throw new DeskError(
        'issuer_no_value',
        `Cloudflare says it rolled “${name}” but sent no new value. Its old value has most likely stopped working already: roll it again (here or in Cloudflare's dashboard) and update every place that uses it.`,
      );
    return {
      ...this.present(token, own),
      secret: value,
      previous: { id, graceEndsAt: null },
    };
  }

  /** A new token like the old one; main deletes the old one once every place has the new value. */
  private async replace(id: string, expiresAt: string | null | undefined): Promise<RotatedToken> {
    const old = await this.fetchToken(id, 'read the token to replace');
    const oldExpiry = isoOrNull(old.expires_on);
    let expiresOn: string | null;
    if (expiresAt !== undefined) expiresOn = this.expiryOf(expiresAt);
    else if (oldExpiry !== null && Date.parse(oldExpiry) <= this.deps.now() + 60_000)
      throw new DeskError(
        'invalid_expiry',
        `“${displayable(old.name)}” expires at ${oldExpiry}; choose a new expiry for its replacement.`,
      );
    else expiresOn = oldExpiry === null ? null : cloudflareTime(oldExpiry);
    const issued = await this.createToken(replacementBody(old, expiresOn, this.deps.now()));
    return { ...issued, previous: { id, graceEndsAt: null, revokeAfterPush: true } };
  }

  /** One create, never repeated; a token made without a value is deleted again, and said so. */
  private async createToken(body: NewTokenBody): Promise<IssuedToken> {
    const name = displayable(body.name);
    const own = await this.ownTokenId();
    const created = await this.run('create the token', {}, async (api) => {
      try {
        return await api.create(body);
      } catch (error) {
        if (!outcomeUnknown(error)) throw error;
        throw new DeskError(
          'issuer_outcome_unknown',
          `Token Desk asked Cloudflare at ${this.scope.host} to create “${name}” but got no usable answer, so it cannot tell whether the token exists. Refresh the list before trying again, and delete any “${name}” you do not want: Token Desk does not create it twice by itself.`,
        );
      }
    });
    const value = (created as { value?: unknown } | null)?.value;
    const secrets = typeof value === 'string' ? [value] : [];
    if (!tokenCheck.Check(created))
      throw new DeskError(
        'issuer_invalid_response',
        `Cloudflare says it created “${name}” but its answer does not describe a token. Check Cloudflare's dashboard (My Profile › API Tokens) and delete it there if it exists.`,
      );
    if (typeof value !== 'string' || !TOKEN_VALUE.test(value)) {
      await this.deleteValueless(created.id, name);
      throw new DeskError(
        'issuer_no_value',
        `Cloudflare says it created “${name}” but sent no value, so no one could ever use it. Token Desk deleted that token again: nothing was left behind. Try again later.`,
      );
    }
    try {
      return { ...this.present(created, own), secret: value };
    } catch (error) {
      throw describeCloudflareFailure(error, this.failure('create the token', false, secrets));
    }
  }

  private async deleteValueless(id: string, name: string): Promise<void> {
    try {
      await this.run('delete the token it made without a value', { token: true }, (api) =>
        api.delete(id),
      );
    } catch (error) {
      const why = error instanceof DeskError ? ` (${error.message})` : '';
      throw new DeskError(
        'issuer_no_value',
        `Cloudflare says it created “${name}” but sent no value, and Token Desk could not delete it again${why}. Delete “${name}” in Cloudflare's dashboard (My Profile › API Tokens): no one can use it.`,
      );
    }
  }

  private async fetchToken(id: string, what: string): Promise<CloudflareToken> {
    if (!TOKEN_ID.test(id)) throw notFound();
    const token = await this.run(what, { token: true }, (api) => api.get(id));
    return this.checkedToken(token);
  }

  /** The connection's own token id, asked once per issuer (Cloudflare's verify). */
  private ownTokenId(): Promise<string> {
    this.ownId ??= this.run('check the connection’s token', {}, async (api) => {
      const result = await api.verify();
      if (!verifyCheck.Check(result))
        throw this.invalid('answered the token check without a token id');
      return result.id;
    }).catch((error: unknown) => {
      this.ownId = null;
      throw error;
    });
    return this.ownId;
  }

  private async refuseOwn(id: string, verb: 'rotate' | 'delete'): Promise<void> {
    if (id === (await this.ownTokenId())) throw ownTokenRefusal(verb, 'this is');
  }

  private async run<T>(
    what: string,
    options: { token?: boolean },
    request: (api: TokenApi) => Promise<T>,
  ): Promise<T> {
    const credential = await this.deps.credential();
    const api = openTokenApi({
      apiBase: this.scope.apiBase,
      accountId: this.scope.accountId,
      token: credential,
      fetch: this.deps.fetch,
    });
    try {
      return await request(api);
    } catch (error) {
      throw describeCloudflareFailure(
        error,
        this.failure(what, options.token === true, [credential]),
      );
    }
  }

  private failure(what: string, token: boolean, secrets: string[]) {
    return {
      what,
      host: this.scope.host,
      token,
      needs:
        this.scope.accountId === null
          ? 'a connection token with the API Tokens Write permission (User › API Tokens › Edit)'
          : 'a connection token with Account API Tokens Write for this account',
      now: this.deps.now(),
      secrets,
    };
  }

  private checkedToken(value: unknown): CloudflareToken {
    if (!tokenCheck.Check(value))
      throw this.invalid('answered with a token Token Desk cannot read');
    return value;
  }

  private present(token: CloudflareToken, own: string): IssuerToken {
    try {
      return toIssuerToken(token, {
        variant: this.scope.accountId === null ? 'user' : 'account',
        label:
          this.scope.accountId === null
            ? 'Cloudflare'
            : `Cloudflare account · ${this.scope.accountId.slice(0, 8)}…`,
        rotation: this.rotation,
        now: this.deps.now(),
        own: token.id === own,
      });
    } catch (error) {
      if (error instanceof MissingField)
        throw this.invalid(`answered with a token without "${error.field}"`);
      throw error;
    }
  }

  private invalid(what: string): DeskError {
    return new DeskError(
      'issuer_invalid_response',
      `Cloudflare at ${this.scope.host} ${what}, so Token Desk stopped. Check the connection's API address.`,
    );
  }

  /** null (never expires) or a future time, in Cloudflare's form (seconds, Z). */
  private expiryOf(expiresAt: string | null | undefined): string | null {
    if (expiresAt === null || expiresAt === undefined) return null;
    const time = typeof expiresAt === 'string' ? Date.parse(expiresAt) : NaN;
    if (!Number.isFinite(time) || time <= this.deps.now() + 60_000)
      throw new DeskError('invalid_expiry', 'The expiry must be a date and time in the future.');
    return cloudflareTime(new Date(time).toISOString());
  }
}

function notFound(): DeskError {
  return new DeskError(
    'token_not_found',
    'Cloudflare has no such token (it may have been deleted).',
  );
}

function ownTokenRefusal(verb: 'rotate' | 'delete', lead: string): DeskError {
  return new DeskError(
    'own_credential',
    `${lead[0]?.toUpperCase()}${lead.slice(1)} the token Token Desk uses for this Cloudflare connection: to ${verb} it from here would cut the connection off. ${verb === 'rotate' ? 'Roll it in Cloudflare’s dashboard and connect the account again with the new value.' : 'Remove the connection in Settings first, then delete the token in Cloudflare’s dashboard.'}`,
  );
}

/** The issuer for one connection, as the registry opens it. */
export function openCloudflareIssuer(
  connection: IssuerConnection,
  context: IssuerContext,
  options: CloudflareIssuerOptions = {},
): CloudflareIssuer {
  return new CloudflareIssuer(
    cloudflareScope(connection.host),
    {
      credential: () => context.credential(connection),
      fetch: context.fetch,
      now: context.now,
    },
    options.rotation,
  );
}
