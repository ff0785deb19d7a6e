/**
 * Which tokens need attention, and why: computed from the list itself (expiry and
 * last use), so counting and filtering 5,000 tokens is one pass with no request.
 */
import type { ApiToken } from '../../../../shared/api-schemas';
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

export type HealthFilter = 'expiring' | 'expired' | 'never-used' | 'unused';
export const HEALTH_FILTERS: Array<[HealthFilter, string]> = [
  ['expiring', `Expiring within ${EXPIRY_WARNING_DAYS} days`],
  ['expired', 'Expired'],
  ['never-used', 'Never used'],
  ['unused', `Not used for ${UNUSED_DAYS} days`],
];

/** The filters a token falls under; a replaced token (in its grace period) under none. */
export function healthOf(token: ApiToken, now: number): HealthFilter[] {
  if (token.replacedById) return [];
  const found: HealthFilter[] = [];
  const expiry = expiryState(token.expiresAt, now);
  if (expiry === 'expired') found.push('expired');
  else if (expiry === 'soon') found.push('expiring');
  if (token.lastUsedAt === null) found.push('never-used');
  else if (now - Date.parse(token.lastUsedAt) >= UNUSED_DAYS * DAY_MS) found.push('unused');
  return found;
}

export type HealthCounts = Record<HealthFilter, number>;

export function healthCounts(tokens: ApiToken[], now: number): HealthCounts {
  const counts: HealthCounts = { expiring: 0, expired: 0, 'never-used': 0, unused: 0 };
  for (const token of tokens) for (const filter of healthOf(token, now)) counts[filter] += 1;
  return counts;
}

/** Most urgent first: what breaks soonest, then dead weight. */
const URGENCY: HealthFilter[] = ['expired', 'expiring', 'unused', 'never-used'];

/** Why a row needs attention: the chip's words, and the sentence a screen reader hears. */
const ATTENTION: Record<HealthFilter, { chip: string; reason: string }> = {
  expired: { chip: 'Expired', reason: 'Expired: replace it or revoke it' },
  expiring: { chip: 'Expires soon', reason: `Expires within ${EXPIRY_WARNING_DAYS} days` },
  unused: {
    chip: `Unused ${UNUSED_DAYS} days`,
    reason: `Not used for ${UNUSED_DAYS} days or more`,
  },
  'never-used': { chip: 'Never used', reason: 'Never used' },
};

/** The most urgent reason a row needs attention, in words; null when it needs none. */
export function attentionOf(
  token: ApiToken,
  now: number,
): { filter: HealthFilter; chip: string; reason: string } | null {
  const health = healthOf(token, now);
  const filter = URGENCY.find((f) => health.includes(f));
  return filter ? { filter, ...ATTENTION[filter] } : null;
}

/** Lower first: what breaks soonest, then dead weight, then the rest. */
export function attentionRank(token: ApiToken, now: number): number {
  const attention = attentionOf(token, now);
  return attention ? URGENCY.indexOf(attention.filter) : URGENCY.length;
}

/** Why a row needs attention, in words; null when it does not. */
export function attentionReason(token: ApiToken, now: number): string | null {
  return attentionOf(token, now)?.reason ?? null;
}
