/**
 * One owner per data directory: a second service on the same directory refuses
 * to start and names the running one (PID and address), as PostgreSQL's postmaster.pid
 * does; after a crash (SIGKILL) the next start takes the directory over, whatever the
 * stale pid file says. The lock is the operating system's (an fcntl lock SQLite holds on
 * token-service.lock), so it dies with its process and two starters cannot both win.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTokenService } from '../support/processes.js';
import { removeDir, send } from '../support/server/service-harness.js';

const ENTRY = 'out/service/server/main.js';
const root = mkdtempSync(join(tmpdir(), 'token-service-lock-'));
afterAll(() => removeDir(root));

function runToExit(dataDir: string): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [ENTRY], {
    env: { ...process.env, PORT: '0', TOKEN_DESK_DATA_DIR: dataDir, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdout.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

describe('the data directory lock', () => {
  const dataDir = join(root, 'data');

  it('refuses a second service on the same directory, naming the running one', async () => {
    const first = await startTokenService(dataDir);
    try {
      const pidFile = readFileSync(join(dataDir, 'token-service.pid'), 'utf8');
      expect(pidFile.split('\n')[0]).toBe(String(first.child.pid));
      expect(pidFile).toContain(first.url);
      const second = await runToExit(dataDir);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(
        `Another token service (PID ${first.child.pid}, listening on ${first.url}`,
      );
      expect(second.stderr).toContain(dataDir);
      expect(second.stderr).toContain('TOKEN_DESK_DATA_DIR');
      // The first one is untouched.
      expect((await send(first.url, 'GET', '/v1/health')).status).toBe(200);
    } finally {
      await first.stop();
    }
  });

  it('takes over after a crash, whatever the stale pid file says', async () => {
    const crashed = await startTokenService(dataDir);
    crashed.child.kill('SIGKILL');
    await crashed.exited;
    // Stale, and naming a process that does exist (this test's own): still not a lock.
    writeFileSync(join(dataDir, 'token-service.pid'), `${process.pid}\nhttp://127.0.0.1:1\n`);
    const next = await startTokenService(dataDir);
    try {
      expect((await send(next.url, 'GET', '/v1/health')).status).toBe(200);
      const pidFile = readFileSync(join(dataDir, 'token-service.pid'), 'utf8');
      expect(pidFile.split('\n')[0]).toBe(String(next.child.pid));
    } finally {
      await next.stop();
    }
  });

  it('lets the next service start after a clean stop', async () => {
    const once = await startTokenService(dataDir);
    await once.stop();
    const again = await startTokenService(dataDir);
    await again.stop();
    expect(await again.exited).toBe(0);
  });
});
