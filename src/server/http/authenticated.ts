import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/authenticator.js';
import { ApiError } from '../errors.js';
import type { EventActor } from '../../shared/events.js';
import type { Actor } from '../features/tokens/model.js';
import { cleanUserAgent, type EventOrigin } from '../features/events/store.js';
import type { Services } from '../services.js';

/** Who may call the routes of a scope: any live credential, or only a session. */
export type Access = 'session_or_api_token' | 'session';

export const SESSION_REQUIRED_MESSAGE =
  'Managing API tokens needs a session: sign in with your email and password (the Token Desk app does this). An API token can read your account, organizations and apps, but cannot list, create, rotate or revoke tokens.';

/**
 * Makes every route registered in `app`'s (encapsulated) context require a bearer
 * token, and with `session` a session token (403 `session_required` for an API token).
 * Runs on `onRequest`, before the body is read or validated, so an unauthenticated
 * client learns nothing from validation errors. Callback style: this runs on every
 * authenticated request, and an async hook would cost a promise each time.
 */
export function requireAuthentication(
  app: FastifyInstance,
  services: Services,
  access: Access = 'session_or_api_token',
): void {
  const { authenticator } = services;
  const admit = (request: FastifyRequest, principal: Principal): ApiError | undefined => {
    if (access === 'session' && principal.kind !== 'session') {
      return new ApiError(403, 'session_required', SESSION_REQUIRED_MESSAGE);
    }
    request.principal = principal;
    return undefined;
  };
  app.addHook('onRequest', (request, _reply, done) => {
    let principal: Principal | Promise<Principal>;
    try {
      principal = authenticator.authenticate(
        request.headers.authorization,
        request.ip,
        request.headers['user-agent'],
      );
    } catch (error) {
      done(error as ApiError);
      return;
    }
    if (principal instanceof Promise) {
      principal.then(
        (resolved) => done(admit(request, resolved)),
        (error: unknown) => done(error as ApiError),
      );
      return;
    }
    done(admit(request, principal));
  });
}

/** Where a request came from, as an event records it (the User-Agent cleaned). */
export function originOf(request: FastifyRequest): EventOrigin {
  return { ip: request.ip, userAgent: cleanUserAgent(request.headers['user-agent']) };
}

/** The acting principal as an event's actor. */
export function actorOf(principal: Principal): EventActor {
  return principal.kind === 'session'
    ? { kind: 'session', id: principal.sessionId }
    : { kind: 'api_token', id: principal.tokenId };
}

/** Actor and origin of an authenticated request, for the stores' event records. */
export function byRequest(request: FastifyRequest): Actor {
  return { actor: actorOf(principalOf(request)), origin: originOf(request) };
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new ApiError(401, 'unauthorized', 'Authentication is required.');
  return request.principal;
}
