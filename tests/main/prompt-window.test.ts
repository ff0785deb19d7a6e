/**
 * Main's prompt window (src/main/prompt/prompt-window.ts) against an in-process
 * stand-in BrowserWindow: its options, its IPC only from its own page with its own
 * nonce, answers checked, closing as Cancel, one window at a time, nothing typed
 * logged. The boot test checks the built preload and page it loads.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { PromptRequest } from '../../src/main/ports.js';
import {
  ElectronPrompt,
  promptWindowOptions,
  type ElectronPromptDeps,
} from '../../src/main/prompt/prompt-window.js';
import { mainWindowOptions } from '../../src/main/window-options.js';
import { PROMPT_CHANNELS, PROMPT_NONCE_SWITCH } from '../../src/shared/prompt-contract.js';
import { FakePromptWindow } from '../support/main/fake-electron/prompt-window.js';

const PAGE = 'app://token-desk/prompt.html';
const PRELOAD = '/app/out/preload/prompt.cjs';
const GITHUB_VALUE: PromptRequest = {
  title: 'New value for ci-deploy',
  message: 'Paste the token GitHub showed you. It goes to the places you chose, not to the page.',
  fields: [{ id: 'token', label: 'Token', kind: 'secret' }],
  submitLabel: 'Use this token',
};
const SECRET = 'github_pat_11AAAAAAA0secretvalue';

let logged: unknown[];
let mainWindow: { id: string } | null;

function promptFor(overrides: Partial<ElectronPromptDeps<{ id: string }>> = {}) {
  return new ElectronPrompt<{ id: string }>({
    createWindow: (options) => new FakePromptWindow(options as unknown as Record<string, unknown>),
    parent: () => mainWindow,
    preloadPath: PRELOAD,
    pageUrl: PAGE,
    isPackaged: true,
    log: { error: (message, detail) => logged.push(message, detail) },
    ...overrides,
  });
}

/** The window the prompt opened, once its page has loaded, and the nonce it was given. */
async function opened() {
  await new Promise((resolve) => setImmediate(resolve));
  const window = FakePromptWindow.created.at(-1)!;
  const args = (window.options.webPreferences as { additionalArguments: string[] })
    .additionalArguments;
  const nonce = args
    .find((arg) => arg.startsWith(PROMPT_NONCE_SWITCH))!
    .slice(PROMPT_NONCE_SWITCH.length);
  return { window, nonce };
}

beforeEach(() => {
  FakePromptWindow.created.length = 0;
  logged = [];
  mainWindow = { id: 'main' };
});

describe('the prompt window', () => {
  it('is a sandboxed, isolated modal child of the main window, sized for a form', async () => {
    const prompt = promptFor();
    void prompt.ask(GITHUB_VALUE);
    const { window, nonce } = await opened();
    const { webPreferences: mainPreferences } = mainWindowOptions(PRELOAD, null, {
      isPackaged: true,
    });
    expect(window.options).toMatchObject({
      parent: mainWindow,
      modal: true,
      show: false,
      minimizable: false,
      maximizable: false,
      fullscreenable: false,
      useContentSize: true,
      webPreferences: {
        ...mainPreferences,
        preload: PRELOAD,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webSecurity: true,
        devTools: false,
        additionalArguments: [`${PROMPT_NONCE_SWITCH}${nonce}`],
      },
    });
    expect(window.options.maxWidth).toBeLessThanOrEqual(720);
    expect(window.options.maxHeight).toBeLessThanOrEqual(720);
    expect(window.loadedUrl).toBe(PAGE);
    expect(window.visible).toBe(true);
    // It fits its page's height, within bounds.
    window.webContents.emit('preferred-size-changed', {}, { width: 300, height: 351.5 });
    expect(window.contentSize).toEqual([460, 352]);
    window.webContents.emit('preferred-size-changed', {}, { width: 300, height: 5000 });
    expect(window.contentSize).toEqual([460, 640]);
    window.close();
  });

  it('without a main window it is a window of its own, not modal', () => {
    mainWindow = null;
    const options = promptWindowOptions(PRELOAD, mainWindow, 'a'.repeat(48), { isPackaged: false });
    expect(options).toMatchObject({ modal: false });
    expect(options).not.toHaveProperty('parent');
  });

  it('shows the request only to its own page, and answers with what was typed there', async () => {
    const prompt = promptFor();
    const answer = prompt.ask(GITHUB_VALUE);
    const { window, nonce } = await opened();
    expect(await window.invoke(PROMPT_CHANNELS.request, 'main-frame', nonce)).toEqual(GITHUB_VALUE);
    for (const from of ['subframe', 'other-web-contents', 'no-frame'] as const) {
      expect(await window.invoke(PROMPT_CHANNELS.request, from, nonce), from).toBeNull();
      expect(
        await window.invoke(PROMPT_CHANNELS.submit, from, nonce, { token: 'from elsewhere' }),
        from,
      ).toMatchObject({ ok: false });
      await window.invoke(PROMPT_CHANNELS.cancel, from, nonce);
    }
    // The same window showing another page (the app's own, or anything else) is not the prompt.
    for (const url of [
      'app://token-desk/index.html',
      'app://evil/prompt.html',
      'https://evil.example/prompt.html',
    ]) {
      window.webContents.mainFrame.url = url;
      expect(await window.invoke(PROMPT_CHANNELS.request, 'main-frame', nonce), url).toBeNull();
      expect(
        await window.invoke(PROMPT_CHANNELS.submit, 'main-frame', nonce, { token: 'x' }),
      ).toMatchObject({ ok: false });
    }
    window.webContents.mainFrame.url = PAGE;
    expect(
      await window.invoke(PROMPT_CHANNELS.submit, 'main-frame', nonce, { token: SECRET }),
    ).toEqual({ ok: true });
    expect(await answer).toEqual({ token: SECRET });
    // Answered: the window is gone and its handlers with it.
    expect(window.destroyed).toBe(true);
    expect([...window.webContents.handlers.keys()]).toEqual([]);
    expect(JSON.stringify(logged)).not.toContain(SECRET);
  });

  it('refuses extra fields and a wrong nonce, and stays open for a right answer', async () => {
    const prompt = promptFor();
    const answer = prompt.ask(GITHUB_VALUE);
    const { window, nonce } = await opened();
    expect(
      await window.invoke(PROMPT_CHANNELS.submit, 'main-frame', nonce, {
        token: SECRET,
        repository: 'evil/repo',
      }),
    ).toEqual({ ok: false, message: 'The answer named a field this prompt did not ask for.' });
    expect(
      await window.invoke(PROMPT_CHANNELS.submit, 'main-frame', 'e'.repeat(48), { token: SECRET }),
    ).toMatchObject({ ok: false, message: /no longer open/ });
    expect(await window.invoke(PROMPT_CHANNELS.request, 'main-frame', 'e'.repeat(48))).toBeNull();
    expect(window.destroyed).toBe(false);
    await window.invoke(PROMPT_CHANNELS.submit, 'main-frame', nonce, { token: SECRET });
    expect(await answer).toEqual({ token: SECRET });
  });

  it("ignores a previous prompt's nonce in the next prompt's window", async () => {
    const prompt = promptFor();
    const first = prompt.ask(GITHUB_VALUE);
    const old = await opened();
    await old.window.invoke(PROMPT_CHANNELS.cancel, 'main-frame', old.nonce);
    expect(await first).toBeNull();
    // The old window's handlers are gone with it.
    expect(
      await old.window.invoke(PROMPT_CHANNELS.submit, 'main-frame', old.nonce, { token: 'x' }),
    ).toBeUndefined();
    const second = prompt.ask(GITHUB_VALUE);
    const next = await opened();
    expect(next.nonce).not.toBe(old.nonce);
    expect(
      await next.window.invoke(PROMPT_CHANNELS.submit, 'main-frame', old.nonce, { token: 'x' }),
    ).toMatchObject({ ok: false });
    next.window.close();
    expect(await second).toBeNull();
  });

  it('closing the window is Cancel, and so is its page crashing', async () => {
    const prompt = promptFor();
    const closed = prompt.ask(GITHUB_VALUE);
    (await opened()).window.close();
    expect(await closed).toBeNull();
    const crashed = prompt.ask(GITHUB_VALUE);
    const { window } = await opened();
    window.webContents.emit('render-process-gone');
    expect(await crashed).toBeNull();
    expect(window.destroyed).toBe(true);
  });

  it('opens one prompt at a time: a second ask is refused in words, with no second window', async () => {
    const prompt = promptFor();
    const first = prompt.ask(GITHUB_VALUE);
    const { window, nonce } = await opened();
    await expect(prompt.ask(GITHUB_VALUE)).rejects.toMatchObject({
      code: 'prompt_busy',
      message: expect.stringMatching(/already asking/),
    });
    expect(FakePromptWindow.created).toHaveLength(1);
    await window.invoke(PROMPT_CHANNELS.submit, 'main-frame', nonce, { token: SECRET });
    expect(await first).toEqual({ token: SECRET });
    void prompt.ask(GITHUB_VALUE);
    expect((await opened()).window).not.toBe(window);
  });

  it('a page that does not load is an error in words, not a Cancel', async () => {
    const prompt = promptFor({
      createWindow: (options) => {
        const window = new FakePromptWindow(options as unknown as Record<string, unknown>);
        window.loadOutcome = 'fails';
        return window;
      },
    });
    await expect(prompt.ask(GITHUB_VALUE)).rejects.toMatchObject({ code: 'prompt_unavailable' });
    expect(FakePromptWindow.created[0]!.destroyed).toBe(true);
    expect(logged[0]).toBe('the prompt page did not load');
    // And the next prompt may open (its page fails too, here).
    await expect(prompt.ask(GITHUB_VALUE)).rejects.toMatchObject({ code: 'prompt_unavailable' });
    expect(FakePromptWindow.created).toHaveLength(2);
  });
});
