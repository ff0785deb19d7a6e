/**
 * Other vendors' tokens the account tracks: `…/users/me/tracked-tokens`. The app records
 * a vendor token (npm, GitLab, Cloudflare, GitHub) by the vendor's id for it, lists them
 * with the places each was pushed to, follows a rotation at the vendor to the new id,
 * and forgets one. Session-only like every token-management route. Never a token.
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
import {
  MAX_TRACKED_PLACES_PER_USER,
  MAX_TRACKED_TOKENS_PER_USER,
  TRACKED_VENDORS,
  TrackedToken,
  TrackedTokenChange,
  TrackedTokenInput,
  TrackedTokensQuery,
  checkTrackedTokenChange,
  checkTrackedTokenFilter,
  checkTrackedTokenInput,
} from '../../../shared/tracked-tokens.js';
import { ApiError, describeValidationError, placeConflict, type AjvError } from '../../errors.js';
import { byRequest, principalOf, requireAuthentication } from '../../http/authenticated.js';
import { bearerSecurity, errors, SESSION_ONLY } from '../../http/schema-parts.js';
import type { Services } from '../../services.js';
import type { RecordPlace, RecordTracked } from './store.js';

const TOKEN_LIMIT = MAX_TRACKED_TOKENS_PER_USER.toLocaleString('en-US');
const PLACE_LIMIT = MAX_TRACKED_PLACES_PER_USER.toLocaleString('en-US');

// The same answer for another account's record as for one that never existed.
const trackedTokenNotFound = () =>
  new ApiError(
    404,
    'tracked_token_not_found',
    'No tracked token with this id belongs to your account. It may already have been forgotten.',
  );

const destinationNotFound = () =>
  new ApiError(
    404,
    'destination_not_found',
    'This tracked token has no recorded destination with this id. It may already have been removed.',
  );

/** The schema's own refusal, in case the field-by-field checker ever lets one through. */
function schemaDrift(
  code: 'invalid_tracked_token' | 'invalid_destination',
  invalid: { validationContext?: string; validation?: unknown } | undefined,
): void {
  if (!invalid) return;
  throw new ApiError(
    400,
    code,
    describeValidationError(invalid.validationContext, (invalid.validation ?? []) as AjvError[]),
  );
}

export const trackedTokenRoutes: FastifyPluginAsyncTypebox<Services> = async (app, services) => {
  requireAuthentication(app, services, 'session');
  const common = { tags: ['tracked tokens'], security: bearerSecurity };

  /** tracked_token.added / .removed: which token, never the token itself. */
  const recordTracked =
    (
      kind: 'tracked_token.added' | 'tracked_token.removed',
      request: Parameters<typeof byRequest>[0],
      now: number,
    ): RecordTracked =>
    (token, tx) =>
      services.events.record(
        {
          userId: principalOf(request).user.id,
          kind,
          at: now,
          tokenId: null,
          tokenName: token.name,
          ...byRequest(request),
          details: {
            trackedTokenId: token.id,
            vendor: token.vendor,
            host: token.host,
            name: token.name,
            ...(kind === 'tracked_token.removed' ? { places: token.places.length } : {}),
          },
        },
        tx,
      );

  /**
   * destination.added / .removed for a tracked token's place: the same details as for one
   * of our tokens, with the tracked token instead of a token id (which stays null).
   */
  const recordPlace =
    (
      kind: 'destination.added' | 'destination.removed',
      request: Parameters<typeof byRequest>[0],
      now: number,
    ): RecordPlace =>
    (destination, token, tx) =>
      services.events.record(
        {
          userId: principalOf(request).user.id,
          kind,
          at: now,
          tokenId: null,
          tokenName: token.name,
          ...byRequest(request),
          details: {
            destinationId: destination.id,
            provider: destination.provider,
            host: destination.host,
            target: describeDestinationTarget(destination.target),
            name: destination.name,
            trackedTokenId: token.id,
            vendor: token.vendor,
          },
        },
        tx,
      );

  app.get(
    '/v1/users/me/tracked-tokens',
    {
      schema: {
        ...common,
        summary: "List the other vendors' tokens you track, oldest first, with their places",
        description:
          `${SESSION_ONLY} Optional filters: \`vendor\` (${TRACKED_VENDORS.join(', ')}) and ` +
          '`host` (an origin, compared as stored: lower-case, no trailing slash). Never a token.',
        querystring: TrackedTokensQuery,
        response: { 200: Type.Array(TrackedToken), ...errors(400, 401, 403, 429) },
      },
    },
    async (request) => {
      const filter = checkTrackedTokenFilter(request.query);
      if (!filter.ok) throw new ApiError(400, 'invalid_request', filter.message);
      return await services.trackedTokens.list(principalOf(request).user.id, filter.value);
    },
  );

  app.put(
    '/v1/users/me/tracked-tokens',
    {
      schema: {
        ...common,
        summary: "Track another vendor's token by the vendor's id for it (an upsert)",
        description:
          `${SESSION_ONLY} 201 with the record when (vendor, host, externalId) is new; 200 ` +
          'when you already track it: its name is set, and `expiresAt` and `expiryCheckedAt` ' +
          'when given (left out, they stay as they were). Every field is checked (400 ' +
          '`invalid_tracked_token` names the field): `host` is an origin (https, or http to ' +
          'this computer; no path, query or credentials), `externalId` 1–256 printable ASCII ' +
          'characters without spaces, `name` 1–200 characters, none invisible; a value shaped ' +
          'like a token (npm_…, glpat-…, ghp_…, cfut_…) is refused. At most ' +
          `${TOKEN_LIMIT} tracked tokens per account (409 \`too_many_tracked_tokens\`).`,
        body: TrackedTokenInput,
        response: { 200: TrackedToken, 201: TrackedToken, ...errors(400, 401, 403, 409, 429) },
      },
      // Field-by-field words from checkTrackedTokenInput rather than the schema's first error.
      attachValidation: true,
    },
    async (request, reply) => {
      const check = checkTrackedTokenInput(request.body);
      if (!check.ok) throw new ApiError(400, 'invalid_tracked_token', check.message);
      schemaDrift('invalid_tracked_token', request.validationError);
      const userId = principalOf(request).user.id;
      const now = services.clock.now();
      const result = await services.trackedTokens.track(
        userId,
        check.value,
        now,
        recordTracked('tracked_token.added', request, now),
      );
      if (result.outcome === 'too_many') {
        throw new ApiError(
          409,
          'too_many_tracked_tokens',
          `Your account already tracks ${TOKEN_LIMIT} tokens of other vendors, the most it can. Forget tokens you no longer use, then try again.`,
        );
      }
      return reply.code(result.outcome === 'created' ? 201 : 200).send(result.token);
    },
  );

  app.patch(
    '/v1/users/me/tracked-tokens/:id',
    {
      schema: {
        ...common,
        summary: 'Change a tracked token: a new vendor id after a rotation, its name or expiry',
        description:
          `${SESSION_ONLY} At least one of \`externalId\`, \`name\`, \`expiresAt\`, ` +
          '`expiryCheckedAt`; its places stay with it. `vendor` and `host` cannot change. 409 ' +
          '`tracked_token_exists` when another of your tracked tokens already has this ' +
          'vendor, host and externalId.',
        params: IdParams,
        body: TrackedTokenChange,
        response: { 200: TrackedToken, ...errors(400, 401, 403, 404, 409, 429) },
      },
      attachValidation: true,
    },
    async (request) => {
      const check = checkTrackedTokenChange(request.body);
      if (!check.ok) throw new ApiError(400, 'invalid_tracked_token', check.message);
      schemaDrift('invalid_tracked_token', request.validationError);
      const result = await services.trackedTokens.update(
        principalOf(request).user.id,
        request.params.id,
        check.value,
        services.clock.now(),
      );
      if (result.outcome === 'not_found') throw trackedTokenNotFound();
      if (result.outcome === 'exists') {
        throw new ApiError(
          409,
          'tracked_token_exists',
          'You already track a token with this id at this vendor and host. Forget one of the two first, or give the right id.',
        );
      }
      return result.token;
    },
  );

  app.delete(
    '/v1/users/me/tracked-tokens/:id',
    {
      schema: {
        ...common,
        summary: 'Forget a tracked token and its places (nothing changes at the vendor)',
        description: `${SESSION_ONLY} 404 \`tracked_token_not_found\` when you track none with this id.`,
        params: IdParams,
        response: { 204: Type.Null({ description: 'No content' }), ...errors(401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const now = services.clock.now();
      const removed = await services.trackedTokens.remove(
        principalOf(request).user.id,
        request.params.id,
        recordTracked('tracked_token.removed', request, now),
      );
      if (!removed) throw trackedTokenNotFound();
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/v1/users/me/tracked-tokens/:id/destinations',
    {
      schema: {
        ...common,
        summary: 'Record that a tracked token was pushed to a place (an upsert)',
        description:
          `${SESSION_ONLY} As for your own tokens: 201 when the place is new; 200 when the ` +
          'token already has it (`lastPushedAt` moves to now). Every field is checked (400 ' +
          '`invalid_destination` names the field). At most ' +
          `${MAX_DESTINATIONS_PER_TOKEN} places per token and ${PLACE_LIMIT} for all of an ` +
          "account's tracked tokens (409 `too_many_destinations`); 409 `destination_conflict` " +
          'for a place the service cannot tell apart from another of the token’s.',
        params: IdParams,
        body: DestinationInput,
        response: {
          200: Destination,
          201: Destination,
          ...errors(400, 401, 403, 404, 409, 429),
        },
      },
      attachValidation: true,
    },
    async (request, reply) => {
      const check = checkDestinationInput(request.body);
      if (!check.ok) throw new ApiError(400, 'invalid_destination', check.message);
      schemaDrift('invalid_destination', request.validationError);
      const now = services.clock.now();
      const result = await services.trackedTokens.addPlace(
        principalOf(request).user.id,
        request.params.id,
        check.destination,
        now,
        recordPlace('destination.added', request, now),
      );
      if (result.outcome === 'not_found') throw trackedTokenNotFound();
      if (result.outcome === 'too_many') {
        throw new ApiError(
          409,
          'too_many_destinations',
          `A token can be recorded in at most ${MAX_DESTINATIONS_PER_TOKEN} places. Remove places it is no longer used in, or use another token for the rest.`,
        );
      }
      if (result.outcome === 'conflict') throw placeConflict();
      if (result.outcome === 'too_many_for_account') {
        throw new ApiError(
          409,
          'too_many_destinations',
          `Your tracked tokens are recorded in ${PLACE_LIMIT} places together, the most an account can keep. Remove places they are no longer used in, then try again.`,
        );
      }
      return reply.code(result.outcome === 'created' ? 201 : 200).send(result.destination);
    },
  );

  app.delete(
    '/v1/users/me/tracked-tokens/:id/destinations/:destinationId',
    {
      schema: {
        ...common,
        summary: 'Forget one place a tracked token was sent (the secret there is not touched)',
        description: `${SESSION_ONLY} 404 \`destination_not_found\` when the tracked token has no destination with this id.`,
        params: DestinationParams,
        response: { 204: Type.Null({ description: 'No content' }), ...errors(401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const now = services.clock.now();
      const removed = await services.trackedTokens.removePlace(
        principalOf(request).user.id,
        request.params.id,
        request.params.destinationId,
        recordPlace('destination.removed', request, now),
      );
      if (removed === 'not_found') throw trackedTokenNotFound();
      if (!removed) throw destinationNotFound();
      return reply.code(204).send(null);
    },
  );
};
