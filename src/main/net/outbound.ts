/**
 * The one door every outbound HTTP request from main leaves by: the token service,
 * GitHub, GitLab and whatever vendor comes next. It keeps what each caller relied
 * on from Node's fetch (the caller's timeout, no redirect unless asked for) and
 * adds what a company network needs:
 *
 * - the proxy from HTTPS_PROXY / HTTP_PROXY / NO_PROXY (either case), signed in to
 *   with the credentials in its URL or, failing that, those saved in the keychain
 *   for it (read here, never written);
 * - trust in Node's roots, the operating system's and the authorities a person
 *   added, for every host or one host;
 * - every failure that is not an HTTP answer as an OutboundError: a sentence that
 *   names the host and the proxy (never its password). Nothing is retried another
 *   way: no fallback to a direct connection, no skipping of certificate checks.
 *
 * It runs on undici's own fetch (not Node's global one), so the same code behaves
 * the same under Node 20 in the tests and Electron's Node 22 in the app.
 */
import { createHash } from 'node:crypto';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { Agent, Pool, ProxyAgent, fetch as undiciFetch, type Dispatcher } from 'undici';
import { isLoopbackServiceUrl } from '../../shared/service-url.js';
import type { Fetch, ProxyCredential, ProxyCredentialSource } from '../ports.js';
import { describeNetworkFailure, OutboundError, type Route } from './outbound-error.js';
import {
  isLoopback,
  proxyFor,
  proxyFromPac,
  type ProxyChoice,
  type ProxyEnvironment,
} from './proxy-environment.js';
import { baseRoots, type TrustSource } from './trusted-authorities.js';

export interface OutboundOptions {
  /** Where the proxy variables are read, on every request; process.env by default. */
  env?: ProxyEnvironment;
  /**
   * In Electron: the session's proxy resolution (`session.resolveProxy`, which follows
   * the system's settings and PAC scripts) for a URL, in PAC form. Given, it decides
   * instead of the environment.
   */
  systemProxy?: ((url: string) => Promise<string>) | null;
  /** Saved proxy sign-ins, by proxy origin (the keychain through the vault). */
  proxyCredentials?: ProxyCredentialSource | null;
  /** The authorities a person added (TrustedAuthorities); none by default. */
  trust?: TrustSource | null;
  /** The roots trusted before those; Node's and the operating system's by default. */
  roots?: () => readonly string[];
  /** For a caller that passes no signal of its own, so that nothing waits forever. */
  defaultTimeoutMs?: number;
}

export type Outbound = Fetch & {
  /** The proxy a request to `url` would go through now (null: direct); nothing is sent. */
  routeFor(url: string): Promise<ProxyChoice | null>;
  /**
   * One GET to `url` for Settings' "Check a connection": no credentials, no cookies,
   * no redirect followed, the body left unread, on a connection of its own so the
   * certificate the host presents is seen (a pooled one would have skipped the
   * handshake). Failures throw as `send` does.
   */
  probe(url: string, timeoutMs: number): Promise<ProbeResult>;
  /**
   * The saved sign-in for the proxy at `proxyOrigin` changed (signed in, or out): read it
   * again on the next request, and close every agent that was given the old one.
   */
  proxySignInChanged(proxyOrigin: string): void;
  /** Closes every pooled connection (tests, and quitting). */
  close(): Promise<void>;
};

export interface ProbeResult {
  status: number;
  proxy: { origin: string; source: string } | null;
  /** The certificate the host presented (https only). */
  certificate: { subject: string; issuer: string; notAfter: string } | null;
}

const DEFAULT_TIMEOUT_MS = 30_000;

export function createOutbound(options: OutboundOptions = {}): Outbound {
  const env = options.env ?? process.env;
  let roots: readonly string[] | null = null;
  const dispatchers = new Map<string, { dispatcher: Dispatcher; proxyOrigin: string | null }>();
  // Each proxy's saved sign-in, read from the keychain once per change (proxySignInChanged),
  // not once per request.
  const signIns = new Map<string, Promise<ProxyCredential | null>>();
  // Counts sign-in changes: a plan made across one (its keychain read begun before the
  // person signed out, say) is made again, so the old sign-in is never sent or kept.
  let signInChanges = 0;

  const savedSignIn = (proxyOrigin: string): Promise<ProxyCredential | null> => {
    let saved = signIns.get(proxyOrigin);
    if (!saved) {
      const read = Promise.resolve(options.proxyCredentials?.proxyCredential(proxyOrigin) ?? null);
      saved = read;
      // A failed read is not remembered: the next request asks the keychain again.
      read.catch(() => {
        if (signIns.get(proxyOrigin) === read) signIns.delete(proxyOrigin);
      });
      signIns.set(proxyOrigin, read);
    }
    return saved;
  };

  const routeOf = (url: URL): Promise<ProxyChoice | null> | ProxyChoice | null =>
    options.systemProxy ? systemProxyFor(url, options.systemProxy) : proxyFor(url, env);

  /** How a request to `url` leaves: its proxy, the sign-in sent to it, and the CAs trusted. */
  async function plan(url: URL) {
    refuseUnsafe(url);
    const proxy = await routeOf(url);
    let token: string | null = null;
    let sentProxyCredentials = false;
    if (proxy) {
      if (proxy.url.username || proxy.url.password) {
        sentProxyCredentials = true;
      } else {
        const saved = await savedSignIn(proxy.origin);
        if (saved) {
          token = `Basic ${Buffer.from(`${saved.username}:${saved.password}`).toString('base64')}`;
          sentProxyCredentials = true;
        }
      }
    }
    const added = options.trust?.addedFor(url.hostname) ?? [];
    // An HTTPS proxy's certificate is vouched for by what is trusted for the proxy's own
    // host: an authority a person added for one site does not speak for the proxy.
    const addedForProxy =
      proxy?.url.protocol === 'https:' ? (options.trust?.addedFor(proxy.url.hostname) ?? []) : [];
    roots ??= (options.roots ?? baseRoots)();
    const route: Route = {
      host: url.host,
      proxy: proxy ? { origin: proxy.origin, source: proxy.source } : null,
      sentProxyCredentials,
    };
    return {
      proxy,
      token,
      added: [added, addedForProxy],
      ca: [...roots, ...added],
      proxyCa: [...roots, ...addedForProxy],
      route,
    };
  }

  function dispatcherOf(
    proxy: ProxyChoice | null,
    token: string | null,
    tlsOptions: { ca: string[]; checkServerIdentity?: typeof checkServerIdentity },
    proxyCa: string[],
  ): Dispatcher {
    return proxy
      ? new ProxyAgent({
          uri: proxy.url.href,
          ...(token ? { token } : {}),
          // The site's certificate is checked end to end, through the tunnel.
          requestTls: tlsOptions,
          proxyTls: { ca: proxyCa },
          clientFactory: (origin, options) => endingOnSilentClose(new Pool(origin, options), proxy),
        })
      : new Agent({ connect: tlsOptions });
  }

  /** `plan(url)` as of now: made again while a sign-in change happened during it. */
  async function currentPlan(url: URL) {
    for (;;) {
      const seen = signInChanges;
      const planned = await plan(url);
      if (seen === signInChanges) return planned;
    }
  }

  const send = async (input: Parameters<Fetch>[0], init: RequestInit = {}): Promise<Response> => {
    const { url, init: merged } = await asUrlAndInit(input, init);
    const { proxy, token, added, ca, proxyCa, route } = await currentPlan(url);
    const key = createHash('sha256')
      .update(JSON.stringify([proxy?.url.href ?? null, token, added]))
      .digest('hex');
    let dispatcher = dispatchers.get(key)?.dispatcher;
    if (!dispatcher) {
      dispatcher = dispatcherOf(proxy, token, { ca }, proxyCa);
      dispatchers.set(key, { dispatcher, proxyOrigin: proxy?.origin ?? null });
    }
    try {
      const response = await undiciFetch(url, {
        ...(merged as Record<string, unknown>),
        redirect: merged.redirect ?? 'error',
        signal:
          merged.signal ?? AbortSignal.timeout(options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS),
        dispatcher,
      });
      return response as unknown as Response;
    } catch (error) {
      throw describeNetworkFailure(error, route) ?? error;
    }
  };

  const outbound = send as Outbound;
  outbound.routeFor = async (url) => {
    const parsed = new URL(url);
    refuseUnsafe(parsed);
    return routeOf(parsed);
  };
  outbound.probe = async (url, timeoutMs) => {
    const parsed = new URL(url);
    const { proxy, token, ca, proxyCa, route } = await currentPlan(parsed);
    let presented: PeerCertificate | null = null;
    const dispatcher = dispatcherOf(
      proxy,
      token,
      {
        ca,
        // Node's own check still decides; this only sees what it was shown.
        checkServerIdentity: (hostname, certificate) => {
          presented = certificate;
          return checkServerIdentity(hostname, certificate);
        },
      },
      proxyCa,
    );
    try {
      const response = await undiciFetch(parsed, {
        method: 'GET',
        redirect: 'manual',
        credentials: 'omit',
        headers: { accept: '*/*' },
        signal: AbortSignal.timeout(timeoutMs),
        dispatcher,
      });
      await response.body?.cancel().catch(() => {});
      const seen = presented as PeerCertificate | null;
      return {
        status: response.status,
        proxy: route.proxy,
        certificate: seen ? describePeer(seen) : null,
      };
    } catch (error) {
      throw describeNetworkFailure(error, route) ?? error;
    } finally {
      await dispatcher.close().catch(() => {});
    }
  };
  outbound.proxySignInChanged = (proxyOrigin) => {
    const origin = new URL(proxyOrigin).origin;
    signInChanges += 1;
    signIns.delete(origin);
    // An agent keeps the Basic token it was made with for its life: the old one goes.
    for (const [key, entry] of dispatchers) {
      if (entry.proxyOrigin !== origin) continue;
      dispatchers.delete(key);
      void entry.dispatcher.close().catch(() => {});
    }
  };
  outbound.close = async () => {
    const open = [...dispatchers.values()];
    dispatchers.clear();
    signIns.clear();
    await Promise.all(open.map(({ dispatcher }) => dispatcher.close().catch(() => {})));
  };
  return outbound;
}

/** A presented certificate in the words Settings shows: one-line names, expiry as ISO 8601. */
function describePeer(certificate: PeerCertificate): ProbeResult['certificate'] {
  const name = (entries: PeerCertificate['subject'] | undefined) =>
    Object.entries(entries ?? {})
      .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : String(value)}`)
      .join(', ')
      .slice(0, 300);
  const notAfter = Date.parse(certificate.valid_to);
  return {
    subject: name(certificate.subject),
    issuer: name(certificate.issuer),
    notAfter: Number.isFinite(notAfter) ? new Date(notAfter).toISOString() : '',
  };
}

/** The proxy Electron's session chose for `url`; this computer is never proxied. */
async function systemProxyFor(
  url: URL,
  resolve: (url: string) => Promise<string>,
): Promise<ProxyChoice | null> {
  if (isLoopback(url.hostname)) return null;
  let answer: string;
  try {
    answer = await resolve(url.href);
  } catch (error) {
    throw new OutboundError(
      'proxy_misconfigured',
      `Token Desk could not find out which proxy the system uses for ${url.host} (${error instanceof Error ? error.message : String(error)}), so it sent nothing. Check the system's proxy settings.`,
    );
  }
  return proxyFromPac(url, answer);
}

/**
 * A proxy that accepts the connection and closes it without answering the tunnel
 * request: undici takes that for a passing socket error and connects again at once,
 * thousands of times a second until the request's timeout (measured: 5,927 connections
 * in 3 s). The tunnel request's pool is made to fail that case for good, in words.
 */
function endingOnSilentClose(pool: Pool, proxy: ProxyChoice): Pool {
  const connect = pool.connect.bind(pool) as (
    options: Dispatcher.ConnectOptions,
  ) => Promise<Dispatcher.ConnectData>;
  const wrapped = async (options: Dispatcher.ConnectOptions) => {
    try {
      return await connect(options);
    } catch (error) {
      if ((error as { code?: unknown })?.code !== 'UND_ERR_SOCKET') throw error;
      throw new OutboundError(
        'proxy_refused',
        `The proxy ${proxy.origin} (from ${proxy.source}) closed the connection without answering the request to reach ${options.path}, so it was not reached. Check that ${proxy.origin} is an HTTP proxy and that it is running.`,
        'UND_ERR_SOCKET',
      );
    }
  };
  // ProxyAgent asks for its tunnels with the promise form only.
  pool.connect = wrapped as unknown as Pool['connect'];
  return pool;
}

/**
 * The https-only rule, here too: a credential goes over http:// only to this
 * computer. Every caller checks its URL already; this is the last place to.
 */
function refuseUnsafe(url: URL): void {
  // To some resolvers a name under .localhost is this computer, to others (DNS) any
  // address at all: it would skip the proxy as this computer's while reaching another.
  if (url.hostname.toLowerCase().replace(/\.$/, '').endsWith('.localhost')) {
    throw new OutboundError(
      'insecure_url',
      `Token Desk does not send requests to ${url.host}: a name under .localhost is this computer to some systems and any address to others. Use localhost or 127.0.0.1 for this computer.`,
    );
  }
  if (url.username || url.password) {
    throw new OutboundError(
      'insecure_url',
      `Token Desk does not send requests to an address with a user name or password in it (${url.host}).`,
    );
  }
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && isLoopbackServiceUrl(url.href)) return;
  throw new OutboundError(
    'insecure_url',
    url.protocol === 'http:'
      ? `Token Desk sends requests to ${url.host} only over https://: over http:// a credential would cross the network unencrypted. http:// is allowed only for this computer.`
      : `Token Desk sends requests over https:// only, not ${url.protocol.replace(/:$/, '')}.`,
  );
}

/** Octokit passes a URL string; a Request is taken apart so undici's fetch sees plain values. */
async function asUrlAndInit(
  input: Parameters<Fetch>[0],
  init: RequestInit,
): Promise<{ url: URL; init: RequestInit }> {
  if (typeof input === 'string' || input instanceof URL) return { url: new URL(input), init };
  const method = init.method ?? input.method;
  const headers = new Headers(input.headers);
  new Headers(init.headers).forEach((value, name) => headers.set(name, value));
  const body =
    init.body ?? (method === 'GET' || method === 'HEAD' ? undefined : await input.arrayBuffer());
  return {
    url: new URL(input.url),
    init: {
      ...init,
      method,
      headers,
      body,
      // A Request says "follow" unless told otherwise; only an explicit init may ask for it.
      redirect: init.redirect,
      signal: init.signal ?? input.signal,
    },
  };
}
