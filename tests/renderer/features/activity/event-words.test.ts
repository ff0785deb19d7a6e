import { describe, expect, it } from 'vitest';
import type { AccountEvent } from '../../../../src/shared/events';
import {
  actorWords,
  clientWords,
  detailWords,
  EVENT_LABELS,
} from '../../../../src/renderer/src/features/activity/event-words';

function event(over: Partial<AccountEvent>): AccountEvent {
  return {
    id: 'e1',
    kind: 'token.created',
    at: '2026-01-01T00:00:00.000Z',
    tokenId: 't1',
    tokenName: 'deploy',
    sessionId: null,
    actor: { kind: 'session', id: 's1' },
    ip: '127.0.0.1',
    userAgent: null,
    details: {},
    ...over,
  };
}

describe('an event in words', () => {
  it('names who did it without jargon', () => {
    expect(actorWords(event({}))).toBe('in Token Desk');
    expect(actorWords(event({ actor: { kind: 'api_token', id: 't1' } }))).toBe('by an API token');
    expect(actorWords(event({ actor: { kind: 'service', id: null } }))).toBe(
      'by the token service',
    );
  });

  it('names a place by its provider’s display name, without parentheses', () => {
    const sent = event({
      kind: 'destination.added',
      details: { provider: 'github', host: 'https://api.github.com', name: 'CAPAWESOME_TOKEN' },
    });
    expect(detailWords(sent)).toBe('CAPAWESOME_TOKEN on GitHub');
    expect(detailWords({ ...sent, details: { provider: 'gitlab', name: 'X' } })).toBe(
      'X on GitLab',
    );
    // A provider this app does not know is shown as the service wrote it.
    expect(detailWords({ ...sent, details: { provider: 'bitbucket', name: 'X' } })).toBe(
      'X on bitbucket',
    );
    expect(detailWords({ ...sent, details: { name: 'X' } })).toBe('X');
  });

  it('names the client in words, and says nothing of the app’s own requests', () => {
    expect(clientWords(event({ userAgent: 'node' }))).toBeNull();
    expect(clientWords(event({ userAgent: 'node', actor: { kind: 'api_token', id: 't1' } }))).toBe(
      'a Node.js program',
    );
    expect(clientWords(event({ userAgent: 'curl/8.5.0' }))).toBe('curl 8.5.0');
    expect(clientWords(event({ userAgent: 'Mozilla/5.0 (X11; Linux x86_64)' }))).toBe(
      'a web browser',
    );
    expect(clientWords(event({ userAgent: '@capawesome/cli/3.1.0' }))).toBe('the Capawesome CLI');
    expect(clientWords(event({ userAgent: 'my-script/1.0' }))).toBe('my-script/1.0');
    expect(clientWords(event({ userAgent: null }))).toBeNull();
  });

  it('keeps the revoke and refusal reasons', () => {
    expect(detailWords(event({ kind: 'token.revoked', details: { reason: 'rotated' } }))).toBe(
      'replaced by a rotation',
    );
  });

  it('says why a use was refused once: the label does not repeat the reason', () => {
    const refused = (details: Record<string, unknown>) =>
      [EVENT_LABELS['token.refused'], detailWords(event({ kind: 'token.refused', details }))].join(
        ' · ',
      );
    expect(refused({ reason: 'revoked' })).toBe('Use refused · the token had been revoked');
    expect(refused({ reason: 'expired' })).toBe('Use refused · the token had expired');
    // An older service, or one that names a reason we do not know: still one clear phrase,
    // never the service's word echoed into the sentence.
    expect(refused({})).toBe('Use refused · the token was revoked or had expired');
    expect(refused({ reason: 'rm -rf' })).toBe(
      'Use refused · the token was revoked or had expired',
    );
    for (const words of [refused({ reason: 'revoked' }), refused({ reason: 'expired' })])
      expect(words.match(/revoked|expired/g), words).toHaveLength(1);
  });
});
