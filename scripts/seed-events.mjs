// Seeds an account's audit trail straight through the service's EventStore, as the routes
// would record them but without a round trip each: the kinds a busy account sees over a
// year, on real tokens' ids and names. Shared by bench:events and bench:export, which pass
// the storage modules of the build they measure.

/** The kinds a busy account sees, with their weights. */
const KINDS = [
  ['token.first_used', 10],
  ['token.used_from_new_address', 30],
  ['token.refused', 25],
  ['session.signed_in', 15],
  ['session.signed_out', 8],
  ['session.sign_in_failed', 5],
  ['token.rotated', 3],
  ['token.revoked', 2],
  ['destination.added', 2],
];

/**
 * @param {{ SqliteDatabase: any, EventStore: any, file: string, userId: string,
 *   tokens: Array<{ id: string, name: string }>, count: number }} options
 */
export async function seedEvents({ SqliteDatabase, EventStore, file, userId, tokens, count }) {
  const weighted = KINDS.flatMap(([kind, weight]) => Array(weight).fill(kind));
  // Beside the running service, as a second writer would be (WAL; the service is idle meanwhile).
  const db = SqliteDatabase.open(file);
  const events = new EventStore(db);
  const start = Date.now() - 365 * 24 * 3600 * 1000;
  const step = (365 * 24 * 3600 * 1000) / count;
  await db.transaction(async (tx) => {
    for (let i = 0; i < count; i++) {
      const kind = weighted[i % weighted.length];
      const token = tokens[(i * 7) % tokens.length];
      const onToken = kind.startsWith('token.') || kind.startsWith('destination.');
      await events.record(
        {
          userId,
          kind,
          at: Math.floor(start + i * step),
          tokenId: onToken ? token.id : null,
          tokenName: onToken ? token.name : null,
          sessionId: onToken ? null : `session-${i % 50}`,
          actor: onToken
            ? { kind: 'api_token', id: token.id }
            : { kind: 'session', id: `session-${i % 50}` },
          origin: {
            ip: `203.0.113.${i % 250}`,
            userAgent: 'capawesome-cli/3.1.0 node/20.19.0 linux x64',
          },
          details:
            kind === 'token.refused'
              ? { reason: 'revoked' }
              : kind === 'destination.added'
                ? { provider: 'github', host: 'https://github.com', target: 'acme/app', name: 'X' }
                : {},
        },
        tx,
      );
    }
  });
  await db.close();
}
