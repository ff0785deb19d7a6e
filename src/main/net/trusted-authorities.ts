/**
 * Which certificate authorities an outbound connection trusts: Node's bundled
 * roots, the operating system's, and the PEM files a person added, for every host
 * or for one host only.
 *
 * The operating system's roots: where Node offers them (`tls.getCACertificates
 * ('system')`, Node 22.15 and later, so in Electron 45: the macOS keychain, the
 * Windows store, the Linux bundle) they are taken from there; and on Linux the
 * distribution's bundle file is read as well, the first of the usual paths that
 * exists, because Node 20 has no such call and that file is where a company's root
 * lands after `update-ca-certificates`. Node's bundled list stays in: passing `ca`
 * to TLS replaces the default list rather than adding to it.
 */
import { readFileSync } from 'node:fs';
import * as tls from 'node:tls';
import { inspectCaFile, type CaCertificate } from './ca-file.js';
import type { KeyValueStore } from '../ports.js';
import { DeskError } from '../desk-error.js';

/** Debian/Ubuntu/Arch, Fedora/RHEL, openSUSE, Alpine/macOS's OpenSSL. */
export const OS_BUNDLE_PATHS = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/ssl/cert.pem',
] as const;

/** The roots every connection trusts before anything a person adds. */
export function baseRoots(bundlePaths: readonly string[] = OS_BUNDLE_PATHS): string[] {
  const roots = new Set<string>(tls.rootCertificates);
  const fromNode = (tls as unknown as { getCACertificates?: (type: 'system') => readonly string[] })
    .getCACertificates;
  if (typeof fromNode === 'function') {
    try {
      for (const pem of fromNode('system')) roots.add(pem);
    } catch {
      // A store Node cannot read leaves the bundle file and Node's own list.
    }
  }
  for (const path of bundlePaths) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    for (const match of text.matchAll(
      /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g,
    ))
      roots.add(match[0]);
    break;
  }
  return [...roots];
}

/** What the outbound layer asks: the added authorities a host's connections trust. */
export interface TrustSource {
  /** PEM certificates added for every host plus those added for `hostname`. */
  addedFor(hostname: string): readonly string[];
}

/** For every host, or for one host name (exact, case-insensitive). */
export type TrustScope = { kind: 'all' } | { kind: 'host'; host: string };

export interface TrustedAuthority extends Omit<CaCertificate, 'pem'> {
  scope: TrustScope;
}

interface StoredAuthority {
  pem: string;
  fingerprint256: string;
  scope: TrustScope;
}

const STORE_KEY = 'trustedAuthorities';
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

/**
 * The authorities a person added, in the settings file: certificates are public,
 * so they need no keychain. Each is checked again when read, since the file can be
 * edited by hand; one that no longer reads is left out, and the host it was for
 * then fails with the unknown-authority sentence, never quietly.
 */
export class TrustedAuthorities implements TrustSource {
  constructor(
    private readonly store: KeyValueStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Checks the file (see inspectCaFile) and keeps each certificate in it for `scope`. */
  add(pem: unknown, scope: TrustScope): TrustedAuthority[] {
    const checkedScope = checkScope(scope);
    const certificates = inspectCaFile(pem, this.now());
    const stored = this.read().filter(
      (entry) =>
        !certificates.some(
          (certificate) =>
            certificate.fingerprint256 === entry.fingerprint256 &&
            sameScope(entry.scope, checkedScope),
        ),
    );
    for (const certificate of certificates) {
      stored.push({
        pem: certificate.pem,
        fingerprint256: certificate.fingerprint256,
        scope: checkedScope,
      });
    }
    this.store.set(STORE_KEY, stored);
    return certificates.map(({ pem: _pem, ...info }) => ({ ...info, scope: checkedScope }));
  }

  list(): TrustedAuthority[] {
    return this.read().flatMap((entry) => {
      const info = describe(entry.pem);
      return info ? [{ ...info, scope: entry.scope }] : [];
    });
  }

  remove(fingerprint256: string, scope: TrustScope): void {
    this.store.set(
      STORE_KEY,
      this.read().filter(
        (entry) => !(entry.fingerprint256 === fingerprint256 && sameScope(entry.scope, scope)),
      ),
    );
  }

  addedFor(hostname: string): string[] {
    const host = hostname.toLowerCase();
    return this.read()
      .filter((entry) => entry.scope.kind === 'all' || entry.scope.host === host)
      .filter((entry) => describe(entry.pem) !== null)
      .map((entry) => entry.pem);
  }

  private read(): StoredAuthority[] {
    const raw = this.store.get(STORE_KEY);
    if (!Array.isArray(raw)) return [];
    return raw.flatMap((entry: unknown) => {
      const record = entry as Partial<StoredAuthority> | null;
      if (
        typeof record?.pem !== 'string' ||
        typeof record.fingerprint256 !== 'string' ||
        !isScope(record.scope)
      )
        return [];
      return [{ pem: record.pem, fingerprint256: record.fingerprint256, scope: record.scope }];
    });
  }
}

/**
 * What `describe` found per stored PEM: addedFor runs on every outbound request, and
 * parsing each certificate again each time is work for nothing (the answer depends on
 * the PEM alone). Few authorities are ever added; the cache is emptied past 256.
 */
const described = new Map<string, Omit<CaCertificate, 'pem'> | null>();

function describe(pem: string): Omit<CaCertificate, 'pem'> | null {
  if (described.has(pem)) return described.get(pem)!;
  if (described.size >= 256) described.clear();
  const info = describeOnce(pem);
  described.set(pem, info);
  return info;
}

/** A stored certificate's details, or null when it no longer reads as one CA certificate. */
function describeOnce(pem: string): Omit<CaCertificate, 'pem'> | null {
  try {
    // Without dates: an authority that expired since it was added still describes itself.
    const [certificate, ...rest] = inspectCaFile(pem, null);
    if (!certificate || rest.length > 0) return null;
    const { pem: _pem, ...info } = certificate;
    return info;
  } catch {
    return null;
  }
}

/** A scope as given, checked: every host, or one well-formed host name (lower-cased). */
export function checkScope(value: unknown): TrustScope {
  const scope = value as Partial<{ kind: string; host: unknown }> | null;
  if (scope?.kind === 'all') return { kind: 'all' };
  const host = typeof scope?.host === 'string' ? scope.host.trim().toLowerCase() : '';
  if (scope?.kind === 'host' && HOST_NAME.test(host)) return { kind: 'host', host };
  throw new DeskError(
    'invalid_input',
    'Choose whether to trust the authority for every host or for one host name, such as ghe.example.com.',
  );
}

function isScope(value: unknown): value is TrustScope {
  const scope = value as Partial<{ kind: string; host: unknown }> | null;
  if (scope?.kind === 'all') return true;
  return scope?.kind === 'host' && typeof scope.host === 'string' && HOST_NAME.test(scope.host);
}

function sameScope(a: TrustScope, b: TrustScope): boolean {
  return a.kind === 'all' ? b.kind === 'all' : b.kind === 'host' && a.host === b.host;
}
