import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  APP_SCHEME_PRIVILEGES,
  appProtocolHandler,
  resolveAppRequest,
} from '../../src/main/app-protocol.js';
import { CONTENT_SECURITY_POLICY } from '../../src/main/window-options.js';

const root = '/opt/token-desk/out/renderer';

describe('resolveAppRequest: which file an app:// URL may read', () => {
  it('maps our URLs to files inside the renderer build', () => {
    expect(resolveAppRequest(APP_ENTRY_URL, root)).toEqual({
      ok: true,
      filePath: `${root}/index.html`,
      contentType: 'text/html; charset=utf-8',
    });
    expect(resolveAppRequest('app://token-desk/', root)).toMatchObject({
      ok: true,
      filePath: `${root}/index.html`,
    });
    expect(resolveAppRequest('app://token-desk/assets/index-BQ.js?v=1#x', root)).toEqual({
      ok: true,
      filePath: `${root}/assets/index-BQ.js`,
      contentType: 'text/javascript; charset=utf-8',
    });
    expect(resolveAppRequest('app://token-desk/assets/a%20b.css', root)).toMatchObject({
      ok: true,
      filePath: `${root}/assets/a b.css`,
    });
  });

  it('never leaves the renderer build, however the traversal is spelled', () => {
    // Dot segments (also %2e%2e) are removed by URL parsing, as Chromium does: what remains must
    // still be a path inside the build.
    for (const url of [
      'app://token-desk/../main/index.js',
      'app://token-desk/assets/../../main/index.js',
      'app://token-desk/%2e%2e/main/index.js',
      'app://token-desk/%2E%2E/%2E%2E/etc/passwd.js',
    ]) {
      const target = resolveAppRequest(url, root);
      if (target.ok) expect(target.filePath.startsWith(`${root}/`), target.filePath).toBe(true);
    }
    // Whatever would only turn into a separator or a dot segment after decoding is refused.
    for (const url of [
      'app://token-desk/..%2fmain%2findex.js',
      'app://token-desk/..%2Fmain/index.js',
      'app://token-desk/assets/..%5c..%5cmain%5cindex.js',
      'app://token-desk/..\\main\\index.js',
      'app://token-desk/%252e%252e/main/index.js',
      'app://token-desk//etc/passwd.js',
      'app://token-desk/%2fetc%2fpasswd.js',
      'app://token-desk/assets/index.js%00.html',
      'app://token-desk/C:%5cWindows%5cwin.js',
      'app://token-desk/.vite/manifest.json',
      'app://token-desk/%ff%fe.js',
      'app://token-desk/assets/%E0%A4%A.js',
    ]) {
      expect(resolveAppRequest(url, root), url).toMatchObject({ ok: false, status: 400 });
    }
  });

  it('answers only our own host on our own scheme', () => {
    for (const url of [
      'app://evil/index.html',
      'app://app.evil/index.html',
      'app://token-desk.evil.example/index.html',
      'app://evil.token-desk/index.html',
      'app://token-desk:8080/index.html',
      'app://user:pw@token-desk/index.html',
      'app:token-desk/index.html',
      'app:///index.html',
      'file:///opt/token-desk/out/renderer/index.html',
      'https://token-desk/index.html',
      'not a url',
    ]) {
      expect(resolveAppRequest(url, root), url).toMatchObject({ ok: false });
    }
  });

  it('serves only the kinds of file a build contains', () => {
    expect(resolveAppRequest('app://token-desk/assets/x.map', root)).toMatchObject({
      ok: false,
      status: 404,
    });
    expect(resolveAppRequest('app://token-desk/assets', root)).toMatchObject({
      ok: false,
      status: 404,
    });
  });
});

describe('appProtocolHandler: the responses', () => {
  let dir: string;
  beforeAll(() => {
    const base = mkdtempSync(join(tmpdir(), 'token-desk-app-protocol-'));
    dir = join(base, 'renderer');
    mkdirSync(join(dir, 'assets'), { recursive: true });
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Token Desk</title>');
    writeFileSync(join(dir, 'assets', 'main.js'), 'export {};');
    writeFileSync(join(base, 'secret.txt'), 'outside');
    // A link inside the build that points outside it must not be followed.
    symlinkSync(join(base, 'secret.txt'), join(dir, 'assets', 'leak.js'));
  });

  it('sends the page with the CSP header from the one constant, and no sniffing', async () => {
    const response = await appProtocolHandler(dir)(new Request(APP_ENTRY_URL));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain('<title>Token Desk</title>');

    const script = await appProtocolHandler(dir)(new Request('app://token-desk/assets/main.js'));
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('refuses hostile and missing URLs with a 4xx that still carries the CSP', async () => {
    const handle = appProtocolHandler(dir);
    for (const [url, status] of [
      ['app://token-desk/..%2fsecret.txt', 400],
      ['app://evil/index.html', 404],
      ['app://token-desk/assets/leak.js', 404],
      ['app://token-desk/missing.js', 404],
    ] as const) {
      const response = await handle(new Request(url));
      expect(response.status, url).toBe(status);
      expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(await response.text()).not.toContain('outside');
    }
    const post = await handle(new Request(APP_ENTRY_URL, { method: 'POST', body: 'x' }));
    expect(post.status).toBe(405);
  });

  it('registers the scheme as a secure, standard origin without bypassing the CSP', () => {
    expect(APP_SCHEME_PRIVILEGES).toMatchObject({ standard: true, secure: true });
    expect(APP_SCHEME_PRIVILEGES).not.toHaveProperty('bypassCSP');
    expect(APP_SCHEME_PRIVILEGES).not.toHaveProperty('corsEnabled');
  });
});
