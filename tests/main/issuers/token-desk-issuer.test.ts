import { describe, expect, it } from 'vitest';
import { ISSUERS, isIssuerKind, openIssuer } from '../../../src/main/issuers/registry.js';
import type { ApiClient } from '../../../src/main/services/api-client.js';
import type { SessionService } from '../../../src/main/services/session-service.js';

const ada = { serviceUrl: 'http://127.0.0.1:4780', email: 'ada@example.test' };

/** Records which session each call asked for and what reached the client. */
function recording() {
  const asked: unknown[] = [];
  const calls: unknown[][] = [];
  const sessions = {
    withSession: (
      call: (active: { serviceUrl: string; token: string }) => unknown,
      ref: unknown,
    ) => {
      asked.push(ref);
      return call({ serviceUrl: 'http://127.0.0.1:4780', token: 'ses_ada' });
    },
  } as unknown as SessionService;
  const api = new Proxy(
    {},
    {
      get:
        (_, method) =>
        async (...args: unknown[]) => {
          calls.push([method, ...args]);
          return method === 'listTokens' ? [] : { revoked: [], notFound: [] };
        },
    },
  ) as ApiClient;
  return { asked, calls, sessions, api };
}

describe('the token issuers registry', () => {
  it('lists our service and the vendors main can act at; nothing else is an issuer', () => {
    expect(Object.keys(ISSUERS)).toEqual(['token-desk', 'npm', 'gitlab', 'github', 'cloudflare']);
    expect(isIssuerKind('token-desk')).toBe(true);
    expect(isIssuerKind('circleci')).toBe(false);
    expect(isIssuerKind('__proto__')).toBe(false);
  });

  it('opens our service bound to the connection’s account: every call uses that session', async () => {
    const { asked, calls, sessions, api } = recording();
    const issuer = openIssuer(
      'token-desk',
      { id: 'c-ada', owner: ada, host: ada.serviceUrl, login: ada.email },
      {
        api,
        sessions,
        fetch: () => Promise.reject(new Error('our service goes through the ApiClient')),
        prompt: null,
        externalLinks: null,
        timers: { setTimeout: () => 0, clearTimeout: () => undefined },
        now: Date.now,
        credential: () => Promise.reject(new Error('our service uses the session')),
        trustHost: () => Promise.reject(new Error('our service uses the session')),
        saveCredential: () => Promise.reject(new Error('our service uses the session')),
      },
    );
    expect(issuer.kind).toBe('token-desk');
    expect(issuer.capabilities).toMatchObject({ rotate: true, revokeMany: 100 });

    await issuer.list();
    await issuer.rotate('t1', { gracePeriodSeconds: 60 });
    await issuer.revoke('t2');
    await issuer.revokeMany(['t3', 't4']);

    expect(asked).toEqual([ada, ada, ada, ada]);
    expect(calls).toEqual([
      ['listTokens', 'http://127.0.0.1:4780', 'ses_ada'],
      ['rotateToken', 'http://127.0.0.1:4780', 'ses_ada', 't1', 60],
      ['revokeToken', 'http://127.0.0.1:4780', 'ses_ada', 't2'],
      ['revokeTokens', 'http://127.0.0.1:4780', 'ses_ada', ['t3', 't4']],
    ]);
  });
});
