import type {
  FastifyPluginAsyncTypebox,
  TypeBoxTypeProvider,
} from '@fastify/type-provider-typebox';
import { CreateUserBody, User } from '../../../shared/api-schemas.js';
import { normalizeName } from '../../../shared/token-name.js';
import { hashPassword } from '../../auth/passwords.js';
import { clientKey } from '../../auth/client-key.js';
import { ApiError, tooManyRequests } from '../../errors.js';
import type { Services } from '../../services.js';
import { principalOf, requireAuthentication } from '../../http/authenticated.js';
import { bearerSecurity, errors, SESSION_OR_API_TOKEN } from '../../http/schema-parts.js';

const LONE_SURROGATE = /\p{Cs}/u;

const emailTaken = () =>
  new ApiError(409, 'email_taken', 'An account with this email already exists. Sign in instead.');

export const userRoutes: FastifyPluginAsyncTypebox<Services> = async (app, services) => {
  app.post(
    '/v1/users',
    {
      schema: {
        summary: 'Create an account (sign-up); it gets a personal organization',
        description:
          'Limited per client address (429 `too_many_requests` with `Retry-After`; every attempt ' +
          'counts, including one that ends in 409). A taken email is answered 409 before any ' +
          'password is hashed; hashing shares the service-wide bound (503 `service_busy`).',
        tags: ['users'],
        body: CreateUserBody,
        response: { 201: User, ...errors(400, 403, 409, 429, 503) },
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
      // Two passwords that differ only in an unpaired surrogate would hash the same
      // (both become U+FFFD in UTF-8), so such a password is refused outright.
      if (LONE_SURROGATE.test(request.body.password)) {
        throw new ApiError(
          400,
          'invalid_request',
          'The password contains a damaged character (an unpaired surrogate). Type it again.',
        );
      }
      const email = request.body.email.toLowerCase();
      const address = clientKey(request.ip);
      const wait = services.signUpLimit.retryAfterSeconds(address);
      if (wait > 0) throw tooManyRequests(wait, 'Too many sign-ups from this address.');
      const attempt = services.signUpLimit.take(address);
      // Several instances (PostgreSQL): the same window, counted again together.
      const shared = await services.sharedAttempts?.take(
        'sign-up-address',
        address,
        services.signUpLimit.limit,
      );
      if (shared && shared.retryAfterSeconds > 0) {
        // Full in the shared count: full here too, so repeats are refused without a write.
        services.signUpLimit.saturate(address, shared.retryAfterSeconds);
        throw tooManyRequests(shared.retryAfterSeconds, 'Too many sign-ups from this address.');
      }
      // Before the hash: a taken email costs a lookup, not 128 MiB and 0.4 s.
      if (await services.users.findByEmail(email)) throw emailTaken();
      let passwordHash: string;
      try {
        passwordHash = await services.hashing.run(
          () => hashPassword(request.body.password, services.policy.scryptCost),
          address,
        );
      } catch (error) {
        attempt.giveBack(); // busy (503): nothing was done
        await shared?.giveBack();
        throw error;
      }
      // Still null if another request took the email while this one was hashing.
      const user = await services.users.create({
        email,
        name,
        passwordHash,
        now: services.clock.now(),
      });
      if (!user) throw emailTaken();
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
          description: SESSION_OR_API_TOKEN,
          tags: ['users'],
          security: bearerSecurity,
          response: { 200: User, ...errors(401, 429) },
        },
      },
      async (request) => principalOf(request).user,
    );
  });
};
