import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  META_CONTENT_SECURITY_POLICY,
  mainWindowOptions,
  withContentSecurityPolicy,
} from '../../src/main/window-options.js';

describe('main window security options', () => {
  const { webPreferences } = mainWindowOptions('/app/out/preload/index.cjs', null, {
    isPackaged: true,
  });

  it("follows Electron's security checklist", () => {
    expect(webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
    });
    expect(webPreferences.preload).toMatch(/\.cjs$/);
  });

  it('a packaged app has no DevTools; a development run keeps them', () => {
    expect(webPreferences.devTools).toBe(false);
    const dev = mainWindowOptions('/app/out/preload/index.cjs', null, { isPackaged: false });
    expect(dev.webPreferences.devTools).toBe(true);
  });

  it('the CSP header replaces whatever policy a response carried, in any spelling', () => {
    expect(
      withContentSecurityPolicy({
        'content-security-policy': ["default-src *; script-src 'unsafe-inline'"],
        'CONTENT-SECURITY-POLICY': ['script-src *'],
        'Content-Type': ['text/html'],
      }),
    ).toEqual({
      'Content-Type': ['text/html'],
      'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
    });
    expect(withContentSecurityPolicy(undefined)).toEqual({
      'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
    });
  });

  it('has a strict CSP: no inline script, no eval, no remote content, no framing', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|\*|https?:/);
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
  });

  it('the page carries the same CSP as a meta tag', () => {
    const html = readFileSync('src/renderer/index.html', 'utf8');
    expect(html.replace(/\s+/g, ' ')).toContain(`content="${META_CONTENT_SECURITY_POLICY}"`);
    expect(CONTENT_SECURITY_POLICY).toBe(`${META_CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`);
  });

  // What the glue does with these (handlers for navigation, new windows, permissions, the
  // single-instance lock, the sandbox) is checked by running it: tests/main/electron-boot.test.ts.

  it('keeps ipcRenderer inside the preload', () => {
    const preload = readFileSync('src/preload/index.ts', 'utf8');
    expect(preload).toContain('contextBridge.exposeInMainWorld');
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer\)/);
  });
});
