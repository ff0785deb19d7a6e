import { describe, expect, it } from 'vitest';
import {
  bulkRevokeSummary,
  toggleSelection,
  tokenKey as key,
  tokenCount,
  visibleTokens,
} from '../../../../src/renderer/src/features/tokens/view';
import { NOW, daysFromNow, token } from '../../../support/renderer/tokens';

const ids = (list: Array<{ id: string }>) => list.map((t) => t.id);

describe('visibleTokens', () => {
  const deploy = token({ name: 'deploy', prefix: 'ca_aaa', createdAt: daysFromNow(-3) });
  const backup = token({ name: 'Backup', prefix: 'ca_bbb', createdAt: daysFromNow(-1) });
  const expired = token({ name: 'old', expiresAt: daysFromNow(-2), createdAt: daysFromNow(-50) });
  const expiring = token({ name: 'soon', expiresAt: daysFromNow(3), createdAt: daysFromNow(-40) });
  const idle = token({ name: 'idle', lastUsedAt: null, createdAt: daysFromNow(-30) });
  const all = [deploy, backup, expired, expiring, idle];

  it('matches the search against name and prefix, case-insensitively, trimmed', () => {
    expect(ids(visibleTokens(all, '  DEPLOY ', 'name', NOW))).toEqual([deploy.id]);
    expect(ids(visibleTokens(all, 'ca_bb', 'name', NOW))).toEqual([backup.id]);
    expect(visibleTokens(all, 'nothing', 'name', NOW)).toEqual([]);
  });

  it('applies the health filter together with the search', () => {
    expect(ids(visibleTokens(all, '', 'name', NOW, 'expired'))).toEqual([expired.id]);
    expect(ids(visibleTokens(all, 'idle', 'name', NOW, 'expired'))).toEqual([]);
  });

  it('sorts by name with a collator, by newest, by soonest expiry', () => {
    expect(ids(visibleTokens(all, '', 'name', NOW))).toEqual(
      ids([backup, deploy, idle, expired, expiring]),
    );
    expect(ids(visibleTokens(all, '', 'created', NOW))).toEqual(
      ids([backup, deploy, idle, expiring, expired]),
    );
    expect(ids(visibleTokens(all, '', 'expires', NOW)).slice(0, 2)).toEqual(
      ids([expired, expiring]),
    );
  });

  it('puts what needs attention first, then the rest newest first', () => {
    expect(ids(visibleTokens(all, '', 'attention', NOW))).toEqual(
      ids([expired, expiring, idle, backup, deploy]),
    );
  });

  it('never reorders the list it was given', () => {
    const before = ids(all);
    visibleTokens(all, '', 'name', NOW);
    expect(ids(all)).toEqual(before);
  });
});

describe('tokenCount and bulkRevokeSummary', () => {
  it('counts the list, and what a search shows of it', () => {
    expect(tokenCount(1, 1, false)).toBe('1 token');
    expect(tokenCount(4, 4, false)).toBe('4 tokens');
    expect(tokenCount(1, 4, true)).toBe('1 of 4 tokens');
  });

  it('reports a bulk revoke', () => {
    expect(bulkRevokeSummary(1, 0)).toBe('Revoked 1 token.');
    expect(bulkRevokeSummary(3, 2)).toBe('Revoked 3 tokens; 2 not found.');
  });
});

describe('toggleSelection', () => {
  const list = [token(), token(), token(), token(), token()];
  const [a, b, c, d] = list as [ReturnType<typeof token>, ...ReturnType<typeof token>[]];

  it('flips one token on a plain click', () => {
    const on = toggleSelection(new Set(), list, b!, 1, null, false);
    expect([...on]).toEqual([key(b!)]);
    expect([...toggleSelection(on, list, b!, 1, key(b!), false)]).toEqual([]);
  });

  it('gives a Shift+click range the state of the anchor, in either direction', () => {
    const picked = toggleSelection(new Set([key(a!)]), list, d!, 3, key(a!), true);
    expect([...picked].sort()).toEqual([a!, b!, c!, d!].map(key).sort());
    const cleared = toggleSelection(new Set([key(b!), key(c!)]), list, b!, 1, key(d!), true);
    expect([...cleared]).toEqual([]);
  });

  it('toggles alone when the anchor is no longer shown', () => {
    expect([...toggleSelection(new Set(), list, c!, 2, 'gone', true)]).toEqual([key(c!)]);
  });
});
