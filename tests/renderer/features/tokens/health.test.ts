import { describe, expect, it } from 'vitest';
import {
  attentionOf,
  attentionRank,
  attentionReason,
  expiryLabel,
  expiryState,
  healthCounts,
  healthOf,
} from '../../../../src/renderer/src/features/tokens/health';
import { NOW, daysFromNow, token } from '../../../support/renderer/tokens';

describe('expiryState', () => {
  it('is "soon" from 7 days out, "expired" from the instant it ends, "none" without an expiry', () => {
    expect(expiryState(null, NOW)).toBe('none');
    expect(expiryState(daysFromNow(8), NOW)).toBe('ok');
    expect(expiryState(daysFromNow(7), NOW)).toBe('soon');
    expect(expiryState(daysFromNow(0.001), NOW)).toBe('soon');
    expect(expiryState(daysFromNow(0), NOW)).toBe('expired');
    expect(expiryState(daysFromNow(-3), NOW)).toBe('expired');
  });

  it('labels an expiry in words', () => {
    expect(expiryLabel(null, NOW)).toBe('Never');
    expect(expiryLabel(daysFromNow(3), NOW)).toMatch(/^Expires in 3 days$/);
    expect(expiryLabel(daysFromNow(-2), NOW)).toMatch(/^Expired 2 days ago$/);
  });
});

describe('healthOf', () => {
  it('agrees with expiryState on what is expiring and expired', () => {
    for (const days of [-5, 0, 0.5, 7, 7.01, 30]) {
      const expiresAt = daysFromNow(days);
      const health = healthOf(token({ expiresAt }), NOW);
      const state = expiryState(expiresAt, NOW);
      expect(health.includes('expired')).toBe(state === 'expired');
      expect(health.includes('expiring')).toBe(state === 'soon');
    }
  });

  it('names never-used and unused-for-90-days tokens', () => {
    expect(healthOf(token({ lastUsedAt: null }), NOW)).toEqual(['never-used']);
    expect(healthOf(token({ lastUsedAt: daysFromNow(-90) }), NOW)).toEqual(['unused']);
    expect(healthOf(token({ lastUsedAt: daysFromNow(-89) }), NOW)).toEqual([]);
  });

  it('puts a token replaced by a rotation under no filter', () => {
    const replaced = token({ expiresAt: daysFromNow(-1), lastUsedAt: null, replacedById: 'x' });
    expect(healthOf(replaced, NOW)).toEqual([]);
    expect(attentionReason(replaced, NOW)).toBeNull();
  });
});

describe('healthCounts and attention', () => {
  const tokens = [
    token({ expiresAt: daysFromNow(-1) }),
    token({ expiresAt: daysFromNow(2), lastUsedAt: null }),
    token({ lastUsedAt: null }),
    token({ lastUsedAt: daysFromNow(-200) }),
    token(),
  ];

  it('counts each token under every filter it falls under', () => {
    expect(healthCounts(tokens, NOW)).toEqual({
      expired: 1,
      expiring: 1,
      disabled: 0,
      'never-used': 2,
      unused: 1,
    });
  });

  it('ranks what breaks soonest first, then dead weight, then the rest', () => {
    // Rank 1 is a token its source disabled (vendor-tokens.test.ts): none of ours here.
    expect(tokens.map((t) => attentionRank(t, NOW))).toEqual([0, 2, 4, 3, 5]);
  });

  it('says why a row needs attention', () => {
    expect(tokens.map((t) => attentionReason(t, NOW))).toEqual([
      'Expired: replace it or revoke it',
      'Expires within 7 days',
      'Never used',
      'Not used for 90 days or more',
      null,
    ]);
  });

  it('puts the most urgent reason on the row’s chip in a few words', () => {
    expect(tokens.map((t) => attentionOf(t, NOW)?.chip ?? null)).toEqual([
      'Expired',
      'Expires soon',
      'Never used',
      'Unused 90 days',
      null,
    ]);
  });
});
