/**
 * GitLab as a token issuer, for one GitLab connection (an instance URL and a personal
 * access token with the `api` scope; the same connection stores CI/CD variables).
 *
 * What it lists: the person's own personal access tokens, and the access tokens of
 * the first MAX_PROJECTS projects where they are at least Maintainer (most recently
 * active first) and the first MAX_GROUPS groups they own — what managing those
 * tokens needs. `listWithNotes` says in sentences what was left out and why.
 *
 * Rotation follows GitLab's rules. A personal token is rotated by GitLab itself
 * (`at-once`: the old value stops there and then), always with an expiry (without
 * one GitLab gives a week), and the connection's own token through `self/rotate`,
 * after which the connection must use the new value: main keeps it (the keychain, the
 * token's recorded places) and the page never sees it. A project or group token is
 * replaced by a new one with the same name, scopes and role, and the old one is
 * revoked by main once every place has the new value (`create-then-delete`). A call
 * that rotates or creates is sent once and never repeated: rotating an already
 * rotated token makes GitLab revoke its whole family, and creating twice leaves two.
 */
import type { VendorChoices } from '../../../shared/ipc/create-choices.js';
import type { TokenFacts, RotationStyle } from '../../../shared/issuers/token-facts.js';
import {
  GITLAB_MAX_EXPIRY_DAYS,
  checkGitLabCreateOptions,
  gitlabRoleInWords,
  gitlabScopeInWords,
} from '../../../shared/issuers/gitlab.js';
import { normalizeName } from '../../../shared/token-name.js';
import { ProviderError, inWords } from '../../ci-providers/provider-error.js';
import { DeskError } from '../../desk-error.js';
import type { Fetch } from '../../ports.js';
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
import {
  GitLabTokenClient,
  PersonalTokenAnswer,
  ResourceTokenAnswer,
  type Namespace,
  type NamespaceKind,
  type Sent,
} from './gitlab-token-client.js';
import { gitlabTokenId, parseGitLabTokenId, type GitLabTokenRef } from './gitlab-token-id.js';
import { cleanVendorText } from './vendor-text.js';

/** How far the list reaches: each project or group costs at least one request. */
export const MAX_PROJECTS = 50;
export const MAX_GROUPS = 20;
/** Pages of 100: 1,000 personal tokens, 500 tokens per project or group. */
const MAX_PERSONAL_PAGES = 10;
const MAX_RESOURCE_PAGES = 5;
/** Projects and groups read at once while listing. */
const CONCURRENCY = 4;
/** How many ids one revokeMany takes (GitLab has no bulk call: one DELETE each). */
export const MAX_REVOKE_MANY = 50;
const DAY_MS = 86_400_000;

export const GITLAB_CAPABILITIES: IssuerCapabilities = {
  // Personal tokens are replaced at once (each project or group token's facts say create-then-delete).
  rotation: 'at-once',
  rotate: true,
  maxGracePeriodSeconds: 0,
  revokeMany: MAX_REVOKE_MANY,
  expiryRequired: true,
  create: true,
  maxExpiryDays: GITLAB_MAX_EXPIRY_DAYS,
};

/**
 * A rotation's answer. `connectionCredential` is set when the token rotated was the one
 * this connection uses: its old value no longer works anywhere, and `secret` is the
 * connection's credential now, which main keeps and never shows the page. `saved` says
 * whether the issuer's `saveCredential` hook put it in the keychain.
 */
export type GitLabRotatedToken = RotatedToken;

export interface GitLabIssuerHooks {
  /** Keeps a new value of the connection's own token in the keychain, right after GitLab made it. */
  saveCredential?(value: string): Promise<void>;
}

export function openGitLabIssuer(
  connection: IssuerConnection,
  context: IssuerContext,
  hooks: GitLabIssuerHooks = {},
): GitLabIssuer {
  return new GitLabIssuer(connection, context, hooks);
}

export class GitLabIssuer implements TokenIssuer {
  readonly kind = 'gitlab';
  readonly capabilities = GITLAB_CAPABILITIES;

  constructor(
    private readonly connection: IssuerConnection,
    private readonly context: Pick<IssuerContext, 'fetch' | 'credential' | 'now'>,
    private readonly hooks: GitLabIssuerHooks = {},
  ) {}

  async list(): Promise<IssuerToken[]> {
    return (await this.listWithNotes()).tokens;
  }

  /** The tokens, and sentences for what the list leaves out (cut off, or not shown by GitLab). */
  listWithNotes(): Promise<{ tokens: IssuerToken[]; notes: string[] }> {
    return this.session(async (client) => {
      const notes: string[] = [];
      const personal = (await client.listPersonal(MAX_PERSONAL_PAGES))
        .filter((token) => !token.revoked)
        .map((token) => this.personalToken(token));
      const namespaces = await this.managedNamespaces(client, notes, {
        verb: 'lists the access tokens of',
        left: 'whose tokens are not shown here',
      });
      const perNamespace = await inBatches(namespaces, CONCURRENCY, async (namespace) => {
        try {
          const tokens = await client.listResource(namespace, MAX_RESOURCE_PAGES);
          return tokens
            .filter((token) => !token.revoked)
            .map((token) => this.resourceToken(namespace, token));
        } catch (error) {
          // A project where GitLab hides access tokens (a role below Maintainer there,
          // or GitLab.com's Free plan) is left out with a sentence; anything hostile or
          // broken stops the whole list.
          if (error instanceof ProviderError && SKIPPABLE.has(error.code)) {
            notes.push(
              `GitLab at ${client.hostName} did not show the access tokens of the ${namespace.kind} ${cleanVendorText(namespace.path, 200)}: they need the ${namespace.kind === 'project' ? 'Maintainer' : 'Owner'} role there${namespace.kind === 'project' ? ', and on GitLab.com a Premium or Ultimate plan' : ''}.`,
            );
            return [];
          }
          throw error;
        }
      });
      return { tokens: [...personal, ...perNamespace.flat()], notes };
    });
  }

  /**
   * The projects (Maintainer or more) and groups (Owner) a token can be made for: the
   * very ones the list reads tokens from, with the same caps and the same sentences
   * for what is left out.
   */
  createChoices(): Promise<VendorChoices> {
    return this.session(async (client) => {
      const notes: string[] = [];
      const namespaces = await this.managedNamespaces(client, notes, {
        verb: 'offers',
        left: 'which you cannot choose here',
      });
      return {
        kind: 'gitlab',
        namespaces: namespaces.map(({ kind, id, path }) => ({
          kind,
          id,
          path: cleanVendorText(path, 200),
        })),
        notes,
      };
    });
  }

  /**
   * The first MAX_PROJECTS projects the person maintains and MAX_GROUPS groups they own,
   * each once; a sentence in `notes` for each list GitLab had more of. An answer with
   * more items than asked for is cut to the cap, not trusted.
   */
  private async managedNamespaces(
    client: GitLabTokenClient,
    notes: string[],
    { verb, left }: { verb: string; left: string },
  ): Promise<Namespace[]> {
    const projects = await client.namespaces('project', MAX_PROJECTS);
    const groups = await client.namespaces('group', MAX_GROUPS);
    if (projects.more || projects.items.length > MAX_PROJECTS)
      notes.push(
        `Token Desk ${verb} the ${MAX_PROJECTS} most recently active projects you maintain on ${client.hostName}; GitLab has more, ${left}.`,
      );
    if (groups.more || groups.items.length > MAX_GROUPS)
      notes.push(
        `Token Desk ${verb} the first ${MAX_GROUPS} groups you own on ${client.hostName}; GitLab has more, ${left}.`,
      );
    const seen = new Set<string>();
    return [...projects.items.slice(0, MAX_PROJECTS), ...groups.items.slice(0, MAX_GROUPS)].filter(
      (namespace) => {
        const key = `${namespace.kind}:${namespace.id}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      },
    );
  }

  async get(id: string): Promise<IssuerToken> {
    const ref = parseGitLabTokenId(id);
    return this.session(async (client) => {
      const token = await this.readLive(client, ref);
      return token.issuer;
    });
  }

  async create(input: CreateTokenInput): Promise<IssuedToken> {
    const checked = checkGitLabCreateOptions(input.options);
    if (!checked.ok) throw new DeskError('invalid_token_options', checked.message);
    const name = normalizeName(input.name);
    if (!name.ok) throw new DeskError('invalid_name', name.message);
    if (input.expiresAt === null)
      throw new DeskError(
        'expiry_required',
        `GitLab access tokens must expire, at most ${GITLAB_MAX_EXPIRY_DAYS} days from today. Choose an expiry date.`,
      );
    const expiresOn = this.expiryDate(input.expiresAt);
    const { options } = checked;
    return this.session(async (client, secrets) => {
      const namespace = await client.namespace(options.kind, options.namespaceId);
      const sent = await client.createResource(namespace, {
        name: name.name,
        scopes: options.scopes,
        accessLevel: options.accessLevel,
        expiresAt: expiresOn,
        ...(options.description ? { description: options.description } : {}),
      });
      return this.created(client, namespace, sent, name.name, secrets);
    });
  }

  async rotate(id: string, options: RotateOptions = {}): Promise<GitLabRotatedToken> {
    const ref = parseGitLabTokenId(id);
    const requested = options.expiresAt ?? null;
    if (requested !== null) this.expiryDate(requested); // refused before anything is sent
    // One rotation or revocation at a time per connection, its checks inside: two rotations
    // of one token would both pass the check, and GitLab answers the second by revoking the
    // first one's new value (of the connection's own token: the whole family).
    return oneAtATime(this.connection.id, () =>
      this.session(async (client, secrets) => {
        if (ref.kind === 'personal')
          return this.rotatePersonal(client, ref.tokenId, requested, secrets, options);
        await this.refuseOwn(client, ref);
        const old = await this.readLive(client, ref);
        const answer = old.answer as ResourceTokenAnswer;
        const expiresOn =
          requested === null ? this.keepLifetime(answer) : this.expiryDate(requested);
        const sent = await client.createResource(old.namespace!, {
          name: answer.name,
          scopes: answer.scopes,
          accessLevel: answer.access_level,
          expiresAt: expiresOn,
          ...(answer.description ? { description: answer.description } : {}),
        });
        const issued = await this.created(client, old.namespace!, sent, answer.name, secrets);
        return { ...issued, previous: { id, graceEndsAt: null, revokeAfterPush: true } };
      }),
    );
  }

  async revoke(id: string): Promise<void> {
    const ref = parseGitLabTokenId(id);
    return oneAtATime(this.connection.id, () =>
      this.session((client) => this.revokeOne(client, ref)),
    );
  }

  /** The connection's own credential (a project or group token may be one) is never revoked or replaced from here. */
  private async refuseOwn(client: GitLabTokenClient, ref: GitLabTokenRef): Promise<void> {
    const self = await client.selfToken();
    if (self.id === ref.tokenId)
      throw new DeskError(
        'connection_token',
        `“${cleanVendorText(self.name)}” is the token Token Desk uses for this GitLab connection; replacing or revoking it from the list would disconnect the account. Remove the connection in Settings first, or manage it on GitLab.`,
      );
  }

  async revokeMany(ids: readonly string[]): Promise<{ revoked: string[]; notFound: string[] }> {
    if (ids.length > MAX_REVOKE_MANY)
      throw new DeskError(
        'too_many_tokens',
        `Token Desk revokes at most ${MAX_REVOKE_MANY} GitLab tokens at once (GitLab takes them one by one). Choose fewer.`,
      );
    // Every id is checked before the first request: a bad one stops the whole call.
    const refs = ids.map((id) => ({ id, ref: parseGitLabTokenId(id) }));
    return this.session(async (client) => {
      const revoked: string[] = [];
      const notFound: string[] = [];
      for (const { id, ref } of refs) {
        try {
          await this.revokeOne(client, ref);
          revoked.push(id);
        } catch (error) {
          if (error instanceof DeskError && error.code === 'token_not_found') {
            notFound.push(id);
            continue;
          }
          if (revoked.length === 0) throw error;
          // Said, not lost: what went before the failure is revoked for good.
          const why = error instanceof Error ? error.message : 'it failed';
          throw new DeskError(
            error instanceof Error && 'code' in error && typeof error.code === 'string'
              ? error.code
              : 'provider_unreachable',
            `Token Desk revoked ${revoked.length} of the ${ids.length} GitLab tokens (${revoked.join(', ')}); then ${why} The others were not revoked.`,
          );
        }
      }
      return { revoked, notFound };
    });
  }

  // ---------------------------------------------------------------- rotation of a personal token

  private async rotatePersonal(
    client: GitLabTokenClient,
    tokenId: number,
    requested: string | null,
    secrets: string[],
    options: RotateOptions,
  ): Promise<GitLabRotatedToken> {
    const self = await client.selfToken();
    const isSelf = self.id === tokenId;
    const old = isSelf ? self : await this.personalOrGone(client, tokenId);
    const name = cleanVendorText(old.name);
    if (isSelf && options.refuseConnectionCredential)
      throw new DeskError(
        'connection_token',
        `“${name}” is this GitLab connection’s own access token: Token Desk keeps its value to itself and sends it only to the places already recorded for it, never to a new one. Rotate it from the list (its recorded places are updated), or send another token.`,
      );
    this.refuseDead(old, `“${name}”`);
    const expiresOn = requested === null ? this.keepLifetime(old) : this.expiryDate(requested);
    const sent = await client.rotatePersonal(
      isSelf ? 'self' : tokenId,
      expiresOn,
      `rotate the personal access token “${name}”`,
    );
    if (!sent.ok) {
      if (sent.refused) throw sent.error;
      throw new DeskError(
        'rotation_outcome_unknown',
        `GitLab at ${client.hostName} may have rotated the personal access token “${name}”: ${sent.error.message} Its old value may no longer work. Check on GitLab (Preferences → Access tokens) before anything else: if it was rotated, rotate it again there and update every place that uses it${isSelf ? ', and add this GitLab account again with a current token' : ''}. Token Desk did not try again, because GitLab revokes a token’s whole family when an old value is used to rotate it a second time.`,
      );
    }
    const answer = client.checked(
      PersonalTokenAnswer,
      sent.answer,
      'a rotated personal access token',
    );
    const value = (sent.answer as { token?: unknown }).token;
    if (!GitLabTokenClient.isTokenValue(value))
      throw new DeskError(
        'rotation_without_value',
        `GitLab at ${client.hostName} says it rotated the personal access token “${name}” but sent no new value. Its old value no longer works, and Token Desk never saw the new one: rotate it again on GitLab (Preferences → Access tokens) and update every place that uses it${isSelf ? ', then add this GitLab account again with the new value' : ''}.`,
      );
    secrets.push(value);
    const result: GitLabRotatedToken = {
      ...this.personalToken(answer),
      secret: value,
      previous: { id: gitlabTokenId({ kind: 'personal', tokenId }), graceEndsAt: null },
    };
    if (isSelf) {
      let saved = false;
      if (this.hooks.saveCredential) {
        // Never thrown: GitLab has rotated it, so the rotation stands; main pushes the new
        // value to the token's recorded places and tells the person, without the value,
        // that the connection must be added again.
        saved = await this.hooks.saveCredential(value).then(
          () => true,
          () => false,
        );
      }
      result.connectionCredential = { saved };
    }
    return result;
  }

  // ---------------------------------------------------------------- reading and revoking one

  /** A token that exists and is not revoked, as GitLab describes it; else `token_not_found`. */
  private async readLive(
    client: GitLabTokenClient,
    ref: GitLabTokenRef,
  ): Promise<{ issuer: IssuerToken; answer: PersonalTokenAnswer; namespace?: Namespace }> {
    if (ref.kind === 'personal') {
      const answer = await this.personalOrGone(client, ref.tokenId);
      if (answer.revoked) throw this.notFound();
      return { issuer: this.personalToken(answer), answer };
    }
    const answer = await this.orGone(client, () =>
      client.showResource(ref.kind, ref.namespaceId, ref.tokenId),
    );
    if (answer.revoked || answer.id !== ref.tokenId) throw this.notFound();
    const namespace = await client.namespace(ref.kind, ref.namespaceId);
    return { issuer: this.resourceToken(namespace, answer), answer, namespace };
  }

  private personalOrGone(client: GitLabTokenClient, tokenId: number) {
    return this.orGone(client, async () => {
      const answer = await client.showPersonal(tokenId);
      if (answer.id !== tokenId) throw this.notFound();
      return answer;
    });
  }

  /**
   * GitLab answers 404, or for someone else's token (or a project the person does not
   * maintain) 401 — the same status as a dead credential. A 401 is told apart by asking
   * GitLab about the connection's own token: if that works, the token is not theirs.
   */
  private async orGone<T>(client: GitLabTokenClient, read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      if (error.code === 'provider_not_found') throw this.notFound();
      if (error.code === 'provider_bad_credential') {
        await client.selfToken();
        throw this.notFound();
      }
      throw error;
    }
  }

  private async revokeOne(client: GitLabTokenClient, ref: GitLabTokenRef): Promise<void> {
    await this.refuseOwn(client, ref);
    if (ref.kind === 'personal') {
      // Read first: GitLab answers someone else's token with 401 here but 400 on DELETE.
      await this.readLive(client, ref);
      return this.orGone(client, () => client.revokePersonal(ref.tokenId));
    }
    await this.readLive(client, ref);
    return this.orGone(client, () => client.revokeResource(ref.kind, ref.namespaceId, ref.tokenId));
  }

  // ---------------------------------------------------------------- a created token's answer

  private async created(
    client: GitLabTokenClient,
    namespace: Namespace,
    sent: Sent,
    name: string,
    secrets: string[],
  ): Promise<IssuedToken> {
    const shownName = cleanVendorText(name);
    const where = `the ${namespace.kind} ${cleanVendorText(namespace.path, 200)}`;
    if (!sent.ok) {
      if (sent.refused) throw sent.error;
      throw new DeskError(
        'creation_outcome_unknown',
        `GitLab at ${client.hostName} may have created the access token “${shownName}” in ${where}: ${sent.error.message} Check its access tokens on GitLab (Settings → Access tokens) before creating another; Token Desk did not try again, so that no second token is made.`,
      );
    }
    const value = (sent.answer as { token?: unknown }).token;
    if (!GitLabTokenClient.isTokenValue(value)) {
      // Nothing half-done left unsaid: the token GitLab made is revoked, or the person is told.
      const id = (sent.answer as { id?: unknown }).id;
      let outcome = `Revoke it on GitLab (${where} → Settings → Access tokens).`;
      if (typeof id === 'number' && Number.isSafeInteger(id) && id > 0) {
        const revoked = await client.revokeResource(namespace.kind, namespace.id, id).then(
          () => true,
          () => false,
        );
        if (revoked) outcome = 'Token Desk revoked that token again, so nothing is left behind.';
      }
      throw new DeskError(
        'creation_without_value',
        `GitLab at ${client.hostName} says it created the access token “${shownName}” in ${where} but sent no value. ${outcome}`,
      );
    }
    secrets.push(value);
    const answer = client.checked(ResourceTokenAnswer, sent.answer, 'a new access token');
    return { ...this.resourceToken(namespace, answer), secret: value };
  }

  // ---------------------------------------------------------------- GitLab's tokens as ours

  private personalToken(answer: PersonalTokenAnswer): IssuerToken {
    return this.toIssuerToken(
      gitlabTokenId({ kind: 'personal', tokenId: answer.id }),
      answer,
      { kind: 'gitlab', variant: 'personal', label: 'GitLab personal' },
      'at-once',
      [],
    );
  }

  private resourceToken(namespace: Namespace, answer: ResourceTokenAnswer): IssuerToken {
    const kindWord = namespace.kind === 'project' ? 'project' : 'group';
    return this.toIssuerToken(
      gitlabTokenId({ kind: namespace.kind, namespaceId: namespace.id, tokenId: answer.id }),
      answer,
      {
        kind: 'gitlab',
        variant: namespace.kind,
        label: `GitLab ${kindWord} · ${cleanVendorText(namespace.path, 200)}`,
      },
      'create-then-delete',
      [`Role: ${gitlabRoleInWords(answer.access_level)}`],
    );
  }

  private toIssuerToken(
    id: string,
    answer: PersonalTokenAnswer,
    source: TokenFacts['source'],
    rotation: RotationStyle,
    extra: string[],
  ): IssuerToken {
    const expiresAt = answer.expires_at === null ? null : dayStart(answer.expires_at);
    const expired = expiresAt !== null && Date.parse(expiresAt) <= this.context.now();
    return {
      id,
      name: cleanVendorText(answer.name),
      prefix: '',
      createdAt: instant(answer.created_at),
      expiresAt,
      lastUsedAt: answer.last_used_at === null ? null : instant(answer.last_used_at),
      lastUsedIp: null,
      lastUsedUserAgent: null,
      destinationCount: 0,
      replacedById: null,
      graceEndsAt: null,
      facts: {
        source,
        scopes: [
          ...extra,
          ...answer.scopes
            .slice(0, 20)
            .map((scope) => gitlabScopeInWords(cleanVendorText(scope, 60))),
        ],
        rotation,
        canRevoke: true,
        unknown: {},
        status: answer.revoked ? 'revoked' : !answer.active || expired ? 'expired' : 'active',
      },
    };
  }

  // ---------------------------------------------------------------- expiry

  /**
   * The day GitLab is sent for an expiry the person chose: the UTC date of that instant
   * (GitLab ends a token at midnight UTC of its date, as its own date picker does), at
   * least tomorrow and at most GITLAB_MAX_EXPIRY_DAYS ahead.
   */
  private expiryDate(iso: string): string {
    const at = Date.parse(iso);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(iso) || !Number.isFinite(at))
      throw new DeskError('invalid_expiry', 'The expiry is not a date Token Desk can read.');
    const today = startOfUtcDay(this.context.now());
    const day = startOfUtcDay(at);
    if (day <= today)
      throw new DeskError('invalid_expiry', 'A GitLab token must expire tomorrow or later.');
    if (day > today + GITLAB_MAX_EXPIRY_DAYS * DAY_MS)
      throw new DeskError(
        'invalid_expiry',
        `GitLab access tokens may last at most ${GITLAB_MAX_EXPIRY_DAYS} days. Choose an earlier expiry.`,
      );
    return new Date(day).toISOString().slice(0, 10);
  }

  /**
   * No expiry chosen: the old token's lifetime again (GitLab's own `keep_token_lifetime`),
   * between 7 and 365 days; never left to GitLab, which would give one week.
   */
  private keepLifetime(old: PersonalTokenAnswer): string {
    const today = startOfUtcDay(this.context.now());
    const created = Date.parse(old.created_at);
    const expires = old.expires_at === null ? NaN : Date.parse(dayStart(old.expires_at));
    const lifetimeDays =
      Number.isFinite(created) && Number.isFinite(expires)
        ? Math.round((expires - startOfUtcDay(created)) / DAY_MS)
        : GITLAB_MAX_EXPIRY_DAYS;
    const days = Math.min(GITLAB_MAX_EXPIRY_DAYS, Math.max(7, lifetimeDays));
    return new Date(today + days * DAY_MS).toISOString().slice(0, 10);
  }

  private refuseDead(token: PersonalTokenAnswer, name: string): void {
    if (token.revoked)
      throw new DeskError(
        'token_not_found',
        `${name} is revoked on GitLab; rotating it would make GitLab revoke every token of its family, so Token Desk did not ask.`,
      );
    if (!token.active)
      throw new DeskError(
        'token_expired',
        `${name} has expired on GitLab, which does not rotate expired tokens. Create a new one on GitLab.`,
      );
  }

  // ---------------------------------------------------------------- the connection's credential

  /**
   * Runs `work` with a client holding the connection's credential; any failure leaves
   * as a DeskError sentence with that credential, and any secret the work received,
   * cut out.
   */
  private async session<T>(
    work: (client: GitLabTokenClient, secrets: string[]) => Promise<T>,
  ): Promise<T> {
    const credential = await this.context.credential(this.connection);
    const secrets = [credential];
    try {
      const client = new GitLabTokenClient({
        host: this.connection.host,
        token: credential,
        fetch: this.context.fetch,
      });
      return await work(client, secrets);
    } catch (error) {
      throw inWords(error, secrets);
    }
  }

  private notFound(): DeskError {
    return new DeskError(
      'token_not_found',
      'GitLab no longer has that token for this account (it was revoked, or it belongs to a project or group you no longer maintain). Refresh the list.',
    );
  }
}

/** Codes of a project or group whose tokens GitLab would not show: left out of the list with a sentence. */
const SKIPPABLE = new Set([
  'provider_bad_credential',
  'provider_missing_permission',
  'provider_not_found',
]);

function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** A GitLab date (`2026-12-31`) as the instant the token stops: midnight UTC of that date. */
function dayStart(date: string): string {
  const at = Date.parse(`${date}T00:00:00.000Z`);
  if (!Number.isFinite(at)) throw invalidDate();
  return new Date(at).toISOString();
}

function instant(stamp: string): string {
  const at = Date.parse(stamp);
  if (!Number.isFinite(at)) throw invalidDate();
  return new Date(at).toISOString();
}

function invalidDate(): ProviderError {
  return new ProviderError(
    'provider_invalid_response',
    'GitLab answered with a date Token Desk cannot read, so it stopped.',
  );
}

async function inBatches<T, R>(
  items: readonly T[],
  size: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += size)
    results.push(...(await Promise.all(items.slice(start, start + size).map(work))));
  return results;
}

// ---------------------------------------------------------------- connecting an account

export interface GitLabConnectionFacts {
  /** The GitLab username the token belongs to: the connection's login. */
  login: string;
  userId: number;
  /** The id of the connection's own personal access token (its self-rotation changes it). */
  tokenId: number;
  scopes: string[];
  /** When the connection's own token expires (midnight UTC of GitLab's date), or null. */
  expiresAt: string | null;
}

/**
 * Checks a credential when a person connects a GitLab account: whose it is, and that it
 * is a live personal (or project/group) access token with the `api` scope, which
 * listing, creating, rotating and revoking tokens and writing CI/CD variables all need.
 * Anything else is refused with a sentence and the credential cut out of it.
 */
export async function verifyGitLabConnection(input: {
  host: string;
  credential: string;
  fetch: Fetch;
}): Promise<GitLabConnectionFacts> {
  try {
    const client = new GitLabTokenClient({
      host: input.host,
      token: input.credential,
      fetch: input.fetch,
    });
    const self = await client.selfToken();
    if (self.revoked || !self.active)
      throw new DeskError(
        'provider_bad_credential',
        `GitLab at ${client.hostName} says this access token is ${self.revoked ? 'revoked' : 'expired'}. Create a new one with the api scope.`,
      );
    if (!self.scopes.includes('api'))
      throw new DeskError(
        'gitlab_scope_missing',
        `This GitLab access token has the scopes ${self.scopes.map((scope) => cleanVendorText(scope, 40)).join(', ') || 'none'}, but Token Desk needs api: listing, creating, rotating and revoking tokens and writing CI/CD variables all use it. Create a token with the api scope on GitLab (Preferences → Access tokens).`,
      );
    const user = await client.currentUser();
    return {
      login: cleanVendorText(user.username, 255),
      userId: user.id,
      tokenId: self.id,
      scopes: self.scopes,
      expiresAt: self.expires_at === null ? null : dayStart(self.expires_at),
    };
  } catch (error) {
    throw inWords(error, [input.credential]);
  }
}

export type { NamespaceKind };

/** Each connection's rotations and revocations, in turn (issuers are opened per call). */
const queues = new Map<string, Promise<unknown>>();

function oneAtATime<T>(key: string, work: () => Promise<T>): Promise<T> {
  const before = queues.get(key) ?? Promise.resolve();
  const run = before.then(work, work);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  queues.set(key, settled);
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key);
  });
  return run;
}
