/**
 * The GitHub and GitLab accounts of the signed-in Token Desk user: verified on
 * entry (who the credential belongs to, and optionally that it can manage secrets
 * at a target the user names), the credential kept in ProviderVault, the rest
 * (id, provider, host, login) in settings. The credential never leaves main: no
 * method here returns it, only `open` uses it to build a provider client.
 */
import { randomUUID } from 'node:crypto';
import {
  DEFAULT_SECRET_NAME,
  providerOfTarget,
  type DestinationTarget,
  type Provider,
} from '../../shared/ci-destinations.js';
import type { ProviderAccountInfo, ProviderAccountList } from '../../shared/ipc-contract.js';
import { DeskError } from '../desk-error.js';
import {
  normalizeProviderHost,
  providerName,
  wrongProvider,
  type CiProvider,
  type OpenProvider,
} from '../providers/ci-provider.js';
import { inWords } from '../providers/provider-error.js';
import type { ProviderAccountRecord } from './ci-records.js';
import type { ProviderVault } from './provider-vault.js';
import type { SessionService } from './session-service.js';
import type { SettingsService } from './settings.js';

export interface AddAccountInput {
  provider: Provider;
  host: string;
  token: string;
  target?: DestinationTarget;
}

function info(record: ProviderAccountRecord): ProviderAccountInfo {
  return { id: record.id, provider: record.provider, host: record.host, login: record.login };
}

export class ProviderAccounts {
  constructor(
    private readonly deps: {
      vault: ProviderVault;
      settings: SettingsService;
      sessions: SessionService;
      openProvider: OpenProvider;
    },
  ) {}

  list(): ProviderAccountList {
    return { accounts: this.mine().map(info), remembered: this.deps.vault.persistent };
  }

  async add(input: AddAccountInput): Promise<ProviderAccountInfo> {
    const owner = this.deps.sessions.owner();
    const host = normalizeProviderHost(input.provider, input.host);
    if (input.target && providerOfTarget(input.target) !== input.provider)
      throw wrongProvider(input.provider, input.target);
    const client = this.deps.openProvider(input.provider, host, input.token);
    let login: string;
    try {
      login = await client.whoami();
      // Reading a secret there needs the same permission as writing one: a token
      // that cannot is refused now rather than at the first send.
      if (input.target) await client.exists(input.target, DEFAULT_SECRET_NAME);
    } catch (error) {
      throw inWords(error, [input.token]);
    }
    const all = this.deps.settings.providerAccounts();
    const same = all.find(
      (record) =>
        record.provider === input.provider &&
        record.host === host &&
        record.login === login &&
        sameOwner(record.owner, owner),
    );
    const record: ProviderAccountRecord = {
      id: same?.id ?? randomUUID(),
      provider: input.provider,
      host,
      login,
      owner,
    };
    await this.deps.vault.save(record, input.token);
    this.deps.settings.saveProviderAccounts([
      ...all.filter((entry) => entry.id !== record.id),
      record,
    ]);
    return info(record);
  }

  async remove(accountId: string): Promise<void> {
    const record = this.find(accountId);
    await this.deps.vault.remove(record);
    this.deps.settings.saveProviderAccounts(
      this.deps.settings.providerAccounts().filter((entry) => entry.id !== accountId),
    );
  }

  /** A client for one of the signed-in user's accounts, with its credential from the vault. */
  async open(accountId: string): Promise<{ account: ProviderAccountRecord; client: CiProvider }> {
    const account = this.find(accountId);
    return { account, client: await this.clientFor(account) };
  }

  /** The signed-in user's accounts on this provider and host (a recorded place to push to). */
  forHost(provider: Provider, host: string): ProviderAccountRecord[] {
    return this.mine().filter((record) => record.provider === provider && record.host === host);
  }

  async clientFor(account: ProviderAccountRecord): Promise<CiProvider> {
    const token = await this.deps.vault.load(account);
    if (token === null) {
      throw new DeskError(
        'provider_credential_missing',
        `Token Desk no longer has the access token for ${account.login} on ${providerName(account.provider)} (${account.host})${this.deps.vault.persistent ? '' : ': without a keychain it is kept for one run only'}. Add the account again in Settings.`,
      );
    }
    return this.deps.openProvider(account.provider, account.host, token);
  }

  /** Credentials used with this account's provider, to cut from any error text. */
  async credentialOf(account: ProviderAccountRecord): Promise<string[]> {
    const token = await this.deps.vault.load(account);
    return token === null ? [] : [token];
  }

  private mine(): ProviderAccountRecord[] {
    const owner = this.deps.sessions.owner();
    return this.deps.settings.providerAccounts().filter((record) => sameOwner(record.owner, owner));
  }

  private find(accountId: string): ProviderAccountRecord {
    const record = this.mine().find((entry) => entry.id === accountId);
    // Another Token Desk account's provider account is as unknown here as a made-up id.
    if (!record)
      throw new DeskError(
        'provider_account_not_found',
        'That GitHub or GitLab account is not set up in Token Desk (it may have been removed). Choose another, or add it in Settings.',
      );
    return record;
  }
}

function sameOwner(
  a: { serviceUrl: string; email: string },
  b: { serviceUrl: string; email: string },
): boolean {
  return a.serviceUrl === b.serviceUrl && a.email.toLowerCase() === b.email.toLowerCase();
}
