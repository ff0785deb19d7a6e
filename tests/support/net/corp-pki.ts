/**
 * A company's certificates, made for one test run with the real openssl: a root CA
 * that only the tests trust, certificates it signs for `*.corp.test` names (one of
 * them expired), one presented for the wrong name, one from an authority nobody
 * trusts and one self-signed. Keys are P-256, which openssl makes in milliseconds.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface KeyAndCertificate {
  key: string;
  cert: string;
}

export interface CorpPki {
  /** The company's root CA certificate (PEM): what a person adds to Token Desk. */
  rootCa: string;
  /** The root's private key, in a PEM file of its own: what must never be accepted. */
  rootKey: string;
  /** Another authority's root, trusted by no one here. */
  otherCa: string;
  /** Signed by the root, for exactly `name` (subjectAltName DNS). */
  site(name: string): KeyAndCertificate;
  /** Signed by the root for `name`, but expired yesterday. */
  expiredSite(name: string): KeyAndCertificate;
  /** Signed by the other authority, for `name`. */
  untrustedSite(name: string): KeyAndCertificate;
  /** Self-signed, for `name`. */
  selfSignedSite(name: string): KeyAndCertificate;
  /** A CA certificate that expired yesterday (for the CA-file checks). */
  expiredCa: string;
  remove(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

const KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
const CA_EXTENSIONS = [
  '-addext',
  'basicConstraints=critical,CA:TRUE',
  '-addext',
  'keyUsage=critical,keyCertSign,cRLSign',
];

export function makeCorpPki(): CorpPki {
  const dir = mkdtempSync(join(tmpdir(), 'token-desk-pki-'));
  let serial = 1;
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');

  const rootOf = (name: string, subject: string, days: string) => {
    openssl(dir, [
      'req',
      '-x509',
      ...KEY,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
      '-days',
      days,
      '-subj',
      subject,
      ...CA_EXTENSIONS,
    ]);
    return read(`${name}.pem`);
  };
  const rootCa = rootOf('root', '/O=Corp Test/CN=Corp Test Root CA', '2');
  const otherCa = rootOf('other', '/O=Elsewhere/CN=Elsewhere Root CA', '2');
  const expiredCa = (() => {
    // A CA signed by the root with a validity that ended yesterday.
    const name = `expired-ca-${serial++}`;
    openssl(dir, [
      'req',
      ...KEY,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      '/CN=Corp Old CA',
    ]);
    writeFileSync(
      join(dir, `${name}.ext`),
      'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n',
    );
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'root.pem',
      '-CAkey',
      'root.key',
      '-set_serial',
      String(serial++),
      '-days',
      '-1',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    ]);
    return read(`${name}.pem`);
  })();

  const leaf = (dnsName: string, issuer: 'root' | 'other' | 'self', days: string) => {
    const name = `leaf-${serial++}`;
    const extensions = `subjectAltName=DNS:${dnsName}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`;
    writeFileSync(join(dir, `${name}.ext`), extensions);
    if (issuer === 'self') {
      openssl(dir, [
        'req',
        '-x509',
        ...KEY,
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.pem`,
        '-days',
        days,
        '-subj',
        `/CN=${dnsName}`,
        '-addext',
        `subjectAltName=DNS:${dnsName}`,
      ]);
    } else {
      openssl(dir, [
        'req',
        ...KEY,
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.csr`,
        '-subj',
        `/CN=${dnsName}`,
      ]);
      openssl(dir, [
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        `${issuer}.pem`,
        '-CAkey',
        `${issuer}.key`,
        '-set_serial',
        String(serial++),
        '-days',
        days,
        '-extfile',
        `${name}.ext`,
        '-out',
        `${name}.pem`,
      ]);
    }
    return { key: read(`${name}.key`), cert: read(`${name}.pem`) };
  };

  return {
    rootCa,
    rootKey: read('root.key'),
    otherCa,
    expiredCa,
    site: (name) => leaf(name, 'root', '2'),
    expiredSite: (name) => leaf(name, 'root', '-1'),
    untrustedSite: (name) => leaf(name, 'other', '2'),
    selfSignedSite: (name) => leaf(name, 'self', '2'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
