import type { ApiToken } from '../../../src/shared/api-schemas';

export const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const DAY = 24 * 60 * 60 * 1000;
export const daysFromNow = (days: number): string => new Date(NOW + days * DAY).toISOString();

let next = 1;
/** A token as the service lists it; fields not given are a healthy, recently used token. */
export function token(fields: Partial<ApiToken> = {}): ApiToken {
  const id = `tok-${next++}`;
  return {
    id,
    name: id,
    prefix: `ca_${id}`,
    createdAt: daysFromNow(-10),
    lastUsedAt: daysFromNow(-1),
    lastUsedIp: null,
    lastUsedUserAgent: null,
    expiresAt: daysFromNow(60),
    destinationCount: 0,
    replacedById: null,
    graceEndsAt: null,
    ...fields,
  };
}
