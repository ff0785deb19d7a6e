/**
 * Interop with a client we did not write: the real Capawesome CLI, pointed at our
 * service through capawesome.config.json, authenticating with CAPAWESOME_TOKEN.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createToken,
  removeDir,
  signUpAndIn,
  startService,
  type RunningService,
} from '../support/server/service-harness.js';

const require = createRequire(import.meta.url);
const CLI = join(dirname(require.resolve('@capawesome/cli/package.json')), 'dist', 'index.js');

let service: RunningService;
let workdir: string;

beforeAll(async () => {
  service = await startService();
  workdir = mkdtempSync(join(tmpdir(), 'capawesome-cli-'));
  writeFileSync(
    join(workdir, 'capawesome.config.json'),
    JSON.stringify({ API_BASE_URL: service.baseUrl, ENVIRONMENT: 'test' }),
  );
});
afterAll(async () => {
  await service.stop();
  removeDir(service.dataDir);
  removeDir(workdir);
});

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function capawesome(args: string[], token: string): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        cwd: workdir,
        timeout: 30_000,
        env: {
          PATH: process.env.PATH,
          HOME: workdir,
          // Keep the CLI's keyring lookups on the test bus, if there is one.
          ...(process.env.DBUS_SESSION_BUS_ADDRESS
            ? { DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS }
            : {}),
          CAPAWESOME_TOKEN: token,
          CAPAWESOME_TELEMETRY_DISABLED: '1',
          // Its npm update check would hang without network; a refused proxy fails it fast.
          HTTPS_PROXY: 'http://127.0.0.1:9',
          CI: 'true',
        },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('@capawesome/cli against this service', () => {
  it('works with a token this service issued, and stops working once it is revoked', async () => {
    const { session, email } = await signUpAndIn(service);
    const token = await createToken(service, session, 'capawesome-cli');
    const [organization] = (
      await service.request('GET', '/v1/organizations', { token: token.secret })
    ).body;
    const app = await service.request('POST', '/v1/apps', {
      token: session,
      body: { organizationId: organization.id, name: 'Demo App' },
    });

    // Stored logins override CAPAWESOME_TOKEN; make sure there is none.
    expect((await capawesome(['logout'], token.secret)).code).toBe(0);

    const whoami = await capawesome(['whoami'], token.secret);
    expect(whoami.code, whoami.stderr + whoami.stdout).toBe(0);
    expect(whoami.stdout + whoami.stderr).toContain(`Logged in as ${email}.`);

    const organizations = await capawesome(['organizations:list', '--json'], token.secret);
    expect(organizations.code, organizations.stderr).toBe(0);
    expect(JSON.parse(organizations.stdout)).toEqual([organization]);

    const apps = await capawesome(
      ['apps:list', '--organizationId', organization.id, '--json'],
      token.secret,
    );
    expect(apps.code, apps.stderr).toBe(0);
    expect(JSON.parse(apps.stdout)).toEqual([app.body]);

    const lastUsed = (await service.request('GET', '/v1/users/me/tokens', { token: session }))
      .body[0].lastUsedAt;
    expect(lastUsed).not.toBeNull();

    expect(
      (await service.request('DELETE', `/v1/users/me/tokens/${token.id}`, { token: session }))
        .status,
    ).toBe(204);

    const afterRevoke = await capawesome(['organizations:list', '--json'], token.secret);
    expect(afterRevoke.code).toBe(1);
    expect(afterRevoke.stdout + afterRevoke.stderr).toContain(
      'Your token is no longer valid. Please sign in again.',
    );
    const whoamiAfter = await capawesome(['whoami'], token.secret);
    expect(whoamiAfter.code).toBe(1);
    // Six cold starts of the CLI, each waiting on its failing update check: 3–5 s apiece on
    // a busy 2-core machine, so the suite's 30 s default is too short here.
  }, 120_000);
});
