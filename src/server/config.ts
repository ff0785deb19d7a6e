import { isIP } from 'node:net';
import envPaths from 'env-paths';
import { DEFAULT_EVENT_RETENTION_DAYS } from '../shared/events.js';
import type { TrustProxy } from './plugins/host-guard.js';
import { DEFAULT_POOL_SIZE } from './storage/postgres-database.js';

export interface ServiceConfig {
  host: string;
  port: number;
  dataDir: string;
  signupEnabled: boolean;
  maxTokenLifetimeDays: number;
  logLevel: string;
  /** TOKEN_DESK_ALLOWED_HOSTS: host names answered besides loopback ones (lowercase). */
  allowedHosts: string[];
  /** TOKEN_DESK_TRUST_PROXY: whose X-Forwarded-For to believe; false by default. */
  trustProxy: TrustProxy;
  /** TOKEN_DESK_EVENT_RETENTION_DAYS: how long the audit trail keeps events. */
  eventRetentionDays: number;
  /**
   * DATABASE_URL (postgres://…): PostgreSQL, for several instances on one database.
   * Unset: SQLite in the data directory, one process.
   */
  postgres: { url: string; poolSize: number } | null;
  /** TOKEN_DESK_IDENTITY_KEY: set by `npm start` so it can recognize its own service. */
  identityKey: Buffer | null;
}

export const DEFAULT_PORT = 4780;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Reads the service's settings from environment variables; throws a readable error on a bad value. */
export function readServiceConfig(env: NodeJS.ProcessEnv): ServiceConfig {
  const port = integer(env.PORT, 'PORT', DEFAULT_PORT, 0, 65535);
  const signup = (env.TOKEN_DESK_SIGNUP ?? 'on').toLowerCase();
  if (!['on', 'off'].includes(signup))
    throw new Error(`TOKEN_DESK_SIGNUP must be "on" or "off", not "${signup}".`);
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!LOG_LEVELS.includes(logLevel))
    throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}.`);
  return {
    host: env.HOST || '127.0.0.1',
    port,
    dataDir: env.TOKEN_DESK_DATA_DIR || envPaths('token-desk', { suffix: '' }).data,
    signupEnabled: signup === 'on',
    maxTokenLifetimeDays: integer(
      env.TOKEN_DESK_MAX_TOKEN_LIFETIME_DAYS,
      'TOKEN_DESK_MAX_TOKEN_LIFETIME_DAYS',
      366,
      1,
      36_500,
    ),
    logLevel,
    allowedHosts: parseAllowedHosts(env.TOKEN_DESK_ALLOWED_HOSTS),
    trustProxy: parseTrustProxy(env.TOKEN_DESK_TRUST_PROXY),
    eventRetentionDays: integer(
      env.TOKEN_DESK_EVENT_RETENTION_DAYS,
      'TOKEN_DESK_EVENT_RETENTION_DAYS',
      DEFAULT_EVENT_RETENTION_DAYS,
      1,
      36_500,
    ),
    postgres: parseDatabaseUrl(env.DATABASE_URL, env.TOKEN_DESK_DATABASE_POOL_SIZE),
    identityKey: parseIdentityKey(env.TOKEN_DESK_IDENTITY_KEY),
  };
}

/** 64 hex digits (256 bits), as scripts/start.mjs writes them; never echoed in an error. */
export function parseIdentityKey(raw: string | undefined): Buffer | null {
  if (raw === undefined || raw === '') return null;
  if (!/^[0-9a-f]{64}$/.test(raw)) {
    throw new Error(
      'TOKEN_DESK_IDENTITY_KEY must be 64 lowercase hex digits (npm start sets it from its key file); leave it unset otherwise.',
    );
  }
  return Buffer.from(raw, 'hex');
}

/** DATABASE_URL, checked enough to give a clear message instead of a driver's. */
function parseDatabaseUrl(
  raw: string | undefined,
  rawPoolSize: string | undefined,
): ServiceConfig['postgres'] {
  if (raw === undefined || raw.trim() === '') {
    if (rawPoolSize !== undefined && rawPoolSize !== '') {
      throw new Error('TOKEN_DESK_DATABASE_POOL_SIZE applies only with DATABASE_URL (PostgreSQL).');
    }
    return null;
  }
  const url = raw.trim();
  // The scheme only: libpq's URL forms include some a WHATWG URL refuses, such as a
  // Unix socket with an empty host (postgres://user@/db?host=/var/run/postgresql).
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    throw new Error(
      'DATABASE_URL must be a PostgreSQL URL such as postgres://user:password@db.internal:5432/token_desk.',
    );
  }
  if (scheme !== 'postgres' && scheme !== 'postgresql') {
    // Never echo the URL: it usually carries a password.
    throw new Error(
      `DATABASE_URL must start with postgres:// or postgresql:// (it starts with ${scheme}://); ` +
        'leave it unset to keep the data in SQLite.',
    );
  }
  return {
    url,
    poolSize: integer(rawPoolSize, 'TOKEN_DESK_DATABASE_POOL_SIZE', DEFAULT_POOL_SIZE, 1, 1000),
  };
}

// A DNS name (labels of letters, digits and hyphens), an IPv4 address or a bracketed IPv6 one.
const HOST_NAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** `tokens.example.com, desk.internal` → `['tokens.example.com', 'desk.internal']`; `*` for any. */
export function parseAllowedHosts(raw: string | undefined): string[] {
  if (raw === undefined || raw.trim() === '') return [];
  const hosts = raw.split(',').map((entry) => entry.trim().toLowerCase());
  for (const host of hosts) {
    const bracketed = host.startsWith('[') && host.endsWith(']') && isIP(host.slice(1, -1)) === 6;
    if (host === '*' || bracketed || HOST_NAME.test(host)) continue;
    throw new Error(
      `TOKEN_DESK_ALLOWED_HOSTS must be a comma-separated list of host names without ports ` +
        `(e.g. tokens.example.com,desk.internal), or *; "${host}" is not one.`,
    );
  }
  return hosts;
}

// proxy-addr's names for the usual private ranges.
const RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

const PREFER_ADDRESSES =
  "Prefer the proxies' addresses or CIDR ranges: true and hop counts believe X-Forwarded-For " +
  'from anyone who can connect to the service directly.';

/**
 * `false` (unset, empty, false, off, 0), `true` (true, on: the nearest proxy, one hop), a
 * hop count, or a comma-separated list of proxy addresses, CIDR ranges and proxy-addr's
 * range names. `true` and counts believe whoever connects, so they are safe only when
 * nothing reaches the service except through the proxy; a list is safe anyway.
 */
export function parseTrustProxy(raw: string | undefined): TrustProxy {
  const value = (raw ?? '').trim().toLowerCase();
  if (['', 'false', 'off', 'no', '0'].includes(value)) return false;
  if (['true', 'on', 'yes'].includes(value)) return true;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 100)
      throw new Error(
        `TOKEN_DESK_TRUST_PROXY: ${hops} proxy hops is not plausible; ${PREFER_ADDRESSES}`,
      );
    return hops;
  }
  const entries = value.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    if (RANGE_NAMES.includes(entry) || isAddressOrCidr(entry)) continue;
    throw new Error(
      "TOKEN_DESK_TRUST_PROXY must be a comma-separated list of your proxies' addresses or CIDR " +
        `ranges (e.g. 10.0.0.0/8,::1), true (one proxy hop), a number of hops, or false; "${entry}" ` +
        `is none of these. ${PREFER_ADDRESSES}`,
    );
  }
  return entries;
}

/** A start-up warning for a trust setting that believes any peer; null for a safe one. */
export function trustProxyWarning(trust: TrustProxy): string | null {
  if (trust === false || Array.isArray(trust) || trust === 0) return null;
  const hops = trust === true ? 1 : trust;
  const entries = hops === 1 ? 'X-Forwarded-For entry' : `${hops} X-Forwarded-For entries`;
  return (
    `TOKEN_DESK_TRUST_PROXY believes the nearest ${entries} ` +
    'from any peer, so a client that can reach this service without going through the proxy ' +
    "chooses its own address (and its own rate-limit window). Set it to the proxies' addresses " +
    'or CIDR ranges (e.g. 10.0.0.0/8) unless the proxy is the only way in.'
  );
}

function isAddressOrCidr(entry: string): boolean {
  const [address = '', prefix, extra] = entry.split('/');
  if (extra !== undefined) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

function integer(
  raw: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, not "${raw}".`);
  }
  return value;
}
