/**
 * `npm run harness` is a tool people run: every bad request gets a 4xx with a JSON
 * message (the bridge's failure shape), never a connection reset or a 500, and the
 * harness keeps answering afterwards.
 */
import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startHarness,
  startTokenService,
  type Harness,
  type TokenService,
} from '../support/processes.js';

test.describe.configure({ mode: 'serial' });

const work = mkdtempSync(join(tmpdir(), 'token-desk-harness-bad-'));
let service: TokenService;
let harness: Harness;

test.beforeAll(async () => {
  service = await startTokenService(join(work, 'service'));
  harness = await startHarness(service.url, join(work, 'settings'));
});

test.afterAll(async () => {
  await harness?.stop();
  await service?.stop();
  rmSync(work, { recursive: true, force: true });
});

interface Refusal {
  status: number;
  type: string;
  body: { ok: false; error: { code: string; message: string } };
}

async function refusal(response: Response): Promise<Refusal> {
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    body: (await response.json()) as Refusal['body'],
  };
}

function expectRefused(answer: Refusal, status: number, code: string) {
  expect(answer.status).toBe(status);
  expect(answer.type).toMatch(/^application\/json/);
  expect(answer.body.ok).toBe(false);
  expect(answer.body.error.code).toBe(code);
  expect(answer.body.error.message).toMatch(/^[A-Z].{10,}\.$/); // a sentence for a person
}

const invoke = (channel: string, init: RequestInit = {}) =>
  fetch(`${harness.origin}/__harness/invoke/${channel}`, {
    method: 'POST',
    ...init,
    headers: {
      'content-type': 'application/json',
      'x-harness-key': harness.key,
      ...(init.headers as Record<string, string> | undefined),
    },
  });

test('a body over 64 KB gets 413 with a JSON message, not a connection reset', async () => {
  const big = JSON.stringify({ name: 'x'.repeat(100 * 1024), expiresAt: null });
  expectRefused(
    await refusal(await invoke('tokens%3Acreate', { body: big })),
    413,
    'body_too_large',
  );
});

test('a chunked body (no Content-Length) over 64 KB gets 413 too', async () => {
  const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const request = httpRequest(
      `${harness.origin}/__harness/invoke/tokens%3Acreate`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-harness-key': harness.key },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      },
    );
    request.on('error', reject);
    for (let i = 0; i < 20; i++) request.write('x'.repeat(8 * 1024));
    request.end();
  });
  expect(answer.status).toBe(413);
  expect(JSON.parse(answer.text)).toMatchObject({ ok: false, error: { code: 'body_too_large' } });
});

test('a malformed %-escape gets 400 with a JSON message, not 500', async () => {
  expectRefused(await refusal(await invoke('session%3Aget%E0%A4%A')), 400, 'malformed_url');
  expectRefused(await refusal(await invoke('%')), 400, 'malformed_url');
  expectRefused(
    await refusal(await fetch(`${harness.origin}/assets/%E0%A4%A.js`)),
    400,
    'malformed_url',
  );
});

test('every other bad request: a 4xx and a JSON message', async () => {
  const key = { 'x-harness-key': harness.key };
  const cases: Array<[string, Promise<Response>, number, string]> = [
    [
      'no key',
      fetch(`${harness.origin}/__harness/invoke/session%3Aget`, { method: 'POST' }),
      403,
      'harness_key',
    ],
    [
      'a wrong key',
      invoke('session%3Aget', { body: 'null', headers: { 'x-harness-key': 'f'.repeat(48) } }),
      403,
      'harness_key',
    ],
    [
      'the clipboard without a key',
      fetch(`${harness.origin}/__harness/clipboard`),
      403,
      'harness_key',
    ],
    [
      'GET on an action',
      fetch(`${harness.origin}/__harness/invoke/session%3Aget`, { headers: key }),
      405,
      'method_not_allowed',
    ],
    [
      'POST on the clipboard',
      fetch(`${harness.origin}/__harness/clipboard`, { method: 'POST', headers: key }),
      405,
      'method_not_allowed',
    ],
    [
      'not JSON',
      invoke('session%3Aget', { body: 'null', headers: { 'content-type': 'text/plain' } }),
      415,
      'unsupported_media_type',
    ],
    ['an unknown action', invoke('tokens%3Adelete-all', { body: 'null' }), 404, 'unknown_channel'],
    ['a broken JSON body', invoke('tokens%3Acreate', { body: '{"name":' }), 400, 'bad_json'],
    [
      'a payload that fails its schema',
      invoke('tokens%3Acreate', { body: JSON.stringify({ name: 42 }) }),
      400,
      'invalid_payload',
    ],
    ['a missing file', fetch(`${harness.origin}/nothing-here.js`), 404, 'not_found'],
    [
      'a path out of the renderer',
      fetch(`${harness.origin}/%2e%2e%2fpackage.json`),
      404,
      'not_found',
    ],
    ['POST on a page', fetch(`${harness.origin}/`, { method: 'POST' }), 405, 'method_not_allowed'],
  ];
  for (const [what, response, status, code] of cases) {
    await test.step(what, async () => expectRefused(await refusal(await response), status, code));
  }
});

test('after all of that the harness still serves the app and answers the bridge', async () => {
  const page = await fetch(harness.url);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('/__harness/bridge.js');
  const session = await invoke('session%3Aget', { body: 'null' });
  expect(session.status).toBe(200);
  expect(await session.json()).toMatchObject({ ok: true, value: { account: null } });
  expect(harness.child.exitCode).toBeNull();
});

test("the environment's service URL is this run's default, never written to the settings", async () => {
  const settings = await invoke('settings%3Aget', { body: 'null' });
  expect(await settings.json()).toMatchObject({ ok: true, value: { serviceUrl: service.url } });
  const dir = join(work, 'settings');
  const saved = existsSync(dir)
    ? readdirSync(dir).map((file) => readFileSync(join(dir, file), 'utf8'))
    : [];
  expect(saved.join('\n')).not.toContain(service.url);
});

test('a bad TOKEN_DESK_SERVICE_URL stops the harness with a sentence and exit code 1', async () => {
  const child = spawn(process.execPath, ['out/harness/src/harness/main.js'], {
    env: {
      ...process.env,
      TOKEN_DESK_SERVICE_URL: 'http://tokens.example.com',
      TOKEN_DESK_SETTINGS_DIR: join(work, 'bad-url-settings'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect(code).toBe(1);
  expect(output).toMatch(
    /harness: could not start: TOKEN_DESK_SERVICE_URL is not usable: Use https:\/\//,
  );
  expect(output).not.toMatch(/^\s+at /m); // a sentence, not a stack trace
});

test('the page cannot answer main’s native questions: its key is not the control key', async () => {
  // No control key was given to this harness: nobody may queue answers.
  const attempts: Array<Record<string, string>> = [
    { 'x-harness-key': harness.key },
    { 'x-harness-key': harness.key, 'x-harness-control-key': harness.key },
    {},
  ];
  for (const headers of attempts) {
    const answer = await fetch(`${harness.origin}/__harness/questions/next/yes`, {
      method: 'POST',
      headers,
    });
    expectRefused(await refusal(answer), 403, 'harness_control_key');
  }
});
