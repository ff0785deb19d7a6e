/**
 * A CA file is checked when added, on hostile input first: a pasted private key is
 * refused loudly and nothing is kept; non-PEM, a server's own certificate, an
 * expired authority are refused with a sentence; a good one shows subject,
 * issuer, dates and fingerprint, and is kept for every host or one host.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectCaFile } from '../../../src/main/net/ca-file.js';
import { TrustedAuthorities } from '../../../src/main/net/trusted-authorities.js';
import type { KeyValueStore } from '../../../src/main/ports.js';
import { makeCorpPki, type CorpPki } from '../../support/net/corp-pki.js';

let pki: CorpPki;
beforeAll(() => {
  pki = makeCorpPki();
});
afterAll(() => pki?.remove());

function memoryStore(): KeyValueStore & { dump(): string } {
  const values = new Map<string, unknown>();
  return {
    get: (key) => values.get(key),
    set: (key, value) => void values.set(key, structuredClone(value)),
    delete: (key) => void values.delete(key),
    dump: () => JSON.stringify([...values.entries()]),
  };
}

describe('inspectCaFile refuses', () => {
  it('a private key, alone or beside a certificate, and keeps nothing of it', () => {
    const store = memoryStore();
    const trust = new TrustedAuthorities(store);
    for (const pem of [
      pki.privateKey,
      `${pki.rootCa}\n${pki.privateKey}`,
      `${pki.privateKey}${pki.rootCa}`,
    ]) {
      expect(() => trust.add(pem, { kind: 'all' })).toThrow(
        expect.objectContaining({
          code: 'ca_file_private_key',
          message: expect.stringMatching(/^This file holds a PRIVATE KEY\./),
        }),
      );
    }
    expect(store.dump()).not.toContain('PRIVATE');
    expect(store.dump()).not.toContain(pki.rootCa.split('\n')[1]);
    expect(trust.list()).toEqual([]);
  });

  it('an encrypted or OpenSSH private key too', () => {
    for (const kind of ['ENCRYPTED PRIVATE KEY', 'OPENSSH PRIVATE KEY', 'RSA PRIVATE KEY']) {
      expect(() => inspectCaFile(`-----BEGIN ${kind}-----\nAAAA\n-----END ${kind}-----\n`)).toThrow(
        expect.objectContaining({ code: 'ca_file_private_key' }),
      );
    }
  });

  it.each([
    ['nothing', ''],
    ['not a string', 42],
    ['DER-like bytes', '\u0030\u0082\u0003\u0012\u0030\u0082\u0001\u00fa\u00a0'],
    ['a PEM public key', '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n'],
    [
      'a damaged certificate',
      '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----',
    ],
    ['more than 1 MB', `${'x'.repeat(1024 * 1024)}-----BEGIN CERTIFICATE-----`],
  ])('%s', (_what, pem) => {
    expect(() => inspectCaFile(pem)).toThrow(expect.objectContaining({ code: 'ca_file_refused' }));
  });

  it("a server's own certificate, saying to ask for its authority", () => {
    expect(() => inspectCaFile(pki.site('ghe.corp.test').cert)).toThrow(
      expect.objectContaining({
        code: 'ca_file_refused',
        message:
          "The certificate (CN=ghe.corp.test) is a server's own certificate, not a certificate authority's. Ask your IT department for the certificate of the authority that signed it (its root CA).",
      }),
    );
  });

  it('an expired authority, with the date', () => {
    const expiredOn = new Date(Date.parse(new X509Certificate(pki.expiredCa).validTo))
      .toISOString()
      .slice(0, 10);
    expect(() => inspectCaFile(pki.expiredCa)).toThrow(
      expect.objectContaining({
        code: 'ca_file_refused',
        message: `The certificate (CN=Corp Old CA) expired on ${expiredOn}. Ask your IT department for the current one.`,
      }),
    );
  });

  it('a bundle in which one certificate is bad, naming which', () => {
    expect(() => inspectCaFile(`${pki.rootCa}${pki.expiredCa}`)).toThrow(
      expect.objectContaining({
        message: expect.stringMatching(/^Certificate 2 of 2 in the file/),
      }),
    );
  });
});

describe('inspectCaFile shows what a person checks before trusting', () => {
  it('subject, issuer, dates, SHA-256 fingerprint as openssl computes it', () => {
    const [root] = inspectCaFile(pki.rootCa);
    const fingerprint = execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256'], {
      input: pki.rootCa,
    })
      .toString()
      .trim()
      .replace(/^sha256 Fingerprint=/i, '');
    expect(root).toMatchObject({
      subject: 'CN=Corp Test Root CA',
      issuer: 'CN=Corp Test Root CA',
      fingerprint256: fingerprint,
      isCA: true,
    });
    expect(Date.parse(root!.notAfter)).toBeGreaterThan(Date.now());
    expect(Date.parse(root!.notBefore)).toBeLessThanOrEqual(Date.now());
  });

  it('every certificate of a bundle, with Windows line ends and text around them', () => {
    const bundle = `Company roots\r\n${pki.rootCa.replace(/\n/g, '\r\n')}\r\ncomment\r\n${pki.otherCa}`;
    expect(inspectCaFile(bundle).map((certificate) => certificate.subject)).toEqual([
      'CN=Corp Test Root CA',
      'CN=Elsewhere Root CA',
    ]);
  });
});

describe('TrustedAuthorities', () => {
  it('keeps each authority for its scope, once, and removes it', () => {
    const trust = new TrustedAuthorities(memoryStore());
    trust.add(pki.rootCa, { kind: 'host', host: 'GHE.corp.test' });
    trust.add(pki.rootCa, { kind: 'host', host: 'ghe.corp.test' });
    trust.add(pki.otherCa, { kind: 'all' });
    expect(trust.list().map((entry) => [entry.subject, entry.scope])).toEqual([
      ['CN=Corp Test Root CA', { kind: 'host', host: 'ghe.corp.test' }],
      ['CN=Elsewhere Root CA', { kind: 'all' }],
    ]);
    expect(trust.addedFor('ghe.corp.test')).toHaveLength(2);
    expect(trust.addedFor('tokens.corp.test')).toHaveLength(1);
    const [root] = trust.list();
    trust.remove(root!.fingerprint256, { kind: 'host', host: 'ghe.corp.test' });
    expect(trust.addedFor('ghe.corp.test')).toHaveLength(1);
  });

  it.each([
    ['no scope', undefined],
    ['a host with a path', { kind: 'host', host: 'ghe.corp.test/evil' }],
    ['a host with a space', { kind: 'host', host: 'ghe corp' }],
    ['an unknown kind', { kind: 'everywhere' }],
  ])('refuses %s', (_what, scope) => {
    const trust = new TrustedAuthorities(memoryStore());
    expect(() => trust.add(pki.rootCa, scope as never)).toThrow(
      expect.objectContaining({ code: 'invalid_input' }),
    );
    expect(trust.list()).toEqual([]);
  });

  it('ignores a stored entry edited into something else', () => {
    const store = memoryStore();
    store.set('trustedAuthorities', [
      { pem: pki.privateKey, fingerprint256: 'x', scope: { kind: 'all' } },
      { pem: 'junk', fingerprint256: 'y', scope: { kind: 'all' } },
      'not an object',
    ]);
    const trust = new TrustedAuthorities(store);
    expect(trust.list()).toEqual([]);
    expect(trust.addedFor('ghe.corp.test')).toEqual([]);
  });
});
