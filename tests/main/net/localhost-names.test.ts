/**
 * Names under .localhost are refused by the outbound layer on every path (a request, the
 * route Settings shows, the connection check's probe) before anything leaves: to some
 * resolvers they are this computer (so they would skip the proxy), to DNS any address.
 * localhost itself stays this computer's: never proxied, http allowed. Against the real
 * forward proxy, which must see nothing.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutbound } from '../../../src/main/net/outbound.js';
import { startCorpProxy, type CorpProxy } from '../../support/net/corp-network.js';

let proxy: CorpProxy;
let local: Server;
let localPort: number;

beforeAll(async () => {
  proxy = await startCorpProxy({ sites: new Map() });
  local = createServer((_request, response) => response.end('ok'));
  await new Promise<void>((resolve) => local.listen(0, '127.0.0.1', resolve));
  localPort = (local.address() as { port: number }).port;
});
afterAll(async () => {
  await proxy?.close();
  local?.close();
});

async function failureOf(promise: Promise<unknown>): Promise<{ code?: string; message?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; message?: string };
  }
  throw new Error('expected a failure');
}

describe('names under .localhost', () => {
  it.each([
    'https://api.localhost/',
    'https://API.LOCALHOST./',
    'http://api.localhost/',
    'https://a.b.localhost:8443/',
  ])('%s is refused everywhere, and the proxy sees nothing', async (url) => {
    const outbound = createOutbound({ env: { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url } });
    const tunnels = proxy.tunnels.length;
    try {
      for (const attempt of [
        () => outbound(url),
        () => outbound.routeFor(url),
        () => outbound.probe(url, 5000),
      ]) {
        const failure = await failureOf(attempt());
        expect(failure.code).toBe('insecure_url');
        expect(failure.message).toMatch(/\.localhost/);
      }
      expect(proxy.tunnels.length).toBe(tunnels);
    } finally {
      await outbound.close();
    }
  });

  it('localhost itself is this computer: not proxied, http allowed', async () => {
    const outbound = createOutbound({ env: { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url } });
    try {
      expect(await outbound.routeFor(`http://localhost:${localPort}/`)).toBeNull();
      const response = await outbound(`http://localhost:${localPort}/`);
      expect(await response.text()).toBe('ok');
    } finally {
      await outbound.close();
    }
  });
});
