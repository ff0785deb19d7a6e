/** The token routes' checks of what a request sent, each problem in its own sentence. */
import { DAY_MS } from '../../../shared/time.js';
import { MAX_BULK_REVOKE } from '../../../shared/api-schemas.js';
import { ApiError, describeValidationError } from '../../errors.js';

/** `expiresAt` from the body as epoch ms: null for no expiry, else in (now, now + max]. */
export function parseExpiry(
  raw: string | null | undefined,
  now: number,
  maxLifetimeMs: number,
): number | null {
  if (raw === undefined || raw === null) return null;
  const expiresAt = Date.parse(raw);
  if (Number.isNaN(expiresAt)) {
    throw new ApiError(
      400,
      'invalid_expiry',
      'expiresAt must be a date and time such as 2027-01-31T12:00:00Z.',
    );
  }
  if (expiresAt <= now)
    throw new ApiError(400, 'invalid_expiry', 'expiresAt must be in the future.');
  if (expiresAt > now + maxLifetimeMs) {
    const days = Math.floor(maxLifetimeMs / DAY_MS);
    throw new ApiError(
      400,
      'invalid_expiry',
      `expiresAt must be at most ${days} days from now, or null for a token that does not expire.`,
    );
  }
  return expiresAt;
}

/**
 * The bulk revoke body, with a sentence per problem (the schema's first error would say
 * "must NOT have more than 100 items"). Returns the ids.
 */
export function checkBulkIds(
  body: unknown,
  invalid: { validation?: unknown } | undefined,
): string[] {
  const bad = (message: string) => new ApiError(400, 'invalid_request', message);
  const ids =
    typeof body === 'object' && body !== null && !Array.isArray(body)
      ? (body as { ids?: unknown }).ids
      : undefined;
  if (!Array.isArray(ids)) {
    throw bad(`Send {"ids": [...]} with 1 to ${MAX_BULK_REVOKE} token ids to revoke.`);
  }
  if (ids.length === 0) throw bad('ids is empty: list at least one token id to revoke.');
  if (ids.length > MAX_BULK_REVOKE) {
    throw bad(
      `ids lists ${ids.length} tokens; at most ${MAX_BULK_REVOKE} can be revoked at once. Send them in several requests.`,
    );
  }
  const seen = new Set<string>();
  for (const [index, id] of ids.entries()) {
    if (typeof id !== 'string' || id === '') {
      throw bad(`ids[${index}] must be a token id (a non-empty string).`);
    }
    if (id.length > 100) throw bad(`ids[${index}] is longer than any token id (100 characters).`);
    if (seen.has(id))
      throw bad(`ids lists ${JSON.stringify(id)} more than once; list each token once.`);
    seen.add(id);
  }
  if (invalid) {
    // Anything else the schema refuses (an unknown field beside ids).
    throw bad(
      describeValidationError(
        'body',
        ((invalid as { validation?: unknown }).validation ?? []) as Parameters<
          typeof describeValidationError
        >[1],
      ),
    );
  }
  return ids as string[];
}
