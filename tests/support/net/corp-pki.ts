/**
 * A company's certificates for one test run: its root CA and the certificates it
 * signs for `*.corp.test` names (tests/support/test-ca.ts, with the real openssl),
 * plus what the outbound layer must refuse: another authority nobody trusts, a
 * self-signed server, an expired CA, and a private key pasted instead of a
 * certificate.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestCa } from '../test-ca.js';

export interface KeyAndCertificate {
  key: string;
  cert: string;
}

export interface CorpPki {
  /** The company's root CA certificate (PEM): what a person adds to Token Desk. */
  rootCa: string;
  /** Another authority's root, trusted by no one here. */
  otherCa: string;
  /** A CA certificate that expired yesterday. */
  expiredCa: string;
  /** A PEM private key: what must never be accepted as a CA file. */
  privateKey: string;
  /** Signed by the root, for exactly `name` (subjectAltName DNS). */
  site(name: string): KeyAndCertificate;
  /** Signed by the root for `name`, but expired yesterday. */
  expiredSite(name: string): KeyAndCertificate;
  /** Signed by the other authority, for `name`. */
  untrustedSite(name: string): KeyAndCertificate;
  /** Self-signed, for `name`. */
  selfSignedSite(name: string): KeyAndCertificate;
  remove(): void;
}

const KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

export function makeCorpPki(): CorpPki {
  const root = createTestCa('Corp Test Root CA');
  const other = createTestCa('Elsewhere Root CA');
  const dir = mkdtempSync(join(tmpdir(), 'token-desk-corp-pki-'));
  const openssl = (args: string[]) =>
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');
  let serial = 0;

  // An expired CA: OpenSSL 3.0's req takes no negative days, its x509 does.
  openssl(['req', ...KEY, '-keyout', 'old.key', '-out', 'old.csr', '-subj', '/CN=Corp Old CA']);
  writeFileSync(
    join(dir, 'old.ext'),
    'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n',
  );
  openssl([
    'x509',
    '-req',
    '-in',
    'old.csr',
    '-signkey',
    'old.key',
    '-days',
    '-1',
    '-extfile',
    'old.ext',
    '-out',
    'old.pem',
  ]);

  const fromCa = (issued: { key: string; pem: string }) => ({ key: issued.key, cert: issued.pem });
  return {
    rootCa: root.pem,
    otherCa: other.pem,
    expiredCa: read('old.pem'),
    privateKey: read('old.key'),
    site: (name) => fromCa(root.issue([name])),
    expiredSite: (name) => fromCa(root.issue([name], { expired: true })),
    untrustedSite: (name) => fromCa(other.issue([name])),
    selfSignedSite(name) {
      const base = `self-${++serial}`;
      openssl([
        'req',
        '-x509',
        ...KEY,
        '-keyout',
        `${base}.key`,
        '-out',
        `${base}.pem`,
        '-days',
        '2',
        '-subj',
        `/CN=${name}`,
        '-addext',
        `subjectAltName=DNS:${name}`,
      ]);
      return { key: read(`${base}.key`), cert: read(`${base}.pem`) };
    },
    remove() {
      root.remove();
      other.remove();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
