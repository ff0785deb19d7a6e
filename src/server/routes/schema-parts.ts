import { Type } from 'typebox';

/** OpenAPI security requirement for routes that take a bearer token. */
export const bearerSecurity = [{ bearerAuth: [] }];

/** Response schemas for the given error statuses, all `ErrorBody` (registered by $id). */
export function errors(...statuses: number[]): Record<number, ReturnType<typeof Type.Ref>> {
  return Object.fromEntries(statuses.map((status) => [status, Type.Ref('ErrorBody')]));
}
