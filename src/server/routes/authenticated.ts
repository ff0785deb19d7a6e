import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/authenticator.js';
import { ApiError } from '../errors.js';
import type { Services } from '../services.js';

/**
 * Makes every route registered in `app`'s (encapsulated) context require a bearer
 * token. Runs on `onRequest`, before the body is read or validated, so an
 * unauthenticated client learns nothing from validation errors.
 */
export function requireAuthentication(app: FastifyInstance, services: Services): void {
  app.addHook('onRequest', async (request) => {
    request.principal = services.authenticator.authenticate(
      request.headers.authorization,
      request.ip,
    );
  });
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new ApiError(401, 'unauthorized', 'Authentication is required.');
  return request.principal;
}
