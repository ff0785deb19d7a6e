/**
 * The snippets do what they say, for real: pasted into sh against a running token
 * service, the curl line answers with the token's account, and the CLI lines (the
 * same ones the GitHub Actions step runs) sign the real Capawesome CLI in to this
 * service. `npx` is pointed at the locally installed CLI, since there is no network.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { snippetText } from '../../src/shared/snippets.js';
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
let scratch: string;

beforeAll(async () => {
  service = await startService();
  scratch = mkdtempSync(join(tmpdir(), 'token-desk-snippets-live-'));
});
afterAll(async () => {
  await service.stop();
  removeDir(service.dataDir);
  removeDir(scratch);
});

interface ShellResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a pasted snippet in sh, in a fresh directory, with CAPAWESOME_TOKEN set as CI would. */
function paste(script: string, token: string): Promise<ShellResult & { dir: string }> {
  const dir = mkdtempSync(join(scratch, 'paste-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  // `npx @capawesome/cli …` runs the locally installed CLI.
  writeFileSync(
    join(bin, 'npx'),
    `#!/bin/sh\n[ "$1" = @capawesome/cli ] || exit 97\nshift\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} "$@"\n`,
  );
  chmodSync(join(bin, 'npx'), 0o755);
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', script], {
      cwd: dir,
      env: {
        PATH: `${bin}:/usr/bin:/bin`,
        HOME: dir,
        ...(process.env.DBUS_SESSION_BUS_ADDRESS
          ? { DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS }
          : {}),
        CAPAWESOME_TOKEN: token,
        CAPAWESOME_TELEMETRY_DISABLED: '1',
        // The CLI's npm update check would hang without network; a refused proxy fails it fast.
        HTTPS_PROXY: 'http://127.0.0.1:9',
        NO_PROXY: '127.0.0.1,localhost',
        CI: 'true',
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr, dir }));
  });
}

describe('snippets pasted against a running service', () => {
  it('curl answers 200 with the account the token belongs to, and 401 once it is revoked', async () => {
    const { email, session } = await signUpAndIn(service);
    const token = await createToken(service, session, 'curl-snippet');
    const snippet = `${snippetText('curl', service.baseUrl)} -sS -w '\\n%{http_code}'`;

    const live = await paste(snippet, token.secret);
    expect(live.stderr).toBe('');
    const [body, status] = live.stdout.trim().split('\n');
    expect(status).toBe('200');
    expect(JSON.parse(body!)).toMatchObject({ email });

    await service.request('DELETE', `/v1/users/me/tokens/${token.id}`, { token: session });
    const revoked = await paste(snippet, token.secret);
    expect(revoked.stdout.trim().split('\n')[1]).toBe('401');
  });

  it('the CLI snippet signs the real Capawesome CLI in to this service', async () => {
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session, 'cli-snippet');

    const login = await paste(snippetText('cli', service.baseUrl), token.secret);
    expect(login.code, login.stdout + login.stderr).toBe(0);
    expect(login.stdout + login.stderr).toContain('Successfully signed in.');

    // The token was used against this service, not Capawesome Cloud.
    const tokens = await service.request('GET', '/v1/users/me/tokens', { token: session });
    expect((tokens.body as Array<{ lastUsedAt: string | null }>)[0]!.lastUsedAt).not.toBeNull();
  });

  it('the GitHub Actions step runs the same sign-in with the secret from its env', async () => {
    const { session } = await signUpAndIn(service);
    const token = await createToken(service, session, 'github-snippet');
    const [step] = parseYaml(snippetText('github', service.baseUrl)) as Array<{
      env: Record<string, string>;
      run: string;
    }>;
    expect(step!.env.CAPAWESOME_TOKEN).toBe('${{ secrets.CAPAWESOME_TOKEN }}');

    // What the runner does: the secret arrives in CAPAWESOME_TOKEN, `run` goes to a shell.
    const run = await paste(step!.run, token.secret);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout + run.stderr).toContain('Successfully signed in.');

    // A wrong token fails the step, so a pipeline with a stale secret stops here.
    const stale = await paste(step!.run, `ca_${'0'.repeat(36)}`);
    expect(stale.code).not.toBe(0);
  });
});
