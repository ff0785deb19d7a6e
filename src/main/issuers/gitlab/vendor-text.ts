/**
 * Text GitLab sends that Token Desk shows (token names, project paths, scopes, the
 * username): untrusted. Characters a person cannot see or that reorder the text
 * around them would let a token named `ci-\u200Bgithub` or `\u202Ebuhtig-ic` sit in
 * the list looking like `ci-github`; each run of them becomes one visible U+FFFD, so
 * the difference shows, and the whole is cut to a length a row can hold.
 */

import { UNSEEN_RUNS } from '../../../shared/unseen-text.js';

export const VENDOR_NAME_MAX_LENGTH = 100;

/** `raw` with hidden characters made visible, spaces collapsed, at most `max` characters. */
export function cleanVendorText(raw: string, max = VENDOR_NAME_MAX_LENGTH): string {
  const cleaned = raw.replace(UNSEEN_RUNS, '\uFFFD').replace(/\s+/g, ' ').trim();
  // By code points, so a character outside the BMP is never cut in half.
  const points = Array.from(cleaned);
  return points.length <= max ? cleaned : `${points.slice(0, max - 1).join('')}…`;
}
