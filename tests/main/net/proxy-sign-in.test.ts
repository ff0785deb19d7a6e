/**
 * The proxy's saved sign-in in the outbound layer, against the real forward proxy
 * (proxy-chain) and a site behind it with the company's CA: read from the keychain once
 * per change, not once per request; and once the person signs out of the proxy, never
 * sent again (the proxy counts every refused sign-in), nor kept in a pooled agent.
 */
import type { Server as HttpsServer } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutbound, type Outbound } from '../../../src/main/net/outbound.js';
import type { ProxyCredential, ProxyCredentialSource } from '../../../src/main/ports.js';
import { makeCorpPki, type CorpPki } from '../../support/net/corp-pki.js';
import { startCorpProxy, tlsSite, type CorpProxy } from '../../support/net/corp-network.js';

const SITE = 'https://site.corp.test/';
const AUTH = { username: 'ada.proxy', password: 'proxy-sign-in-pass-7f3a' };

let pki: CorpPki;
let site: HttpsServer;
let proxy: CorpProxy;

/** The keychain's proxy entry, with every read counted. */
class CountingSource implements ProxyCredentialSource {
  reads = 0;
  constructor(public saved: ProxyCredential | null) {}
  async proxyCredential(): Promise<ProxyCredential | null> {
    this.reads++;
    return this.saved;
  }
}

beforeAll(async () => {
  pki = makeCorpPki();
  site = tlsSite(pki.site('site.corp.test'));
  proxy = await startCorpProxy({ sites: new Map([['site.corp.test', site]]), auth: AUTH });
});
afterAll(async () => {
  await proxy?.close();
  site?.close();
  pki?.remove();
});

function outboundWith(source: CountingSource): Outbound {
  return createOutbound({
    env: { HTTPS_PROXY: proxy.url },
    proxyCredentials: source,
    roots: () => [pki.rootCa],
  });
}

async function failureOf(promise: Promise<unknown>): Promise<{ code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string };
  }
  throw new Error('expected a failure');
}

describe("the proxy's saved sign-in", () => {
  it('is read once for many requests, and again only after it changed', async () => {
    const source = new CountingSource(AUTH);
    const outbound = outboundWith(source);
    try {
      for (let i = 0; i < 5; i++) expect((await outbound(SITE)).status).toBe(200);
      expect(source.reads).toBe(1);
      outbound.proxySignInChanged(proxy.url);
      expect((await outbound(SITE)).status).toBe(200);
      expect(source.reads).toBe(2);
    } finally {
      await outbound.close();
    }
  });

  it('is never sent once the person signed out of the proxy', async () => {
    const source = new CountingSource(AUTH);
    const outbound = outboundWith(source);
    try {
      expect((await outbound(SITE)).status).toBe(200);
      const tunnels = proxy.tunnels.length;
      const refused = proxy.refusedForAuth;
      source.saved = null;
      outbound.proxySignInChanged(proxy.url);
      for (let i = 0; i < 3; i++) {
        const failure = await failureOf(outbound(SITE));
        expect(failure.code).toBe('proxy_auth_failed');
      }
      // Every one reached the proxy without the sign-in; none was tunnelled.
      expect(proxy.refusedForAuth - refused).toBeGreaterThanOrEqual(3);
      expect(proxy.tunnels.length).toBe(tunnels);
    } finally {
      await outbound.close();
    }
  });

  it('read before a sign-out and answered after it, is not sent, nor kept in an agent', async () => {
    // The keychain answers the first read only when told: the person signs out meanwhile.
    let answerFirst: (saved: ProxyCredential | null) => void = () => {};
    const source = new CountingSource(null);
    const slow: ProxyCredentialSource = {
      proxyCredential: async () => {
        source.reads++;
        if (source.reads === 1)
          return new Promise<ProxyCredential | null>((resolve) => (answerFirst = resolve));
        return source.saved;
      },
    };
    const outbound = createOutbound({
      env: { HTTPS_PROXY: proxy.url },
      proxyCredentials: slow,
      roots: () => [pki.rootCa],
    });
    try {
      const tunnels = proxy.tunnels.length;
      const refused = proxy.refusedForAuth;
      const pending = failureOf(outbound(SITE));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(source.reads).toBe(1);
      outbound.proxySignInChanged(proxy.url);
      answerFirst(AUTH); // the old sign-in, read before the change
      expect((await pending).code).toBe('proxy_auth_failed');
      // Planned again after the change: nothing saved now, so no sign-in went.
      expect(source.reads).toBe(2);
      expect(proxy.refusedForAuth - refused).toBeGreaterThanOrEqual(1);
      expect(proxy.tunnels.length).toBe(tunnels);
      // And no agent holding the old sign-in was kept for the next request.
      expect((await failureOf(outbound(SITE))).code).toBe('proxy_auth_failed');
      expect(proxy.tunnels.length).toBe(tunnels);
    } finally {
      await outbound.close();
    }
  });
});
