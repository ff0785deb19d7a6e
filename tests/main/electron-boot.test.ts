/**
 * Runs the BUILT main process (electron-vite's out/main/index.js) under plain Node,
 * with `electron` resolved by a loader hook to a recording stand-in
 * (tests/support/main/fake-electron/). Electron's binary cannot be downloaded here, so this
 * is how the glue runs at least once: it catches a crash on first launch and checks
 * each security decision the glue makes, through the very objects it registers.
 * The token service, keytar and electron-store (over conf) are real.
 */
import { X509Certificate } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, APP_SCHEME_PRIVILEGES } from '../../src/main/app-protocol.js';
import { CONTENT_SECURITY_POLICY, mainWindowOptions } from '../../src/main/window-options.js';
import {
  CHANNELS,
  RENDERER_EVENTS,
  methodName,
  subscriptionName,
} from '../../src/shared/ipc-channels.js';
import type { RevealedToken, SessionState } from '../../src/shared/ipc-contract.js';
import {
  PROMPT_CHANNELS,
  PROMPT_GLOBAL,
  PROMPT_NONCE_SWITCH,
} from '../../src/shared/prompt-contract.js';
import { startTokenService, type TokenService } from '../support/processes.js';
import { startCorpProxy, tlsFront, type CorpProxy } from '../support/net/corp-network.js';
import { createTestCa } from '../support/test-ca.js';
import {
  bootApp,
  buildApp,
  copyWithoutRenderer,
  type BootedApp,
} from '../support/main/fake-electron/boot.js';

const tempDir = (name: string) => mkdtempSync(join(tmpdir(), `token-desk-${name}-`));

/** Every role in a menu template, submenus included. */
function menuRoles(items: unknown[]): string[] {
  return items.flatMap((raw) => {
    const item = raw as { role?: string; submenu?: unknown[] };
    return [
      ...(item.role ? [item.role.toLowerCase()] : []),
      ...(Array.isArray(item.submenu) ? menuRoles(item.submenu) : []),
    ];
  });
}

let built: string;
let service: TokenService;

beforeAll(async () => {
  built = buildApp();
  service = await startTokenService(tempDir('boot-service'));
});

afterAll(async () => {
  await service?.stop();
});

async function booted(env: Record<string, string> = {}, userData = tempDir('boot-userdata')) {
  const app = bootApp(built, { userData, env });
  await app.waitFor('webContents.did-finish-load');
  return app;
}

/** The active account's connection, as the page reads it from the session state. */
async function connectionIdOf(app: BootedApp): Promise<string> {
  const state = (await app.request({
    op: 'invoke',
    channel: 'session:get',
    payload: null,
    from: 'our-main-frame',
  })) as { ok: true; value: SessionState };
  return state.value.account!.connectionId;
}

async function signUpAndReveal(app: BootedApp, email: string): Promise<RevealedToken> {
  const signUp = await app.request({
    op: 'invoke',
    channel: 'session:sign-up',
    payload: { serviceUrl: service.url, email, password: 'correct horse battery' },
    from: 'our-main-frame',
  });
  expect(signUp).toMatchObject({ ok: true, value: { account: { email } } });
  const created = (await app.request({
    op: 'invoke',
    channel: 'tokens:create',
    payload: { connectionId: await connectionIdOf(app), name: 'ci-github', expiresAt: null },
    from: 'our-main-frame',
  })) as { ok: true; value: RevealedToken };
  expect(created.ok).toBe(true);
  return created.value;
}

describe('the built main process, booted with a stand-in Electron', () => {
  let app: BootedApp;
  let userData: string;

  beforeAll(async () => {
    userData = tempDir('boot-userdata');
    app = await booted({ TOKEN_DESK_SERVICE_URL: `${service.url}/` }, userData);
  });

  afterAll(async () => {
    await app?.kill();
  });

  it('starts without throwing and registers a handler for every channel and nothing else', async () => {
    const state = await app.request({ op: 'snapshot' });
    expect(state.handledChannels.sort()).toEqual([...CHANNELS].sort());
    // electron-store's own sendSync listener, which would tell any frame our data folder, is gone.
    expect(state.listenedChannels).toEqual([]);
    expect(state.lockRequested).toBe(true);
    expect(state.sandboxEnabled).toBe(true);
    expect(state.errorBoxes).toEqual([]);
    expect(app.output.join('')).not.toMatch(/Error|Unhandled/);
  });

  it('serves the page from app:// with privileges registered before ready', async () => {
    const state = await app.request({ op: 'snapshot' });
    expect(state.privilegedSchemes).toEqual([{ scheme: 'app', privileges: APP_SCHEME_PRIVILEGES }]);
    expect(state.handledSchemes).toEqual(['app']);
    const page = await app.request({ op: 'fetch-app', url: APP_ENTRY_URL });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(page.body).toContain('<div id="root"></div>');
    for (const [url, status] of [
      ['app://token-desk/..%2fmain%2findex.js', 400],
      ['app://token-desk/%2e%2e/main/index.js', 404],
      ['app://evil/index.html', 404],
      ['app://app.evil/index.html', 404],
    ] as const) {
      const refused = await app.request({ op: 'fetch-app', url });
      expect(refused.status, url).toBe(status);
      expect(refused.body).not.toContain('import');
    }
  });

  it("serves the prompt window's page from app:// too, under the same policy", async () => {
    const page = await app.request({ op: 'fetch-app', url: 'app://token-desk/prompt.html' });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(page.body).toContain('<main id="prompt-root"');
    expect(existsSync(join(built, 'out/preload/prompt.cjs'))).toBe(true);
  });

  it('creates one window with the secure options and shows it once the page loaded', async () => {
    const [window, ...others] = (await app.request({ op: 'snapshot' })).windows;
    expect(others).toEqual([]);
    const preload = join(built, 'out/preload/index.cjs');
    expect(window!.options).toMatchObject(
      JSON.parse(JSON.stringify(mainWindowOptions(preload, null, { isPackaged: false }))),
    );
    expect(existsSync(preload)).toBe(true);
    expect(window!.loadedUrls).toEqual([APP_ENTRY_URL]);
    expect(window!.pageStatus).toBe(200);
    expect(window!.visible).toBe(true);
  });

  it('locks down navigation, redirects, webviews and new windows in every webContents', async () => {
    for (const target of ['our-window', 'other'] as const) {
      expect(await app.request({ op: 'probe-web-contents', target }), target).toEqual({
        willNavigatePrevented: true,
        willRedirectPrevented: true,
        willAttachWebviewPrevented: true,
        windowOpen: { action: 'deny' },
      });
    }
  });

  it('denies every permission request and check, and puts the CSP on anything else loaded', async () => {
    const probe = await app.request({ op: 'probe-session' });
    for (const granted of Object.values(probe.permissionsGranted)) expect(granted).toBe(false);
    for (const granted of Object.values(probe.permissionsChecked)) expect(granted).toBe(false);
    expect(probe.headers).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });

  it("answers IPC only from our window's main frame on our origin", async () => {
    const ask = (from: 'our-main-frame' | 'our-subframe' | 'other-web-contents' | 'no-frame') =>
      app.request({ op: 'invoke', channel: 'settings:get', payload: null, from });
    // The environment's service URL is in effect for this run.
    expect(await ask('our-main-frame')).toMatchObject({
      ok: true,
      value: { serviceUrl: service.url },
    });
    const untrusted = { ok: false, error: { code: 'untrusted_sender' } };
    expect(await ask('our-subframe')).toMatchObject(untrusted);
    expect(await ask('other-web-contents')).toMatchObject(untrusted);
    expect(await ask('no-frame')).toMatchObject(untrusted);
    for (const url of ['app://evil/index.html', 'file:///etc/passwd', 'https://evil.example/']) {
      await app.request({ op: 'set-main-frame-url', url });
      expect(await ask('our-main-frame'), url).toMatchObject(untrusted);
    }
    await app.request({ op: 'set-main-frame-url', url: APP_ENTRY_URL });
    expect(await ask('our-main-frame')).toMatchObject({ ok: true });
  });

  it('a development run keeps reload and DevTools in the menu', async () => {
    const { menu } = await app.request({ op: 'snapshot' });
    expect(menuRoles(menu!)).toEqual(
      expect.arrayContaining(['reload', 'forcereload', 'toggledevtools', 'copy', 'paste']),
    );
  });

  it('a second instance restores and focuses the window instead of opening another', async () => {
    await app.request({ op: 'minimize' });
    await app.request({ op: 'second-instance' });
    const { windows } = await app.request({ op: 'snapshot' });
    expect(windows).toHaveLength(1);
    expect(windows[0]).toMatchObject({ minimized: false, restoreCount: 1 });
    expect(windows[0]!.focusCount).toBeGreaterThanOrEqual(1);
  });

  it('a reload or a crashed page makes main forget every revealed secret', async () => {
    const copy = (revealId: string) =>
      app.request({
        op: 'invoke',
        channel: 'secret:copy',
        payload: { revealId },
        from: 'our-main-frame',
      });
    const first = await signUpAndReveal(app, 'reload@example.test');
    expect(await copy(first.revealId)).toMatchObject({ ok: true });
    await app.request({ op: 'reload' });
    expect(await copy(first.revealId)).toMatchObject({
      ok: false,
      error: { code: 'secret_gone' },
    });

    const second = (await app.request({
      op: 'invoke',
      channel: 'tokens:create',
      payload: {
        connectionId: first.token.issuer.connectionId,
        name: 'ci-gitlab',
        expiresAt: null,
      },
      from: 'our-main-frame',
    })) as { ok: true; value: RevealedToken };
    await app.request({ op: 'render-process-gone' });
    expect(await copy(second.value.revealId)).toMatchObject({
      ok: false,
      error: { code: 'secret_gone' },
    });
  });

  it('asks about a provider host never used before in a native message box; Cancel adds nothing', async () => {
    await signUpAndReveal(app, 'new-host@example.test');
    const added = await app.request({
      op: 'invoke',
      channel: 'providers:add',
      payload: { provider: 'github', host: 'https://ghe.unconfirmed.example', token: 'ghp_x' },
      from: 'our-main-frame',
    });
    // The stand-in answers as a person who chooses Cancel (or presses Esc).
    expect(added).toMatchObject({ ok: false, error: { code: 'host_not_confirmed' } });
    const asked = app.journal.filter((entry) => entry.api === 'dialog.showMessageBox');
    expect(asked).toHaveLength(1);
    expect(asked[0]!.detail).toMatchObject({
      type: 'warning',
      message: expect.stringContaining('ghe.unconfirmed.example'),
      buttons: ['Cancel', 'Trust and add account'],
      defaultId: 0,
      cancelId: 0,
    });
    const listed = await app.request({
      op: 'invoke',
      channel: 'providers:list',
      payload: null,
      from: 'our-main-frame',
    });
    expect(listed).toMatchObject({ ok: true, value: { accounts: [] } });
  });

  it('on quit: clears the clipboard that still holds our secret and exits 0', async () => {
    const revealed = (await app.request({
      op: 'invoke',
      channel: 'tokens:create',
      payload: { connectionId: await connectionIdOf(app), name: 'ci-quit', expiresAt: null },
      from: 'our-main-frame',
    })) as { ok: true; value: RevealedToken };
    await app.request({
      op: 'invoke',
      channel: 'secret:copy',
      payload: { revealId: revealed.value.revealId },
      from: 'our-main-frame',
    });
    const before = await app.request({ op: 'snapshot' });
    expect(before.clipboard.text).toBe(revealed.value.secret);
    expect(before.clipboard.types).toContain(
      'electron application/osclipboard;format="x-kde-passwordManagerHint"',
    );

    await app.request({ op: 'quit' });
    const { code, state } = await app.exited;
    expect(code).toBe(0);
    expect(state!.clipboard).toMatchObject({ text: '', clears: 1 });
    const saved = readFileSync(join(userData, 'settings.json'), 'utf8');
    expect(saved).toContain('windowBounds');
    expect(saved).not.toContain(revealed.value.secret);
  });
});

describe('quitting after the user copied something else', () => {
  it('leaves their clipboard alone', async () => {
    const app = await booted();
    try {
      const revealed = await signUpAndReveal(app, 'other-copy@example.test');
      await app.request({
        op: 'invoke',
        channel: 'secret:copy',
        payload: { revealId: revealed.revealId },
        from: 'our-main-frame',
      });
      await app.request({ op: 'user-copies', text: 'a line of the user’s own' });
      await app.request({ op: 'quit' });
      const { code, state } = await app.exited;
      expect(code).toBe(0);
      expect(state!.clipboard).toMatchObject({ text: 'a line of the user’s own', clears: 0 });
    } finally {
      await app.kill();
    }
  });
});

// Each test boots the built app on its own (a few seconds, many more on a busy machine).
describe("outbound requests take the proxy Electron's session resolves", () => {
  const ca = createTestCa('Corp test CA');
  let corpService: TokenService;
  let proxy: CorpProxy;

  beforeAll(async () => {
    const site = ca.issue(['tokens.corp.test']);
    corpService = await startTokenService(tempDir('boot-corp-service'), 0, {
      TOKEN_DESK_ALLOWED_HOSTS: 'tokens.corp.test',
    });
    proxy = await startCorpProxy({
      sites: new Map([
        ['tokens.corp.test', tlsFront({ key: site.key, cert: site.pem }, corpService.url)],
      ]),
    });
  });
  afterAll(async () => {
    await proxy?.close();
    await corpService?.stop();
    ca.remove();
  });

  /** A settings file that trusts the run's CA for every host, as Settings would write it. */
  function trustingUserData(): string {
    const dir = tempDir('boot-corp-userdata');
    writeFileSync(
      join(dir, 'settings.json'),
      JSON.stringify({
        trustedAuthorities: [
          {
            pem: ca.pem,
            fingerprint256: new X509Certificate(ca.pem).fingerprint256,
            scope: { kind: 'all' },
          },
        ],
      }),
    );
    return dir;
  }

  it('signs up at https://tokens.corp.test through the proxy the session names; this computer is never asked about', async () => {
    const app = await booted(
      { FAKE_ELECTRON_PROXY: `PROXY ${new URL(proxy.url).host}; DIRECT` },
      trustingUserData(),
    );
    try {
      const signUp = await app.request({
        op: 'invoke',
        channel: 'session:sign-up',
        payload: {
          serviceUrl: 'https://tokens.corp.test',
          email: 'via-system-proxy@example.test',
          password: 'correct horse battery',
        },
        from: 'our-main-frame',
      });
      expect(signUp).toMatchObject({
        ok: true,
        value: { account: { email: 'via-system-proxy@example.test' } },
      });
      expect(proxy.tunnels).toContain('tokens.corp.test:443');
      const asked = app.journal
        .filter((entry) => entry.api === 'session.resolveProxy')
        .map((entry) => new URL((entry.detail as { url: string }).url).host);
      expect(asked.length).toBeGreaterThan(0);
      expect(new Set(asked)).toEqual(new Set(['tokens.corp.test']));

      // The local service, signed up to directly: no question, no tunnel.
      const tunnels = proxy.tunnels.length;
      const local = await app.request({
        op: 'invoke',
        channel: 'session:sign-up',
        payload: {
          serviceUrl: service.url,
          email: 'local-direct@example.test',
          password: 'correct horse battery',
        },
        from: 'our-main-frame',
      });
      expect(local).toMatchObject({ ok: true });
      expect(proxy.tunnels).toHaveLength(tunnels);
      expect(
        app.journal.filter(
          (entry) =>
            entry.api === 'session.resolveProxy' &&
            (entry.detail as { url: string }).url.startsWith(service.url),
        ),
      ).toEqual([]);
    } finally {
      await app.kill();
    }
  }, 90_000);

  it('a session answer of SOCKS only is refused in words, and nothing is sent', async () => {
    const app = await booted({ FAKE_ELECTRON_PROXY: 'SOCKS5 127.0.0.1:1' }, trustingUserData());
    try {
      const tunnels = proxy.tunnels.length;
      const signUp = await app.request({
        op: 'invoke',
        channel: 'session:sign-up',
        payload: {
          serviceUrl: 'https://tokens.corp.test',
          email: 'socks@example.test',
          password: 'correct horse battery',
        },
        from: 'our-main-frame',
      });
      expect(signUp).toMatchObject({
        ok: false,
        error: { message: expect.stringMatching(/SOCKS proxy only.*HTTP and HTTPS proxies/) },
      });
      expect(proxy.tunnels).toHaveLength(tunnels);
    } finally {
      await app.kill();
    }
  }, 90_000);
});

describe('a packaged build', () => {
  it('has no DevTools and no reload, and never takes its page from the environment', async () => {
    const app = await booted({
      FAKE_ELECTRON_PACKAGED: '1',
      ELECTRON_RENDERER_URL: 'http://evil.example:5173/',
    });
    try {
      const { menu, windows } = await app.request({ op: 'snapshot' });
      const roles = menuRoles(menu!);
      for (const role of ['reload', 'forcereload', 'toggledevtools', 'viewmenu'])
        expect(roles).not.toContain(role);
      expect(roles).toContain('copy');
      expect(windows[0]!.options).toMatchObject({ webPreferences: { devTools: false } });
      expect(windows[0]!.loadedUrls).toEqual([APP_ENTRY_URL]);
    } finally {
      await app.kill();
    }
  });
});

describe("item 14: npm start's TOKEN_DESK_SERVICE_URL", () => {
  it('is in effect for the run and is not written into the saved settings', async () => {
    const userData = tempDir('boot-userdata');
    const app = await booted({ TOKEN_DESK_SERVICE_URL: `${service.url}/` }, userData);
    try {
      expect(
        await app.request({
          op: 'invoke',
          channel: 'settings:get',
          payload: null,
          from: 'our-main-frame',
        }),
      ).toMatchObject({ ok: true, value: { serviceUrl: service.url } });
      await app.request({
        op: 'invoke',
        channel: 'settings:update',
        payload: { theme: 'dark' },
        from: 'our-main-frame',
      });
      expect((await app.request({ op: 'snapshot' })).themeSource).toBe('dark');
      await app.request({ op: 'quit' });
      expect((await app.exited).code).toBe(0);
      const saved = JSON.parse(readFileSync(join(userData, 'settings.json'), 'utf8')) as {
        settings: Record<string, unknown>;
      };
      expect(saved.settings).toEqual({
        serviceUrl: 'http://127.0.0.1:4780',
        clipboardClearSeconds: 30,
        theme: 'dark',
        rotationGraceSeconds: 3600,
        expiryReminders: true,
      });
    } finally {
      await app.kill();
    }
  });
});

describe('a second instance', () => {
  it('quits at once, without a window or any handler', async () => {
    const app = bootApp(built, {
      userData: tempDir('boot-userdata'),
      env: { FAKE_ELECTRON_LOCK: 'taken' },
    });
    const { code, state } = await app.exited;
    expect(code).toBe(0);
    expect(state).toMatchObject({ windows: [], handledChannels: [], errorBoxes: [] });
  });
});

describe('item 14: a start that fails shows an error box and exits non-zero', () => {
  async function failedStart(appDir: string, env: Record<string, string>, userData?: string) {
    const app = bootApp(appDir, { userData: userData ?? tempDir('boot-userdata'), env });
    const { code, state } = await app.exited;
    expect(code).toBe(1);
    expect(state!.errorBoxes).toHaveLength(1);
    const [box] = state!.errorBoxes;
    expect(box!.title).toBe('Token Desk could not start');
    // No window is left behind, shown or hidden.
    expect(state!.windows.every((window) => window.destroyed)).toBe(true);
    return { box: box!, output: app.output.join('') };
  }

  it('a bad TOKEN_DESK_SERVICE_URL, without touching the saved settings', async () => {
    const userData = tempDir('boot-userdata');
    const settingsFile = join(userData, 'settings.json');
    const savedBefore = JSON.stringify({
      settings: {
        serviceUrl: 'https://tokens.example.test',
        clipboardClearSeconds: 45,
        theme: 'dark',
      },
    });
    writeFileSync(settingsFile, savedBefore);
    const { box, output } = await failedStart(
      built,
      { TOKEN_DESK_SERVICE_URL: 'ftp://127.0.0.1:4780' },
      userData,
    );
    expect(box.content).toContain('TOKEN_DESK_SERVICE_URL');
    expect(box.content).toMatch(/http:\/\/ or https:\/\//);
    expect(box.content).toContain('(invalid_service_url)');
    expect(output).toContain('Token Desk could not start');
    expect(readFileSync(settingsFile, 'utf8')).toBe(savedBefore);
  });

  it('a missing renderer build', async () => {
    const { box } = await failedStart(copyWithoutRenderer(built), {});
    expect(box.content).toContain('index.html');
    expect(box.content).toContain('npm run build');
    expect(box.content).toContain('(renderer_missing)');
  });

  it('anything else thrown, such as a settings folder that is not a folder', async () => {
    const notAFolder = join(tempDir('boot-userdata'), 'file');
    writeFileSync(notAFolder, '');
    const { box } = await failedStart(built, {}, notAFolder);
    expect(box.content).toMatch(/unexpected error/i);
    expect(box.content).toContain('(startup_failed)');
  });
});

describe('the built preload, run as a sandboxed preload is', () => {
  function loadPreload() {
    const source = readFileSync(join(built, 'out/preload/index.cjs'), 'utf8');
    const exposed: Record<string, unknown> = {};
    const invoked: unknown[][] = [];
    const listeners = new EventEmitter();
    const electron = {
      contextBridge: {
        exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api),
      },
      ipcRenderer: {
        invoke: async (...args: unknown[]) => invoked.push(args),
        on: (channel: string, listener: (...args: unknown[]) => void) =>
          listeners.on(channel, listener),
        removeListener: (channel: string, listener: (...args: unknown[]) => void) =>
          listeners.removeListener(channel, listener),
      },
    };
    // A sandboxed preload gets a require() with a few modules and no Node; ours asks only for electron.
    const required: string[] = [];
    const sandboxRequire = (id: string) => {
      required.push(id);
      if (id !== 'electron') throw new Error(`a sandboxed preload cannot require ${id}`);
      return electron;
    };
    const module = { exports: {} };
    runInNewContext(source, { require: sandboxRequire, module, exports: module.exports });
    const bridge = exposed.tokenDesk as Record<string, (payload?: unknown) => unknown>;
    return { bridge, invoked, listeners, required };
  }

  it('needs nothing but electron, is CommonJS, and exposes one function per channel and event', async () => {
    const { bridge, invoked, required } = loadPreload();
    expect(required).toEqual(['electron']);
    expect(Object.keys(bridge).sort()).toEqual(
      [
        ...CHANNELS.map((channel) => methodName(channel)),
        ...Object.keys(RENDERER_EVENTS).map((event) =>
          subscriptionName(event as keyof typeof RENDERER_EVENTS),
        ),
      ].sort(),
    );
    for (const value of Object.values(bridge)) expect(typeof value).toBe('function');
    await bridge.tokensList!({ connectionId: 'c1' });
    await bridge.sessionGet!();
    await bridge.tokensRevoke!({ connectionId: 'c1', id: 'x' });
    expect(invoked).toEqual([
      ['tokens:list', { connectionId: 'c1' }],
      ['session:get', null],
      ['tokens:revoke', { connectionId: 'c1', id: 'x' }],
    ]);
  });

  it('hands an event subscriber the checked payload alone, never the IPC event, until it unsubscribes', () => {
    const { bridge, listeners } = loadPreload();
    const received: unknown[][] = [];
    const unsubscribe = bridge.onUiOpenToken!((...args: unknown[]) =>
      received.push(args),
    ) as () => void;
    const ipcEvent = { sender: { send: () => {} }, ports: [] };
    const payload = {
      account: { serviceUrl: 'http://127.0.0.1:4780', email: 'ada@example.test' },
      connectionId: '9b1f2f4e-0c3a-4d55-9d0e-6a7f1b2c3d4e',
      tokenId: '4ec2c920-78bc-4ab9-8f64-f4081d9708d4',
    };
    listeners.emit('ui:open-token', ipcEvent, payload);
    expect(received).toEqual([[payload]]);

    // Whatever else arrives on the channel never reaches the page.
    for (const hostile of [
      null,
      'open',
      { ...payload, extra: 1 },
      { ...payload, tokenId: 'ca_secretsecretsecret' },
      { ...payload, tokenId: '../../etc' },
      { account: { ...payload.account, token: 'ses_x' }, tokenId: payload.tokenId },
      { account: null, tokenId: payload.tokenId },
      { account: payload.account, tokenId: payload.tokenId },
    ])
      listeners.emit('ui:open-token', ipcEvent, hostile);
    expect(received).toHaveLength(1);

    unsubscribe();
    listeners.emit('ui:open-token', ipcEvent, payload);
    expect(received).toHaveLength(1);
    expect(listeners.listenerCount('ui:open-token')).toBe(0);
    expect(() => bridge.onUiOpenToken!('not a function')).toThrow('needs a callback');
  });

  it('hands the page a menu command only when it is one of the listed names', () => {
    const { bridge, listeners } = loadPreload();
    const received: unknown[][] = [];
    const unsubscribe = bridge.onUiCommand!((...args: unknown[]) =>
      received.push(args),
    ) as () => void;
    const ipcEvent = { sender: { send: () => {} }, ports: [] };
    listeners.emit('ui:command', ipcEvent, 'go-settings');
    listeners.emit('ui:command', ipcEvent, 'select-all');
    for (const hostile of [
      null,
      undefined,
      '',
      'sign-out', // a palette command, but not one the menu may ask for
      'GO-SETTINGS',
      'go-settings ',
      ['go-settings'],
      { command: 'go-settings' },
      new String('go-settings'),
      'toString',
      '__proto__',
    ])
      listeners.emit('ui:command', ipcEvent, hostile);
    expect(received).toEqual([['go-settings'], ['select-all']]);
    unsubscribe();
    expect(listeners.listenerCount('ui:command')).toBe(0);
  });
});

describe("the built prompt preload, run as the prompt window's sandboxed preload", () => {
  function loadPromptPreload(argv: string[]) {
    const source = readFileSync(join(built, 'out/preload/prompt.cjs'), 'utf8');
    const exposed: Record<string, unknown> = {};
    const invoked: unknown[][] = [];
    const electron = {
      contextBridge: {
        exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api),
      },
      ipcRenderer: { invoke: async (...args: unknown[]) => invoked.push(args) },
    };
    const required: string[] = [];
    const sandboxRequire = (id: string) => {
      required.push(id);
      if (id !== 'electron') throw new Error(`a sandboxed preload cannot require ${id}`);
      return electron;
    };
    const module = { exports: {} };
    // A sandboxed preload's process has argv (with additionalArguments), not Node's modules.
    runInNewContext(source, {
      require: sandboxRequire,
      module,
      exports: module.exports,
      process: { argv },
    });
    return { exposed, invoked, required };
  }

  it('needs only electron and gives the page request, submit and cancel, each with the nonce', async () => {
    const nonce = 'c'.repeat(48);
    const { exposed, invoked, required } = loadPromptPreload([
      '/opt/token-desk/token-desk',
      '--type=renderer',
      `${PROMPT_NONCE_SWITCH}${nonce}`,
    ]);
    expect(required).toEqual(['electron']);
    expect(Object.keys(exposed)).toEqual([PROMPT_GLOBAL]);
    const bridge = exposed[PROMPT_GLOBAL] as Record<string, (...args: unknown[]) => unknown>;
    expect(Object.isFrozen(bridge)).toBe(true);
    expect(Object.keys(bridge).sort()).toEqual(['cancel', 'request', 'submit']);
    await bridge.request!();
    await bridge.submit!({ token: 'typed' });
    await bridge.cancel!();
    expect(invoked).toEqual([
      [PROMPT_CHANNELS.request, nonce],
      [PROMPT_CHANNELS.submit, nonce, { token: 'typed' }],
      [PROMPT_CHANNELS.cancel, nonce],
    ]);
    // Opened without a nonce (not by main's prompt), it has none to send: main answers nothing.
    const stray = loadPromptPreload(['/opt/token-desk/token-desk']);
    await (stray.exposed[PROMPT_GLOBAL] as { request(): Promise<unknown> }).request();
    expect(stray.invoked).toEqual([[PROMPT_CHANNELS.request, '']]);
  });
});
