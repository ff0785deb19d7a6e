/**
 * Other vendors' tokens beside ours: the list's rules read each token's facts, so what
 * a source cannot say is never taken for a warning, what it says (disabled, expired)
 * is, and what it does not let Token Desk do is not offered.
 */
import { describe, expect, it } from 'vitest';
import {
  attentionOf,
  healthCounts,
  healthOf,
  tokenExpiryLabel,
  tokenExpiryState,
} from '../../../../src/renderer/src/features/tokens/health';
import {
  bulkRevokePlan,
  canRotate,
  mergeInventory,
  rotationWarning,
  showsSources,
  sourceChip,
  sourceOptions,
} from '../../../../src/renderer/src/features/tokens/sources';
import { retriesOnItsOwn } from '../../../../src/renderer/src/features/tokens/hooks/use-token-list';
import { visibleTokens } from '../../../../src/renderer/src/features/tokens/view';
import {
  DESK_CONNECTION,
  NOW,
  daysFromNow,
  source,
  token,
  vendorToken,
} from '../../../support/renderer/tokens';

const ids = (list: Array<{ id: string }>) => list.map((t) => t.id);

describe('what a source cannot say', () => {
  const githubClassic = vendorToken('github', {
    expiresAt: null,
    facts: { unknown: { expiry: 'Unknown until the value is checked against GitHub.' } },
  });
  const npmToken = vendorToken('npm', {
    lastUsedAt: null,
    facts: { unknown: { lastUse: 'npm does not list when a token was last used.' } },
  });

  it('an unknown expiry is "Unknown", never "Never", and never "expires soon" nor expired', () => {
    expect(tokenExpiryState(githubClassic, NOW)).toBe('unknown');
    expect(tokenExpiryLabel(githubClassic, NOW)).toBe('Unknown');
    expect(healthOf(githubClassic, NOW)).toEqual([]);
    expect(attentionOf(githubClassic, NOW)).toBeNull();
    // Without the sentence, no date means it does not expire, as for our own tokens.
    const forever = vendorToken('gitlab', { expiresAt: null });
    expect(tokenExpiryState(forever, NOW)).toBe('none');
    expect(tokenExpiryLabel(forever, NOW)).toBe('Never');
  });

  it('a date the source does give still counts, whatever it cannot say otherwise', () => {
    const soon = vendorToken('github', {
      expiresAt: daysFromNow(2),
      facts: { unknown: { expiry: 'Unknown until the value is checked against GitHub.' } },
    });
    expect(tokenExpiryState(soon, NOW)).toBe('soon');
    expect(healthOf(soon, NOW)).toContain('expiring');
  });

  it('a last use npm does not list is neither "never used" nor "unused"', () => {
    expect(healthOf(npmToken, NOW)).toEqual([]);
    const ours = token({ lastUsedAt: null });
    expect(healthOf(ours, NOW)).toEqual(['never-used']);
    expect(healthCounts([npmToken, ours], NOW)['never-used']).toBe(1);
  });
});

describe('what a source says', () => {
  it('a disabled Cloudflare token needs attention, as "Disabled", before one that expires soon', () => {
    const disabled = vendorToken('cloudflare', { facts: { status: 'disabled' } });
    expect(healthOf(disabled, NOW)).toEqual(['disabled']);
    expect(attentionOf(disabled, NOW)).toMatchObject({ filter: 'disabled', chip: 'Disabled' });
    const soon = token({ expiresAt: daysFromNow(2) });
    expect(ids(visibleTokens([soon, disabled], '', 'attention', NOW))).toEqual([
      disabled.id,
      soon.id,
    ]);
    expect(healthCounts([disabled, soon], NOW)).toMatchObject({ disabled: 1, expiring: 1 });
  });

  it('a token its source calls expired is expired even with no date', () => {
    const expired = vendorToken('gitlab', { expiresAt: null, facts: { status: 'expired' } });
    expect(tokenExpiryState(expired, NOW)).toBe('expired');
    expect(tokenExpiryLabel(expired, NOW)).toBe('Expired');
    expect(attentionOf(expired, NOW)?.chip).toBe('Expired');
  });

  it('a revoked token needs no attention', () => {
    const revoked = vendorToken('gitlab', {
      expiresAt: daysFromNow(-1),
      facts: { status: 'revoked' },
    });
    expect(healthOf(revoked, NOW)).toEqual([]);
  });
});

describe('sources', () => {
  it('are named only once the list can hold more than our own service’s tokens', () => {
    expect(showsSources(null)).toBe(false);
    expect(showsSources([source('token-desk')])).toBe(false);
    expect(showsSources([source('npm')])).toBe(true);
    expect(showsSources([source('token-desk'), source('gitlab')])).toBe(true);
  });

  it('a chip says the vendor, and GitLab’s kind of token', () => {
    expect(sourceChip(token().facts.source)).toBe('Token Desk');
    expect(sourceChip(vendorToken('npm').facts.source)).toBe('npm');
    expect(
      sourceChip({ kind: 'gitlab', variant: 'project', label: 'GitLab project · acme/app' }),
    ).toBe('GitLab project');
    expect(sourceChip(vendorToken('cloudflare').facts.source)).toBe('Cloudflare');
  });

  it('the filter offers every connected source with its count, a failed one too', () => {
    const sources = [
      source('token-desk'),
      source('npm'),
      source('cloudflare', { problem: { code: 'unreachable', message: 'x' } }),
    ];
    const tokens = [token(), token(), vendorToken('npm')];
    expect(sourceOptions(sources, tokens).map((o) => [o.connectionId, o.count])).toEqual([
      [DESK_CONNECTION, 2],
      ['conn-npm', 1],
      ['conn-cloudflare', 0],
    ]);
    expect(ids(visibleTokens(tokens, '', 'name', NOW, null, 'conn-npm'))).toEqual([tokens[2]!.id]);
  });

  it('a failed source keeps the tokens it had; one that answered says what it has now', () => {
    const oldNpm = vendorToken('npm');
    const oldOurs = token();
    const newOurs = token();
    const merged = mergeInventory([oldNpm, oldOurs], {
      sources: [
        source('token-desk'),
        source('npm', { problem: { code: 'unreachable', message: 'npm is away' } }),
      ],
      tokens: [newOurs],
    });
    expect(ids(merged)).toEqual([newOurs.id, oldNpm.id]);
    // On the first answer there is nothing to keep.
    expect(
      mergeInventory(null, {
        sources: [source('token-desk', { problem: { code: 'unreachable', message: 'x' } })],
        tokens: [],
      }),
    ).toEqual([]);
  });
});

describe('actions by facts', () => {
  it('an impossible rotation is not offered; a guided one is', () => {
    expect(canRotate(token())).toBe(true);
    expect(canRotate(vendorToken('npm'))).toBe(true);
    expect(canRotate(vendorToken('github'))).toBe(true);
    expect(canRotate(vendorToken('gitlab', { facts: { rotation: 'none' } }))).toBe(false);
  });

  it('the confirmation says what happens to the old value, per rotation style', () => {
    expect(rotationWarning('at-once', '1 hour')).toMatch(/stops working the moment.*may fail/);
    expect(rotationWarning('create-then-delete', '1 hour')).toMatch(
      /old token is deleted once every place has the new one/,
    );
    expect(rotationWarning('grace', '1 hour')).toMatch(/keeps working for 1 hour/);
    expect(rotationWarning('guided', '1 hour')).toBeNull();
  });

  it('a bulk revoke goes to each token’s own source: in batches where it takes many, else one by one', () => {
    const ours = Array.from({ length: 3 }, () => token());
    const npm = [vendorToken('npm'), vendorToken('npm')];
    const pinned = vendorToken('github', { facts: { canRevoke: false } });
    const plan = bulkRevokePlan(
      [ours[0]!, npm[0]!, ours[1]!, pinned, npm[1]!, ours[2]!],
      [source('token-desk', { revokeMany: 2 }), source('npm', { revokeMany: 0 })],
    );
    expect(plan).toEqual([
      { connectionId: DESK_CONNECTION, ids: [ours[0]!.id, ours[1]!.id], many: true },
      { connectionId: DESK_CONNECTION, ids: [ours[2]!.id], many: true },
      { connectionId: 'conn-npm', ids: [npm[0]!.id], many: false },
      { connectionId: 'conn-npm', ids: [npm[1]!.id], many: false },
    ]);
    // The token its source does not let Token Desk revoke is in no request.
    expect(plan.flatMap((step) => step.ids)).not.toContain(pinned.id);
  });

  it('a source the list does not know revokes one at a time', () => {
    const stray = vendorToken('cloudflare');
    expect(bulkRevokePlan([stray], [])).toEqual([
      { connectionId: 'conn-cloudflare', ids: [stray.id], many: false },
    ]);
  });
});

describe('a source that failed', () => {
  it('is asked again by itself only when it is our own service, away for a while', () => {
    const away = { code: 'unreachable', message: 'away' };
    expect(retriesOnItsOwn(source('token-desk', { problem: away }))).toBe(true);
    expect(
      retriesOnItsOwn(
        source('token-desk', { problem: { code: 'database_unavailable', message: 'db' } }),
      ),
    ).toBe(true);
    expect(
      retriesOnItsOwn(source('token-desk', { problem: { code: 'forbidden', message: 'no' } })),
    ).toBe(false);
    // A vendor's rate limits are not spent every few seconds while it is down.
    expect(retriesOnItsOwn(source('npm', { problem: away }))).toBe(false);
    expect(retriesOnItsOwn(source('token-desk'))).toBe(false);
  });
});
