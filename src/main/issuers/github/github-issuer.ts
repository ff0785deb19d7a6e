/**
 * GitHub personal access tokens as a token issuer. GitHub has no API to list, create,
 * rotate or revoke a person's own tokens, so this issuer works on tracked tokens: the
 * records the person made here (TrackedTokenStore), never their values.
 *
 * - create = track: the value is asked in main's own prompt (never from the page),
 *   checked with GitHub (who it belongs to, its expiry), recorded, and handed back
 *   once so main can send it to CI places now.
 * - rotate = guided: main opens the token's page on GitHub, the person regenerates the
 *   token there and pastes the new value in main's prompt; it must belong to the same
 *   GitHub login. The record stays (same id) with the new expiry.
 * - revoke = stop tracking, and, when the person pastes the value and it is theirs,
 *   revoke it through GitHub's credential-revocation API.
 */
import { Compile } from 'typebox/compile';
import { looksLikeCredential, redactSecrets } from '../../../shared/credential-patterns.js';
import { GitHubTrackOptions } from '../../../shared/issuers/github.js';
import { normalizeName } from '../../../shared/token-name.js';
import { DeskError } from '../../desk-error.js';
import type { Fetch, PromptField, PromptRequest } from '../../ports.js';
import type { IssuerConnection, IssuerContext } from '../registry.js';
import type {
  CreateTokenInput,
  IssuedToken,
  IssuerCapabilities,
  IssuerToken,
  RotatedToken,
  RotateOptions,
  TokenIssuer,
} from '../token-issuer.js';
import { githubIssuerApiBase, githubTokenPage } from './github-connection.js';
import { sameGitHubLogin } from './record-id.js';
import {
  checkGitHubToken,
  githubHostLabel,
  isEnterpriseApi,
  revokeGitHubCredentials,
  type GitHubTokenCheck,
} from './github-token-api.js';
import type { TrackedGitHubToken, TrackedTokenStore } from './tracked-token-store.js';
import { shownName, trackedTokenView } from './tracked-token-view.js';

export const GITHUB_CAPABILITIES: IssuerCapabilities = {
  // Only the person can make a new value, on GitHub.
  rotation: 'guided',
  // One call replaces the value (the person regenerates it on GitHub during it).
  rotate: true,
  // GitHub's "Regenerate token" stops the old value at once.
  maxGracePeriodSeconds: 0,
  // Each revocation asks for that token's value in a prompt of its own.
  revokeMany: 0,
  expiryRequired: false,
  // Nothing is minted here: "create" tracks a token made on GitHub.
  create: false,
  maxExpiryDays: null,
};

const optionsCheck = Compile(GitHubTrackOptions);

export class GitHubIssuer implements TokenIssuer {
  readonly kind = 'github';
  readonly capabilities = GITHUB_CAPABILITIES;
  private readonly apiBase: string;
  private readonly host: string;
  private readonly fetch: Fetch;
  /** The connection's GitHub login: the store holds only its records. */
  private readonly login: string;

  constructor(
    connection: IssuerConnection,
    private readonly context: Pick<IssuerContext, 'fetch' | 'prompt' | 'externalLinks' | 'now'>,
    private readonly store: TrackedTokenStore,
  ) {
    this.apiBase = githubIssuerApiBase(connection.host);
    this.host = githubHostLabel(this.apiBase);
    this.fetch = context.fetch;
    this.login = connection.login;
  }

  async list(): Promise<IssuerToken[]> {
    const records = await this.store.list();
    return records.flatMap((record) => {
      const token = this.toIssuerToken(record);
      return token ? [token] : [];
    });
  }

  async get(id: string): Promise<IssuerToken> {
    const token = this.toIssuerToken(await this.find(id));
    if (!token) throw notFound();
    return token;
  }

  /** Tracks a token made on GitHub: its value from main's prompt, checked with GitHub. */
  async create(input: CreateTokenInput): Promise<IssuedToken> {
    refuseOptions(input.options);
    if (input.expiresAt !== null)
      throw new DeskError(
        'invalid_expiry',
        'GitHub sets a token’s expiry when it is made; Token Desk reads it from GitHub when it checks the value. Send no expiry.',
      );
    const named = normalizeName(typeof input.name === 'string' ? input.name : '');
    if (!named.ok) throw new DeskError('invalid_name', named.message);
    // The name is stored on the service and shown everywhere: a value pasted into it by
    // mistake must go no further.
    if (looksLikeCredential(named.name))
      throw new DeskError(
        'invalid_name',
        'That name looks like a token’s value. Give the token a name (such as “ci-deploy”); Token Desk asks for its value next, in its own prompt.',
      );
    const answer = await this.ask({
      title: 'Track a GitHub token',
      message: `Paste the value of “${named.name}” as GitHub showed it when you made it. Token Desk checks it with GitHub at ${this.host} (whose it is, when it expires), hands it to the CI places you choose next, and never stores it.`,
      fields: [valueField('value', 'Token value')],
      submitLabel: 'Check and track',
    });
    if (!answer) throw cancelled('Nothing was tracked: the prompt was closed.');
    const value = answer.value ?? '';
    const check = await checkGitHubToken(this.apiBase, value, this.fetch);
    // Tracked here, another login's token would be listed under that login's connection only.
    if (!sameGitHubLogin(check.login, this.login))
      throw new DeskError(
        'github_other_account',
        `GitHub says that value belongs to ${check.login}, but this connection is ${this.login}'s, so Token Desk tracked nothing. Paste a token of ${this.login}'s, or track it under ${check.login}'s GitHub account (added in Settings).`,
      );
    const record = await this.store.add({
      name: named.name,
      kind: check.kind,
      login: check.login,
      ...this.expiryOf(check),
    });
    return this.issued(record, value.trim());
  }

  /**
   * Guided rotation: opens the token's page on GitHub, asks for the new value once,
   * checks it belongs to the same login, and records its expiry. The record keeps its
   * id, so `previous` is the same id with no grace: GitHub stopped the old value when
   * it was regenerated, and main has nothing left to revoke.
   */
  async rotate(id: string, options: RotateOptions = {}): Promise<RotatedToken> {
    if (options.expiresAt !== undefined && options.expiresAt !== null)
      throw new DeskError(
        'invalid_expiry',
        'GitHub sets the new expiry when you regenerate the token there; Token Desk reads it from GitHub.',
      );
    const record = await this.find(id);
    const name = shownName(record.name);
    this.requirePrompt();
    const page = githubTokenPage(this.apiBase, record.kind);
    let opened = false;
    if (this.context.externalLinks) {
      try {
        await this.context.externalLinks.open(page);
        opened = true;
      } catch {
        // The prompt names the page, so the person can open it by hand.
      }
    }
    const canRevokeOld = !isEnterpriseApi(this.apiBase);
    const fields: PromptField[] = [valueField('value', 'New value')];
    if (canRevokeOld)
      fields.push({
        id: 'oldValue',
        label: 'Old value (optional)',
        kind: 'secret',
        hint: 'Leave empty after “Regenerate token”: GitHub has stopped the old value already. Only if you made a new token instead, paste the old one and Token Desk asks GitHub to revoke it.',
      });
    const answer = await this.ask({
      title: `Rotate “${name}” on GitHub`,
      message: [
        `${opened ? 'Token Desk opened' : 'Open'} ${page} in your browser.`,
        `1. Open “${name}” (${record.login}'s ${record.kind} token) and click “Regenerate token”.`,
        '2. Choose its new expiry, regenerate it, and copy the new value.',
        '3. Paste it here. GitHub stops the old value at once: pipelines that use it fail until Token Desk has updated every place.',
      ].join('\n'),
      fields,
      submitLabel: 'Check and update',
    });
    if (!answer)
      throw cancelled(
        'Nothing changed in Token Desk: the prompt was closed. If you regenerated the token on GitHub, its old value no longer works; rotate again and paste the new one.',
      );
    const value = answer.value ?? '';
    const oldValue = (answer.oldValue ?? '').trim();
    const secrets = [value, oldValue];
    const check = await checkGitHubToken(this.apiBase, value, this.fetch);
    if (!sameGitHubLogin(check.login, record.login))
      throw otherAccount(check.login, record, 'the new value');
    if (oldValue) {
      if (oldValue === value.trim())
        throw new DeskError(
          'github_same_value',
          'The old and the new value are the same, so nothing was revoked or changed. Paste the new value from GitHub.',
        );
      await this.revokeValue(record, oldValue, secrets);
    }
    const updated = await this.store.update(record, {
      kind: check.kind,
      login: check.login,
      ...this.expiryOf(check),
    });
    return {
      ...this.issued(updated, value.trim()),
      previous: { id: record.id, graceEndsAt: null },
    };
  }

  /**
   * Stops tracking the token; with its value pasted in main's prompt (and found to be
   * the tracked login's token of the same kind), also revokes it on GitHub first.
   */
  async revoke(id: string): Promise<void> {
    const record = await this.find(id);
    const name = shownName(record.name);
    const enterprise = isEnterpriseApi(this.apiBase);
    const page = githubTokenPage(this.apiBase, record.kind);
    const answer = await this.ask({
      title: `Stop tracking “${name}”`,
      message: enterprise
        ? `GitHub Enterprise Server has no API to revoke a token: delete “${name}” at ${page}. Token Desk then forgets it.`
        : `To revoke “${name}” on GitHub too, paste its value: Token Desk checks it is ${record.login}'s and asks GitHub to revoke it. Leave it empty to stop tracking only: the token keeps working until you delete it at ${page}.`,
      fields: enterprise
        ? []
        : [
            {
              id: 'value',
              label: 'Token value (optional)',
              kind: 'secret',
              hint: 'Starts with ghp_ or github_pat_',
              optional: true,
            },
          ],
      submitLabel: enterprise ? 'Stop tracking' : 'Continue',
    });
    if (!answer) throw cancelled(`Nothing changed: “${name}” is still tracked.`);
    const value = (answer.value ?? '').trim();
    if (value && !enterprise) await this.revokeValue(record, value, [value, answer.value ?? '']);
    if (!(await this.store.remove(record))) throw notFound();
  }

  async revokeMany(ids: readonly string[]): Promise<{ revoked: string[]; notFound: string[] }> {
    const revoked: string[] = [];
    const missing: string[] = [];
    for (const id of ids) {
      try {
        await this.revoke(id);
        revoked.push(id);
      } catch (error) {
        if (error instanceof DeskError && error.code === 'token_not_found') missing.push(id);
        else throw error;
      }
    }
    return { revoked, notFound: missing };
  }

  /**
   * Revokes `value` on GitHub, only once GitHub says it is the record's login's token
   * of the record's kind: /credentials/revoke revokes anyone's token, so a value pasted
   * by mistake (a colleague's, another account's) must not be sent there. A value
   * GitHub already refuses has nothing left to revoke.
   */
  private async revokeValue(
    record: TrackedGitHubToken,
    value: string,
    secrets: readonly string[],
  ): Promise<void> {
    let check: GitHubTokenCheck;
    try {
      check = await checkGitHubToken(this.apiBase, value, this.fetch);
    } catch (error) {
      if (error instanceof DeskError && error.code === 'github_token_refused') return;
      throw error;
    }
    if (!sameGitHubLogin(check.login, record.login))
      throw otherAccount(check.login, record, 'that value');
    if (check.kind !== record.kind)
      throw new DeskError(
        'github_other_token',
        `That is a ${check.kind} token, but “${shownName(record.name)}” is a ${record.kind} one, so Token Desk revoked nothing. Paste the value of “${shownName(record.name)}”.`,
      );
    try {
      await revokeGitHubCredentials(this.apiBase, [value], this.fetch);
    } catch (error) {
      if (error instanceof DeskError)
        throw new DeskError(error.code, redactSecrets(error.message, secrets));
      throw error;
    }
  }

  private expiryOf(check: GitHubTokenCheck) {
    return {
      scopes: check.scopes,
      expiresAt: check.expiresAt,
      // An expiry GitHub sent but Token Desk could not read is as unknown as an unchecked one.
      expiryCheckedAt:
        check.expiry === 'unreadable' ? null : new Date(this.context.now()).toISOString(),
    };
  }

  private issued(record: TrackedGitHubToken, secret: string): IssuedToken {
    const token = this.toIssuerToken(record);
    if (!token)
      throw new DeskError(
        'github_record_invalid',
        'Token Desk checked the token with GitHub, but the record it saved came back damaged. Refresh the list; the token may need tracking again.',
      );
    return { ...token, secret };
  }

  private toIssuerToken(record: TrackedGitHubToken): IssuerToken | null {
    return trackedTokenView(record, { host: this.host, now: this.context.now() });
  }

  private async find(id: string): Promise<TrackedGitHubToken> {
    const record = (await this.store.list()).find((entry) => entry.id === id);
    if (!record) throw notFound();
    return record;
  }

  private requirePrompt() {
    if (!this.context.prompt)
      throw new DeskError(
        'prompt_unavailable',
        'Token Desk needs its own prompt to take a GitHub token’s value, and there is none here. Use the desktop app.',
      );
    return this.context.prompt;
  }

  private ask(request: PromptRequest) {
    return this.requirePrompt().ask(request);
  }
}

function valueField(id: string, label: string): PromptField {
  return {
    id,
    label,
    kind: 'secret',
    hint: 'Starts with ghp_ (classic) or github_pat_ (fine-grained)',
  };
}

function refuseOptions(options: unknown): void {
  const given = options ?? {};
  if (optionsCheck.Check(given)) return;
  const names =
    typeof given === 'object' && given !== null && !Array.isArray(given)
      ? Object.keys(given)
          .slice(0, 5)
          .map((key) => `“${shownName(key).slice(0, 40)}”`)
      : [];
  throw new DeskError(
    'invalid_options',
    names.length
      ? `Tracking a GitHub token takes no options, so Token Desk refused ${names.join(', ')}: the value is asked in Token Desk’s own prompt and the expiry is read from GitHub.`
      : 'Tracking a GitHub token takes no options.',
  );
}

function otherAccount(login: string, record: TrackedGitHubToken, what: string): DeskError {
  return new DeskError(
    'github_other_account',
    `GitHub says ${what} belongs to ${login}, but “${shownName(record.name)}” is ${record.login}'s, so Token Desk changed and revoked nothing. Paste ${record.login}'s token.`,
  );
}

function cancelled(message: string): DeskError {
  return new DeskError('cancelled', message);
}

function notFound(): DeskError {
  return new DeskError('token_not_found', 'Token Desk no longer tracks this GitHub token.');
}

/** The registry's way in: an issuer for one GitHub connection, its records in `store`. */
export function openGitHubIssuer(
  connection: IssuerConnection,
  context: IssuerContext,
  store: TrackedTokenStore,
): TokenIssuer {
  return new GitHubIssuer(connection, context, store);
}
