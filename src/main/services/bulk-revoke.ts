/**
 * "Revoke N tokens": one request to the service, which revokes them in one
 * transaction, and an outcome per token with its name, so the app can say which
 * went and which were already gone. Names come from the list read just before,
 * so ids the account does not hold come back without one.
 */
import type { BulkRevokeReport } from '../../shared/ipc-contract.js';
import type { ApiClient } from './api-client.js';
import type { SessionService } from './session-service.js';

export async function revokeMany(
  deps: { api: ApiClient; sessions: SessionService },
  ids: readonly string[],
): Promise<BulkRevokeReport> {
  return deps.sessions.withSession(async (active) => {
    const listed = await deps.api.listTokens(active.serviceUrl, active.token);
    const names = new Map(listed.map((token) => [token.id, token.name]));
    const result = await deps.api.revokeTokens(active.serviceUrl, active.token, ids);
    const named = (id: string) => ({ id, name: names.get(id) ?? null });
    return { revoked: result.revoked.map(named), notFound: result.notFound.map(named) };
  });
}
