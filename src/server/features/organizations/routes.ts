import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  App,
  CreateAppBody,
  IdParams,
  ListAppsQuery,
  ListOrganizationsQuery,
  Organization,
} from '../../../shared/api-schemas.js';
import { normalizeName } from '../../../shared/token-name.js';
import { ApiError } from '../../errors.js';
import type { Services } from '../../services.js';
import type { Page } from './store.js';
import { principalOf, requireAuthentication } from '../../http/authenticated.js';
import { bearerSecurity, errors, SESSION_OR_API_TOKEN } from '../../http/schema-parts.js';

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;

function page(query: { limit?: string; offset?: string }): Page {
  const limit = query.limit === undefined ? DEFAULT_PAGE_SIZE : Number(query.limit);
  if (limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new ApiError(400, 'invalid_request', `limit must be between 1 and ${MAX_PAGE_SIZE}.`);
  }
  return { limit, offset: query.offset === undefined ? 0 : Number(query.offset) };
}

const organizationNotFound = () =>
  new ApiError(
    404,
    'organization_not_found',
    'No organization with this id exists among those you belong to.',
  );

export const organizationRoutes: FastifyPluginAsyncTypebox<Services> = async (app, services) => {
  requireAuthentication(app, services);
  const common = { security: bearerSecurity, description: SESSION_OR_API_TOKEN };

  app.get(
    '/v1/organizations',
    {
      schema: {
        ...common,
        tags: ['organizations'],
        summary: 'Organizations you belong to',
        querystring: ListOrganizationsQuery,
        response: { 200: Type.Array(Organization), ...errors(400, 401, 429) },
      },
    },
    async (request) =>
      await services.organizations.organizationsOf(
        principalOf(request).user.id,
        page(request.query),
      ),
  );

  app.get(
    '/v1/organizations/:id',
    {
      schema: {
        ...common,
        tags: ['organizations'],
        summary: 'One organization you belong to',
        params: IdParams,
        response: { 200: Organization, ...errors(401, 404, 429) },
      },
    },
    async (request) => {
      const organization = await services.organizations.organizationOf(
        principalOf(request).user.id,
        request.params.id,
      );
      if (!organization) throw organizationNotFound();
      return organization;
    },
  );

  app.get(
    '/v1/apps',
    {
      schema: {
        ...common,
        tags: ['apps'],
        summary: "An organization's apps",
        querystring: ListAppsQuery,
        response: { 200: Type.Array(App), ...errors(400, 401, 404, 429) },
      },
    },
    async (request) => {
      const { organizationId } = request.query;
      const requested = page(request.query);
      if (
        !(await services.organizations.organizationOf(principalOf(request).user.id, organizationId))
      ) {
        throw organizationNotFound();
      }
      return await services.organizations.appsOf(organizationId, requested);
    },
  );

  app.post(
    '/v1/apps',
    {
      schema: {
        ...common,
        tags: ['apps'],
        summary: 'Create an app in an organization you belong to',
        body: CreateAppBody,
        response: { 201: App, ...errors(400, 401, 404, 429) },
      },
    },
    async (request, reply) => {
      const userId = principalOf(request).user.id;
      const name = normalizeName(request.body.name);
      if (!name.ok) throw new ApiError(400, 'invalid_name', name.message);
      if (!(await services.organizations.organizationOf(userId, request.body.organizationId)))
        throw organizationNotFound();
      const created = await services.organizations.createApp(
        request.body.organizationId,
        name.name,
        services.clock.now(),
      );
      return reply.code(201).send(created);
    },
  );
};
