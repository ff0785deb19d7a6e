import { createHmac } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

export interface HealthOptions {
  /**
   * TOKEN_DESK_IDENTITY_KEY: the key `npm start` gave this service, so that it can tell
   * its own service from anything else listening on the port (scripts/start.mjs).
   */
  identityKey: Buffer | null;
  /** Resolves if this instance's database answers in time; rejects with why not. */
  ready: () => Promise<void>;
}

export const CHALLENGE_HEADER = 'x-token-desk-challenge';
export const PROOF_HEADER = 'x-token-desk-proof';
const CHALLENGE = /^[0-9a-f]{64}$/;

/**
 * The answer to a challenge: an HMAC that only a holder of the key can compute, bound to
 * the port the request arrived on, so a listener on another port cannot relay a real
 * service's answer. It reveals nothing of the key; scripts/start.mjs computes the same.
 */
export function identityProof(key: Buffer, port: number, challenge: string): string {
  return createHmac('sha256', key)
    .update(`token-desk identity v1\n${port}\n${challenge}`)
    .digest('hex');
}

export const HEALTH_ROUTE = '/v1/health';
export const READINESS_ROUTE = '/v1/health/ready';

export const healthRoutes: FastifyPluginAsyncTypebox<HealthOptions> = async (
  app,
  { identityKey, ready },
) => {
  app.get(
    HEALTH_ROUTE,
    {
      schema: {
        summary: 'Liveness check',
        description:
          'With a key from `npm start` (TOKEN_DESK_IDENTITY_KEY), a request carrying ' +
          '`X-Token-Desk-Challenge` (64 lowercase hex digits) is answered with ' +
          '`X-Token-Desk-Proof`, an HMAC-SHA256 of it, so `npm start` can tell its own ' +
          'service from anything else on the port. Other challenges are ignored.',
        tags: ['health'],
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async (request, reply) => {
      // No header schema: load balancers poll this route, and it stays as cheap as it was.
      const challenge = request.headers[CHALLENGE_HEADER];
      if (identityKey && typeof challenge === 'string' && CHALLENGE.test(challenge)) {
        const port = request.socket.localPort ?? 0;
        void reply.header(PROOF_HEADER, identityProof(identityKey, port, challenge));
      }
      return { status: 'ok' as const };
    },
  );

  app.get(
    READINESS_ROUTE,
    {
      schema: {
        summary: 'Readiness check: can this instance reach its database',
        description:
          'For load balancers: 200 when the database answers a trivial query within 2 s, ' +
          'else 503 `database_unavailable` (with `Retry-After`), so traffic goes to instances ' +
          'that can serve it. `GET /v1/health` (liveness) never touches the database.',
        tags: ['health'],
        response: {
          200: Type.Object({ status: Type.Literal('ready') }),
          503: Type.Ref('ErrorBody'),
        },
      },
    },
    async () => {
      await ready();
      return { status: 'ready' as const };
    },
  );
};
