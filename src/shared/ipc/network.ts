/**
 * Settings' "Company network": how requests leave (proxy, its source, a saved
 * sign-in), the certificate authorities a person added, signing in to the proxy,
 * and checking one connection. Main opens the CA file itself; the page never sends
 * a path or a file's contents, and never sees a proxy password.
 */
import { Type } from 'typebox';
import { URL_MAX_LENGTH } from '../limits.js';
import { NoPayload, channel } from './fields.js';

/** A proxy's sign-in as typed; long enough for any directory password. */
export const PROXY_USERNAME_MAX_LENGTH = 256;
export const PROXY_PASSWORD_MAX_LENGTH = 1024;
/** How long "Check a connection" waits for an answer. */
export const NETWORK_CHECK_TIMEOUT_MS = 10_000;

/** Every host, or one host name (ghe.example.com); main checks the name's form again. */
export const TrustScopeSchema = Type.Union([
  Type.Object({ kind: Type.Literal('all') }, { additionalProperties: false }),
  Type.Object(
    { kind: Type.Literal('host'), host: Type.String({ minLength: 1, maxLength: 253 }) },
    { additionalProperties: false },
  ),
]);

export type TrustScopeInfo = { kind: 'all' } | { kind: 'host'; host: string };

/** SHA-256 as browsers show it: 32 upper-case hex pairs joined by colons. */
const Fingerprint256 = Type.String({ pattern: '^([0-9A-F]{2}:){31}[0-9A-F]{2}$', maxLength: 95 });

/** A proxy as scheme://host:port, no path, no credentials. */
const ProxyOrigin = Type.String({ minLength: 1, maxLength: URL_MAX_LENGTH });

/** How requests of one kind leave this computer. */
export interface NetworkRoute {
  /** What the requests go to, in words: "The token service (https://…)", "Other https sites". */
  label: string;
  /** The URL the route was worked out for. */
  url: string;
  /** null: straight to the host. */
  proxy: {
    /** scheme://host:port, never with a user name or password. */
    origin: string;
    /** "HTTPS_PROXY", "the system proxy setting", … */
    source: string;
    /** in-address: the variable's URL carries a sign-in; saved: one is in the keychain. */
    signIn: 'in-address' | 'saved' | 'none';
  } | null;
  /** Why the route could not be worked out (a proxy setting that is not an address), or null. */
  problem: string | null;
}

export interface AuthorityInfo {
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  fingerprint256: string;
  scope: TrustScopeInfo;
}

export interface NetworkStatus {
  routes: NetworkRoute[];
  /** Where the proxy comes from: the system's settings in the app, the environment outside it. */
  proxySource: 'system' | 'environment';
  /** NO_PROXY as set (environment only); null when unset or in the app. */
  noProxy: string | null;
  authorities: AuthorityInfo[];
  /** False without a keychain: a proxy sign-in lasts until Token Desk quits. */
  signInRemembered: boolean;
}

export type AddAuthorityResult = { added: AuthorityInfo[] } | { cancelled: true };

export interface NetworkCheckResult {
  url: string;
  /** What the check ended in: an HTTP status, or the failure's code and sentence. */
  outcome: { ok: true; status: number } | { ok: false; code: string; message: string };
  proxy: { origin: string; source: string } | null;
  certificate: { subject: string; issuer: string; notAfter: string } | null;
}

const AddAuthorityPayload = Type.Object(
  { scope: TrustScopeSchema },
  { additionalProperties: false },
);

const RemoveAuthorityPayload = Type.Object(
  { fingerprint256: Fingerprint256, scope: TrustScopeSchema },
  { additionalProperties: false },
);

const ProxySignInPayload = Type.Object(
  {
    proxyOrigin: ProxyOrigin,
    username: Type.String({ minLength: 1, maxLength: PROXY_USERNAME_MAX_LENGTH }),
    password: Type.String({ minLength: 1, maxLength: PROXY_PASSWORD_MAX_LENGTH }),
  },
  { additionalProperties: false },
);

const ProxySignOutPayload = Type.Object(
  { proxyOrigin: ProxyOrigin },
  { additionalProperties: false },
);

const CheckPayload = Type.Object(
  { url: Type.String({ minLength: 1, maxLength: URL_MAX_LENGTH }) },
  { additionalProperties: false },
);

export const NETWORK_CHANNELS = {
  'network:status': channel<typeof NoPayload, NetworkStatus>(NoPayload),
  'network:add-authority': channel<typeof AddAuthorityPayload, AddAuthorityResult>(
    AddAuthorityPayload,
  ),
  'network:remove-authority': channel<typeof RemoveAuthorityPayload, NetworkStatus>(
    RemoveAuthorityPayload,
  ),
  'network:proxy-sign-in': channel<typeof ProxySignInPayload, NetworkStatus>(ProxySignInPayload),
  'network:proxy-sign-out': channel<typeof ProxySignOutPayload, NetworkStatus>(ProxySignOutPayload),
  'network:check': channel<typeof CheckPayload, NetworkCheckResult>(CheckPayload),
} as const;
