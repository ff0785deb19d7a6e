/**
 * Dates and durations as people read them in error messages (the Capawesome CLI prints
 * `message` as is). One format everywhere: "2026-11-28 09:31 UTC".
 */

/** `2026-11-28T09:31:32.661Z` (or epoch ms) as `2026-11-28 09:31 UTC`. */
export function formatUtc(value: string | number): string {
  const iso = new Date(value).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** A wait in whole seconds as "45 seconds", "15 minutes" or "2 hours", rounded up. */
export function formatWait(seconds: number): string {
  if (seconds < 90) return seconds === 1 ? '1 second' : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 120) return `${minutes} minutes`;
  return `${Math.ceil(minutes / 60)} hours`;
}
