/**
 * The token service as a Fastify app, built by a factory so tests can start as many as
 * they like on ephemeral ports, each with its own database and clock. Composition only:
 * the Fastify instance, the plugins (plugins/), the storage, the features' services
 * (services.ts) and their routes (features/<feature>/routes.ts), in that order.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { DEFAULT_EVENT_RETENTION_DAYS } from '../shared/events.js';
import { systemClock } from './clock.js';
import { destinationRoutes } from './features/destinations/routes.js';
import { eventRoutes } from './features/events/routes.js';
import { healthRoutes } from './features/health/routes.js';
import { organizationRoutes } from './features/organizations/routes.js';
import { sessionRoutes } from './features/sessions/routes.js';
import { tokenRoutes } from './features/tokens/routes.js';
import { trackedTokenRoutes } from './features/tracked-tokens/routes.js';
import { userRoutes } from './features/users/routes.js';
import { Housekeeping } from './housekeeping.js';
import { BODY_LIMIT_BYTES, DEFAULTS, READINESS_TIMEOUT_MS, type AppOptions } from './options.js';
import { frameworkErrors, registerErrorHandling } from './plugins/error-handling.js';
import { registerHostGuard, trustProxyOption } from './plugins/host-guard.js';
import { registerOpenApi } from './plugins/openapi.js';
import { registerRequestLog } from './plugins/request-log.js';
import { createServices } from './services.js';
import { Availability, DatabaseUnavailableError } from './storage/availability.js';
import { openStorage } from './storage/open-storage.js';

/**
 * Never logged today (no line carries headers); kept so a future `log.info({ req })` in a
 * route cannot leak a credential either.
 */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
];

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
    // One line per request from our own onResponse hook (plugins/request-log.ts) instead
    // of Fastify's two ("incoming request" with every header, "request completed").
    logController: new LogController({ disableRequestLogging: true }),
    ajv: {
      // Refuse unknown fields and wrong types instead of silently stripping or coercing them.
      customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false },
    },
    frameworkErrors,
    // Client-supplied request ids would let one request impersonate another in the logs.
    requestIdHeader: false,
    // Off unless configured: otherwise any client could pick its own address (and so its
    // own rate-limit window) with X-Forwarded-For.
    trustProxy: trustProxyOption(options.trustProxy ?? false),
  }).withTypeProvider<TypeBoxTypeProvider>();

  registerHostGuard(
    app,
    {
      listenHost: options.listenHost ?? DEFAULTS.listenHost,
      allowedHosts: options.allowedHosts ?? [],
    },
    options.trustProxy ?? false,
  );
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
  const services = createServices(db, options, clock);

  const housekeeping = new Housekeeping(
    {
      clock,
      tokens: services.tokens,
      events: services.events,
      attempts: services.sharedAttempts,
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
  app.decorate('credentialCaches', {
    tokens: services.tokens.cache,
    sessions: services.sessions.cache,
  });

  // JSON only: a text/plain body gets 415 rather than a confusing type error.
  app.removeContentTypeParser('text/plain');
  // Declared up front so every request object keeps one shape (V8 hidden class).
  app.decorateRequest('principal', null);
  app.decorateRequest('errorCode', null);
  registerErrorHandling(app);
  await registerOpenApi(app);

  await app.register(healthRoutes, {
    identityKey: options.identityKey ?? null,
    ready: () => db.check(READINESS_TIMEOUT_MS),
  });
  await app.register(userRoutes, services);
  await app.register(sessionRoutes, services);
  await app.register(tokenRoutes, services);
  await app.register(destinationRoutes, services);
  await app.register(trackedTokenRoutes, services);
  await app.register(eventRoutes, services);
  await app.register(organizationRoutes, services);

  return app;
}
