/**
 * A certificate authority made for one test run, and server certificates it signs (with
 * /usr/bin/openssl): what a company's private CA is to Token Desk. Nothing here is trusted
 * by anything but the test that asks for it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCa {
  /** The CA's certificate (PEM) and its file. */
  pem: string;
  certFile: string;
  /** A server certificate for `names` (subjectAltName DNS entries), signed by this CA. */
  issue(names: string[], options?: { days?: number; expired?: boolean }): ServerCertificate;
  remove(): void;
}

export interface ServerCertificate {
  certFile: string;
  keyFile: string;
  pem: string;
  key: string;
}

const openssl = (args: string[], cwd: string) =>
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });

export function createTestCa(name = 'Token Desk test CA'): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'token-desk-ca-'));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  let serial = 0;
  return {
    pem: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    certFile: join(dir, 'ca.pem'),
    issue(names, { days = 2, expired = false } = {}) {
      const base = `server-${++serial}`;
      openssl(
        ['req', ...ec, '-keyout', `${base}.key`, '-out', `${base}.csr`, '-subj', `/CN=${names[0]}`],
        dir,
      );
      writeFileSync(
        join(dir, `${base}.ext`),
        [
          `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}`,
          'basicConstraints=critical,CA:FALSE',
          'keyUsage=critical,digitalSignature',
          'extendedKeyUsage=serverAuth',
        ].join('\n'),
      );
      // An expired one ended a day ago (OpenSSL 3.0's x509 takes no start date, but -1 days).
      const validity = ['-days', String(expired ? -1 : days)];
      openssl(
        [
          'x509',
          '-req',
          '-in',
          `${base}.csr`,
          '-CA',
          'ca.pem',
          '-CAkey',
          'ca.key',
          '-set_serial',
          String(1000 + serial),
          '-extfile',
          `${base}.ext`,
          ...validity,
          '-out',
          `${base}.pem`,
        ],
        dir,
      );
      return {
        certFile: join(dir, `${base}.pem`),
        keyFile: join(dir, `${base}.key`),
        pem: readFileSync(join(dir, `${base}.pem`), 'utf8'),
        key: readFileSync(join(dir, `${base}.key`), 'utf8'),
      };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
