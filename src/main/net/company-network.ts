/**
 * Settings' "Company network", over the outbound layer: how requests leave now,
 * the authorities a person added (main reads the file the person picked in the
 * native dialog; the page never names a path nor sends a file), proxy sign-ins
 * (only for a proxy the layer uses now: a page must not plant credentials for a
 * host of its choosing), and one checked connection.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { BlockList, isIP } from 'node:net';
import { isLoopbackServiceUrl } from '../../shared/service-url.js';
import {
  NETWORK_CHECK_TIMEOUT_MS,
  type AddAuthorityResult,
  type AuthorityInfo,
  type NetworkCheckResult,
  type NetworkRoute,
  type NetworkStatus,
  type TrustScopeInfo,
} from '../../shared/ipc/network.js';
import { DeskError } from '../desk-error.js';
import type { ConnectionVault } from '../connections/vault.js';
import type { ConfirmPort, OpenDialogPort } from '../ports.js';
import type { Outbound } from './outbound.js';
import { findOutboundError } from './outbound-error.js';
import { isLoopback, type ProxyEnvironment } from './proxy-environment.js';
import { inspectCaFile } from './ca-file.js';
import { checkScope, type TrustedAuthorities } from './trusted-authorities.js';

/** The largest CA file read; inspectCaFile refuses a longer one in words. */
export const MAX_CA_FILE_BYTES = 1024 * 1024;

/** Stands for "any other https site" when asking which proxy one goes through. */
const OTHER_SITES_URL = 'https://github.com/';

export interface CompanyNetworkDeps {
  outbound: Outbound;
  trust: TrustedAuthorities;
  vault: ConnectionVault;
  openDialog: OpenDialogPort | null;
  /**
   * Asks the person, in a native dialog the page cannot draw over, whether to trust
   * what they picked, naming it and its scope; without one, nothing is added.
   */
  confirm: ConfirmPort | null;
  /** The token service's URL as set now. */
  serviceUrl: () => string;
  /**
   * The service URLs of the accounts on this computer (each once signed in to): the
   * only addresses on this computer or a private network the check may reach.
   */
  accountServiceUrls: () => string[];
  /** Where the proxy comes from: Electron's session (system) or the environment. */
  proxySource: 'system' | 'environment';
  env: ProxyEnvironment;
}

export class CompanyNetwork {
  constructor(private readonly deps: CompanyNetworkDeps) {}

  async status(): Promise<NetworkStatus> {
    const service = this.deps.serviceUrl();
    const targets = [
      { label: `The token service (${service})`, url: service },
      { label: 'Other https sites (GitHub, GitLab, …)', url: OTHER_SITES_URL },
    ];
    const routes = await Promise.all(targets.map((target) => this.route(target)));
    const noProxy =
      this.deps.proxySource === 'environment'
        ? (this.deps.env.no_proxy ?? this.deps.env.NO_PROXY ?? '').trim() || null
        : null;
    return {
      routes,
      proxySource: this.deps.proxySource,
      noProxy,
      authorities: this.authorities(),
      signInRemembered: this.deps.vault.persistent,
    };
  }

  /** Opens the native file dialog, reads what the person picked, and trusts it for `scope`. */
  async addAuthority(scope: TrustScopeInfo): Promise<AddAuthorityResult> {
    if (!this.deps.openDialog) {
      throw new DeskError(
        'not_available',
        'Adding an authority needs the system’s file dialog, which is not available here.',
      );
    }
    // Checked before the dialog opens: a bad host name is said at once.
    checkScope(scope);
    const path = await this.deps.openDialog.askOpenPath({
      title: 'Add a certificate authority (PEM file)',
      filter: { name: 'Certificates (PEM)', extensions: ['pem', 'crt', 'cer'] },
    });
    if (path === null) return { cancelled: true };
    const text = readCaFile(path);
    // The page chose the scope and draws its own words around this: the native question
    // says what is about to be trusted, and for which hosts, in main's words.
    const certificates = inspectCaFile(text);
    const checked = checkScope(scope);
    const trusted = await this.deps.confirm?.confirm({
      title: 'Trust this certificate authority?',
      message: `Trust ${certificates.length === 1 ? `“${plain(certificates[0]!.subject)}”` : `these ${certificates.length} authorities`} for ${checked.kind === 'all' ? 'every host' : checked.host}?`,
      detail:
        `${certificates.map((c) => `${plain(c.subject)} (SHA-256 ${c.fingerprint256}), valid until ${c.notAfter}`).join('; ')}. ` +
        `Token Desk will accept server certificates it signed ${checked.kind === 'all' ? 'for every host' : `for ${checked.host}`}. ` +
        'Trust it only if your IT department gave you this file.',
      confirmLabel: 'Trust',
    });
    if (!trusted) return { cancelled: true };
    const added = this.deps.trust.add(text, checked);
    return { added: added.map(toInfo) };
  }

  async removeAuthority(fingerprint256: string, scope: TrustScopeInfo): Promise<NetworkStatus> {
    const known = this.deps.trust
      .list()
      .some(
        (authority) =>
          authority.fingerprint256 === fingerprint256 && sameScope(authority.scope, scope),
      );
    if (!known) {
      throw new DeskError(
        'not_found',
        'That authority is not in Token Desk’s trusted authorities (it may have been removed already).',
      );
    }
    this.deps.trust.remove(fingerprint256, scope);
    return this.status();
  }

  async proxySignIn(
    proxyOrigin: string,
    username: string,
    password: string,
  ): Promise<NetworkStatus> {
    const origin = await this.proxyInUse(proxyOrigin);
    // Basic authentication ends the user name at its first colon.
    if (username.includes(':') || /[\p{Cc}]/u.test(username)) {
      throw new DeskError(
        'invalid_input',
        'A proxy user name cannot contain a colon or control characters. Type it as your IT department gave it.',
      );
    }
    if (/[\r\n\0]/.test(password)) {
      throw new DeskError('invalid_input', 'A proxy password cannot contain line breaks.');
    }
    await this.deps.vault.saveProxyCredential(origin, { username, password });
    this.deps.outbound.proxySignInChanged(origin);
    return this.status();
  }

  async proxySignOut(proxyOrigin: string): Promise<NetworkStatus> {
    const origin = await this.proxyInUse(proxyOrigin);
    await this.deps.vault.removeProxyCredential(origin);
    this.deps.outbound.proxySignInChanged(origin);
    return this.status();
  }

  /** One GET through the outbound layer; a hostile address is refused before anything leaves. */
  async check(url: string): Promise<NetworkCheckResult> {
    const target = checkableUrl(url);
    // The check must not let a page map what listens on this computer or the private
    // network (a port's answer, its silence and its refusal all differ): an address
    // there is checked only when it is an account's token service, which a sign-in
    // proved (Settings' URL is not enough: the page can change it at will).
    if (target.protocol === 'http:' || isLocalOrPrivate(target.hostname)) {
      const accounts = new Set(this.deps.accountServiceUrls().flatMap(originOf));
      if (!accounts.has(target.origin)) {
        throw new DeskError(
          'invalid_input',
          target.protocol === 'http:'
            ? 'Over http:// Token Desk checks only the address of a token service you have signed in to on this computer. Check an https:// address.'
            : 'Token Desk checks an address on this computer or a private network (10.x, 192.168.x, …) only when it is a token service you have signed in to. Check the https:// name of the server instead.',
        );
      }
    }
    // One at a time: a check is a person's question, not a scanner.
    if (this.checking) {
      throw new DeskError('busy', 'A connection check is still running. Wait for its answer.');
    }
    this.checking = true;
    try {
      return await this.probe(target);
    } finally {
      this.checking = false;
    }
  }

  private checking = false;

  private async probe(target: URL): Promise<NetworkCheckResult> {
    try {
      const probe = await this.deps.outbound.probe(target.href, NETWORK_CHECK_TIMEOUT_MS);
      return {
        url: target.href,
        outcome: { ok: true, status: probe.status },
        proxy: probe.proxy,
        certificate: probe.certificate,
      };
    } catch (error) {
      let proxy: NetworkCheckResult['proxy'] = null;
      try {
        const route = await this.deps.outbound.routeFor(target.href);
        proxy = route ? { origin: route.origin, source: route.source } : null;
      } catch {
        // The failure below already says why the route is unknown.
      }
      return { url: target.href, outcome: failureOf(error, target), proxy, certificate: null };
    }
  }

  private authorities(): AuthorityInfo[] {
    return this.deps.trust.list().map(toInfo);
  }

  private async route({ label, url }: { label: string; url: string }): Promise<NetworkRoute> {
    try {
      const choice = await this.deps.outbound.routeFor(url);
      if (!choice) return { label, url, proxy: null, problem: null };
      const inAddress = Boolean(choice.url.username || choice.url.password);
      const saved = !inAddress && (await this.deps.vault.proxyCredential(choice.origin)) !== null;
      return {
        label,
        url,
        proxy: {
          origin: choice.origin,
          source: choice.source,
          signIn: inAddress ? 'in-address' : saved ? 'saved' : 'none',
        },
        problem: null,
      };
    } catch (error) {
      return {
        label,
        url,
        proxy: null,
        problem: error instanceof Error ? error.message : String(error),
      };
    }
  }

  /** The proxy origin the page named, if the layer sends requests through it now. */
  private async proxyInUse(given: string): Promise<string> {
    let origin: string | null = null;
    try {
      const url = new URL(given);
      if (
        (url.protocol === 'http:' || url.protocol === 'https:') &&
        !url.username &&
        !url.password &&
        (url.pathname === '/' || url.pathname === '') &&
        !url.search &&
        !url.hash
      )
        origin = url.origin;
    } catch {
      origin = null;
    }
    const inUse = (await this.status()).routes.flatMap((route) =>
      route.proxy ? [route.proxy.origin] : [],
    );
    if (origin === null || !inUse.includes(origin)) {
      throw new DeskError(
        'proxy_not_in_use',
        inUse.length === 0
          ? 'Token Desk uses no proxy now, so it keeps no proxy sign-in.'
          : `Token Desk keeps a sign-in only for the proxy it uses now (${[...new Set(inUse)].join(', ')}).`,
      );
    }
    return origin;
  }
}

/** The file the person picked: a regular file of at most 1 MB, as text. */
function readCaFile(path: string): string {
  let fd: number;
  try {
    // Non-blocking: a FIFO picked by mistake must not hang main.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new DeskError(
      'ca_file_refused',
      `Token Desk could not open that file (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}). Choose the PEM file again.`,
    );
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) {
      throw new DeskError('ca_file_refused', 'That is not a file. Choose a PEM file.');
    }
    if (stat.size > MAX_CA_FILE_BYTES) {
      throw new DeskError(
        'ca_file_refused',
        'The file is larger than 1 MB, which no file of certificate authorities is. Choose the PEM file your IT department gave you.',
      );
    }
    // One byte more than allowed tells a file that grew since fstat.
    const buffer = Buffer.alloc(MAX_CA_FILE_BYTES + 1);
    let length = 0;
    for (;;) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
      if (length === buffer.length) {
        throw new DeskError(
          'ca_file_refused',
          'The file is larger than 1 MB, which no file of certificate authorities is. Choose the PEM file your IT department gave you.',
        );
      }
    }
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** https anywhere, http only to this computer; no user name or password; nothing else. */
function checkableUrl(given: string): URL {
  let url: URL;
  try {
    url = new URL(given.trim());
  } catch {
    throw new DeskError(
      'invalid_input',
      'Type a whole address, such as https://tokens.example.com.',
    );
  }
  if (url.username || url.password) {
    throw new DeskError(
      'invalid_input',
      'Leave the user name and password out of the address: the check sends no credentials.',
    );
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopbackServiceUrl(url.href)) return url;
  throw new DeskError(
    'invalid_input',
    url.protocol === 'http:'
      ? 'Check an https:// address: Token Desk uses http:// only for this computer.'
      : 'Check an https:// address.',
  );
}

function failureOf(error: unknown, target: URL): NetworkCheckResult['outcome'] {
  const outbound = findOutboundError(error);
  if (outbound) return { ok: false, code: outbound.code, message: outbound.message };
  const chain: unknown[] = [];
  for (
    let entry: unknown = error;
    entry && chain.length < 8;
    entry = (entry as { cause?: unknown }).cause
  )
    chain.push(entry);
  if (chain.some((entry) => entry instanceof DOMException && entry.name === 'TimeoutError')) {
    return {
      ok: false,
      code: 'timeout',
      message: `${target.host} did not answer within ${NETWORK_CHECK_TIMEOUT_MS / 1000} seconds.`,
    };
  }
  const code = chain
    .map((entry) => (entry as { code?: unknown }).code)
    .find((value): value is string => typeof value === 'string');
  return {
    ok: false,
    code: 'unreachable',
    message: `Can't reach ${target.host}${code ? ` (${code === 'ECONNREFUSED' ? 'it refused the connection' : code})` : ''}. Check the address, and that the host is running.`,
  };
}

function toInfo(authority: ReturnType<TrustedAuthorities['list']>[number]): AuthorityInfo {
  return {
    subject: authority.subject,
    issuer: authority.issuer,
    notBefore: authority.notBefore,
    notAfter: authority.notAfter,
    fingerprint256: authority.fingerprint256,
    scope: authority.scope,
  };
}

function sameScope(a: TrustScopeInfo, b: TrustScopeInfo): boolean {
  return a.kind === 'all'
    ? b.kind === 'all'
    : b.kind === 'host' && a.host === b.host.trim().toLowerCase();
}

/** Loopback, private, link-local (cloud metadata among them) and unique-local ranges. */
const PRIVATE_RANGES = new BlockList();
PRIVATE_RANGES.addSubnet('0.0.0.0', 8, 'ipv4');
PRIVATE_RANGES.addSubnet('10.0.0.0', 8, 'ipv4');
PRIVATE_RANGES.addSubnet('100.64.0.0', 10, 'ipv4');
PRIVATE_RANGES.addSubnet('127.0.0.0', 8, 'ipv4');
PRIVATE_RANGES.addSubnet('169.254.0.0', 16, 'ipv4');
PRIVATE_RANGES.addSubnet('172.16.0.0', 12, 'ipv4');
PRIVATE_RANGES.addSubnet('192.168.0.0', 16, 'ipv4');
PRIVATE_RANGES.addSubnet('::', 127, 'ipv6');
PRIVATE_RANGES.addSubnet('fc00::', 7, 'ipv6');
PRIVATE_RANGES.addSubnet('fe80::', 10, 'ipv6');
PRIVATE_RANGES.addSubnet('::ffff:0:0', 96, 'ipv6');

/** A name for this computer, or an address literal in a local or private range. */
function isLocalOrPrivate(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (isLoopback(host)) return true;
  const family = isIP(host);
  if (family === 4) return PRIVATE_RANGES.check(host, 'ipv4');
  if (family === 6) return PRIVATE_RANGES.check(host, 'ipv6');
  return false;
}

function originOf(url: string): string[] {
  try {
    return [new URL(url).origin];
  } catch {
    return [];
  }
}

/** A subject as one line of plain text, cut to a length a dialog can show. */
function plain(text: string): string {
  const line = text.replace(/[\p{Cc}\p{Cf}]+/gu, ' ').trim();
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}
