/**
 * The request log: one line per request, written when the response has been sent.
 *
 * Method, route pattern (never the URL, which may carry ids and query strings), status,
 * duration, client address and request id (pino's `reqId` binding), and the stable error
 * code of a refused request. No headers: nothing there that a log needs, and a place where
 * a secret can slip through. Health and readiness checks that pass are logged at debug only,
 * because load balancers poll them and they would drown everything else.
 */
import type { FastifyInstance } from 'fastify';
import { HEALTH_ROUTE, READINESS_ROUTE } from '../features/health/routes.js';

// pino's numeric levels; Fastify's logger type does not expose isLevelEnabled.
const LEVELS: Record<string, number> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Infinity,
};

export function registerRequestLog(app: FastifyInstance): void {
  // Callback style: no promise per request.
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? null;
    const status = reply.statusCode;
    const log = request.log;
    const level =
      // Load balancers poll both (liveness and readiness).
      status < 400 && (route === HEALTH_ROUTE || route === READINESS_ROUTE) ? 'debug' : 'info';
    // Checked first so a quiet level builds no object at all.
    if ((LEVELS[log.level] ?? 0) <= (LEVELS[level] as number)) {
      log[level](
        {
          method: request.method,
          route,
          status,
          ms: Math.round(reply.elapsedTime * 100) / 100,
          ip: request.ip,
          code: request.errorCode ?? undefined,
        },
        'request',
      );
    }
    done();
  });
}
