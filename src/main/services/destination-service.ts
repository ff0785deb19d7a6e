/**
 * Sending a revealed secret to a CI secret store and recording where it went. The
 * secret comes from the RevealStore by revealId (it never comes back from the
 * renderer); the record on the token service holds provider, host, target and name,
 * never the secret. Rotation uses `pushRecorded` to update a place already recorded.
 */
import { Compile } from 'typebox/compile';
import {
  Destination,
  checkDestinationName,
  describePlace,
  destinationSettingsUrl,
  providerOfTarget,
  type DestinationInput,
  type DestinationTarget,
  type Provider,
} from '../../shared/ci-destinations.js';
import type { DestinationCheck, DestinationView, SendResult } from '../../shared/ipc-contract.js';
import { DeskError } from '../desk-error.js';
import { wrongProvider, type PushOptions, type PushOutcome } from '../ci-providers/secret-store.js';
import { inWords } from '../ci-providers/provider-error.js';
import { hasCode } from '../issuers/token-issuer.js';
import type { ConnectedIssuer } from '../connections/connection.js';
import type { RecordOwner } from '../local-store.js';
import type { ExternalLinksPort } from '../ports.js';
import { checkedExternalUrl } from './external-links.js';
import type { ProviderAccounts } from '../connections/provider-accounts.js';
import type { RevealStore } from './reveal-store.js';
import type { SessionService } from './session-service.js';

const destinationCheck = Compile(Destination);

export interface SendInput {
  revealId: string;
  accountId: string;
  target: DestinationTarget;
  name: string;
  overwrite: boolean;
  masked?: boolean;
  protected?: boolean;
  selectedRepositoryIds?: number[];
}

export interface Place {
  provider: Provider;
  host: string;
  target: DestinationTarget;
  name: string;
}

export function placeLabel(place: Place): string {
  return describePlace(place);
}

export function settingsUrlOf(place: Place): string {
  try {
    return destinationSettingsUrl(place);
  } catch {
    return place.host;
  }
}

function checkedName(provider: Provider, name: string): string {
  const problem = checkDestinationName(provider, name);
  if (problem) throw new DeskError('invalid_name', problem);
  return name;
}

export class DestinationService {
  constructor(
    private readonly deps: {
      /** One of the owner's issuers (its own Token Desk account's without a connection id). */
      issuerFor: (owner: RecordOwner, connectionId?: string) => ConnectedIssuer;
      sessions: SessionService;
      reveals: RevealStore;
      accounts: ProviderAccounts;
      externalLinks: ExternalLinksPort | null;
    },
  ) {}

  /** Whether a secret or variable of that name is already there, to ask before overwriting. */
  async check(
    accountId: string,
    target: DestinationTarget,
    name: string,
  ): Promise<DestinationCheck> {
    const { account, client } = await this.deps.accounts.open(accountId);
    if (providerOfTarget(target) !== account.provider)
      throw wrongProvider(account.provider, target);
    checkedName(account.provider, name);
    const credential = await this.deps.accounts.credentialOf(account);
    try {
      return {
        exists: await client.exists(target, name),
        settingsUrl: settingsUrlOf({ ...account, target, name }),
      };
    } catch (error) {
      throw inWords(error, credential);
    }
  }

  /**
   * Every step (the provider account, the liveness check, the record) belongs to the
   * Token Desk account active when the send began, whatever becomes active meanwhile.
   */
  async send(input: SendInput): Promise<SendResult> {
    const owner = this.deps.sessions.owner();
    const secret = this.deps.reveals.secret(input.revealId);
    const token = this.deps.reveals.token(input.revealId);
    const { account, client } = await this.deps.accounts.open(input.accountId, owner);
    const { target } = input;
    if (providerOfTarget(target) !== account.provider)
      throw wrongProvider(account.provider, target);
    const name = checkedName(account.provider, input.name);
    const place: Place = { provider: account.provider, host: account.host, target, name };
    const connected = this.deps.issuerFor(owner, token.issuer.connectionId);
    await this.ensureLive(token.id, connected);
    const scrub = [secret, ...(await this.deps.accounts.credentialOf(account))];
    let outcome: PushOutcome;
    try {
      if (!input.overwrite && (await client.exists(target, name))) {
        throw new DeskError(
          'destination_exists',
          `${placeLabel(place)} already exists. Replace it with this token? Pipelines using it will get the new token.`,
        );
      }
      const options: PushOptions = {
        ...(input.masked === undefined ? {} : { masked: input.masked }),
        ...(input.protected === undefined ? {} : { protected: input.protected }),
        ...(input.selectedRepositoryIds
          ? { selectedRepositoryIds: input.selectedRepositoryIds }
          : {}),
      };
      outcome = await client.push(target, name, secret, options);
    } catch (error) {
      throw inWords(error, scrub);
    }
    const recorded = await this.record(token, place, connected);
    return {
      outcome,
      label: placeLabel(place),
      settingsUrl: settingsUrlOf(place),
      destination: recorded.destination,
      recordProblem: recorded.problem,
    };
  }

  /**
   * Pushes a secret to a place recorded on the service, with an account of `owner`
   * on that provider and host, keeping the place's own settings. The caller checks
   * the token is live first (`ensureLive`). `connected`: the token's issuer among the
   * owner's connections, opened once for all of a rotation's pushes so that their
   * records share one look-up of the token's record.
   */
  async pushRecorded(
    place: Place,
    secret: string,
    token: { id: string; name: string },
    owner: RecordOwner,
    connected: ConnectedIssuer,
  ): Promise<PushOutcome> {
    const accounts = this.deps.accounts.forHost(place.provider, place.host, owner);
    if (accounts.length === 0) {
      throw new DeskError(
        'provider_account_missing',
        `No ${place.provider === 'github' ? 'GitHub' : 'GitLab'} account for ${place.host} is set up in Token Desk. Add one in Settings, then retry.`,
      );
    }
    let failure: unknown = null;
    // With several accounts on one host, the first that may write there wins.
    for (const account of accounts) {
      const scrub = [secret, ...(await this.deps.accounts.credentialOf(account))];
      try {
        const client = await this.deps.accounts.clientFor(account);
        const outcome = await client.push(place.target, place.name, secret, {
          keepExistingSettings: true,
        });
        await this.record(token, place, connected);
        return outcome;
      } catch (error) {
        failure = inWords(error, scrub);
        const code = (failure as DeskError).code;
        const tryNext = [
          'provider_bad_credential',
          'provider_missing_permission',
          'provider_not_found',
          'provider_credential_missing',
        ].includes(code);
        if (!tryNext) break;
      }
    }
    throw failure;
  }

  /**
   * A secret may go out only while its token works and has not been replaced: one
   * revealed before a revoke or a rotation (in this window or another) must not
   * reach a CI secret store, where it would fail later, far from here.
   */
  async ensureLive(tokenId: string, { issuer }: ConnectedIssuer): Promise<void> {
    let token: { name: string; expiresAt: string | null; replacedById: string | null } | null;
    try {
      // One token, not the whole list: this runs before every push.
      token = await issuer.get(tokenId);
    } catch (error) {
      if (!hasCode(error, 'token_not_found')) throw error;
      token = null;
    }
    if (token !== null && (typeof token !== 'object' || typeof token.name !== 'string'))
      throw new DeskError(
        'bad_response',
        'The token service answered for this token in a form Token Desk does not understand.',
      );
    const expiresAt = token?.expiresAt ?? null;
    const expired = expiresAt !== null && Date.parse(expiresAt) <= Date.now();
    if (!token || expired)
      throw new DeskError(
        'token_not_live',
        'This token has been revoked or has expired, so its secret was not sent. Create a new token.',
      );
    if (token.replacedById !== null)
      throw new DeskError(
        'token_replaced',
        `“${token.name}” has been rotated since this secret was shown, so it was not sent: it stops working when the grace period ends. Send the new secret instead.`,
      );
  }

  async list(
    tokenId: string,
    owner: RecordOwner = this.deps.sessions.owner(),
    connectionId?: string,
  ): Promise<DestinationView[]> {
    const destinations = await this.deps.issuerFor(owner, connectionId).places.list(tokenId);
    if (
      !Array.isArray(destinations) ||
      !destinations.every((entry) => destinationCheck.Check(entry))
    )
      throw new DeskError(
        'bad_response',
        'The token service answered the list of places in a form Token Desk does not understand.',
      );
    return destinations.map((destination) => ({
      ...destination,
      label: placeLabel(destination),
      settingsUrl: settingsUrlOf(destination),
    }));
  }

  /**
   * Opens the settings page of a place recorded for this token on the active
   * account's service. The URL is built here, never taken from the renderer, on the
   * host of a GitHub or GitLab account set up in this app (the service's record only
   * says which one), and only https (or http to this computer) goes to the browser.
   */
  async openSettings(tokenId: string, destinationId: string, connectionId?: string): Promise<void> {
    const { externalLinks } = this.deps;
    if (!externalLinks)
      throw new DeskError('links_unavailable', 'Opening pages is not available in this window.');
    const place = (await this.list(tokenId, undefined, connectionId)).find(
      (entry) => entry.id === destinationId,
    );
    if (!place)
      throw new DeskError(
        'not_found',
        'That place is not recorded for this token any more. Close the details and open them again.',
      );
    const account = this.deps.accounts
      .forHost(place.provider, place.host)
      .find((entry) => entry.host === place.host);
    if (!account)
      throw new DeskError(
        'provider_account_missing',
        `${place.label} is on a ${place.provider === 'github' ? 'GitHub' : 'GitLab'} host no account in Token Desk uses, so Token Desk does not open it. Add an account for that host in Settings first.`,
      );
    let url: string;
    try {
      url = destinationSettingsUrl({ ...place, host: account.host });
    } catch {
      throw new DeskError('unsafe_link', `Token Desk cannot tell where ${place.label} is set up.`);
    }
    await externalLinks.open(checkedExternalUrl(url));
  }

  async remove(tokenId: string, destinationId: string, connectionId?: string): Promise<void> {
    await this.deps
      .issuerFor(this.deps.sessions.owner(), connectionId)
      .places.remove(tokenId, destinationId);
  }

  /** Records a push on the service; a failure there is reported, not thrown: the push happened. */
  private async record(
    token: { id: string; name: string },
    place: Place,
    { places }: ConnectedIssuer,
  ): Promise<{
    destination: Destination | null;
    problem: { code: string; message: string } | null;
  }> {
    const input: DestinationInput = {
      provider: place.provider,
      host: place.host,
      target: place.target,
      name: place.name,
    };
    try {
      const destination = await places.add(token.id, input, { name: token.name });
      return { destination, problem: null };
    } catch (error) {
      const words = inWords(error, []);
      return {
        destination: null,
        problem: {
          code: words.code,
          message: `It was sent, but Token Desk could not record where: ${words.message}`,
        },
      };
    }
  }
}
