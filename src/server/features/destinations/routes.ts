/**
 * Where a token was sent: `…/tokens/{id}/destinations`. The app records a
 * place after pushing the secret there, lists them on the token, and removes one it
 * no longer uses. Session-only like every token-management route. Never a secret.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DestinationParams, IdParams } from '../../../shared/api-schemas.js';
import {
  Destination,
  DestinationInput,
  MAX_DESTINATIONS_PER_TOKEN,
  checkDestinationInput,
  describeDestinationTarget,
} from '../../../shared/ci-destinations.js';
import { ApiError, describeValidationError, placeConflict } from '../../errors.js';
import { formatUtc } from '../../human-time.js';
import type { Services } from '../../services.js';
import type { RecordIn } from './store.js';
import { byRequest, principalOf, requireAuthentication } from '../../http/authenticated.js';
import { bearerSecurity, errors, SESSION_ONLY } from '../../http/schema-parts.js';
import { tokenNotFound } from '../tokens/routes.js';

const destinationNotFound = () =>
  new ApiError(
    404,
    'destination_not_found',
    'This token has no recorded destination with this id. It may already have been removed.',
  );

export const destinationRoutes: FastifyPluginAsyncTypebox<Services> = async (app, services) => {
  requireAuthentication(app, services, 'session');
  const common = { tags: ['destinations'], security: bearerSecurity };

  /**
   * destination.added / destination.removed: where, never a secret (none is stored),
   * recorded in the transaction of the change itself.
   */
  const recordDestination =
    (
      kind: 'destination.added' | 'destination.removed',
      request: Parameters<typeof byRequest>[0],
      tokenId: string,
      now: number,
    ): RecordIn =>
    (destination, tx) =>
      services.events.record(
        {
          userId: principalOf(request).user.id,
          kind,
          at: now,
          tokenId,
          ...byRequest(request),
          details: {
            destinationId: destination.id,
            provider: destination.provider,
            host: destination.host,
            target: describeDestinationTarget(destination.target),
            name: destination.name,
          },
        },
        tx,
      );

  /** The user's live token (a token in its grace period included), or the token 404. */
  const liveToken = async (userId: string, tokenId: string, now: number) => {
    const token = await services.tokens.findLive(userId, tokenId, now);
    if (!token) throw tokenNotFound();
    return token;
  };

  app.get(
    '/v1/users/me/tokens/:id/destinations',
    {
      schema: {
        ...common,
        summary: 'List where a token was sent, oldest first (never a secret)',
        description: `${SESSION_ONLY} A token replaced by a rotation still lists its own while its grace period runs; a revoked token is 404 \`token_not_found\`.`,
        params: IdParams,
        response: { 200: Type.Array(Destination), ...errors(401, 403, 404, 429) },
      },
    },
    async (request) => {
      const userId = principalOf(request).user.id;
      await liveToken(userId, request.params.id, services.clock.now());
      return await services.destinations.list(request.params.id);
    },
  );

  app.post(
    '/v1/users/me/tokens/:id/destinations',
    {
      schema: {
        ...common,
        summary: 'Record that a token was pushed to a place (an upsert)',
        description:
          `${SESSION_ONLY} 201 when the place is new; 200 when the token already has it ` +
          '(same provider, host, target and name): `lastPushedAt` moves to now, `firstPushedAt` ' +
          'stays. Every field is checked (400 `invalid_destination` names the field): the ' +
          'target must belong to the provider, the host must be https (http only to this ' +
          "computer), the name must follow the provider's rules, and no field may hold a " +
          `secret. At most ${MAX_DESTINATIONS_PER_TOKEN} places per token (409 ` +
          '`too_many_destinations`). A token already replaced by a rotation gets 409 ' +
          '`token_replaced`: record places on its replacement. A place the service cannot tell ' +
          'apart from another of the token’s gets 409 `destination_conflict`.',
        params: IdParams,
        body: DestinationInput,
        response: {
          200: Destination,
          201: Destination,
          ...errors(400, 401, 403, 404, 409, 429),
        },
      },
      // Field-by-field words from checkDestinationInput rather than the schema's first error.
      attachValidation: true,
    },
    async (request, reply) => {
      const check = checkDestinationInput(request.body);
      if (!check.ok) throw new ApiError(400, 'invalid_destination', check.message);
      const invalid = request.validationError;
      if (invalid) {
        // The checker is stricter than the schema; this only guards against drift.
        throw new ApiError(
          400,
          'invalid_destination',
          describeValidationError(
            invalid.validationContext,
            (invalid.validation ?? []) as Parameters<typeof describeValidationError>[1],
          ),
        );
      }
      const userId = principalOf(request).user.id;
      const now = services.clock.now();
      // Checked inside the upsert's transaction: a rotation or a revoke may commit between
      // any earlier look and the write.
      const result = await services.destinations.upsert(
        request.params.id,
        userId,
        check.destination,
        now,
        recordDestination('destination.added', request, request.params.id, now),
      );
      if (result.outcome === 'not_found') throw tokenNotFound();
      if (result.outcome === 'replaced') {
        throw new ApiError(
          409,
          'token_replaced',
          `This token was replaced by a rotation and stops working on ${formatUtc(result.graceEndsAt)}. Record where its replacement was sent instead.`,
        );
      }
      if (result.outcome === 'conflict') throw placeConflict();
      if (result.outcome === 'too_many') {
        throw new ApiError(
          409,
          'too_many_destinations',
          `A token can be recorded in at most ${MAX_DESTINATIONS_PER_TOKEN} places. Remove places it is no longer used in, or use another token for the rest.`,
        );
      }
      return reply.code(result.outcome === 'created' ? 201 : 200).send(result.destination);
    },
  );

  app.delete(
    '/v1/users/me/tokens/:id/destinations/:destinationId',
    {
      schema: {
        ...common,
        summary: 'Forget one place a token was sent (the secret there is not touched)',
        description: `${SESSION_ONLY} 404 \`destination_not_found\` when the token has no destination with this id.`,
        params: DestinationParams,
        response: {
          204: Type.Null({ description: 'No content' }),
          ...errors(401, 403, 404, 429),
        },
      },
    },
    async (request, reply) => {
      const userId = principalOf(request).user.id;
      const now = services.clock.now();
      const removed = await services.destinations.remove(
        request.params.id,
        userId,
        request.params.destinationId,
        now,
        recordDestination('destination.removed', request, request.params.id, now),
      );
      if (removed === 'not_found') throw tokenNotFound();
      if (!removed) throw destinationNotFound();
      return reply.code(204).send(null);
    },
  );
};
