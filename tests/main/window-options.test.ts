import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  META_CONTENT_SECURITY_POLICY,
  mainWindowOptions,
} from '../../src/main/window-options.js';

describe('main window security options', () => {
  const { webPreferences } = mainWindowOptions('/app/out/preload/index.cjs', null);

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

  it('the glue denies new windows, navigation and every permission request', () => {
    const glue = readFileSync('src/main/index.ts', 'utf8');
    expect(glue).toContain("setWindowOpenHandler(() => ({ action: 'deny' }))");
    expect(glue).toContain("contents.on('will-navigate', (event) => event.preventDefault())");
    expect(glue).toContain(
      'setPermissionRequestHandler((_contents, _permission, callback) => callback(false))',
    );
    expect(glue).toContain('setPermissionCheckHandler(() => false)');
    expect(glue).toContain('requestSingleInstanceLock()');
    expect(glue).toContain('app.enableSandbox()');
  });

  it('keeps ipcRenderer inside the preload', () => {
    const preload = readFileSync('src/preload/index.ts', 'utf8');
    expect(preload).toContain('contextBridge.exposeInMainWorld');
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer\)/);
  });
});
