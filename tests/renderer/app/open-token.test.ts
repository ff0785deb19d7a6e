/**
 * A clicked expiry reminder opens its token in the list: the one of that connection with
 * that id. Ids are each vendor's own, so two sources may list the same one (two GitLab
 * instances' `personal-5`); the id alone would open whichever came first.
 */
import { describe, expect, it } from 'vitest';
import { opensToken, type OpenTokenEvent } from '../../../src/shared/ipc-channels';
import { vendorToken } from '../../support/renderer/tokens';

const event: OpenTokenEvent = {
  account: { serviceUrl: 'https://desk.example.test', email: 'ada@example.test' },
  connectionId: 'conn-gitlab-two',
  tokenId: 'personal-5',
};

describe('which token a reminder’s click opens', () => {
  it('the token of the reminder’s connection, not another source’s with the same id', () => {
    const first = vendorToken('gitlab', {
      id: 'personal-5',
      issuer: { connectionId: 'conn-gitlab-one', kind: 'gitlab' },
    });
    const second = vendorToken('gitlab', {
      id: 'personal-5',
      issuer: { connectionId: 'conn-gitlab-two', kind: 'gitlab' },
    });
    expect([first, second].find((token) => opensToken(event, token))).toBe(second);
    expect(opensToken(event, first)).toBe(false);
  });

  it('nothing when the connection has no token of that id', () => {
    const other = vendorToken('gitlab', {
      id: 'personal-6',
      issuer: { connectionId: 'conn-gitlab-two', kind: 'gitlab' },
    });
    expect(opensToken(event, other)).toBe(false);
  });
});
