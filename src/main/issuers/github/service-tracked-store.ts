/**
 * The GitHub tokens a person tracks, kept on their Token Desk account's service
 * (vendor `github`, host = the API's origin). The service keeps a vendor's id, name and
 * expiry; which kind of token it is and whose are part of that id here
 * (`classic.ada.<random>`: GitHub logins have no dots), so nothing about a token is
 * lost and a second computer reads the same records. Never a value.
 */
import type { TrackedToken } from '../../../shared/tracked-tokens.js';
import type { TrackedRecords } from '../tracked/tracked-records.js';
import { githubRecordId, parseGitHubRecordId } from './record-id.js';
import type {
  NewTrackedGitHubToken,
  TrackedGitHubToken,
  TrackedGitHubTokenChange,
  TrackedTokenStore,
} from './tracked-token-store.js';

/** A record this store wrote, or null (another writer's, or changed on the way). */
function parse(record: TrackedToken): TrackedGitHubToken | null {
  const parsed = parseGitHubRecordId(record.externalId);
  if (!parsed) return null;
  return {
    id: record.externalId,
    name: record.name,
    kind: parsed.kind,
    login: parsed.login,
    scopes: null,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
    expiryCheckedAt: record.expiryCheckedAt,
    recordId: record.id,
  };
}

function notFound(): Error {
  return Object.assign(new Error('That GitHub token is no longer tracked.'), {
    code: 'token_not_found',
  });
}

const isNotFound = (error: unknown) =>
  typeof error === 'object' &&
  error !== null &&
  ['token_not_found', 'tracked_token_not_found'].includes(
    (error as { code?: unknown }).code as string,
  );

/** Stopped tracking elsewhere since this call read it: the service's 404 as the store's. */
async function goneAsNotFound<T>(request: Promise<T>): Promise<T> {
  try {
    return await request;
  } catch (error) {
    if (isNotFound(error)) throw notFound();
    throw error;
  }
}

export function serviceTrackedStore(records: TrackedRecords): TrackedTokenStore {
  const record = async (id: string) => {
    const found = await records.find(id);
    if (!found) throw notFound();
    return found;
  };
  return {
    async list() {
      return (await records.list()).flatMap((entry) => parse(entry) ?? []);
    },
    async add(token: NewTrackedGitHubToken) {
      const saved = await records.upsert({
        externalId: githubRecordId(token.kind, token.login),
        name: token.name,
        expiresAt: token.expiresAt,
        expiryCheckedAt: token.expiryCheckedAt,
      });
      const parsed = parse(saved);
      if (!parsed) throw new Error('The token service changed the tracked token it saved.');
      return { ...parsed, scopes: token.scopes };
    },
    async update(token: TrackedGitHubToken, change: TrackedGitHubTokenChange) {
      // The record as this call read it; only one from elsewhere is looked up again.
      const before = token.recordId === undefined ? parse(await record(token.id)) : token;
      if (!before?.recordId) throw notFound();
      const kind = change.kind ?? before.kind;
      const login = change.login ?? before.login;
      const saved = await goneAsNotFound(
        records.update(before.recordId, {
          ...(change.name === undefined ? {} : { name: change.name }),
          ...(change.expiresAt === undefined ? {} : { expiresAt: change.expiresAt }),
          ...(change.expiryCheckedAt === undefined
            ? {}
            : { expiryCheckedAt: change.expiryCheckedAt }),
          ...(kind === before.kind && login === before.login
            ? {}
            : { externalId: githubRecordId(kind, login) }),
        }),
      );
      const parsed = parse(saved);
      if (!parsed) throw new Error('The token service changed the tracked token it saved.');
      return { ...parsed, scopes: change.scopes ?? null };
    },
    async remove(token: TrackedGitHubToken) {
      const recordId = token.recordId ?? (await records.find(token.id))?.id;
      if (recordId === undefined) return false;
      try {
        await goneAsNotFound(records.forget(recordId));
      } catch (error) {
        if (isNotFound(error)) return false;
        throw error;
      }
      return true;
    },
  };
}
