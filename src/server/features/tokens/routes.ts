import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  ApiToken,
  BulkRevokeBody,
  BulkRevokeResult,
  CreateTokenBody,
  MAX_BULK_REVOKE,
  IdParams,
  IssuedApiToken,
  RotateTokenBody,
  RotatedApiToken,
  TokenUsage,
} from '../../../shared/api-schemas.js';
import { MAX_GRACE_PERIOD_SECONDS } from '../../../shared/ci-destinations.js';
import { normalizeName } from '../../../shared/token-name.js';
import { ApiError, describeValidationError, tooManyTokens } from '../../errors.js';
import { formatUtc } from '../../human-time.js';
import type { Services } from '../../services.js';
import {
  ADDRESSES_PER_TOKEN,
  LIVE_TOKENS_PER_ACCOUNT,
  LiveTokenLimitReached,
  NEW_ADDRESS_EVENTS_PER_HOUR,
} from './model.js';
import { checkBulkIds, parseExpiry } from './request-checks.js';
import { byRequest, principalOf, requireAuthentication } from '../../http/authenticated.js';
import { bearerSecurity, errors, OPTIONAL_BODY, SESSION_ONLY } from '../../http/schema-parts.js';

const LIVE_LIMIT = LIVE_TOKENS_PER_ACCOUNT.toLocaleString('en-US');

export const tokenNotFound = () =>
  new ApiError(
    404,
    'token_not_found',
    'No active API token with this id belongs to your account. It may already be revoked.',
  );

export const tokenRoutes: FastifyPluginAsyncTypebox<Services> = async (app, services) => {
  requireAuthentication(app, services, 'session');
  const common = { tags: ['tokens'], security: bearerSecurity, description: SESSION_ONLY };

  app.get(
    '/v1/users/me/tokens',
    {
      schema: {
        ...common,
        summary: 'List your active API tokens, newest first (never their secrets)',
        response: { 200: Type.Array(ApiToken), ...errors(401, 403, 429) },
      },
    },
    // Already JSON (serialized by SQLite); sent as is. The schema above documents it
    // and the tests check the shape.
    async (request, reply) => {
      const json = await services.tokens.listForUserAsJson(
        principalOf(request).user.id,
        services.clock.now(),
      );
      // Fastify sends a string with a JSON content type untouched; the type system
      // only knows the parsed shape.
      return reply.type('application/json; charset=utf-8').send(json as unknown as ApiToken[]);
    },
  );

  app.post(
    '/v1/users/me/tokens',
    {
      schema: {
        ...common,
        summary: 'Create an API token; its secret is in this response and never again',
        description:
          `${SESSION_ONLY} An account has at most ${LIVE_LIMIT} live tokens (not revoked, ` +
          'not expired, grace not over); past that, 409 `too_many_tokens` and nothing is created.',
        body: CreateTokenBody,
        response: { 201: IssuedApiToken, ...errors(400, 401, 403, 409, 429) },
      },
    },
    async (request, reply) => {
      const userId = principalOf(request).user.id;
      const name = normalizeName(request.body.name);
      if (!name.ok) throw new ApiError(400, 'invalid_name', name.message);
      const now = services.clock.now();
      const expiresAt = parseExpiry(
        request.body.expiresAt,
        now,
        services.policy.maxTokenLifetimeMs,
      );
      const issued = await services.tokens
        .issue({ userId, name: name.name, expiresAt, now }, byRequest(request))
        .catch((error: unknown) => {
          throw error instanceof LiveTokenLimitReached ? tooManyTokens(error.limit) : error;
        });
      return reply.code(201).header('Cache-Control', 'no-store').send(issued);
    },
  );

  app.get(
    '/v1/users/me/tokens/:id',
    {
      schema: {
        ...common,
        summary: 'One of your live API tokens as listed, with the addresses it was used from',
        description:
          `${SESSION_ONLY} \`addresses\`: where the token was used from, newest first, an ` +
          `IPv6 /64 as one address. A token remembers its first ${ADDRESSES_PER_TOKEN}; ` +
          'further ones are counted in `addressesBeyondLimit` without a record or an event ' +
          `each, and at most ${NEW_ADDRESS_EVENTS_PER_HOUR} \`token.used_from_new_address\` ` +
          'events are recorded per token per hour.',
        params: IdParams,
        response: { 200: TokenUsage, ...errors(401, 403, 404, 429) },
      },
    },
    async (request) => {
      const usage = await services.tokens.usage(
        principalOf(request).user.id,
        request.params.id,
        services.clock.now(),
      );
      if (!usage) throw tokenNotFound();
      return usage;
    },
  );

  app.delete(
    '/v1/users/me/tokens/:id',
    {
      schema: {
        ...common,
        summary: 'Revoke an API token; the next request with it gets 401',
        params: IdParams,
        response: {
          204: Type.Null({ description: 'No content' }),
          ...errors(401, 403, 404, 429),
        },
      },
    },
    async (request, reply) => {
      const revoked = await services.tokens.revoke(
        principalOf(request).user.id,
        request.params.id,
        services.clock.now(),
        byRequest(request),
      );
      if (!revoked) throw tokenNotFound();
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/v1/users/me/tokens/revoke',
    {
      schema: {
        ...common,
        summary: `Revoke up to ${MAX_BULK_REVOKE} API tokens in one transaction`,
        description:
          `${SESSION_ONLY} \`ids\`: 1 to ${MAX_BULK_REVOKE} distinct token ids. In one ` +
          'transaction, every id that is yours and live (a token in its grace period ' +
          'included, whose grace then ends) is revoked and listed in `revoked`; the rest ' +
          '(not yours, missing, already revoked: the same answer for each) in `notFound`. ' +
          'Concurrent calls with the same ids revoke, and report, each id exactly once.',
        body: BulkRevokeBody,
        response: { 200: BulkRevokeResult, ...errors(400, 401, 403, 429) },
      },
      attachValidation: true,
    },
    async (request) => {
      const ids = checkBulkIds(request.body, request.validationError);
      return await services.tokens.revokeMany(
        principalOf(request).user.id,
        ids,
        services.clock.now(),
        byRequest(request),
      );
    },
  );

  app.post(
    '/v1/users/me/tokens/:id/rotate',
    {
      schema: {
        ...common,
        summary:
          'Replace a token with a new secret (same name and expiry policy); the old one is revoked now or after a grace period',
        description:
          `${SESSION_ONLY} The replacement inherits the old token's destinations. With ` +
          `\`gracePeriodSeconds\` (1 to ${MAX_GRACE_PERIOD_SECONDS}, 7 days) the old token keeps ` +
          'working until `previous.graceEndsAt` (never past its own expiry), is listed with ' +
          '`replacedById` and `graceEndsAt` meanwhile, and can be revoked early as any token; ' +
          'without one (absent or 0) it is revoked in the same transaction. A token already ' +
          'replaced this way cannot be rotated again: 409 `token_replaced`. A rotation ' +
          "without a grace period is never refused for the account's limit of " +
          `${LIVE_LIMIT} live tokens; one with a grace period keeps both working, so at the ` +
          'limit it gets 409 `too_many_tokens`.',
        ...OPTIONAL_BODY,
        params: IdParams,
        body: RotateTokenBody,
        response: { 201: RotatedApiToken, ...errors(400, 401, 403, 404, 409, 429) },
      },
      // The body's problems get their own code and words (below).
      attachValidation: true,
    },
    async (request, reply) => {
      // No body at all is today's rotation; Fastify validates it as a missing object.
      const invalid = request.body === undefined ? undefined : request.validationError;
      if (invalid) {
        const problems = (invalid.validation ?? []) as Parameters<
          typeof describeValidationError
        >[1];
        if (problems[0]?.instancePath.startsWith('/gracePeriodSeconds')) {
          throw new ApiError(
            400,
            'invalid_grace_period',
            `gracePeriodSeconds must be a whole number of seconds from 0 to ${MAX_GRACE_PERIOD_SECONDS} (7 days); 0 revokes the old token at once.`,
          );
        }
        throw new ApiError(
          400,
          'invalid_request',
          describeValidationError(invalid.validationContext, problems),
        );
      }
      const now = services.clock.now();
      const rotation = await services.tokens.rotate(
        {
          userId: principalOf(request).user.id,
          id: request.params.id,
          now,
          maxLifetimeMs: services.policy.maxTokenLifetimeMs,
          graceMs: (request.body?.gracePeriodSeconds ?? 0) * 1000,
        },
        byRequest(request),
      );
      if (rotation.outcome === 'not_found') throw tokenNotFound();
      if (rotation.outcome === 'limit') throw tooManyTokens(rotation.limit, true);
      if (rotation.outcome === 'replaced') {
        throw new ApiError(
          409,
          'token_replaced',
          `This token was already replaced by a rotation; it keeps working until ${formatUtc(rotation.graceEndsAt)}. Rotate its replacement instead, or revoke this one now.`,
        );
      }
      return reply
        .code(201)
        .header('Cache-Control', 'no-store')
        .send({ ...rotation.issued, previous: rotation.previous });
    },
  );
};
