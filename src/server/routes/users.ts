import type {
  FastifyPluginAsyncTypebox,
  TypeBoxTypeProvider,
} from '@fastify/type-provider-typebox';
import { CreateUserBody, User } from '../../shared/api-schemas.js';
import { normalizeName } from '../../shared/token-name.js';
import { hashPassword } from '../auth/passwords.js';
import { ApiError } from '../errors.js';
import type { Services } from '../services.js';
import { principalOf, requireAuthentication } from './authenticated.js';
import { bearerSecurity, errors } from './schema-parts.js';

export const userRoutes: FastifyPluginAsyncTypebox<Services> = async (app, services) => {
  app.post(
    '/v1/users',
    {
      schema: {
        summary: 'Create an account (sign-up); it gets a personal organization',
        tags: ['users'],
        body: CreateUserBody,
        response: { 201: User, ...errors(400, 403, 409) },
      },
    },
    async (request, reply) => {
      if (!services.policy.signupEnabled) {
        throw new ApiError(
          403,
          'signup_disabled',
          'Sign-up is turned off on this service. Ask its administrator for an account.',
        );
      }
      let name: string | null = null;
      if (request.body.name !== undefined) {
        const check = normalizeName(request.body.name);
        if (!check.ok) throw new ApiError(400, 'invalid_name', check.message);
        name = check.name;
      }
      const email = request.body.email.toLowerCase();
      const passwordHash = await hashPassword(request.body.password, services.policy.scryptCost);
      const user = services.users.create({ email, name, passwordHash, now: services.clock.now() });
      if (!user) {
        throw new ApiError(
          409,
          'email_taken',
          'An account with this email already exists. Sign in instead.',
        );
      }
      return reply.code(201).send(user);
    },
  );

  await app.register(async (scope) => {
    const authenticated = scope.withTypeProvider<TypeBoxTypeProvider>();
    requireAuthentication(authenticated, services);
    authenticated.get(
      '/v1/users/me',
      {
        schema: {
          summary: 'The account behind the bearer token',
          tags: ['users'],
          security: bearerSecurity,
          response: { 200: User, ...errors(401, 429) },
        },
      },
      async (request) => principalOf(request).user,
    );
  });
};
