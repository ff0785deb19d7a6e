/**
 * Each certificate failure through the real proxy, as the sentence a person reads:
 * unknown authority (another CA, a self-signed server), expired, wrong name; and
 * the added authority trusted for one host only. Never a silent fallback: each
 * failure leaves the site's request handler untouched.
 */
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboundError } from '../../../src/main/net/outbound-error.js';
import { createOutbound, type Outbound } from '../../../src/main/net/outbound.js';
import { TrustedAuthorities } from '../../../src/main/net/trusted-authorities.js';
import type { KeyValueStore } from '../../../src/main/ports.js';
import { makeCorpPki, type CorpPki, type KeyAndCertificate } from '../../support/net/corp-pki.js';
import { startCorpProxy, type CorpProxy } from '../../support/net/corp-network.js';

let pki: CorpPki;
let proxy: CorpProxy;
const answered: string[] = [];
const outbounds: Outbound[] = [];

function site(name: string, identity: KeyAndCertificate): [string, HttpsServer] {
  return [
    name,
    createHttpsServer(identity, (_incoming, outgoing) => {
      answered.push(name);
      outgoing.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    }),
  ];
}

function memoryStore(): KeyValueStore {
  const values = new Map<string, unknown>();
  return {
    get: (key) => values.get(key),
    set: (key, value) => void values.set(key, value),
    delete: (key) => void values.delete(key),
  };
}

/** The outbound layer through the proxy, trusting the company root as `scope` says. */
function outboundTrusting(scope: 'all' | string | null): Outbound {
  const trust = new TrustedAuthorities(memoryStore());
  if (scope === 'all') trust.add(pki.rootCa, { kind: 'all' });
  else if (scope !== null) trust.add(pki.rootCa, { kind: 'host', host: scope });
  const outbound = createOutbound({ env: { HTTPS_PROXY: proxy.url }, trust });
  outbounds.push(outbound);
  return outbound;
}

async function failureOf(outbound: Outbound, url: string): Promise<OutboundError> {
  const error = await outbound(url).then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(OutboundError);
  return error as OutboundError;
}

beforeAll(async () => {
  pki = makeCorpPki();
  proxy = await startCorpProxy({
    sites: new Map([
      site('ghe.corp.test', pki.site('ghe.corp.test')),
      site('tokens.corp.test', pki.site('tokens.corp.test')),
      site('expired.corp.test', pki.expiredSite('expired.corp.test')),
      site('wrong-name.corp.test', pki.site('elsewhere.corp.test')),
      site('other-ca.corp.test', pki.untrustedSite('other-ca.corp.test')),
      site('self-signed.corp.test', pki.selfSignedSite('self-signed.corp.test')),
    ]),
  });
});

afterAll(async () => {
  await Promise.all(outbounds.map((outbound) => outbound.close()));
  await proxy?.close();
  pki?.remove();
});

const VIA = () => `through the proxy ${proxy.url} (from HTTPS_PROXY)`;

describe('certificate failures, each in its sentence', () => {
  it('trusted: the company root makes ghe.corp.test answer', async () => {
    const response = await outboundTrusting('all')('https://ghe.corp.test/api/v3');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it('an expired certificate', async () => {
    const before = answered.length;
    const error = await failureOf(outboundTrusting('all'), 'https://expired.corp.test/');
    expect(error.code).toBe('certificate_expired');
    expect(error.reason).toBe('CERT_HAS_EXPIRED');
    expect(error.message).toBe(
      `The certificate of expired.corp.test has expired, so Token Desk did not send anything ${VIA()}. Whoever runs expired.corp.test needs to renew it; check too that this computer's clock is right.`,
    );
    expect(answered.length).toBe(before);
  });

  it('a certificate for another name', async () => {
    const before = answered.length;
    const error = await failureOf(outboundTrusting('all'), 'https://wrong-name.corp.test/');
    expect(error.code).toBe('certificate_wrong_name');
    expect(error.message).toBe(
      `The certificate wrong-name.corp.test presented is not for wrong-name.corp.test (it is for elsewhere.corp.test), so Token Desk did not send anything ${VIA()}. Check the address; if it is right, the server is misconfigured, or something between you and it is answering in its place.`,
    );
    expect(answered.length).toBe(before);
  });

  it('a certificate from an authority nobody here trusts', async () => {
    const error = await failureOf(outboundTrusting('all'), 'https://other-ca.corp.test/');
    expect(error.code).toBe('certificate_untrusted');
    expect(error.message).toContain(
      'The certificate of other-ca.corp.test is signed by an authority this computer does not trust (unknown authority)',
    );
  });

  it('a self-signed server certificate', async () => {
    const error = await failureOf(outboundTrusting('all'), 'https://self-signed.corp.test/');
    expect(error.code).toBe('certificate_untrusted');
    expect(error.reason).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(error.message).toMatch(
      /^self-signed\.corp\.test presented a self-signed certificate \(unknown authority\)/,
    );
  });

  it('the company root added for ghe.corp.test only: trusted there, not for tokens.corp.test', async () => {
    const outbound = outboundTrusting('GHE.corp.test');
    expect((await outbound('https://ghe.corp.test/')).status).toBe(200);
    const error = await failureOf(outbound, 'https://tokens.corp.test/');
    expect(error.code).toBe('certificate_untrusted');
  });

  it('without the company root, its own sites are unknown authorities too', async () => {
    const error = await failureOf(outboundTrusting(null), 'https://ghe.corp.test/');
    expect(error.code).toBe('certificate_untrusted');
    expect(error.reason).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });
});

describe('what the layer keeps from Node’s fetch', () => {
  it('refuses http:// to another computer, and a URL with credentials, before connecting', async () => {
    const tunnels = proxy.tunnels.length;
    const outbound = outboundTrusting('all');
    await expect(outbound('http://ghe.corp.test/')).rejects.toMatchObject({
      code: 'insecure_url',
    });
    await expect(outbound('https://user:pw@ghe.corp.test/')).rejects.toMatchObject({
      code: 'insecure_url',
      message: expect.not.stringContaining('pw'),
    });
    expect(proxy.tunnels.length).toBe(tunnels);
  });

  it('the caller’s timeout stays the caller’s (a DOMException, not an OutboundError)', async () => {
    const stall = createHttpsServer(pki.site('slow.corp.test'), () => {
      // Never answers.
    });
    const slow = await startCorpProxy({ sites: new Map([['slow.corp.test', stall]]) });
    const trust = new TrustedAuthorities(memoryStore());
    trust.add(pki.rootCa, { kind: 'all' });
    const outbound = createOutbound({ env: { HTTPS_PROXY: slow.url }, trust });
    try {
      const error = await outbound('https://slow.corp.test/', {
        signal: AbortSignal.timeout(300),
      }).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(DOMException);
      expect((error as DOMException).name).toBe('TimeoutError');
    } finally {
      await outbound.close();
      await slow.close();
      stall.close();
    }
  });

  it('does not follow a redirect unless the caller asks', async () => {
    const redirecting = createHttpsServer(pki.site('moved.corp.test'), (_incoming, outgoing) => {
      outgoing.writeHead(302, { location: 'https://ghe.corp.test/' }).end();
    });
    const moved = await startCorpProxy({ sites: new Map([['moved.corp.test', redirecting]]) });
    const trust = new TrustedAuthorities(memoryStore());
    trust.add(pki.rootCa, { kind: 'all' });
    const outbound = createOutbound({ env: { HTTPS_PROXY: moved.url }, trust });
    try {
      await expect(outbound('https://moved.corp.test/')).rejects.toThrow();
      expect(moved.tunnels).toEqual(['moved.corp.test:443']);
    } finally {
      await outbound.close();
      await moved.close();
      redirecting.close();
    }
  });
});
