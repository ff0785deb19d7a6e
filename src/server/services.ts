/**
 * What the routes are given: every feature's service, the authenticator and the limits,
 * built once per app from the storage and the options.
 */
import { DAY_MS } from '../shared/time.js';
import { Authenticator, type Principal } from './auth/authenticator.js';
import { CredentialCache, DEFAULT_CREDENTIAL_CACHE_SIZE } from './auth/credential-cache.js';
import { FailureLimiter } from './auth/failure-limiter.js';
import { HashGate } from './auth/hash-gate.js';
import { KnownSignIns } from './auth/known-sign-ins.js';
import { DEFAULT_SCRYPT_COST } from './auth/passwords.js';
import { SharedAttempts } from './auth/shared-attempts.js';
import type { Clock } from './clock.js';
import { DestinationStore } from './features/destinations/store.js';
import { EventStore } from './features/events/store.js';
import { OrganizationStore } from './features/organizations/store.js';
import { SessionStore, type SessionCredential } from './features/sessions/store.js';
import { TokenCredentials } from './features/tokens/credentials.js';
import { ApiTokenStore } from './features/tokens/domain.js';
import { TrackedTokenStore } from './features/tracked-tokens/store.js';
import type { TokenCredential } from './features/tokens/model.js';
import { UserStore } from './features/users/store.js';
import type { Housekeeping } from './housekeeping.js';
import { DEFAULTS, type AppOptions } from './options.js';
import type { Database } from './storage/sql.js';

/** Everything a route plugin needs, handed to it as plugin options. */
export interface Services {
  clock: Clock;
  users: UserStore;
  sessions: SessionStore;
  tokens: ApiTokenStore;
  destinations: DestinationStore;
  /** Other vendors' tokens the account tracks, and their places. */
  trackedTokens: TrackedTokenStore;
  /** The account's audit trail. */
  events: EventStore;
  organizations: OrganizationStore;
  authenticator: Authenticator;
  /** Password checks, counted before hashing: per client address and per account (email). */
  signInLimits: {
    address: FailureLimiter;
    account: FailureLimiter;
    /** Successful sign-ins per address (never given back). */
    successes: FailureLimiter;
    /** Addresses that signed in to an account recently: not held to its failure window. */
    known: KnownSignIns;
  };
  /**
   * The sign-in and sign-up windows counted again in the database, shared by every
   * instance (PostgreSQL mode); null with SQLite, where one process counts them all.
   */
  sharedAttempts: SharedAttempts | null;
  /** Sign-up attempts per client address, whatever their outcome. */
  signUpLimit: FailureLimiter;
  /** The one bound on concurrent password hashes (sign-in and sign-up). */
  hashing: HashGate;
  policy: {
    signupEnabled: boolean;
    maxTokenLifetimeMs: number;
    sessionLifetimeMs: number;
    scryptCost: number;
  };
}

/** The services of one app over `db`. */
export function createServices(db: Database, options: AppOptions, clock: Clock): Services {
  const destinations = new DestinationStore(db);
  const events = new EventStore(db);
  // Off on PostgreSQL: other instances write to the same database (see AppOptions).
  const cacheSize =
    options.storage.kind === 'postgres'
      ? 0
      : (options.credentialCacheSize ?? DEFAULT_CREDENTIAL_CACHE_SIZE);
  const tokens = new ApiTokenStore(db, destinations, events, new CredentialCache(cacheSize));
  const sessions = new SessionStore(db, new CredentialCache(cacheSize));
  return {
    clock,
    users: new UserStore(db),
    sessions,
    tokens,
    destinations,
    trackedTokens: new TrackedTokenStore(db),
    events,
    organizations: new OrganizationStore(db),
    authenticator: new Authenticator({
      tokens: new TokenCredentials(db, tokens, events),
      sessions,
      clock,
      failures: new FailureLimiter(options.authFailureLimit ?? DEFAULTS.authFailureLimit, clock),
    }),
    signInLimits: {
      address: new FailureLimiter(options.signInFailureLimit ?? DEFAULTS.signInFailureLimit, clock),
      account: new FailureLimiter(options.signInAccountLimit ?? DEFAULTS.signInAccountLimit, clock),
      successes: new FailureLimiter(
        options.signInSuccessLimit ?? DEFAULTS.signInSuccessLimit,
        clock,
      ),
      known: new KnownSignIns(DEFAULTS.knownSignInMs, clock),
    },
    sharedAttempts: options.storage.kind === 'postgres' ? new SharedAttempts(db, clock) : null,
    signUpLimit: new FailureLimiter(options.signUpLimit ?? DEFAULTS.signUpLimit, clock),
    hashing: options.hashGate ?? new HashGate(DEFAULTS.hashing),
    policy: {
      signupEnabled: options.signupEnabled ?? true,
      maxTokenLifetimeMs: (options.maxTokenLifetimeDays ?? DEFAULTS.maxTokenLifetimeDays) * DAY_MS,
      sessionLifetimeMs: (options.sessionLifetimeDays ?? DEFAULTS.sessionLifetimeDays) * DAY_MS,
      scryptCost: options.scryptCost ?? DEFAULT_SCRYPT_COST,
    },
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Background pruning and expiry sweep; tests call `run()` instead of waiting. */
    housekeeping: Housekeeping;
    /** The exact credential caches, exposed so tests can check what they hold. */
    credentialCaches: {
      tokens: CredentialCache<TokenCredential>;
      sessions: CredentialCache<SessionCredential>;
    };
  }
  interface FastifyRequest {
    /** Set by the authentication hook on every route that requires it. */
    principal: Principal | null;
    /** The stable code of the error this request was answered with, for the request log. */
    errorCode: string | null;
  }
}
