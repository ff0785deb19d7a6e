/**
 * Revocation under load, over real HTTP against the real service process: 20
 * clients use one token in a loop while it is revoked. With the credential cache, not one
 * request sent after the revoke was answered may be accepted. Each response's completion
 * time is recorded against the revoke's answer time: a 200 that completes after it must
 * have been sent before it (it was authenticated before the revoke ran, and was in flight).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import { startTokenService } from '../support/processes.js';
import { removeDir, send } from '../support/server/service-harness.js';

const CLIENTS = 20;
const root = mkdtempSync(join(tmpdir(), 'token-service-race-'));
afterAll(() => removeDir(root));

interface Sample {
  sentAt: number;
  doneAt: number;
  status: number;
  code?: string;
}

describe('revoke while 20 clients use the token', () => {
  it('accepts 0 requests sent after the revoke was answered', async () => {
    const service = await startTokenService(join(root, 'data'));
    try {
      const body = { email: 'race@example.test', password: 'race password 1' };
      await send(service.url, 'POST', '/v1/users', { body });
      const session = (await send<{ token: string }>(service.url, 'POST', '/v1/sessions', { body }))
        .body.token;
      const token = (
        await send<{ id: string; secret: string }>(service.url, 'POST', '/v1/users/me/tokens', {
          token: session,
          body: { name: 'raced' },
        })
      ).body;

      let revokeAnsweredAt = Infinity;
      const samples: Sample[] = [];
      // Each client keeps going until it has seen the token refused several times after
      // the revoke was answered (or gives up after many requests, which fails the test).
      const client = async () => {
        let refusedAfter = 0;
        for (let i = 0; i < 5000 && refusedAfter < 5; i++) {
          const sentAt = performance.now();
          const response = await fetch(`${service.url}/v1/users/me`, {
            headers: { authorization: `Bearer ${token.secret}` },
          });
          const json = (await response.json()) as { code?: string };
          const doneAt = performance.now();
          samples.push({ sentAt, doneAt, status: response.status, code: json.code });
          if (response.status !== 200 && sentAt > revokeAnsweredAt) refusedAfter++;
        }
      };
      const clients = Array.from({ length: CLIENTS }, client);
      // Let the load build up (and the token be cached) before revoking.
      while (samples.filter((s) => s.status === 200).length < 200) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const revoke = await send(service.url, 'DELETE', `/v1/users/me/tokens/${token.id}`, {
        token: session,
      });
      revokeAnsweredAt = performance.now();
      expect(revoke.status).toBe(204);
      await Promise.all(clients);

      const sentAfter = samples.filter((s) => s.sentAt > revokeAnsweredAt);
      const acceptedAfter = sentAfter.filter((s) => s.status === 200);
      const completedAfter = samples.filter((s) => s.doneAt > revokeAnsweredAt);
      const acceptedCompletedAfter = completedAfter.filter((s) => s.status === 200);
      console.log(
        `revoke race: ${samples.length} requests; ${sentAfter.length} sent after the revoke was answered, ` +
          `${acceptedAfter.length} of them accepted; ${completedAfter.length} completed after it, ` +
          `${acceptedCompletedAfter.length} of them accepted (all sent before the answer)`,
      );
      expect(sentAfter.length).toBeGreaterThanOrEqual(CLIENTS * 5);
      expect(acceptedAfter).toEqual([]);
      expect(sentAfter.every((s) => s.status === 401 && s.code === 'token_revoked')).toBe(true);
      // In flight at the answer: at most one per client, and each sent before the answer.
      expect(acceptedCompletedAfter.length).toBeLessThanOrEqual(CLIENTS);
      expect(acceptedCompletedAfter.every((s) => s.sentAt < revokeAnsweredAt)).toBe(true);
      expect(samples.filter((s) => s.status === 200).length).toBeGreaterThanOrEqual(200);
    } finally {
      await service.stop();
    }
  });
});
