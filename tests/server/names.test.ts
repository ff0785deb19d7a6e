/**
 * Names that would be stored mangled or look like another name are refused by the one
 * shared validator, over real HTTP with raw JSON bodies (JSON's "\ud800" escape
 * survives Fastify's parser as a lone surrogate; invalid UTF-8 arrives as U+FFFD).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeName } from '../../src/shared/token-name.js';
import {
  createToken,
  removeDir,
  signUpAndIn,
  startService,
  type RunningService,
} from '../support/server/service-harness.js';

let service: RunningService;
let session: string;

beforeAll(async () => {
  service = await startService();
  session = (await signUpAndIn(service)).session;
});
afterAll(async () => {
  await service.stop();
  removeDir(service.dataDir);
});

/** Sends `json` exactly as written: escapes such as \ud800 reach the service's parser. */
function createRaw(json: string | Buffer) {
  return fetch(`${service.baseUrl}/v1/users/me/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${session}`, 'content-type': 'application/json' },
    body: json,
  }).then(async (response) => ({
    status: response.status,
    body: (await response.json()) as { code: string; message: string; name?: string; id?: string },
  }));
}

async function listedNames(): Promise<string[]> {
  const list = await service.request('GET', '/v1/users/me/tokens', { token: session });
  return (list.body as Array<{ name: string }>).map((t) => t.name);
}

// Written as JSON escapes, so the test source shows exactly what goes over the wire.
const refused: Array<[string, string]> = [
  ['a lone high surrogate', 'a\\ud800b'],
  ['a lone low surrogate', 'a\\udc00b'],
  ['a reversed surrogate pair', 'a\\udc00\\ud800b'],
  ['a surrogate at the end', 'ci-github\\ud83d'],
  ['U+FFFD (already damaged text)', 'a\\ufffdb'],
  ['U+200B zero width space', 'ci-\\u200bgithub'],
  ['U+200C zero width non-joiner', 'ci-\\u200cgithub'],
  ['U+200D zero width joiner', 'ci-\\u200dgithub'],
  ['U+200E left-to-right mark', 'ci-github\\u200e'],
  ['U+200F right-to-left mark', '\\u200fci-github'],
  ['U+00AD soft hyphen', 'ci-git\\u00adhub'],
  ['U+061C Arabic letter mark', 'ci\\u061c-github'],
  ['U+2060 word joiner', 'ci-\\u2060github'],
  ['U+2061 function application', 'ci-\\u2061github'],
  ['U+2064 invisible plus', 'ci-\\u2064github'],
  ['U+FEFF byte order mark', 'ci-\\ufeffgithub'],
  ['U+202A left-to-right embedding', 'ci-\\u202agithub'],
  ['U+202E right-to-left override', 'ci-\\u202egithub'],
  ['U+2066 left-to-right isolate', 'ci-\\u2066github'],
  ['U+2069 pop directional isolate', 'ci-\\u2069github'],
  ['U+E0001 language tag', 'ci-github\\udb40\\udc01'],
  ['U+E0067 tag letter g', 'ci-github\\udb40\\udc67'],
  ['U+E007F cancel tag', 'ci-github\\udb40\\udc7f'],
  ['U+E0000 (tag block, unassigned)', 'ci-github\\udb40\\udc00'],
  ['U+3164 Hangul filler', 'ci-\\u3164github'],
  ['U+180E Mongolian vowel separator', 'ci-\\u180egithub'],
  ['U+FFF9 interlinear annotation anchor', 'ci-\\ufff9github'],
  ['U+0085 next line', 'ci-\\u0085github'],
  ['U+2028 line separator', 'ci-\\u2028github'],
];

describe('token names over real HTTP', () => {
  it.each(refused)('refuses %s with 400 invalid_name and stores nothing', async (_, escaped) => {
    const before = await listedNames();
    const response = await createRaw(`{"name":"${escaped}"}`);
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('invalid_name');
    expect(response.body.message).toMatch(
      /^Name (contains a damaged character|must not contain (invisible or text-direction|control) characters)/,
    );
    expect(await listedNames()).toEqual(before);
  });

  it('names the offending code point and where it is', async () => {
    const zwsp = await createRaw('{"name":"ci-\\u200bgithub"}');
    expect(zwsp.body.message).toBe(
      'Name must not contain invisible or text-direction characters (U+200B at position 4): they make one name look like another.',
    );
    const lone = await createRaw('{"name":"a\\ud800b"}');
    expect(lone.body.message).toBe(
      'Name contains a damaged character (U+D800 at position 2). Type the name again.',
    );
  });

  it('refuses a lone surrogate sent as raw bytes (invalid UTF-8 arrives as U+FFFD)', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"name":"a'),
      Buffer.from([0xed, 0xa0, 0x80]), // WTF-8 for U+D800
      Buffer.from('b"}'),
    ]);
    const response = await createRaw(bytes);
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('invalid_name');
  });

  it('refuses the same characters in a display name at sign-up and in an app name', async () => {
    const signUp = await fetch(`${service.baseUrl}/v1/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email":"zw@example.test","password":"long enough","name":"Ada\\u200b"}',
    });
    expect(signUp.status).toBe(400);
    expect(((await signUp.json()) as { code: string }).code).toBe('invalid_name');

    const [organization] = (await service.request('GET', '/v1/organizations', { token: session }))
      .body as Array<{ id: string }>;
    const app = await fetch(`${service.baseUrl}/v1/apps`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session}`, 'content-type': 'application/json' },
      body: `{"organizationId":"${organization!.id}","name":"Mobile\\ud800"}`,
    });
    expect(app.status).toBe(400);
    expect(((await app.json()) as { code: string }).code).toBe('invalid_name');
  });

  it('keeps real characters intact: emoji (a surrogate pair), accents, CJK, RTL letters', async () => {
    for (const escaped of [
      'deploy \\ud83d\\ude80',
      'caf\\u00e9',
      '\\u6e2c\\u8a66',
      '\\u05e9\\u05dc\\u05d5\\u05dd',
    ]) {
      const response = await createRaw(`{"name":"${escaped}"}`);
      expect(response.status).toBe(201);
      const expected = JSON.parse(`"${escaped}"`) as string;
      expect(response.body.name).toBe(expected);
      expect(await listedNames()).toContain(expected);
    }
  });

  it('carries a clean name through rotation unchanged', async () => {
    const token = await createToken(service, session, 'rotate \u00e9\ud83d\ude80');
    const rotated = await service.request('POST', `/v1/users/me/tokens/${token.id}/rotate`, {
      token: session,
    });
    expect(rotated.body.name).toBe('rotate \u00e9\ud83d\ude80');
  });
});

describe('normalizeName (the validator the app uses inline)', () => {
  it('refuses every Cf character and every unpaired surrogate, and nothing printable', () => {
    for (let code = 0; code <= 0x10ffff; code++) {
      const character = String.fromCodePoint(code);
      const format = /\p{Cf}/u.test(character);
      const surrogate = code >= 0xd800 && code <= 0xdfff;
      if (format || surrogate)
        expect(normalizeName(`a${character}b`).ok, `U+${code.toString(16)}`).toBe(false);
    }
    for (const fine of [
      'ci-github',
      'A b',
      'ü',
      '中文',
      'עברית',
      '\u2764\ufe0f',
      'x'.repeat(100),
    ]) {
      expect(normalizeName(fine)).toEqual({ ok: true, name: fine });
    }
  });
});
