/**
 * Every connected issuer's tokens side by side: each of the active account's
 * connections that issues tokens is asked at once; one that fails says why in its
 * source entry (its tokens are missing, not the others').
 */
import type { Inventory, InventorySource } from '../../shared/ipc-contract.js';
import type { IssuerKindName } from '../../shared/issuers/token-facts.js';
import { inWords } from '../ci-providers/provider-error.js';
import { toDeskToken } from '../issuers/desk-token.js';
import { kindName, type ConnectedIssuer, type Connection } from './connection.js';
import type { Connections } from './connections.js';

export async function inventoryOf(connections: Connections): Promise<Inventory> {
  const issuing = connections.list().filter((connection) => connection.roles.issuesTokens);
  const answers = await Promise.all(
    issuing.map(async (connection) => {
      let connected: ConnectedIssuer | null = null;
      try {
        const opened = connections.issuer(connection.id);
        connected = opened;
        const [{ tokens: listed, notes }, counts] = await Promise.all([
          opened.issuer.listWithNotes?.() ??
            opened.issuer.list().then((tokens) => ({ tokens, notes: [] as string[] })),
          // Another vendor's places are kept on the account's service, beside its own tokens'.
          opened.places.counts?.() ?? null,
        ]);
        const tokens = listed.map((token) =>
          toDeskToken(
            counts ? { ...token, destinationCount: counts.get(token.id) ?? 0 } : token,
            opened.ref,
          ),
        );
        return { source: sourceOf(connection, opened, null, notes), tokens };
      } catch (error) {
        const words = inWords(error, []);
        const problem = { code: words.code, message: words.message };
        return { source: sourceOf(connection, connected, problem), tokens: [] };
      }
    }),
  );
  return {
    sources: answers.map((answer) => answer.source),
    tokens: answers.flatMap((answer) => answer.tokens),
  };
}

function sourceOf(
  connection: Connection,
  connected: ConnectedIssuer | null,
  problem: InventorySource['problem'],
  notes: string[] = [],
): InventorySource {
  const capabilities = connected?.issuer.capabilities;
  return {
    connectionId: connection.id,
    kind: connection.kind as IssuerKindName,
    label: `${kindName(connection.kind)} · ${connection.login}${connection.kind === 'token-desk' ? '' : ` on ${hostName(connection.host)}`}`,
    capabilities: {
      create: capabilities?.create ?? true,
      revokeMany: capabilities?.revokeMany ?? 0,
      rotation: capabilities?.rotation ?? 'grace',
      maxExpiryDays: capabilities?.maxExpiryDays ?? null,
      expiryRequired: capabilities?.expiryRequired ?? false,
    },
    problem,
    notes: notes.slice(0, 20).map((note) => note.slice(0, 500)),
  };
}

function hostName(host: string): string {
  try {
    return new URL(host).host;
  } catch {
    return host;
  }
}
