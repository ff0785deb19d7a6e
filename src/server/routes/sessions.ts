import type {
  FastifyPluginAsyncTypebox,
  TypeBoxTypeProvider,
} from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CreateSessionBody, IdParams, Session } from '../../shared/api-schemas.js';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import { ApiError } from '../errors.js';
import type { Services } from '../services.js';
import { principalOf, requireAuthentication } from './authenticated.js';
import { bearerSecurity, errors } from './schema-parts.js';

export const sessionRoutes: FastifyPluginAsyncTypebox<Services> = async (app, services) => {
  // Verifying against a throwaway hash when the email is unknown makes both failure
  // paths cost the same, so response times do not reveal which emails have accounts.
  let decoyHash: Promise<string> | undefined;
  const decoy = () => (decoyHash ??= hashPassword('decoy password', services.policy.scryptCost));

  app.post(
    '/v1/sessions',
    {
      schema: {
        summary: 'Sign in with email and password',
        tags: ['sessions'],
        body: CreateSessionBody,
        response: { 201: Session, ...errors(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const retryAfter = services.signInFailures.retryAfterSeconds(request.ip);
      if (retryAfter > 0) {
        throw new ApiError(
          429,
          'too_many_requests',
          `Too many failed sign-in attempts from this address. Try again in ${retryAfter} seconds.`,
          { 'Retry-After': String(retryAfter) },
        );
      }
      const account = services.users.findByEmail(request.body.email.trim().toLowerCase());
      const valid = await verifyPassword(
        request.body.password,
        account?.passwordHash ?? (await decoy()),
      );
      if (!account || !valid) {
        services.signInFailures.recordFailure(request.ip);
        throw new ApiError(401, 'invalid_credentials', 'The email or password is incorrect.');
      }
      const session = services.sessions.create(
        account.user.id,
        services.clock.now(),
        services.policy.sessionLifetimeMs,
      );
      return reply.code(201).send({
        id: session.id,
        token: session.secret,
        expiresAt: session.expiresAt,
        user: account.user,
      });
    },
  );

  await app.register(async (scope) => {
    const authenticated = scope.withTypeProvider<TypeBoxTypeProvider>();
    requireAuthentication(authenticated, services);
    authenticated.delete(
      '/v1/sessions/:id',
      {
        schema: {
          summary: 'Sign out: revoke one of your sessions',
          tags: ['sessions'],
          security: bearerSecurity,
          params: IdParams,
          response: {
            204: Type.Null({ description: 'No content' }),
            ...errors(401, 403, 404, 429),
          },
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        if (principal.kind !== 'session') {
          throw new ApiError(
            403,
            'session_required',
            'Sign out with a session token, not an API token. To stop an API token working, revoke it.',
          );
        }
        if (!services.sessions.revoke(principal.user.id, request.params.id, services.clock.now())) {
          throw new ApiError(
            404,
            'session_not_found',
            'No active session with this id belongs to your account.',
          );
        }
        return reply.code(204).send(null);
      },
    );
  });
};
