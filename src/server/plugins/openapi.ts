/**
 * The OpenAPI document (3.1, from the routes' schemas) and `GET /v1/openapi.json`, which
 * serves it. Registered before any route, so that @fastify/swagger sees every one.
 */
import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';

/**
 * @fastify/swagger marks every body as required; a route that accepts none says so with
 * OPTIONAL_BODY (http/schema-parts.ts), and its requestBody is published as optional.
 */
function markOptionalBodies(document: object): object {
  if (!('openapiObject' in document)) return document;
  const spec = document.openapiObject as {
    paths?: Record<string, Record<string, Record<string, unknown>>>;
  };
  for (const operations of Object.values(spec.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      if (operation['x-optional-body'] !== true) continue;
      delete operation['x-optional-body'];
      const body = operation.requestBody as { required?: boolean } | undefined;
      if (body) body.required = false;
    }
  }
  return spec;
}

export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Token Desk token service',
        description:
          'Accounts, sessions and API tokens. API tokens (`ca_…`) and session tokens (`ses_…`) are sent as `Authorization: Bearer <token>`. ' +
          'An API token acts for the account that created it and can use every resource its owner can. Managing tokens needs a session: ' +
          'listing, creating, rotating and revoking tokens with an API token gets 403 `session_required`. ' +
          'Responses that carry a secret are sent with `Cache-Control: no-store`. ' +
          'A request whose `Host` is not a loopback name or one listed in TOKEN_DESK_ALLOWED_HOSTS gets 421 `host_not_allowed` before any route runs (DNS rebinding).',
        version: '1.0.0',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    },
    transformObject: (document) => markOptionalBodies(document),
  });
  app.get('/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
