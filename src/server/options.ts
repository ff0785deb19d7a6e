/** What buildApp can be told, and what it assumes when it is not. */
import type { FastifyServerOptions } from 'fastify';
import type { FailureLimit } from './auth/failure-limiter.js';
import type { HashGate, HashLimits } from './auth/hash-gate.js';
import type { Clock } from './clock.js';
import type { HousekeepingOptions } from './housekeeping.js';
import type { TrustProxy } from './plugins/host-guard.js';
import type { StorageOptions } from './storage/open-storage.js';

export const BODY_LIMIT_BYTES = 64 * 1024;
/** How long readiness (GET /v1/health/ready) waits for the database before answering 503. */
export const READINESS_TIMEOUT_MS = 2_000;

export interface AppOptions {
  /** Where the data lives: a SQLite file, or a PostgreSQL database shared by instances. */
  storage: StorageOptions;
  clock?: Clock;
  signupEnabled?: boolean;
  maxTokenLifetimeDays?: number;
  sessionLifetimeDays?: number;
  /** scrypt N; tests lower it for speed, production keeps the default. */
  scryptCost?: number;
  /** Unknown bearer credentials per client address. */
  authFailureLimit?: FailureLimit;
  /** Failed password checks per client address (counted before hashing). */
  signInFailureLimit?: FailureLimit;
  /** Failed password checks per account (email), from any address. */
  signInAccountLimit?: FailureLimit;
  /** Sign-up attempts per client address, whatever their outcome. */
  signUpLimit?: FailureLimit;
  /** Successful sign-ins per client address. */
  signInSuccessLimit?: FailureLimit;
  /** The bound on concurrent password hashes; a gate may be passed in so tests can hold it. */
  hashGate?: HashGate;
  /** The address the service will listen on; decides which `Host` names it answers to. */
  listenHost?: string;
  /** Host names to answer to besides loopback ones (TOKEN_DESK_ALLOWED_HOSTS); `*` for any. */
  allowedHosts?: readonly string[];
  /** Fastify's trustProxy (TOKEN_DESK_TRUST_PROXY): off unless set. */
  trustProxy?: TrustProxy;
  /** TOKEN_DESK_EVENT_RETENTION_DAYS: events older than this are pruned (default 400). */
  eventRetentionDays?: number;
  /** The background sweep's batch size and interval; `intervalMs: null` leaves it to tests. */
  housekeeping?: Omit<HousekeepingOptions, 'retentionDays'>;
  /**
   * Live credentials kept in memory per kind (tokens, sessions); 0 turns the cache off.
   * Always off on PostgreSQL: other instances write to the same database, and a cache
   * here would not see their revocations.
   */
  credentialCacheSize?: number;
  /**
   * TOKEN_DESK_IDENTITY_KEY (32 bytes): `npm start`'s per-user key, with which the health
   * route proves to it that this is the service it started. None: no proofs.
   */
  identityKey?: Buffer | null;
  /** Fastify/pino logger options, or false. Redaction is always added. */
  logger?: false | Exclude<FastifyServerOptions['logger'], boolean | undefined>;
}

export const DEFAULTS = {
  maxTokenLifetimeDays: 366,
  sessionLifetimeDays: 30,
  authFailureLimit: { maxFailures: 30, windowMs: 60_000 },
  signInFailureLimit: { maxFailures: 10, windowMs: 15 * 60_000 },
  // Higher than per address, so one address meets its own limit first; this one stops
  // guessing spread over many addresses without handing every stranger a lockout.
  signInAccountLimit: { maxFailures: 20, windowMs: 15 * 60_000 },
  signUpLimit: { maxFailures: 20, windowMs: 60 * 60_000 },
  // 2 × 128 MiB at most; a queue of 8 waits at most ~1.6 s before a 503 would have come.
  // One hash in the gate per address, so one client cannot fill it for everyone.
  hashing: { maxRunning: 2, maxQueued: 8, maxPerClient: 1 } satisfies HashLimits,
  // Correct passwords are not guesses, but each one costs a hash and a 30-day session;
  // a person signing in never comes near this, a loop soon does.
  signInSuccessLimit: { maxFailures: 100, windowMs: 15 * 60_000 },
  // How long a successful sign-in exempts its address from the account's failure window.
  knownSignInMs: 30 * 24 * 60 * 60_000,
  listenHost: '127.0.0.1',
} as const;
