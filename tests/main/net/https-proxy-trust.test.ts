/**
 * An HTTPS proxy's own certificate is checked against the authorities trusted for the
 * proxy's host, not for the site asked for: an authority a person added for one site
 * must not vouch for whatever proxy the request goes through. The real forward proxy
 * (proxy-chain) behind a TLS front on loopback, its certificate signed by another
 * authority than the site's.
 */
import { connect as connectTcp } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import type { Server as HttpsServer } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutbound } from '../../../src/main/net/outbound.js';
import type { TrustSource } from '../../../src/main/net/trusted-authorities.js';
import { makeCorpPki, type CorpPki } from '../../support/net/corp-pki.js';
import { startCorpProxy, tlsSite, type CorpProxy } from '../../support/net/corp-network.js';

const SITE = 'https://site.corp.test/';

let pki: CorpPki;
let site: HttpsServer;
let proxy: CorpProxy;
let front: TlsServer;
let httpsProxyUrl: string;

beforeAll(async () => {
  pki = makeCorpPki();
  site = tlsSite(pki.site('site.corp.test'));
  proxy = await startCorpProxy({ sites: new Map([['site.corp.test', site]]) });
  const proxyPort = Number(new URL(proxy.url).port);
  // The proxy's certificate is signed by the other authority, not the company's root.
  front = createTlsServer(pki.untrustedSite('localhost'), (socket) => {
    const upstream = connectTcp(proxyPort, '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    const end = () => {
      socket.destroy();
      upstream.destroy();
    };
    socket.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  const address = front.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  httpsProxyUrl = `https://localhost:${address.port}`;
});
afterAll(async () => {
  front?.close();
  await proxy?.close();
  site?.close();
  pki?.remove();
});

/** The other authority added for `host` only. */
function trustedFor(host: string): TrustSource {
  return { addedFor: (hostname) => (hostname.toLowerCase() === host ? [pki.otherCa] : []) };
}

async function failureOf(promise: Promise<unknown>): Promise<{ code?: string; message?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; message?: string };
  }
  throw new Error('expected a failure');
}

describe("an HTTPS proxy's certificate", () => {
  it('is not vouched for by an authority trusted for the site only', async () => {
    const outbound = createOutbound({
      env: { HTTPS_PROXY: httpsProxyUrl },
      roots: () => [pki.rootCa],
      trust: trustedFor('site.corp.test'),
    });
    const tunnels = proxy.tunnels.length;
    try {
      const failure = await failureOf(outbound(SITE));
      expect(failure.code).toMatch(/^certificate_|^proxy_/);
      expect(proxy.tunnels.length).toBe(tunnels);
    } finally {
      await outbound.close();
    }
  });

  it('is trusted when its authority is added for the proxy host', async () => {
    const outbound = createOutbound({
      env: { HTTPS_PROXY: httpsProxyUrl },
      roots: () => [pki.rootCa],
      trust: trustedFor('localhost'),
    });
    try {
      expect((await outbound(SITE)).status).toBe(200);
      expect(proxy.tunnels.at(-1)).toBe('site.corp.test:443');
    } finally {
      await outbound.close();
    }
  });
});
