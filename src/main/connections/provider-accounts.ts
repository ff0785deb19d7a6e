/**
 * The GitHub and GitLab accounts of the signed-in Token Desk user: verified on
 * entry (who the credential belongs to, and optionally that it can manage secrets
 * at a target the user names), the credential kept in ProviderVault, the rest
 * (id, provider, host, login) in the local store. The credential never leaves main: no
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
import { normalizeProviderHost } from '../ci-providers/registry.js';
import { wrongProvider, type CiProvider, type OpenProvider } from '../ci-providers/secret-store.js';
import { inWords } from '../ci-providers/provider-error.js';
import type { LocalStore, ProviderAccountRecord, RecordOwner } from '../local-store.js';
import type { ConfirmPort, ConfirmQuestion } from '../ports.js';
import { plainText } from '../services/native-dialogs.js';
import type { SessionService } from '../services/session-service.js';
import type { ConnectionVault } from './vault.js';
import { isCiProvider, type IssuingVendor, type Vendor } from '../../shared/vendors.js';
import {
  normalizeVendorHost,
  publicHostOf,
  vendorName,
  visibleVendorHost,
} from './vendor-names.js';

export interface AddAccountInput {
  provider: Provider;
  host: string;
  token: string;
  target?: DestinationTarget;
}

/** An account on a CI provider (GitHub, GitLab): one that can open a secret store. */
export type CiAccountRecord = ProviderAccountRecord & { provider: Provider };

/** A CI provider account with an access token: one connected without one stores no secrets. */
function isCiAccount(record: ProviderAccountRecord): record is CiAccountRecord {
  return isCiProvider(record.provider) && record.tokenless !== true;
}

function info(record: CiAccountRecord): ProviderAccountInfo {
  return { id: record.id, provider: record.provider, host: record.host, login: record.login };
}

export class ProviderAccounts {
  constructor(
    private readonly deps: {
      vault: ConnectionVault;
      store: Pick<LocalStore, 'providerAccounts' | 'confirmedHosts'>;
      sessions: SessionService;
      openProvider: OpenProvider;
      /** Without one, a host never used before cannot be confirmed, so it is refused. */
      confirm: ConfirmPort | null;
    },
  ) {}

  list(): ProviderAccountList {
    return {
      accounts: this.mine().filter(isCiAccount).map(info),
      remembered: this.deps.vault.persistent,
    };
  }

  async add(input: AddAccountInput): Promise<ProviderAccountInfo> {
    const host = normalizeProviderHost(input.provider, input.host);
    if (input.target && providerOfTarget(input.target) !== input.provider)
      throw wrongProvider(input.provider, input.target);
    // Asked before the access token goes anywhere: a mistyped or planted host gets nothing.
    const newHost = await this.confirmHost(input.provider, host);
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
    const record = await this.save(input.provider, host, login, input.token, newHost);
    return info(record as CiAccountRecord);
  }

  /**
   * An account of a vendor that only issues tokens (npm, Cloudflare): its host asked
   * about like any other, then `verify` (which may sign in, with main's own prompt)
   * says whose it is and which credential to keep.
   */
  async addIssuing(
    provider: IssuingVendor,
    rawHost: string,
    verify: (host: string) => Promise<{ login: string; credential: string }>,
  ): Promise<ProviderAccountRecord> {
    const host = normalizeVendorHost(provider, rawHost);
    // Asked before anything goes there: a mistyped or planted host gets nothing.
    const newHost = await this.confirmHost(provider, host);
    const { login, credential } = await verify(host);
    return this.save(provider, host, login, credential, newHost);
  }

  /**
   * A GitHub account connected without an access token, to track tokens only: its host
   * asked about like any other, then `lookUp` says how GitHub spells the login. Nothing
   * goes to the keychain. The same login already connected with a token is kept as it
   * is (it tracks tokens too).
   */
  async addTokenless(
    provider: 'github',
    rawHost: string,
    lookUp: (host: string) => Promise<{ login: string }>,
  ): Promise<ProviderAccountRecord> {
    const host = normalizeProviderHost(provider, rawHost);
    const newHost = await this.confirmHost(provider, host, { tokenless: true });
    const { login } = await lookUp(host);
    return this.save(provider, host, login, null, newHost);
  }

  /** The owner's account of this vendor, host and login, whatever case the login was typed in. */
  private sameAccount(provider: Vendor, host: string, login: string) {
    const owner = this.deps.sessions.owner();
    return this.deps.store.providerAccounts
      .read()
      .find(
        (record) =>
          record.provider === provider &&
          record.host === host &&
          sameLogin(provider, record.login, login) &&
          sameOwner(record.owner, owner),
      );
  }

  /**
   * One change to the accounts at a time: a save reads the list, awaits the keychain and
   * writes the list back, so two at once (a token added while the page connects the same
   * login without one) would each write over the other's keychain entry and record.
   */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.changes.then(work, work);
    this.changes = run.catch(() => undefined);
    return run;
  }

  private changes: Promise<unknown> = Promise.resolve();

  /**
   * `credential` null: connected without one (the record says so; nothing in the
   * keychain), refused over the same account connected with one, which would lose it.
   */
  private save(
    provider: Vendor,
    host: string,
    login: string,
    credential: string | null,
    newHost: boolean,
  ): Promise<ProviderAccountRecord> {
    return this.serial(() => this.saveNow(provider, host, login, credential, newHost));
  }

  private async saveNow(
    provider: Vendor,
    host: string,
    login: string,
    credential: string | null,
    newHost: boolean,
  ): Promise<ProviderAccountRecord> {
    const owner = this.deps.sessions.owner();
    if (newHost) {
      this.deps.store.confirmedHosts.write([
        ...this.deps.store.confirmedHosts.read(),
        { provider, host },
      ]);
    }
    const all = this.deps.store.providerAccounts.read();
    const same = this.sameAccount(provider, host, login);
    if (credential === null && same && same.tokenless !== true)
      throw new DeskError(
        'already_connected',
        `${plainText(login, 40)} on ${vendorName(provider)} is already connected with an access token, which tracks tokens too. Nothing was changed.`,
      );
    // GitHub spelled the login another way (case): its keychain entry is named by the old
    // spelling, and would otherwise stay there unreachable.
    if (same && same.login !== login) await this.deps.vault.removeCredential(same);
    const record: ProviderAccountRecord = {
      id: same?.id ?? randomUUID(),
      provider,
      host,
      login,
      owner,
      ...(credential === null ? { tokenless: true as const } : {}),
    };
    if (credential === null) await this.deps.vault.removeCredential(record);
    else await this.deps.vault.saveCredential(record, credential);
    this.deps.store.providerAccounts.write([
      ...all.filter((entry) => entry.id !== record.id),
      record,
    ]);
    return record;
  }

  remove(accountId: string): Promise<void> {
    return this.serial(async () => {
      const record = this.find(accountId);
      await this.deps.vault.removeCredential(record);
      this.deps.store.providerAccounts.write(
        this.deps.store.providerAccounts.read().filter((entry) => entry.id !== accountId),
      );
      this.forgetUnusedHosts();
    });
  }

  /** Removes every provider account of one Token Desk account, credentials included. */
  async removeAllOf(owner: RecordOwner): Promise<number> {
    const theirs = this.mine(owner);
    for (const record of theirs) await this.deps.vault.removeCredential(record);
    const gone = new Set(theirs.map((record) => record.id));
    this.deps.store.providerAccounts.write(
      this.deps.store.providerAccounts.read().filter((entry) => !gone.has(entry.id)),
    );
    this.forgetUnusedHosts();
    return theirs.length;
  }

  /**
   * After a sign-out: asks in a native dialog whether to remove the GitHub and GitLab
   * accounts that Token Desk account added (their access tokens stay in the keychain
   * otherwise, for when it signs in again). No port or no accounts: nothing is asked.
   */
  async offerToRemoveAllOf(owner: RecordOwner): Promise<number> {
    const theirs = this.mine(owner);
    if (theirs.length === 0 || !this.deps.confirm) return 0;
    const names = theirs
      .map((record) => {
        const host = visibleVendorHost(record.provider, record.host);
        return `${plainText(record.login, 40)} on ${vendorName(record.provider)}${host === null ? '' : ` (${host})`}`;
      })
      .join(', ');
    const vendors = [...new Set(theirs.map((record) => vendorName(record.provider)))];
    const count =
      theirs.length === 1
        ? `its ${vendors[0]} account`
        : `its ${theirs.length} ${orAnd(vendors)} accounts`;
    const email = plainText(owner.email);
    const yes = await this.deps.confirm.confirm({
      title: 'Remove connected accounts too?',
      message: `${email} is signed out. Remove ${count} from this computer too?`,
      detail:
        `${names}. Their access tokens are still in your keychain, kept for when you sign in to ` +
        `${email} again. Removing them deletes the access tokens from the keychain; it does ` +
        `not revoke them on ${orAnd(vendors, 'or')}.`,
      confirmLabel: 'Remove access tokens',
      cancelLabel: 'Keep them',
    });
    return yes ? this.removeAllOf(owner) : 0;
  }

  /**
   * A client for one of the user's accounts, with its credential from the vault.
   * `owner`: the Token Desk account whose work this is (a rotation keeps its own
   * when another account becomes active); the active one by default.
   */
  async open(
    accountId: string,
    owner?: RecordOwner,
  ): Promise<{ account: CiAccountRecord; client: CiProvider }> {
    const account = this.find(accountId, owner);
    if (!isCiAccount(account))
      throw new DeskError(
        'not_a_ci_account',
        `${plainText(account.login, 40)} on ${vendorName(account.provider)} issues tokens but stores no CI secrets, so nothing was sent there.`,
      );
    return { account, client: await this.clientFor(account) };
  }

  /** The owner's accounts on this provider and host (a recorded place to push to). */
  forHost(provider: Provider, host: string, owner?: RecordOwner): CiAccountRecord[] {
    return this.mine(owner).filter(
      (record): record is CiAccountRecord =>
        isCiAccount(record) && record.provider === provider && record.host === host,
    );
  }

  async clientFor(account: CiAccountRecord): Promise<CiProvider> {
    const token = await this.credentialFor(account.id, account.owner);
    return this.deps.openProvider(account.provider, account.host, token);
  }

  /** The credential of one of the owner's connections, for its issuer; refused like `clientFor` when gone. */
  async credentialFor(accountId: string, owner?: RecordOwner): Promise<string> {
    const account = this.find(accountId, owner);
    if (account.tokenless === true)
      throw new DeskError(
        'provider_credential_missing',
        `${plainText(account.login, 40)} on ${vendorName(account.provider)} was connected without an access token, so it only tracks tokens. To send CI secrets there, add the account with an access token in Settings.`,
      );
    const token = await this.deps.vault.loadCredential(account);
    if (token === null) {
      throw new DeskError(
        'provider_credential_missing',
        `Token Desk no longer has the access token for ${account.login} on ${vendorName(account.provider)} (${account.host})${this.deps.vault.persistent ? '' : ': without a keychain it is kept for one run only'}. Add the account again in Settings.`,
      );
    }
    await this.ensureHostTrusted(account);
    return token;
  }

  /**
   * Before anything of the person's goes to a connection's host when no credential is
   * read for it (a GitHub token's value being checked): the host trusted, as
   * `credentialFor` makes sure for one that has a credential.
   */
  async trustHost(accountId: string, owner?: RecordOwner): Promise<void> {
    await this.ensureHostTrusted(this.find(accountId, owner));
  }

  /** A new value of an account's own credential (it rotated itself at its vendor). */
  async replaceCredential(accountId: string, owner: RecordOwner, value: string): Promise<void> {
    await this.deps.vault.saveCredential(this.find(accountId, owner), value);
  }

  /** Credentials used with this account's provider, to cut from any error text. */
  async credentialOf(account: ProviderAccountRecord): Promise<string[]> {
    const token = await this.deps.vault.loadCredential(account);
    return token === null ? [] : [token];
  }

  /** github.com and gitlab.com, or a host the person confirmed in main's native dialog. */
  private hostConfirmed(provider: Vendor, host: string): boolean {
    return (
      host === publicHostOf(provider) ||
      this.deps.store.confirmedHosts
        .read()
        .some((entry) => entry.provider === provider && entry.host === host)
    );
  }

  /**
   * Any host but github.com and gitlab.com is asked about once, by main in a native
   * dialog, before its first account is saved (true: remember it once the account is
   * verified): a compromised page could otherwise add an account on its own server and
   * have rotations feed it.
   */
  private async confirmHost(
    provider: Vendor,
    host: string,
    how: { tokenless?: boolean } = {},
  ): Promise<boolean> {
    if (this.hostConfirmed(provider, host)) return false;
    const name = vendorName(provider);
    const shown = visibleVendorHost(provider, host) ?? host;
    const yes = await this.ask({
      title: `Trust ${shown}?`,
      message: `Add ${/^[aeio]/i.test(name) || name === 'npm' ? 'an' : 'a'} ${name} account on ${shown}?`,
      detail:
        `Token Desk has never used ${host} before. ` +
        (how.tokenless
          ? `It will look your login up there now, and send each token's value there whenever you track, rotate or revoke a token of that account. `
          : `It will send the access token you entered there now, and your tokens' secrets whenever you send or rotate a token recorded on that host. `) +
        `Continue only if ${shown} is your organization's ${name} server and you asked to add it just now.`,
      confirmLabel: 'Trust and add account',
    });
    if (!yes)
      throw new DeskError(
        'host_not_confirmed',
        `The ${name} account was not added: ${shown} was not confirmed as a ${name} server you trust.`,
      );
    return true;
  }

  /**
   * Before a credential (and so a secret) goes to an account's host: an account saved
   * before Token Desk asked about hosts, or whose host's confirmation was withdrawn,
   * is asked about now, once.
   */
  private async ensureHostTrusted(account: ProviderAccountRecord): Promise<void> {
    if (this.hostConfirmed(account.provider, account.host)) return;
    const name = vendorName(account.provider);
    const shown = visibleVendorHost(account.provider, account.host) ?? account.host;
    const yes = await this.ask({
      title: `Trust ${shown}?`,
      message: `Send to ${name} on ${shown}?`,
      detail:
        `The ${name} account ${plainText(account.login, 40)} on ${account.host} was added before Token Desk asked ` +
        `about hosts, or its host's trust was withdrawn. ` +
        (account.tokenless === true
          ? `Token Desk is about to send a token's value there, as it does whenever you track, rotate or revoke a token of that account. `
          : `Token Desk is about to send its access token there, and with it your tokens' secrets whenever you send or rotate a token recorded on that host. `) +
        `Continue only if ${shown} is your organization's ${name} server.`,
      confirmLabel: 'Trust and continue',
    });
    if (!yes)
      throw new DeskError(
        'host_not_confirmed',
        `Nothing was sent: ${shown} was not confirmed as a ${name} server you trust. Remove the account in Settings if it is not yours.`,
      );
    this.deps.store.confirmedHosts.write([
      ...this.deps.store.confirmedHosts.read(),
      { provider: account.provider, host: account.host },
    ]);
  }

  /** No port means nobody can answer: no. */
  private async ask(question: ConfirmQuestion): Promise<boolean> {
    return this.deps.confirm ? this.deps.confirm.confirm(question) : false;
  }

  /** A host's confirmation goes with the last account on it (of any Token Desk account). */
  private forgetUnusedHosts(): void {
    const accounts = this.deps.store.providerAccounts.read();
    const confirmed = this.deps.store.confirmedHosts.read();
    const used = confirmed.filter((entry) =>
      accounts.some(
        (account) => account.provider === entry.provider && account.host === entry.host,
      ),
    );
    if (used.length !== confirmed.length) this.deps.store.confirmedHosts.write(used);
  }

  /** The GitHub and GitLab accounts one Token Desk account added (the active one by default). */
  mine(owner: RecordOwner = this.deps.sessions.owner()): ProviderAccountRecord[] {
    return this.deps.store.providerAccounts
      .read()
      .filter((record) => sameOwner(record.owner, owner));
  }

  private find(accountId: string, owner?: RecordOwner): ProviderAccountRecord {
    const record = this.mine(owner).find((entry) => entry.id === accountId);
    // Another Token Desk account's provider account is as unknown here as a made-up id.
    if (!record)
      throw new DeskError(
        'provider_account_not_found',
        'That GitHub or GitLab account is not set up in Token Desk (it may have been removed). Choose another, or add it in Settings.',
      );
    return record;
  }
}

/** GitHub logins are one account whatever their case; other vendors' are compared as they are. */
function sameLogin(provider: Vendor, a: string, b: string): boolean {
  return provider === 'github' ? a.toLowerCase() === b.toLowerCase() : a === b;
}

function sameOwner(
  a: { serviceUrl: string; email: string },
  b: { serviceUrl: string; email: string },
): boolean {
  return a.serviceUrl === b.serviceUrl && a.email.toLowerCase() === b.email.toLowerCase();
}

/** "GitHub", "GitHub and GitLab", "GitHub, GitLab and npm". */
function orAnd(names: string[], word: 'and' | 'or' = 'and'): string {
  return names.length <= 1
    ? (names[0] ?? '')
    : `${names.slice(0, -1).join(', ')} ${word} ${names[names.length - 1]}`;
}
