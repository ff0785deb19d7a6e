import type {
  FastifyPluginAsyncTypebox,
  TypeBoxTypeProvider,
} from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CreateSessionBody, IdParams, Session } from '../../../shared/api-schemas.js';
import { clientKey } from '../../auth/client-key.js';
import type { SharedAttempt } from '../../auth/shared-attempts.js';
import { decoyHash, verifyPassword } from '../../auth/passwords.js';
import { ApiError, tooManyRequests } from '../../errors.js';
import type { Services } from '../../services.js';
import { SERVICE_ACTOR } from '../events/store.js';
import { originOf, principalOf, requireAuthentication } from '../../http/authenticated.js';
import { bearerSecurity, errors } from '../../http/schema-parts.js';

export const sessionRoutes: FastifyPluginAsyncTypebox<Services> = async (app, services) => {
  // Verifying against a decoy when the email is unknown makes both failure paths cost
  // one hash, so response times do not reveal which emails have accounts.
  const decoy = decoyHash(services.policy.scryptCost);
  const limits = services.signInLimits;

  app.post(
    '/v1/sessions',
    {
      schema: {
        summary: 'Sign in with email and password',
        description:
          'Returns a session token (`ses_…`), the only credential that can manage API tokens. ' +
          'Throttled before the password is checked: failed attempts are limited per client ' +
          'address and per account (429 `too_many_requests` with `Retry-After`), and when too ' +
          'many passwords are being checked at once the answer is 503 `service_busy` with ' +
          '`Retry-After`. The response is sent with `Cache-Control: no-store`.',
        tags: ['sessions'],
        body: CreateSessionBody,
        response: { 201: Session, ...errors(400, 401, 429, 503) },
      },
    },
    async (request, reply) => {
      const email = request.body.email.trim().toLowerCase();
      const address = clientKey(request.ip);
      // Checked and counted in one synchronous step, before the hash: every request in
      // flight has already been counted, so a burst cannot slip under the limit.
      const byAddress = limits.address.retryAfterSeconds(address);
      if (byAddress > 0)
        throw tooManyRequests(byAddress, 'Too many failed sign-in attempts from this address.');
      const bySuccesses = limits.successes.retryAfterSeconds(address);
      if (bySuccesses > 0)
        throw tooManyRequests(bySuccesses, 'Too many sign-ins from this address.');
      // An address the owner signed in from recently is not locked out by strangers'
      // guesses; its own failures still count toward the address window above.
      const knownAddress = limits.known.knows(email, address);
      const byAccount = knownAddress ? 0 : limits.account.retryAfterSeconds(email);
      if (byAccount > 0)
        throw tooManyRequests(byAccount, 'Too many failed sign-in attempts for this account.');
      const attempts = [limits.address.take(address), limits.account.take(email)];
      const shared: SharedAttempt[] = [];
      const giveBack = async () => {
        attempts.forEach((attempt) => attempt.giveBack());
        await Promise.all(shared.map((attempt) => attempt.giveBack()));
      };
      // Several instances (PostgreSQL): the same windows, counted again together. A window
      // the shared count says is full is then full here too (saturate), so further
      // attempts are refused in memory, without a database write each.
      if (services.sharedAttempts) {
        const byAddress = await services.sharedAttempts.take(
          'sign-in-address',
          address,
          limits.address.limit,
        );
        if (byAddress.retryAfterSeconds > 0) {
          attempts[1]?.giveBack(); // the account's attempt: no password was checked
          limits.address.saturate(address, byAddress.retryAfterSeconds);
          throw tooManyRequests(
            byAddress.retryAfterSeconds,
            'Too many failed sign-in attempts from this address.',
          );
        }
        shared.push(byAddress);
        const byAccount = await services.sharedAttempts.take(
          'sign-in-account',
          email,
          limits.account.limit,
        );
        if (byAccount.retryAfterSeconds === 0) {
          shared.push(byAccount);
        } else if (!knownAddress) {
          attempts[0]?.giveBack();
          await byAddress.giveBack();
          limits.account.saturate(email, byAccount.retryAfterSeconds);
          throw tooManyRequests(
            byAccount.retryAfterSeconds,
            'Too many failed sign-in attempts for this account.',
          );
        }
      }

      const account = await services.users.findByEmail(email);
      let valid: boolean;
      try {
        valid = await services.hashing.run(
          () => verifyPassword(request.body.password, account?.passwordHash ?? decoy),
          address,
        );
      } catch (error) {
        await giveBack(); // busy (503) or one at a time (429): the password was never checked
        throw error;
      }
      if (account && !valid) {
        // Only for an account that exists: an unknown email has no trail to write to.
        // Bounded by the per-account limit above (a throttled attempt never gets here).
        await services.events.record({
          userId: account.user.id,
          kind: 'session.sign_in_failed',
          at: services.clock.now(),
          actor: SERVICE_ACTOR,
          origin: originOf(request),
        });
      }
      if (!account || !valid) {
        throw new ApiError(401, 'invalid_credentials', 'The email or password is incorrect.');
      }
      await giveBack(); // a success is not a guess…
      limits.successes.take(address); // …but is counted, generously
      limits.known.remember(email, address);
      const session = await services.sessions.create(
        account.user.id,
        services.clock.now(),
        services.policy.sessionLifetimeMs,
      );
      await services.events.record({
        userId: account.user.id,
        kind: 'session.signed_in',
        at: services.clock.now(),
        sessionId: session.id,
        actor: { kind: 'session', id: session.id },
        origin: originOf(request),
      });
      return reply.code(201).header('Cache-Control', 'no-store').send({
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
        const now = services.clock.now();
        if (!(await services.sessions.revoke(principal.user.id, request.params.id, now))) {
          throw new ApiError(
            404,
            'session_not_found',
            'No active session with this id belongs to your account.',
          );
        }
        await services.events.record({
          userId: principal.user.id,
          kind: 'session.signed_out',
          at: now,
          sessionId: request.params.id,
          actor: { kind: 'session', id: principal.sessionId },
          origin: originOf(request),
        });
        return reply.code(204).send(null);
      },
    );
  });
};
