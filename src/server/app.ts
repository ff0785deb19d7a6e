/**
 * The token service as a Fastify app, built by a factory so tests can start as
 * many as they like on ephemeral ports, each with its own database and clock.
 */
import { DAY_MS } from '../shared/time.js';
import { isIP } from 'node:net';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  LogController,
  type FastifyInstance,
  type FastifyReply,
  type FastifyServerOptions,
} from 'fastify';
import { ErrorBody } from '../shared/api-schemas.js';
import { DEFAULT_EVENT_RETENTION_DAYS } from '../shared/events.js';
import { Authenticator } from './auth/authenticator.js';
import { CredentialCache, DEFAULT_CREDENTIAL_CACHE_SIZE } from './auth/credential-cache.js';
import { FailureLimiter, type FailureLimit } from './auth/failure-limiter.js';
import { KnownSignIns } from './auth/known-sign-ins.js';
import { HashGate, type HashLimits } from './auth/hash-gate.js';
import { SharedAttempts } from './auth/shared-attempts.js';
import { DEFAULT_SCRYPT_COST } from './auth/passwords.js';
import { systemClock, type Clock } from './clock.js';
import { ApiError, errorBody, registerErrorHandling } from './errors.js';
import { registerRequestLog } from './plugins/request-log.js';
import { hostChecker, hostRefusal, type HostPolicy } from './plugins/host-guard.js';
import { Housekeeping, type HousekeepingOptions } from './housekeeping.js';
import { destinationRoutes } from './features/destinations/routes.js';
import { eventRoutes } from './features/events/routes.js';
import { healthRoutes } from './features/health/routes.js';
import { organizationRoutes } from './features/organizations/routes.js';
import { sessionRoutes } from './features/sessions/routes.js';
import { tokenRoutes } from './features/tokens/routes.js';
import { userRoutes } from './features/users/routes.js';
import type { Services } from './services.js';
import { TokenCredentials } from './features/tokens/credentials.js';
import { ApiTokenStore } from './features/tokens/domain.js';
import { Availability, DatabaseUnavailableError } from './storage/availability.js';
import { openStorage, type StorageOptions } from './storage/open-storage.js';
import { DestinationStore } from './features/destinations/store.js';
import { EventStore } from './features/events/store.js';
import { OrganizationStore } from './features/organizations/store.js';
import { SessionStore } from './features/sessions/store.js';
import { UserStore } from './features/users/store.js';

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

/**
 * Which proxies' `X-Forwarded-For` to believe: none (`false`), the nearest one (`true`, the
 * same as 1), a hop count, or the proxies' addresses/CIDRs.
 */
export type TrustProxy = boolean | number | string[];

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

/**
 * Never logged today (no line carries headers); kept so a future `log.info({ req })` in a
 * route cannot leak a credential either.
 */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
];

/**
 * Fastify (5.12) trusts nothing for a bare hop count, so a count becomes proxy-addr's own
 * rule: believe the nearest `hops` addresses in the chain. `true` is one hop, not every
 * hop: nginx and HAProxy append the address they saw to the X-Forwarded-For the client
 * sent, so only the rightmost entry was written by the proxy; believing every hop would
 * hand the client the leftmost one, an address of its own choosing. Counts are safe only
 * when the proxy is the only way in; addresses or CIDRs are the safer setting.
 */
function trustProxyOption(
  trust: TrustProxy,
): false | string[] | ((a: string, hop: number) => boolean) {
  const hops = trust === true ? 1 : trust;
  if (hops === false || Array.isArray(hops)) return hops;
  if (hops <= 0) return false;
  return (_address, hop) => hop < hops;
}

/**
 * Whether the address proxy-addr picked from X-Forwarded-For can be used as the client's:
 * an IP address, as Node's strict parser reads it (no port, no brackets, no leading zeros)
 * and without a zone index, which names an interface of another machine. Anything else a
 * trusted hop passed along (`=HYPERLINK(…)`, `foo`) is never a limiter key nor stored.
 */
function isForwardedAddress(address: string | undefined, peer: string | undefined): boolean {
  if (address === undefined) return false;
  return address === peer || (isIP(address) !== 0 && !address.includes('%'));
}

/**
 * @fastify/swagger marks every body as required; a route that accepts none says so with
 * OPTIONAL_BODY (schema-parts.ts), and its requestBody is published as optional.
 */
function markOptionalBodies(document: object): object {
  if (!('openapiObject' in document)) return document;
  const spec = document.openapiObject as {
    paths?: Record<string, Record<string, Record<string, unknown>>>;
  };
  for (const operations of Object.values(spec.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      if (operation['x-optional-body'] !== true) continue;
      delete operation['x-optional-body'];
      const body = operation.requestBody as { required?: boolean } | undefined;
      if (body) body.required = false;
    }
  }
  return spec;
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const clock = options.clock ?? systemClock;
  const app = Fastify({
    bodyLimit: BODY_LIMIT_BYTES,
    logger:
      options.logger === false || options.logger === undefined
        ? false
        : {
            ...options.logger,
            redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
          },
    // One line per request from our own onResponse hook (below) instead of Fastify's two
    // ("incoming request" with every header, "request completed").
    logController: new LogController({ disableRequestLogging: true }),
    ajv: {
      // Refuse unknown fields and wrong types instead of silently stripping or coercing them.
      customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false },
    },
    // Errors raised by the router before any handler (bad percent-encoding, an
    // over-long path segment) get the same body shape as everything else.
    frameworkErrors: (error, _request, reply) => {
      const status = error.statusCode ?? 400;
      const message =
        status === 414
          ? 'A path segment in the URL is too long.'
          : 'The URL is malformed (check its percent-encoding).';
      // The framework types this reply for a route it has not matched; it is a plain reply.
      void (reply as unknown as FastifyReply)
        .code(status)
        .send(errorBody(status, 'invalid_request', message));
    },
    // Client-supplied request ids would let one request impersonate another in the logs.
    requestIdHeader: false,
    // Off unless configured: otherwise any client could pick its own address (and so its
    // own rate-limit window) with X-Forwarded-For.
    trustProxy: trustProxyOption(options.trustProxy ?? false),
  }).withTypeProvider<TypeBoxTypeProvider>();

  // First of all hooks, so no route, body parser or authentication runs for a request
  // sent to a name we do not answer to. Callback style: no promise per request.
  const hostPolicy: HostPolicy = {
    listenHost: options.listenHost ?? DEFAULTS.listenHost,
    allowedHosts: options.allowedHosts ?? [],
  };
  const hostAllowed = hostChecker(hostPolicy);
  const forwarding = trustProxyOption(options.trustProxy ?? false) !== false;
  app.addHook('onRequest', (request, _reply, done) => {
    // Before anything reads or logs request.ip. When what the proxies forwarded is not an
    // address, the request is the peer's own: a client cannot get a fresh limiter window
    // or write into the audit trail by making one up. The own property shadows Fastify's
    // getter for this request only, so the usual request keeps its shape.
    if (forwarding) {
      const peer = request.socket.remoteAddress;
      if (!isForwardedAddress(request.ip, peer)) {
        if (peer === undefined) {
          done(new ApiError(400, 'invalid_request', 'The connection closed before the request.'));
          return;
        }
        Object.defineProperty(request, 'ip', { value: peer, enumerable: true });
      }
    }
    const host = request.headers.host;
    if (!hostAllowed(host)) {
      done(new ApiError(421, 'host_not_allowed', hostRefusal(host, hostPolicy)));
      return;
    }
    // A NUL in a path parameter or the query is never a real id or filter, and PostgreSQL
    // cannot even take it as a query parameter: bad input, for both backends alike.
    if (request.url.includes('%00')) {
      done(new ApiError(400, 'invalid_request', 'The URL contains a NUL character (%00).'));
      return;
    }
    done();
  });

  registerRequestLog(app);

  // Once per outage, not once per request: the first failure and the first success after it.
  const availability = new Availability({
    unavailable: (failure, reason) =>
      app.log.warn(
        { code: 'database_unavailable', failure, reason },
        `the database is unavailable (${failure.replace('_', ' ')}): ${reason}; requests that need it are answered ${failure === 'full' ? 507 : 503} until it is back`,
      ),
    available: (downForMs, refused) =>
      app.log.warn(
        { code: 'database_available', downForMs, refused },
        `the database is available again after ${(downForMs / 1000).toFixed(1)} s; ${refused} operations failed meanwhile`,
      ),
  });
  const db = await openStorage(options.storage, availability);

  const destinations = new DestinationStore(db);
  const events = new EventStore(db);
  const cacheSize =
    options.storage.kind === 'postgres'
      ? 0
      : (options.credentialCacheSize ?? DEFAULT_CREDENTIAL_CACHE_SIZE);
  const tokens = new ApiTokenStore(db, destinations, events, new CredentialCache(cacheSize));
  const sharedAttempts = options.storage.kind === 'postgres' ? new SharedAttempts(db, clock) : null;
  const housekeeping = new Housekeeping(
    {
      clock,
      tokens,
      events,
      attempts: sharedAttempts,
      onError: (error) => {
        // An outage is logged once where it is noticed; the next run tries again.
        if (error instanceof DatabaseUnavailableError) return;
        app.log.error({ err: error }, 'background housekeeping failed');
      },
    },
    {
      retentionDays: options.eventRetentionDays ?? DEFAULT_EVENT_RETENTION_DAYS,
      ...options.housekeeping,
    },
  );
  app.decorate('housekeeping', housekeeping);
  // The sweep stops (its batch in progress finishes) before the database closes.
  app.addHook('onClose', async () => {
    await housekeeping.stop();
    await db.close();
  });
  app.addHook('onReady', async () => housekeeping.start());
  const sessions = new SessionStore(db, new CredentialCache(cacheSize));
  app.decorate('credentialCaches', { tokens: tokens.cache, sessions: sessions.cache });
  const services: Services = {
    clock,
    users: new UserStore(db),
    sessions,
    tokens,
    destinations,
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
    sharedAttempts,
    signUpLimit: new FailureLimiter(options.signUpLimit ?? DEFAULTS.signUpLimit, clock),
    hashing: options.hashGate ?? new HashGate(DEFAULTS.hashing),
    policy: {
      signupEnabled: options.signupEnabled ?? true,
      maxTokenLifetimeMs: (options.maxTokenLifetimeDays ?? DEFAULTS.maxTokenLifetimeDays) * DAY_MS,
      sessionLifetimeMs: (options.sessionLifetimeDays ?? DEFAULTS.sessionLifetimeDays) * DAY_MS,
      scryptCost: options.scryptCost ?? DEFAULT_SCRYPT_COST,
    },
  };

  // JSON only: a text/plain body gets 415 rather than a confusing type error.
  app.removeContentTypeParser('text/plain');
  // Declared up front so every request object keeps one shape (V8 hidden class).
  app.decorateRequest('principal', null);
  app.decorateRequest('errorCode', null);
  registerErrorHandling(app);
  app.addSchema(ErrorBody);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Token Desk token service',
        description:
          'Accounts, sessions and API tokens. API tokens (`ca_…`) and session tokens (`ses_…`) are sent as `Authorization: Bearer <token>`. ' +
          'An API token acts for the account that created it and can use every resource its owner can. Managing tokens needs a session: ' +
          'listing, creating, rotating and revoking tokens with an API token gets 403 `session_required`. ' +
          'Responses that carry a secret are sent with `Cache-Control: no-store`. ' +
          'A request whose `Host` is not a loopback name or one listed in TOKEN_DESK_ALLOWED_HOSTS gets 421 `host_not_allowed` before any route runs (DNS rebinding).',
        version: '1.0.0',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    },
    transformObject: (document) => markOptionalBodies(document),
  });

  await app.register(healthRoutes, {
    identityKey: options.identityKey ?? null,
    ready: () => db.check(READINESS_TIMEOUT_MS),
  });
  await app.register(userRoutes, services);
  await app.register(sessionRoutes, services);
  await app.register(tokenRoutes, services);
  await app.register(destinationRoutes, services);
  await app.register(eventRoutes, services);
  await app.register(organizationRoutes, services);
  app.get('/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  return app;
}
