import { Type } from 'typebox';

/** OpenAPI security requirement for routes that take a bearer token. */
export const bearerSecurity = [{ bearerAuth: [] }];

/**
 * What every route that needs the database may answer besides its own errors: 503 while
 * the database is unavailable (`database_unavailable`, `database_outcome_unknown`,
 * `database_read_only`) and 507 when its disk is full (`database_full`).
 */
const DATABASE_STATUSES = [503, 507];

/** Response schemas for the given error statuses, all `ErrorBody` (registered by $id). */
export function errors(...statuses: number[]): Record<number, ReturnType<typeof Type.Ref>> {
  return Object.fromEntries(
    [...new Set([...statuses, ...DATABASE_STATUSES])].map((status) => [
      status,
      Type.Ref('ErrorBody'),
    ]),
  );
}

/** OpenAPI descriptions of who may call a route. */
export const SESSION_ONLY =
  'Needs a session token (`ses_…`, from `POST /v1/sessions`); an API token gets 403 `session_required`, so a leaked CI token cannot mint, rotate, revoke or list tokens.';
export const SESSION_OR_API_TOKEN =
  'Works with a session or an API token (`Authorization: Bearer …`).';

/** In a route's schema when its body may be left out (the route copes with none); see plugins/openapi.ts. */
export const OPTIONAL_BODY = { 'x-optional-body': true } as const;
