/** Epoch milliseconds as stored: ISO 8601 UTC, fixed width (see database.ts). */
export const toTimestamp = (ms: number): string => new Date(ms).toISOString();

export const toTimestampOrNull = (ms: number | null): string | null =>
  ms === null ? null : toTimestamp(ms);
