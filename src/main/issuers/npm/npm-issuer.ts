/**
 * npm (the public registry or any registry speaking npm's token API) as a token
 * issuer: `GET /-/npm/v1/tokens` (pages: `objects`, `urls.next`), `POST
 * /-/npm/v1/tokens` (with the account password, and a second factor when npm asks),
 * `DELETE /-/npm/v1/tokens/token/:key` — the calls npm's own `npm token` makes
 * (npm/cli lib/commands/token.js).
 *
 * npm has no rotate call: a rotation creates a token with the old one's settings (as
 * far as the list tells them) and leaves the old one working until main has put the
 * new value everywhere and deletes it. Every create asks the password in main's own
 * prompt; it goes into that one request and nowhere else (never kept, never in a
 * sentence). Nothing is retried: a create sent twice makes two tokens.
 */
import { Compile } from 'typebox/compile';
import {
  BYPASS_2FA_WARNING,
  NPM_LIMITS,
  NPM_OPTION_KEYS,
  NpmCreateOptionsSchema,
  checkNpmCreateOptions,
  type NpmCreateOptions,
} from '../../../shared/issuers/npm.js';
import { normalizeName } from '../../../shared/token-name.js';
import { DeskError } from '../../desk-error.js';
import type { IssuerConnection, IssuerContext } from '../registry.js';
import type {
  CreateTokenInput,
  IssuedToken,
  IssuerCapabilities,
  IssuerToken,
  RotateOptions,
  RotatedToken,
  TokenIssuer,
} from '../token-issuer.js';
import { NpmRegistry, normalizeNpmRegistry, type NpmAnswer } from './npm-registry.js';
import {
  cleanTokenName,
  factsOf,
  settingsOf,
  shortId,
  isCredential,
  toIssuerToken,
  tokenObjectCheck,
  tokenPageCheck,
  type NpmTokenObject,
  type TokenSettings,
} from './npm-tokens.js';
import { withSecondFactor, type SecondFactorPorts } from './two-factor.js';

export const NPM_CAPABILITIES: IssuerCapabilities = {
  // npm has no rotate call: a new token, then the old one deleted after the pushes.
  rotation: 'create-then-delete',
  rotate: false,
  maxGracePeriodSeconds: 0,
  revokeMany: 0,
  // npm picks 7 days for a write token when none is given.
  expiryRequired: false,
  create: true,
  // For tokens that can write; a read-only token may last longer, so each rotation's
  // expiry is checked here against the token it replaces.
  maxExpiryDays: NPM_LIMITS.maxWriteExpiryDays,
  maxExpiryDaysPerToken: true,
};

/** A token list page can be large (up to 1,000 tokens with their package lists). */
const MAX_PAGE_BYTES = 4 * 1024 * 1024;
/** npm allows 1,000 granular tokens per account; more pages than this never end. */
const MAX_PAGES = 100;
const MAX_TOKENS = 5_000;
const DAY_MS = 86_400_000;

const optionsCheck = Compile(NpmCreateOptionsSchema);

/** A created token's answer, with a warning for the page when it skips 2FA. */
export type NpmIssuedToken = IssuedToken & { warnings: string[] };
export type NpmRotatedToken = RotatedToken & { warnings: string[] };

/** The options the page sent, checked: anything else refused, by name. */
export function readNpmCreateOptions(raw: unknown): NpmCreateOptions {
  if (raw === undefined || raw === null)
    throw new DeskError(
      'invalid_options',
      'Choose what the npm token may do: read only, or read and write.',
    );
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new DeskError('invalid_options', 'The npm token options must be an object.');
  for (const key of Object.keys(raw)) {
    if (!(NPM_OPTION_KEYS as readonly string[]).includes(key))
      throw new DeskError('invalid_options', `“${key.slice(0, 40)}” is not an npm token option.`);
  }
  if (!optionsCheck.Check(raw)) {
    const first = optionsCheck.Errors(raw)[0];
    const where = first?.instancePath
      ? first.instancePath.replace(/^\//, '').replace(/\//g, ' ')
      : 'options';
    throw new DeskError(
      'invalid_options',
      `The npm token option “${where}” is not valid${first?.message ? `: ${first.message}` : ''}.`,
    );
  }
  return raw;
}

/** Days from now until `expiresAt`, rounded up, as npm's `expires` takes them; null: npm's default. */
export function expiryDays(expiresAt: string | null, now: number): number | null {
  if (expiresAt === null) return null;
  const at = Date.parse(expiresAt);
  if (!Number.isFinite(at)) throw new DeskError('invalid_expiry', 'The expiry is not a date.');
  const days = Math.ceil((at - now) / DAY_MS);
  if (days < 1)
    throw new DeskError('invalid_expiry', 'An npm token must expire at least one day from now.');
  return days;
}

export class NpmIssuer implements TokenIssuer {
  readonly kind = 'npm';
  readonly capabilities = NPM_CAPABILITIES;
  private readonly registry: NpmRegistry;
  private pending = new AbortController();

  constructor(
    private readonly connection: IssuerConnection,
    private readonly context: IssuerContext,
    private readonly options: { webApprovalLimitMs?: number } = {},
  ) {
    const normalized = normalizeNpmRegistry(connection.host);
    if (!normalized.ok) throw new DeskError('npm_bad_registry', normalized.message);
    this.registry = new NpmRegistry(normalized.url, context.fetch);
  }

  /** Stops a browser approval Token Desk is waiting for (the person pressed Cancel). */
  cancelPending(): void {
    this.pending.abort();
    this.pending = new AbortController();
  }

  private ports(): SecondFactorPorts {
    return {
      prompt: this.context.prompt,
      externalLinks: this.context.externalLinks,
      timers: this.context.timers,
      now: this.context.now,
      signal: this.pending.signal,
      webApprovalLimitMs: this.options.webApprovalLimitMs,
    };
  }

  private async credential(): Promise<string> {
    return this.context.credential(this.connection);
  }

  async list(): Promise<IssuerToken[]> {
    const token = await this.credential();
    const objects = await this.listObjects(token);
    const now = this.context.now();
    return objects.map((object) => toIssuerToken(object, this.registry.label, now));
  }

  private async listObjects(credential: string): Promise<NpmTokenObject[]> {
    const secrets = [credential];
    const what = 'list your npm tokens';
    const objects: NpmTokenObject[] = [];
    const seen = new Set<string>();
    let target: string | URL = '-/npm/v1/tokens';
    for (let page = 1; ; page++) {
      // call() refuses a next page outside the registry before the credential leaves.
      const answer = await this.registry.call(
        {
          method: 'GET',
          target,
          auth: { kind: 'bearer', token: credential },
          what,
          maxBytes: MAX_PAGE_BYTES,
        },
        secrets,
      );
      if (answer.status !== 200) throw this.registry.failure(answer, what, secrets);
      if (!tokenPageCheck.Check(answer.body))
        throw this.registry.badShape(what, 'no list of tokens', secrets);
      const body = answer.body as { objects: unknown[]; urls?: { next?: string | null } };
      for (const [index, object] of body.objects.entries()) {
        if (!tokenObjectCheck.Check(object) || !Number.isFinite(Date.parse(object.created)))
          throw this.registry.badShape(
            what,
            `token ${objects.length + index + 1} is not a token as npm lists them: a key, a creation date, and names and lists of the right kinds`,
            secrets,
          );
        if (seen.has(object.key)) continue;
        seen.add(object.key);
        objects.push(object);
      }
      if (objects.length > MAX_TOKENS)
        throw this.registry.badShape(what, `more than ${MAX_TOKENS} tokens`, secrets);
      const next = body.urls?.next;
      if (!next) return objects;
      if (page >= MAX_PAGES)
        throw this.registry.error(
          'npm_bad_response',
          `${this.registry.who} kept answering with another page of tokens after ${MAX_PAGES} pages, so Token Desk stopped listing. Try again later.`,
          secrets,
        );
      try {
        target = new URL(next, this.registry.registry);
      } catch {
        throw this.registry.badShape(what, 'its next page is not an address', secrets);
      }
    }
  }

  private async find(credential: string, id: string): Promise<NpmTokenObject> {
    const found = (await this.listObjects(credential)).find((object) => object.key === id);
    if (!found)
      throw new DeskError(
        'token_not_found',
        `${this.registry.who} no longer lists this token: it was deleted or expired.`,
      );
    return found;
  }

  /** A listed token that may be deleted or replaced: never the connection's own credential. */
  private async findNotOwn(credential: string, id: string): Promise<NpmTokenObject> {
    const found = await this.find(credential, id);
    if (isCredential(found.token, credential))
      throw new DeskError(
        'connection_token',
        `This is the token Token Desk uses for this npm connection; deleting or replacing it from the list would disconnect the account. Remove the connection in Settings first, or manage it with npm token.`,
      );
    return found;
  }

  async get(id: string): Promise<IssuerToken> {
    const found = await this.find(await this.credential(), id);
    return toIssuerToken(found, this.registry.label, this.context.now());
  }

  async create(input: CreateTokenInput): Promise<NpmIssuedToken> {
    const options = readNpmCreateOptions(input.options);
    const name = normalizeName(input.name);
    if (!name.ok) throw new DeskError('invalid_name', name.message);
    const days = expiryDays(input.expiresAt, this.context.now());
    const problem = checkNpmCreateOptions(options, days);
    if (problem) throw new DeskError('invalid_options', problem);
    return this.mint(name.name, days, options, 'create');
  }

  async rotate(id: string, options: RotateOptions = {}): Promise<NpmRotatedToken> {
    const credential = await this.credential();
    const old = await this.findNotOwn(credential, id);
    const settings = settingsOf(old);
    const name = normalizeName(old.name ?? '');
    const newName = name.ok
      ? name.name
      : (cleanTokenName(old.name) ?? `Replacement of npm token ${shortId(old.key)}`);
    const days =
      options.expiresAt !== undefined
        ? expiryDays(options.expiresAt, this.context.now())
        : sameLifetime(old, settings);
    // npm caps only tokens that can write; a read-only one gets the expiry asked for, or
    // none (npm's own rule then). Said before the password is asked.
    if (canWrite(settings) && options.expiresAt !== undefined) {
      const most = NPM_LIMITS.maxWriteExpiryDays;
      if (days === null)
        throw new DeskError(
          'invalid_expiry',
          `npm lets a token that can write last at most ${most} days: choose when the new one expires, or keep its lifetime. Nothing was rotated.`,
        );
      if (days > most)
        throw new DeskError(
          'invalid_expiry',
          `npm lets a token that can write last at most ${most} days (this one would last ${days}): choose an earlier expiry. Nothing was rotated.`,
        );
    }
    const problem = checkNpmCreateOptions(optionsFrom(settings), days);
    if (problem) throw new DeskError('invalid_options', problem);
    const issued = await this.mint(newName, days, optionsFrom(settings), 'rotate', old);
    return { ...issued, previous: { id: old.key, graceEndsAt: null, revokeAfterPush: true } };
  }

  /** One create request (with the password, and a second factor when asked): never sent twice. */
  private async mint(
    name: string,
    days: number | null,
    options: NpmCreateOptions,
    why: 'create' | 'rotate',
    old?: NpmTokenObject,
  ): Promise<NpmIssuedToken> {
    const credential = await this.credential();
    const password = await this.askPassword(name, why);
    const secrets = [credential, password];
    const what = `create the npm token “${name}”`;
    const body: Record<string, unknown> = { name, password };
    if (days !== null) body.expires = days;
    if (options.packages.length > 0) body.packages = options.packages;
    if (options.allPackages) body.packages_all = true;
    if (options.scopes.length > 0) body.scopes = options.scopes;
    if (options.orgs.length > 0) body.orgs = options.orgs;
    body.packages_and_scopes_permission = options.permission;
    if (options.orgsPermission) body.orgs_permission = options.orgsPermission;
    if (options.cidr.length > 0) body.cidr_whitelist = options.cidr;
    if (options.bypass2fa) body.bypass_2fa = true;
    const answer = await withSecondFactor(
      this.registry,
      this.ports(),
      what,
      secrets,
      (otp) =>
        this.registry.call(
          {
            method: 'POST',
            target: '-/npm/v1/tokens',
            auth: { kind: 'bearer', token: credential },
            body,
            otp,
            what,
          },
          secrets,
        ),
      { kind: 'bearer', token: credential },
    );
    if (answer.status !== 200 && answer.status !== 201)
      throw this.registry.failure(answer, what, secrets);
    return this.issued(answer, name, options, secrets, old);
  }

  private issued(
    answer: NpmAnswer,
    name: string,
    options: NpmCreateOptions,
    secrets: string[],
    old?: NpmTokenObject,
  ): NpmIssuedToken {
    const body = (answer.body && typeof answer.body === 'object' ? answer.body : {}) as Record<
      string,
      unknown
    >;
    const value =
      typeof body.token === 'string' && body.token.length >= 8 && body.token.length <= 4096
        ? body.token
        : null;
    const key =
      typeof body.key === 'string' && /^[A-Za-z0-9._~-]{1,256}$/.test(body.key) ? body.key : null;
    const where =
      this.registry.label === 'registry.npmjs.org'
        ? 'at npmjs.com → Access Tokens'
        : `on ${this.registry.label}`;
    const oldLeft = old
      ? ` The old token ${shortId(old.key)} was not touched and still works.`
      : '';
    if (value === null) {
      throw this.registry.error(
        'npm_incomplete',
        `${this.registry.who} says it created “${name}” but sent no value, so nobody holds that token${key ? ` (listed as ${shortId(key)})` : ''}. Delete it in Token Desk's list or ${where}, then try again.${oldLeft}`,
        secrets,
      );
    }
    secrets.push(value);
    if (key === null) {
      throw this.registry.error(
        'npm_incomplete',
        `${this.registry.who} created “${name}” but did not say its id, so Token Desk cannot track or delete it. Delete it ${where}, then try again.${oldLeft}`,
        secrets,
      );
    }
    const created =
      typeof body.created === 'string' && Number.isFinite(Date.parse(body.created))
        ? new Date(body.created).toISOString()
        : new Date(this.context.now()).toISOString();
    const expires =
      typeof body.expires === 'string' && Number.isFinite(Date.parse(body.expires))
        ? new Date(body.expires).toISOString()
        : null;
    const settings: TokenSettings = options;
    return {
      id: key,
      name,
      prefix: '',
      createdAt: created,
      expiresAt: expires,
      lastUsedAt: null,
      lastUsedIp: null,
      lastUsedUserAgent: null,
      destinationCount: 0,
      replacedById: null,
      graceEndsAt: null,
      secret: value,
      facts: factsOf(
        settings,
        expires,
        typeof body.expires === 'string',
        this.registry.label,
        this.context.now(),
      ),
      warnings: options.bypass2fa ? [BYPASS_2FA_WARNING] : [],
    };
  }

  private async askPassword(name: string, why: 'create' | 'rotate'): Promise<string> {
    const prompt = this.context.prompt;
    if (!prompt)
      throw new DeskError(
        'npm_prompt_unavailable',
        `npm asks for your account password to create a token, and Token Desk has no way to ask you for it here.`,
      );
    const answer = await prompt.ask({
      title: why === 'rotate' ? 'Replace an npm token' : 'Create an npm token',
      message: `${this.registry.who} asks for the password of ${this.connection.login} to create “${name}”${why === 'rotate' ? ' (the replacement; the old token keeps working until every place has the new one)' : ''}. Token Desk sends it only to ${this.registry.label}, in this one request, and does not keep it.`,
      fields: [
        { id: 'password', label: `npm password for ${this.connection.login}`, kind: 'password' },
      ],
      submitLabel: 'Create token',
    });
    if (answer === null)
      throw new DeskError(
        'npm_cancelled',
        'Cancelled: nothing was sent to npm and no token was created.',
      );
    const password = answer.password ?? '';
    if (password.length === 0)
      throw new DeskError(
        'npm_cancelled',
        'No password was typed, so nothing was sent to npm and no token was created.',
      );
    return password;
  }

  async revoke(id: string): Promise<void> {
    const credential = await this.credential();
    await this.findNotOwn(credential, id);
    if (!(await this.delete(credential, id)))
      throw new DeskError(
        'token_not_found',
        `${this.registry.who} no longer has this token: it was deleted or expired.`,
      );
  }

  /** Deletes a listed token; false when the registry says it is not there (404). */
  private async delete(credential: string, id: string): Promise<boolean> {
    const secrets = [credential];
    const what = `delete the npm token ${shortId(id)}`;
    const answer = await withSecondFactor(
      this.registry,
      this.ports(),
      what,
      secrets,
      (otp) =>
        this.registry.call(
          {
            method: 'DELETE',
            target: `-/npm/v1/tokens/token/${encodeURIComponent(id)}`,
            auth: { kind: 'bearer', token: credential },
            otp,
            what,
          },
          secrets,
        ),
      { kind: 'bearer', token: credential },
    );
    if (answer.status === 404) return false;
    if (answer.status < 200 || answer.status >= 300)
      throw this.registry.failure(answer, what, secrets);
    return true;
  }

  /** One at a time (npm has no bulk delete); a failure says which were deleted before it. */
  async revokeMany(ids: readonly string[]): Promise<{ revoked: string[]; notFound: string[] }> {
    const credential = await this.credential();
    const objects = await this.listObjects(credential);
    // The connection's own credential is not one a bulk revoke may take: it is left out.
    const listed = new Set(
      objects
        .filter((object) => !isCredential(object.token, credential))
        .map((object) => object.key),
    );
    const revoked: string[] = [];
    const notFound: string[] = [];
    for (const id of new Set(ids)) {
      if (!listed.has(id)) {
        notFound.push(id);
        continue;
      }
      try {
        if (await this.delete(credential, id)) revoked.push(id);
        else notFound.push(id);
      } catch (error) {
        if (!(error instanceof DeskError)) throw error;
        const done =
          revoked.length === 0
            ? 'None was deleted before it.'
            : `${revoked.length} ${revoked.length === 1 ? 'was' : 'were'} deleted before it (${revoked.map(shortId).join(', ')}).`;
        throw new DeskError(error.code, `${error.message} ${done}`);
      }
    }
    return { revoked, notFound };
  }
}

function optionsFrom(settings: TokenSettings): NpmCreateOptions {
  return { ...settings, allPackages: settings.allPackages ?? false };
}

/** A rotation keeps the old token's lifetime when the registry lists it (capped for a write token). */
function sameLifetime(old: NpmTokenObject, settings: TokenSettings): number | null {
  const created = Date.parse(old.created);
  const expires = typeof old.expires === 'string' ? Date.parse(old.expires) : Number.NaN;
  if (!Number.isFinite(created) || !Number.isFinite(expires) || expires <= created) return null;
  const days = Math.max(1, Math.round((expires - created) / DAY_MS));
  return canWrite(settings) ? Math.min(days, NPM_LIMITS.maxWriteExpiryDays) : days;
}

/** Whether a token may write anywhere: only such tokens have npm's 90-day cap. */
function canWrite(settings: TokenSettings): boolean {
  return settings.permission === 'read-write' || settings.orgsPermission === 'read-write';
}

export function openNpmIssuer(connection: IssuerConnection, context: IssuerContext): NpmIssuer {
  return new NpmIssuer(connection, context);
}
