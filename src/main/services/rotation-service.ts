/**
 * "Rotate and update N places": the service issues a replacement while the old
 * token stays valid for a grace period; main pushes the new secret to every place
 * the token is recorded in; when every push succeeded, the old token is revoked at
 * once. Otherwise the old token lasts until the grace period ends, failures carry
 * words, and the user can retry or revoke the old token anyway.
 *
 * Each unfinished rotation is saved in the local store (ids, places, statuses, when the
 * grace period ends; never a secret) before the first push and after each one, so
 * a restart can list it. The new secret is held in memory only, apart from the
 * reveal dialog's copy (closing the dialog must not take Retry away), until every
 * place has it, the old token is revoked, the grace period is over, or the app
 * quits; after that (or a restart) "finish" rotates the replacement again and
 * pushes that one.
 */
import { randomUUID } from 'node:crypto';
import type { DestinationTarget } from '../../shared/ci-destinations.js';
import type {
  RotateAndSendReport,
  RotationReport,
  RotationState,
  RevealedToken,
  SendResult,
} from '../../shared/ipc-contract.js';
import { rotationChoices } from '../../shared/issuers/rotation-choices.js';
import { DeskError } from '../desk-error.js';
import { inWords } from '../ci-providers/provider-error.js';
import type { ConnectedIssuer } from '../connections/connection.js';
import { hasCode, type RotatedToken, type TokenIssuer } from '../issuers/token-issuer.js';
import type {
  LocalStore,
  PendingRotationRecord,
  RecordOwner,
  RotationDestinationRecord,
} from '../local-store.js';
import {
  placeLabel,
  settingsUrlOf,
  type DestinationService,
  type SendInput,
} from './destination-service.js';
import { REVEAL_LIFETIME_MS, type RevealStore } from './reveal-store.js';
import type { Timers } from '../ports.js';
import type { SessionService } from './session-service.js';
import type { SettingsService } from './settings.js';
import {
  checkRotationRequest,
  type RotationRequest,
  type VendorRotateOptions,
} from './rotation-options.js';

/** Whose issuer a rotation acts through: one of the owner's connections (its own Token Desk account without an id). */
interface Issuing {
  owner: RecordOwner;
  connectionId?: string;
}

/** A place the service listed after the person confirmed the rotation. */
const PLACE_NOT_CONFIRMED = 'place_not_confirmed';

export class RotationService {
  /** rotation id → its new secret, while Retry may need it (memory only). */
  private readonly held = new Map<string, { secret: string; timer: unknown }>();
  private readonly busy = new Set<string>();

  constructor(
    private readonly deps: {
      /** One of the owner's issuers (its own Token Desk account's without a connection id). */
      issuerFor: (owner: RecordOwner, connectionId?: string) => ConnectedIssuer;
      sessions: SessionService;
      reveals: RevealStore;
      settings: SettingsService;
      destinations: DestinationService;
      timers: Timers;
      pending: LocalStore['pendingRotations'];
      /** The clock a new expiry is checked against (the issuers' own). */
      now?: () => number;
    },
  ) {
    // A held secret belongs to the account that rotated: none survives a change of account.
    deps.sessions.onChange(() => this.forgetAll());
  }

  /** How many new secrets are held for Retry right now. */
  get heldSecrets(): number {
    return this.held.size;
  }

  /** On quit or a change of account: drop every held secret. */
  forgetAll(): void {
    for (const rotationId of [...this.held.keys()]) this.release(rotationId);
  }

  /**
   * A rotation's choices from the page, checked against what the issuer offers; refused
   * in words before anything reaches the vendor.
   */
  checkRequest(
    issuer: Pick<TokenIssuer, 'kind' | 'capabilities'>,
    request: RotationRequest,
  ): VendorRotateOptions {
    return checkRotationRequest(issuer, request, (this.deps.now ?? Date.now)());
  }

  /** The signed-in user's unfinished rotations (after a restart too). */
  list(): RotationState[] {
    return this.mine().map((record) => this.view(record, {}));
  }

  /**
   * Every step of a rotation (listing places, pushing, recording, revoking) runs as
   * the Token Desk account that started it, whatever account becomes active meanwhile
   * (the account menu, a reminder's click): its session, its provider accounts.
   */
  async rotateAndUpdate(
    tokenId: string,
    placeIds: readonly string[],
    gracePeriodSeconds?: number,
    connectionId?: string,
    request: RotationRequest = {},
  ): Promise<RotationReport> {
    return this.rotateAndUpdateFor(tokenId, placeIds, gracePeriodSeconds, connectionId, request);
  }

  /** `toChosenPlace`: the new value then goes where the page said (a connection's own credential may not). */
  private async rotateAndUpdateFor(
    tokenId: string,
    placeIds: readonly string[],
    gracePeriodSeconds: number | undefined,
    connectionId: string | undefined,
    request: RotationRequest,
    toChosenPlace = false,
  ): Promise<RotationReport> {
    const owner = this.deps.sessions.owner();
    // Before anything is read or sent: a choice the issuer does not offer stops here.
    const chosen = this.checkRequest(this.deps.issuerFor(owner, connectionId).issuer, request);
    const grace = gracePeriodSeconds ?? this.deps.settings.get().rotationGraceSeconds;
    // The replacement inherits the places under new ids: what was shown is matched by
    // what each place is (provider, host, target, name), read before the rotation.
    const shown = new Set(placeIds);
    const before =
      placeIds.length === 0 ? [] : await this.deps.destinations.list(tokenId, owner, connectionId);
    const confirmed = new Set(before.filter((place) => shown.has(place.id)).map(placeKey));
    const issuing = { owner, connectionId };
    const issued = await this.asOwner(issuing, (issuer) =>
      issuer.rotate(tokenId, {
        gracePeriodSeconds: grace,
        ...chosen,
        ...(toChosenPlace ? { refuseConnectionCredential: true } : {}),
      }),
    );
    return this.begin(issued, tokenId, null, grace, issuing, confirmed);
  }

  /**
   * A row's Send to CI… (Token Desk keeps no secret of an existing token): rotates,
   * pushing to the places shown, then sends the new secret to the chosen place. With
   * `endOldNow`, once it is sent, the old token is revoked too when no recorded place
   * kept it alive (with places, the rotation revokes it when every one has the new one).
   */
  async rotateAndSend(
    tokenId: string,
    placeIds: readonly string[],
    send: Omit<SendInput, 'revealId'>,
    endOldNow: boolean,
    connectionId?: string,
    request: RotationRequest = {},
  ): Promise<RotateAndSendReport> {
    const owner = this.deps.sessions.owner();
    const report = await this.rotateAndUpdateFor(
      tokenId,
      placeIds,
      undefined,
      connectionId,
      request,
      true,
    );
    const none = { sent: null, oldKept: null };
    if (!report.revealed)
      return {
        report,
        ...none,
        sendProblem: { code: 'account_changed', message: 'The rotation gave no new secret.' },
      };
    // The issuer refuses this before rotating; should one not, the value still goes nowhere new.
    if (report.revealed.connectionCredential)
      return {
        report,
        ...none,
        sendProblem: {
          code: 'connection_token',
          message:
            'The new value is this connection’s own access token: Token Desk sent it only to the places already recorded for it.',
        },
      };
    const newSecret = report.revealed.secret;
    let sent: SendResult;
    try {
      sent = await this.deps.destinations.send({ ...send, revealId: report.revealed.revealId });
    } catch (error) {
      const words = inWords(error, [newSecret]);
      return { report, ...none, sendProblem: { code: words.code, message: words.message } };
    }
    const { rotation } = report;
    // A guided or at-once rotation kept the token's id (GitHub, Cloudflare's roll): the
    // old value already stopped, and revoking that id would end the new one.
    const sameToken = rotation.newTokenId === tokenId;
    if (!endOldNow || sameToken || rotation.destinations.length > 0 || rotation.oldRevoked)
      return { report, sent, sendProblem: null, oldKept: null };
    try {
      await this.deps.issuerFor(owner, connectionId).issuer.revoke(tokenId);
    } catch (error) {
      const words = inWords(error, [newSecret]);
      return {
        report,
        sent,
        sendProblem: null,
        oldKept: `The new secret was sent, but the old one could not be stopped: ${words.message} It stops by itself when its grace period ends.`,
      };
    }
    return {
      report: { ...report, rotation: { ...rotation, oldRevoked: true, graceEndsAt: null } },
      sent,
      sendProblem: null,
      oldKept: null,
    };
  }

  /** Pushes again to the places that failed (or one of them) with the secret main still holds. */
  async retry(rotationId: string, destinationId?: string): Promise<RotationReport> {
    const record = this.find(rotationId);
    const secret = this.heldSecret(rotationId);
    if (secret === null) {
      throw new DeskError(
        'secret_gone',
        'Token Desk no longer holds the new secret (it is kept in memory only, and the app restarted or the dialog closed). Choose Finish to rotate again and update every place.',
      );
    }
    if (
      destinationId !== undefined &&
      !record.destinations.some((d) => d.destinationId === destinationId)
    )
      throw new DeskError('destination_not_found', 'That place is not part of this rotation.');
    const state = await this.exclusively(rotationId, () =>
      this.pushAll(record, secret, destinationId),
    );
    return { rotation: state, revealed: null };
  }

  /** Ends the old token(s) now, even though some places still hold them. */
  async revokeOld(rotationId: string): Promise<RotationState> {
    const record = this.find(rotationId);
    return this.exclusively(rotationId, async () => {
      await this.revokeOldTokens(record);
      this.forgetRecord(record.id);
      return this.view(record, { finished: true });
    });
  }

  /**
   * Completes a rotation whose new secret is gone from memory: rotates the
   * replacement again (with a grace period) and pushes that to every place. When
   * main still holds the secret, it is a retry of everything that failed.
   */
  async finish(rotationId: string, gracePeriodSeconds?: number): Promise<RotationReport> {
    const record = this.find(rotationId);
    const secret = this.heldSecret(rotationId);
    if (secret !== null) return this.retry(rotationId);
    return this.exclusively(rotationId, async () => {
      const grace = gracePeriodSeconds ?? this.deps.settings.get().rotationGraceSeconds;
      // The replacement's secret is gone, but some places may hold it already: where the
      // vendor can make a new token beside it, that is how it is replaced, so those places
      // keep working until they have the next one (never a roll that would stop them now).
      const issued = await this.asOwner(record, (issuer) =>
        issuer.rotate(record.newTokenId, {
          gracePeriodSeconds: grace,
          ...(rotationChoices(issuer.kind).styles.includes('create-then-delete')
            ? { style: 'create-then-delete' as const }
            : {}),
        }),
      );
      // The places this rotation already listed were shown to the person; any new one waits.
      const shown = new Set(record.destinations.map(placeKey));
      return this.begin(issued, record.newTokenId, record, grace, record, shown);
    });
  }

  /** `earlier`: the unfinished rotation this one completes (its old tokens end with ours). */
  private async begin(
    issued: RotatedToken,
    replacedId: string,
    earlier: PendingRotationRecord | null,
    graceSeconds: number,
    { owner, connectionId }: Issuing,
    confirmed: ReadonlySet<string>,
  ): Promise<RotationReport> {
    const connected = this.deps.issuerFor(owner, connectionId);
    // Another account became active while the service rotated: main forgot that
    // account's secrets, so this one is neither shown nor held here. The places are
    // still updated, as the owner, with the secret in this call alone.
    const stillActive = this.deps.sessions.isActive(owner);
    const revealed: RevealedToken | null = stillActive
      ? this.deps.reveals.reveal(issued, connected.ref)
      : null;
    const graceEndsAt = issued.previous?.graceEndsAt ?? null;
    const earlierOldIds = earlier?.oldTokenIds ?? [];
    // Without a grace period (or a vendor's at-once rotation) the old token has already
    // stopped; a create-then-delete rotation's old token works until main deletes it.
    const oldStillWorks = graceEndsAt !== null || issued.previous?.revokeAfterPush === true;
    const oldTokenIds = oldStillWorks ? [...earlierOldIds, replacedId] : earlierOldIds;
    const record: PendingRotationRecord = {
      id: randomUUID(),
      owner,
      ...(connectionId === undefined ? {} : { connectionId }),
      tokenName: issued.name,
      newTokenId: issued.id,
      oldTokenIds,
      graceEndsAt: earliest(graceEndsAt, earlier?.graceEndsAt ?? null),
      destinations:
        earlier?.destinations.map((place) => ({ ...place, status: 'pending', error: null })) ?? [],
    };
    // Saved before the earlier record goes, so a crash in between loses nothing.
    this.save(record);
    if (earlier) this.forgetRecord(earlier.id);
    if (issued.id !== replacedId) {
      // Another vendor's replacement has an id of its own there: its places follow it
      // (our service moves its own tokens' places itself). A failure is words on the
      // rotation: the new secret is shown and Retry or Finish can still update the places.
      try {
        await connected.places.follow(replacedId, { id: issued.id, name: issued.name });
      } catch (error) {
        return {
          rotation: this.view(record, { problem: inWords(error, [issued.secret]) }),
          revealed,
        };
      }
    }
    // Measured from now, not from graceEndsAt: the service's clock is its own.
    const holdMs = Math.max(graceSeconds * 1000, REVEAL_LIFETIME_MS);
    if (stillActive) {
      const timer = this.deps.timers.setTimeout(() => this.release(record.id), holdMs);
      this.held.set(record.id, { secret: issued.secret, timer });
    }
    const state = await this.exclusively(record.id, () =>
      this.pushAll(record, issued.secret, undefined, confirmed),
    );
    if (revealed?.connectionCredential)
      // The page is told where main sent the value it does not show.
      revealed.connectionCredential.places = state.destinations.filter(
        (place) => place.status === 'updated',
      ).length;
    return { rotation: state, revealed };
  }

  /** Brings the record's places up to date with the service, pushes, and ends the old token when all succeeded. */
  private async pushAll(
    record: PendingRotationRecord,
    secret: string,
    only: string | undefined,
    confirmed: ReadonlySet<string> | null = null,
  ): Promise<RotationState> {
    try {
      await this.syncPlaces(record, confirmed);
    } catch (error) {
      // The rotation stands (the new secret is shown); the places wait for Retry or Finish.
      return this.view(record, { problem: inWords(error, [secret]) });
    }
    // Opened once for every push of this pass: their records share one look-up.
    let connected: ConnectedIssuer | null = null;
    for (const place of record.destinations) {
      if (place.status === 'updated' || (only !== undefined && place.destinationId !== only))
        continue;
      // Listed by the service after the person confirmed: shown with words, pushed only on Retry.
      if (confirmed !== null && place.error?.code === PLACE_NOT_CONFIRMED) continue;
      try {
        // Checked before every push, as each may take seconds: the owner still signed in
        // (a sign-out ends the rotation's use of their GitHub/GitLab accounts too), the
        // new token still live and not replaced (another window, a bulk revoke).
        if (!this.deps.sessions.isSignedIn(record.owner))
          return this.view(record, { problem: this.ownerSignedOut(record.owner) });
        connected ??= this.deps.issuerFor(record.owner, record.connectionId);
        await this.deps.destinations.ensureLive(record.newTokenId, connected);
      } catch (error) {
        return this.view(record, { problem: inWords(error, [secret]) });
      }
      try {
        await this.deps.destinations.pushRecorded(
          place,
          secret,
          { id: record.newTokenId, name: record.tokenName },
          record.owner,
          connected,
        );
        place.status = 'updated';
        place.error = null;
      } catch (error) {
        const words = inWords(error, [secret]);
        place.status = 'failed';
        place.error = { code: words.code, message: words.message.slice(0, 1000) };
      }
      this.save(record);
    }
    if (!record.destinations.every((place) => place.status === 'updated'))
      return this.view(record, {});
    if (record.destinations.length === 0) {
      // No place is recorded, but the old secret may be in use where Token Desk cannot
      // see: it keeps its grace period (the list says "Replaced, valid until …") unless
      // the person ends it from there or from the dialog. Without an old token still
      // alive (an at-once or guided rotation, no grace) it has stopped already, and the
      // window must not say it keeps working.
      if (record.graceEndsAt === null && record.oldTokenIds.length > 0) {
        // A new token made beside the old one (npm, GitLab project tokens, Cloudflare)
        // has no grace period to run out: the old one works until it is deleted, so a
        // rotation with nowhere to update deletes it now, as the person asked.
        try {
          await this.revokeOldTokens(record);
        } catch (error) {
          return this.view(record, { problem: inWords(error, [secret]) });
        }
      }
      this.forgetRecord(record.id);
      return this.view(record, {
        finished: true,
        oldRevoked: record.graceEndsAt === null || record.oldTokenIds.length === 0,
      });
    }
    try {
      await this.revokeOldTokens(record);
    } catch (error) {
      // Every place has the new token; only ending the old one failed. Keep the
      // record so "revoke the old token now" can be tried again.
      return this.view(record, { problem: inWords(error, [secret]) });
    }
    this.forgetRecord(record.id);
    return this.view(record, { finished: true });
  }

  /** The service's places for the new token are the truth: new ones join as pending, removed ones go. */
  /**
   * The service's places for the new token: removed ones go; a new one joins as
   * pending when the person confirmed it (`confirmed`: the places the confirmation
   * listed, by placeKey), else as not updated, with words, until a Retry (the service is not
   * trusted to add a place the person never saw).
   */
  private async syncPlaces(
    record: PendingRotationRecord,
    confirmed: ReadonlySet<string> | null,
  ): Promise<void> {
    const current = await this.deps.destinations.list(
      record.newTokenId,
      record.owner,
      record.connectionId,
    );
    const known = new Map(record.destinations.map((place) => [placeKey(place), place]));
    record.destinations = current.map((destination): RotationDestinationRecord => {
      const place = known.get(placeKey(destination));
      if (place) return { ...place, destinationId: destination.id };
      const shown = confirmed === null || confirmed.has(placeKey(destination));
      return {
        destinationId: destination.id,
        provider: destination.provider,
        host: destination.host,
        target: destination.target,
        name: destination.name,
        status: shown ? 'pending' : 'failed',
        error: shown
          ? null
          : {
              code: PLACE_NOT_CONFIRMED,
              message:
                'Recorded after you confirmed this rotation, so Token Desk did not update it. Check that it is yours: Retry updates it too, or forget it in the token’s details.',
            },
      };
    });
    this.save(record);
  }

  private async revokeOldTokens(record: PendingRotationRecord): Promise<void> {
    for (const id of record.oldTokenIds) {
      try {
        await this.asOwner(record, (issuer) => issuer.revoke(id));
      } catch (error) {
        // Already ended (its grace period passed, or revoked elsewhere): nothing to do. The
        // answer came from the owner's own issuer, with the owner's credential (asOwner).
        if (!hasCode(error, 'token_not_found')) throw error;
      }
    }
  }

  /** A call to the owner's issuer; stops with words when the owner's session ended. */
  private async asOwner<T>(
    { owner, connectionId }: Issuing,
    call: (issuer: TokenIssuer) => Promise<T>,
  ): Promise<T> {
    try {
      return await call(this.deps.issuerFor(owner, connectionId).issuer);
    } catch (error) {
      if (error instanceof DeskError && error.code === 'signed_out')
        throw this.ownerSignedOut(owner);
      throw error;
    }
  }

  private ownerSignedOut(owner: RecordOwner): DeskError {
    return new DeskError(
      'owner_signed_out',
      `This rotation belongs to ${owner.email} on ${owner.serviceUrl}, which is signed out. Sign in to that account again, then finish it.`,
    );
  }

  /**
   * `finished`: every place updated or the user ended the old token anyway (then it is
   * revoked), or no place was recorded (then it keeps its grace: `oldRevoked` false).
   */
  private view(
    record: PendingRotationRecord,
    {
      finished = false,
      oldRevoked = finished,
      problem = null,
    }: { finished?: boolean; oldRevoked?: boolean; problem?: DeskError | null },
  ): RotationState {
    return {
      id: record.id,
      tokenName: record.tokenName,
      newTokenId: record.newTokenId,
      oldTokenIds: [...record.oldTokenIds],
      graceEndsAt: record.graceEndsAt,
      finished,
      oldRevoked,
      secretAvailable: !finished && this.heldSecret(record.id) !== null,
      destinations: record.destinations.map((place) => ({
        destinationId: place.destinationId,
        provider: place.provider,
        host: place.host,
        target: place.target,
        name: place.name,
        label: placeLabel(place),
        settingsUrl: settingsUrlOf(place),
        status: place.status,
        error: place.error,
      })),
      problem: problem ? { code: problem.code, message: problem.message } : null,
    };
  }

  private heldSecret(rotationId: string): string | null {
    return this.held.get(rotationId)?.secret ?? null;
  }

  private release(rotationId: string): void {
    const entry = this.held.get(rotationId);
    if (!entry) return;
    this.deps.timers.clearTimeout(entry.timer);
    this.held.delete(rotationId);
  }

  private mine(): PendingRotationRecord[] {
    const owner = this.deps.sessions.owner();
    return this.deps.pending
      .read()
      .filter(
        (record) =>
          record.owner.serviceUrl === owner.serviceUrl &&
          record.owner.email.toLowerCase() === owner.email.toLowerCase(),
      );
  }

  private find(rotationId: string): PendingRotationRecord {
    const record = this.mine().find((entry) => entry.id === rotationId);
    if (!record)
      throw new DeskError(
        'rotation_not_found',
        'That rotation is finished or belongs to another account. Refresh the list.',
      );
    return record;
  }

  private save(record: PendingRotationRecord): void {
    const others = this.deps.pending.read().filter((entry) => entry.id !== record.id);
    this.deps.pending.write([...others, record]);
  }

  private forgetRecord(rotationId: string): void {
    this.release(rotationId);
    this.deps.pending.write(this.deps.pending.read().filter((entry) => entry.id !== rotationId));
  }

  private async exclusively<T>(rotationId: string, work: () => Promise<T>): Promise<T> {
    if (this.busy.has(rotationId))
      throw new DeskError(
        'rotation_busy',
        'This rotation is already updating its places. Wait for it to finish.',
      );
    this.busy.add(rotationId);
    try {
      return await work();
    } finally {
      this.busy.delete(rotationId);
    }
  }
}

function earliest(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return Date.parse(a) <= Date.parse(b) ? a : b;
}

/** What a place is, whatever id the service gives it (a rotation's replacement gets new ones). */
function placeKey(place: {
  provider: string;
  host: string;
  target: DestinationTarget;
  name: string;
}): string {
  const target = Object.entries(place.target).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([place.provider, place.host, target, place.name]);
}
