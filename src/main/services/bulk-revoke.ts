/**
 * "Revoke N tokens": one request to the issuer, which revokes them together, and an
 * outcome per token with its name, so the app can say which went and which were
 * already gone. Names come from the list read just before, so ids the connection
 * does not hold come back without one.
 */
import type { BulkRevokeReport } from '../../shared/ipc-contract.js';
import type { TokenIssuer } from '../issuers/token-issuer.js';

export async function revokeMany(
  issuer: TokenIssuer,
  ids: readonly string[],
): Promise<BulkRevokeReport> {
  const listed = await issuer.list();
  const names = new Map(listed.map((token) => [token.id, token.name]));
  const result = await issuer.revokeMany(ids);
  const named = (id: string) => ({ id, name: names.get(id) ?? null });
  return { revoked: result.revoked.map(named), notFound: result.notFound.map(named) };
}
