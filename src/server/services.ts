import type { Authenticator, Principal } from './auth/authenticator.js';
import type { CredentialCache } from './auth/credential-cache.js';
import type { FailureLimiter } from './auth/failure-limiter.js';
import type { KnownSignIns } from './auth/known-sign-ins.js';
import type { HashGate } from './auth/hash-gate.js';
import type { SharedAttempts } from './auth/shared-attempts.js';
import type { Clock } from './clock.js';
import type { ApiTokenStore } from './features/tokens/domain.js';
import type { TokenCredential } from './features/tokens/model.js';
import type { Housekeeping } from './housekeeping.js';
import type { DestinationStore } from './features/destinations/store.js';
import type { EventStore } from './features/events/store.js';
import type { OrganizationStore } from './features/organizations/store.js';
import type { SessionCredential, SessionStore } from './features/sessions/store.js';
import type { UserStore } from './features/users/store.js';

/** Everything a route plugin needs, handed to it as plugin options. */
export interface Services {
  clock: Clock;
  users: UserStore;
  sessions: SessionStore;
  tokens: ApiTokenStore;
  destinations: DestinationStore;
  /** The account audit trail (issue 8). */
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
