/**
 * Which tokens need attention, and why: computed from the list itself (expiry, last
 * use and what the token's source says of it), so counting and filtering 5,000 tokens
 * is one pass with no request. Every source's tokens follow the same rules; what a
 * source cannot say (npm lists no last use, a GitHub token's expiry is unknown until
 * checked) is never read as a warning.
 */
import type { DeskToken } from '../../../../shared/ipc-contract';
import { DAY_MS } from '../../../../shared/time';
import { formatRelative } from '../../lib/format';

/** "Expires soon" from this many days out. */
export const EXPIRY_WARNING_DAYS = 7;
export const UNUSED_DAYS = 90;

export type ExpiryState = 'none' | 'ok' | 'soon' | 'expired';

/** The one place the expiry rule is written: the row's colour and the health counts both read it. */
export function expiryState(expiresAt: string | null, now: number): ExpiryState {
  if (expiresAt === null) return 'none';
  const left = Date.parse(expiresAt) - now;
  if (left <= 0) return 'expired';
  return left <= EXPIRY_WARNING_DAYS * DAY_MS ? 'soon' : 'ok';
}

/**
 * A token's expiry as the list reads it: its source calling it expired counts even
 * without a date; an expiry its source cannot say is `unknown`, never "Never".
 */
export function tokenExpiryState(token: DeskToken, now: number): ExpiryState | 'unknown' {
  if (token.facts.status === 'expired') return 'expired';
  if (token.expiresAt === null && token.facts.unknown.expiry) return 'unknown';
  return expiryState(token.expiresAt, now);
}

export function expiryLabel(expiresAt: string | null, now: number): string {
  switch (expiryState(expiresAt, now)) {
    case 'none':
      return 'Never';
    case 'expired':
      return `Expired ${formatRelative(expiresAt as string, now)}`;
    default:
      return `Expires ${formatRelative(expiresAt as string, now)}`;
  }
}

/** The Expires cell's words for any source's token: "Unknown" where its source cannot say. */
export function tokenExpiryLabel(token: DeskToken, now: number): string {
  const state = tokenExpiryState(token, now);
  if (state === 'unknown') return 'Unknown';
  if (state === 'expired' && token.expiresAt === null) return 'Expired';
  return expiryLabel(token.expiresAt, now);
}

/** Whether its source says when it was last used (npm does not): "Never used" only then. */
export const lastUseKnown = (token: DeskToken): boolean =>
  token.lastUsedAt !== null || !token.facts.unknown.lastUse;

export type HealthFilter = 'expiring' | 'expired' | 'disabled' | 'never-used' | 'unused';
export const HEALTH_FILTERS: Array<[HealthFilter, string]> = [
  ['expiring', `Expiring within ${EXPIRY_WARNING_DAYS} days`],
  ['expired', 'Expired'],
  ['disabled', 'Disabled'],
  ['never-used', 'Never used'],
  ['unused', `Not used for ${UNUSED_DAYS} days`],
];
/** Counts shown only when some token has them: no source but another vendor's disables a token. */
export const SHOWN_WHEN_ANY: ReadonlySet<HealthFilter> = new Set(['disabled']);

/** The filters a token falls under; a replaced (in its grace period) or revoked token under none. */
export function healthOf(token: DeskToken, now: number): HealthFilter[] {
  if (token.replacedById || token.facts.status === 'revoked') return [];
  const found: HealthFilter[] = [];
  const expiry = tokenExpiryState(token, now);
  if (expiry === 'expired') found.push('expired');
  else if (expiry === 'soon') found.push('expiring');
  if (token.facts.status === 'disabled') found.push('disabled');
  if (token.lastUsedAt === null) {
    if (lastUseKnown(token)) found.push('never-used');
  } else if (now - Date.parse(token.lastUsedAt) >= UNUSED_DAYS * DAY_MS) found.push('unused');
  return found;
}

export type HealthCounts = Record<HealthFilter, number>;

export function healthCounts(tokens: DeskToken[], now: number): HealthCounts {
  const counts: HealthCounts = {
    expiring: 0,
    expired: 0,
    disabled: 0,
    'never-used': 0,
    unused: 0,
  };
  for (const token of tokens) for (const filter of healthOf(token, now)) counts[filter] += 1;
  return counts;
}

/** Most urgent first: what is broken, what breaks soonest, then dead weight. */
const URGENCY: HealthFilter[] = ['expired', 'disabled', 'expiring', 'unused', 'never-used'];

/** Ranks at or under this are about expiry or breakage: the list orders them by expiry. */
export const URGENT_RANK = URGENCY.indexOf('expiring');

/** Why a row needs attention: the chip's words, and the sentence a screen reader hears. */
const ATTENTION: Record<HealthFilter, { chip: string; reason: string }> = {
  expired: { chip: 'Expired', reason: 'Expired: replace it or revoke it' },
  disabled: {
    chip: 'Disabled',
    reason: 'Disabled at its source: every request with it is refused',
  },
  expiring: { chip: 'Expires soon', reason: `Expires within ${EXPIRY_WARNING_DAYS} days` },
  unused: {
    chip: `Unused ${UNUSED_DAYS} days`,
    reason: `Not used for ${UNUSED_DAYS} days or more`,
  },
  'never-used': { chip: 'Never used', reason: 'Never used' },
};

/** The most urgent reason a row needs attention, in words; null when it needs none. */
export function attentionOf(
  token: DeskToken,
  now: number,
): { filter: HealthFilter; chip: string; reason: string } | null {
  const health = healthOf(token, now);
  const filter = URGENCY.find((f) => health.includes(f));
  return filter ? { filter, ...ATTENTION[filter] } : null;
}

/** Lower first: what is broken or breaks soonest, then dead weight, then the rest. */
export function attentionRank(token: DeskToken, now: number): number {
  const attention = attentionOf(token, now);
  return attention ? URGENCY.indexOf(attention.filter) : URGENCY.length;
}

/** Why a row needs attention, in words; null when it does not. */
export function attentionReason(token: DeskToken, now: number): string | null {
  return attentionOf(token, now)?.reason ?? null;
}
