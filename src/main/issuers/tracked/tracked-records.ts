/**
 * Another vendor's tokens as the person's Token Desk account keeps them: metadata
 * (vendor, host, the vendor's id, name, expiry) and where each was sent, on the
 * account's own service, so a second computer sees them too. Never a secret. Every
 * call uses the owning account's session, whatever account is active meanwhile.
 */
import type { Destination, DestinationInput } from '../../../shared/ci-destinations.js';
import type {
  TrackedToken,
  TrackedTokenChange,
  TrackedVendor,
} from '../../../shared/tracked-tokens.js';
import { DeskError } from '../../desk-error.js';
import type { RecordOwner } from '../../local-store.js';
import type { ApiClient } from '../../services/api-client.js';
import type { SessionService } from '../../services/session-service.js';
import type { TokenPlaces } from '../token-places.js';
import { isRecordOf } from '../github/record-id.js';

/** The service keeps a vendor's origin (no path): a registry under a path is known by its origin. */
export function trackedHost(host: string): string {
  try {
    return new URL(host).origin;
  } catch {
    return host;
  }
}

/** Which of a vendor's records on the host one connection may see, by the vendor's id. */
export type RecordScope = (externalId: string) => boolean;

const EVERY_RECORD: RecordScope = () => true;

/**
 * Lists of one account's records of one vendor and host that are on their way right
 * now, per API client: an inventory asks for GitHub's tokens and for their places'
 * counts at once, and both take the one answer. An entry lives until its answer is in,
 * and a write drops it, so no read ever gets an answer older than its own start.
 */
const listsInFlight = new WeakMap<ApiClient, Map<string, Promise<TrackedToken[]>>>();

export class TrackedRecords {
  constructor(
    private readonly api: ApiClient,
    private readonly sessions: Pick<SessionService, 'withSession'>,
    private readonly owner: RecordOwner,
    readonly vendor: TrackedVendor,
    host: string,
    private readonly scope: RecordScope = EVERY_RECORD,
  ) {
    this.host = trackedHost(host);
  }

  readonly host: string;

  private call<T>(request: (serviceUrl: string, token: string) => Promise<T>): Promise<T> {
    return this.sessions.withSession(
      (active) => request(active.serviceUrl, active.token),
      this.owner,
    );
  }

  /**
   * This vendor's and host's records in the connection's scope (the service may answer
   * more: only these are kept).
   */
  async list(): Promise<TrackedToken[]> {
    const all = await this.listShared();
    return all.filter(
      (record) =>
        record.vendor === this.vendor && record.host === this.host && this.scope(record.externalId),
    );
  }

  async find(externalId: string): Promise<TrackedToken | undefined> {
    return (await this.list()).find((record) => record.externalId === externalId);
  }

  upsert(input: {
    externalId: string;
    name: string;
    expiresAt?: string | null;
    expiryCheckedAt?: string | null;
  }): Promise<TrackedToken> {
    // The service's upsert would find another connection's record by its id and answer it.
    this.requireInScope(input.externalId);
    this.writing();
    return this.call((url, token) =>
      this.api.trackToken(url, token, { vendor: this.vendor, host: this.host, ...input }),
    );
  }

  /** `id` is the service's, from this connection's list; a new vendor id must stay in scope. */
  update(id: string, change: TrackedTokenChange): Promise<TrackedToken> {
    if (change.externalId !== undefined) this.requireInScope(change.externalId);
    this.writing();
    return this.call((url, token) => this.api.updateTrackedToken(url, token, id, change));
  }

  forget(id: string): Promise<void> {
    this.writing();
    return this.call((url, token) => this.api.forgetTrackedToken(url, token, id));
  }

  addPlace(id: string, input: DestinationInput): Promise<Destination> {
    this.writing();
    return this.call((url, token) => this.api.addTrackedDestination(url, token, id, input));
  }

  removePlace(id: string, destinationId: string): Promise<void> {
    this.writing();
    return this.call((url, token) =>
      this.api.removeTrackedDestination(url, token, id, destinationId),
    );
  }

  private get inFlight(): Map<string, Promise<TrackedToken[]>> {
    let lists = listsInFlight.get(this.api);
    if (!lists) listsInFlight.set(this.api, (lists = new Map()));
    return lists;
  }

  private get listKey(): string {
    return JSON.stringify([this.owner.serviceUrl, this.owner.email, this.vendor, this.host]);
  }

  /** The service's list, joined when the same one is already on its way (a copy each). */
  private async listShared(): Promise<TrackedToken[]> {
    const key = this.listKey;
    const running = this.inFlight.get(key);
    if (running) return structuredClone(await running);
    const read = this.call((url, token) =>
      this.api.listTrackedTokens(url, token, { vendor: this.vendor, host: this.host }),
    );
    this.inFlight.set(key, read);
    try {
      return await read;
    } finally {
      if (this.inFlight.get(key) === read) this.inFlight.delete(key);
    }
  }

  /** A write is about to change the records: a list already on its way may miss it. */
  private writing(): void {
    this.inFlight.delete(this.listKey);
  }

  private requireInScope(externalId: string): void {
    if (!this.scope(externalId))
      throw new DeskError(
        'token_not_found',
        'That token is not tracked under this connection, so nothing was recorded.',
      );
  }
}

/**
 * The records one connection sees: on GitHub only its own login's (the service keeps
 * every GitHub record of the account under one host, the login in each id); other
 * vendors' ids are the vendor's own, found only through the connection's credential.
 */
export function trackedRecordsOf(
  connection: { owner: RecordOwner; kind: string; host: string; login: string },
  deps: { api: ApiClient; sessions: Pick<SessionService, 'withSession'> },
): TrackedRecords {
  const vendor = connection.kind as TrackedVendor;
  return new TrackedRecords(
    deps.api,
    deps.sessions,
    connection.owner,
    vendor,
    connection.host,
    vendor === 'github' ? isRecordOf(connection.login) : EVERY_RECORD,
  );
}

/**
 * Where a vendor token was sent, kept by its id at the vendor. Opened for one call (a
 * rotation's pushes share one): the service's id of a token's record, once looked up to
 * record a push, is used for the next push's record instead of listing again.
 */
export function trackedPlaces(records: TrackedRecords): TokenPlaces {
  const recordIds = new Map<string, string>();
  return {
    async list(tokenId) {
      return (await records.find(tokenId))?.places ?? [];
    },
    async add(tokenId, input, { name }) {
      let recordId = recordIds.get(tokenId);
      if (recordId === undefined) {
        const record =
          (await records.find(tokenId)) ?? (await records.upsert({ externalId: tokenId, name }));
        recordIds.set(tokenId, (recordId = record.id));
      }
      return records.addPlace(recordId, input);
    },
    async remove(tokenId, destinationId) {
      const record = await records.find(tokenId);
      if (!record)
        throw new DeskError(
          'destination_not_found',
          'That place is not recorded for this token any more. Close the details and open them again.',
        );
      await records.removePlace(record.id, destinationId);
    },
    async follow(previousId, replacement) {
      const record = await records.find(previousId);
      if (!record) return;
      await records.update(record.id, { externalId: replacement.id, name: replacement.name });
    },
    async counts() {
      return new Map(
        (await records.list()).map((record) => [record.externalId, record.places.length]),
      );
    },
  };
}
