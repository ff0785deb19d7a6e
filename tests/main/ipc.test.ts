import { describe, expect, it, vi } from 'vitest';
import type { DeskHandlers } from '../../src/main/handlers/index.js';
import { invokeChannel } from '../../src/main/ipc/invoke-channel.js';
import { registerHandlers, type IpcMainLike } from '../../src/main/ipc/register-handlers.js';
import { isTrustedSender } from '../../src/main/ipc/trusted-sender.js';
import { CHANNELS, SNIPPET_KINDS } from '../../src/shared/ipc-contract.js';
import { generateSecret } from '../../src/server/auth/secrets.js';

/** A real-looking API token, made at run time: what a confused or hostile page might send. */
const API_SECRET = generateSecret('api_token');

const appUrl = 'app://token-desk/index.html';
const ours = { webContentsId: 7, mainFrame: { processId: 4, routingId: 1 }, pageUrl: appUrl };
const silent = { error: vi.fn() };

function recordingHandlers() {
  const calls: Array<[string, unknown]> = [];
  const handlers = Object.fromEntries(
    CHANNELS.map((channel) => [
      channel,
      async (payload: unknown) => {
        calls.push([channel, payload]);
        return 'handled';
      },
    ]),
  ) as unknown as DeskHandlers;
  return { handlers, calls };
}

function fakeIpcMain() {
  const listeners = new Map<string, Parameters<IpcMainLike['handle']>[1]>();
  const ipcMain: IpcMainLike = { handle: (channel, listener) => listeners.set(channel, listener) };
  return { ipcMain, listeners };
}

describe('registerHandlers', () => {
  it('registers exactly the contract channels', () => {
    const { ipcMain, listeners } = fakeIpcMain();
    registerHandlers(ipcMain, recordingHandlers().handlers, () => true, silent);
    expect([...listeners.keys()].sort()).toEqual([...CHANNELS].sort());
  });

  it('refuses a sender that is not our main frame, before the handler runs', async () => {
    const { ipcMain, listeners } = fakeIpcMain();
    const { handlers, calls } = recordingHandlers();
    registerHandlers(ipcMain, handlers, (event) => isTrustedSender(event, ours), silent);
    const revoke = listeners.get('tokens:revoke')!;
    const mainFrame = { url: appUrl, parent: null, processId: 4, routingId: 1 };

    const fromIframe = await revoke(
      { sender: { id: 7 }, senderFrame: { ...mainFrame, parent: {}, routingId: 2 } },
      { connectionId: CONNECTION, id: 'x' },
    );
    const fromElsewhere = await revoke(
      { sender: { id: 7 }, senderFrame: { ...mainFrame, url: 'https://evil.example/' } },
      { connectionId: CONNECTION, id: 'x' },
    );
    const fromAnotherWindow = await revoke(
      { sender: { id: 8 }, senderFrame: mainFrame },
      { connectionId: CONNECTION, id: 'x' },
    );
    const fromNowhere = await revoke(
      { sender: { id: 7 }, senderFrame: null },
      { connectionId: CONNECTION, id: 'x' },
    );
    for (const result of [fromIframe, fromElsewhere, fromAnotherWindow, fromNowhere]) {
      expect(result).toEqual({
        ok: false,
        error: { code: 'untrusted_sender', message: expect.any(String) },
      });
    }
    expect(calls).toEqual([]);

    expect(
      await revoke(
        { sender: { id: 7 }, senderFrame: mainFrame },
        { connectionId: CONNECTION, id: 'x' },
      ),
    ).toEqual({
      ok: true,
      value: 'handled',
    });
    expect(calls).toEqual([['tokens:revoke', { connectionId: CONNECTION, id: 'x' }]]);
  });

  it('checks the sender on every channel', async () => {
    const { ipcMain, listeners } = fakeIpcMain();
    const { handlers, calls } = recordingHandlers();
    registerHandlers(ipcMain, handlers, (event) => isTrustedSender(event, ours), silent);
    const evil = { url: 'https://evil.example/', parent: null, processId: 4, routingId: 1 };
    for (const channel of CHANNELS) {
      const result = await listeners.get(channel)!({ sender: { id: 7 }, senderFrame: evil }, null);
      expect(result).toMatchObject({ ok: false, error: { code: 'untrusted_sender' } });
    }
    expect(calls).toEqual([]);
  });
});

/** A well-formed connection id: the cases below are refused for what else they carry. */
const CONNECTION = '6f1c2a52-0d7c-4b5e-9d43-6a3c1c2d9e10';
const SEND = {
  accountId: 'a1',
  target: { kind: 'repository', owner: 'ada', repo: 'app' },
  name: 'CAPAWESOME_TOKEN',
  overwrite: false,
};

describe('invokeChannel payload validation', () => {
  const cases: Array<[string, unknown]> = [
    ['tokens:create', { connectionId: CONNECTION, name: 'ci' }],
    ['tokens:create', { connectionId: CONNECTION, name: 42, expiresAt: null }],
    ['tokens:create', { connectionId: CONNECTION, name: 'ci', expiresAt: null, extra: true }],
    ['tokens:create', 'ci'],
    ['tokens:revoke', { connectionId: CONNECTION, id: '' }],
    ['tokens:revoke', { connectionId: CONNECTION, id: 'x'.repeat(257) }],
    ['tokens:revoke', { connectionId: CONNECTION, id: 'a/../sessions' }],
    ['tokens:revoke', { connectionId: CONNECTION, id: `npm_${'a'.repeat(36)}` }],
    ['tokens:revoke', { connectionId: CONNECTION, id: '.hidden' }],
    ['tokens:list', { connectionId: CONNECTION, sneaky: true }],
    // Every token channel names its connection, in the form of an id.
    ['tokens:list', null],
    ['tokens:list', {}],
    ['tokens:revoke', { connectionId: CONNECTION }],
    ['tokens:create', { name: 'ci', expiresAt: null }],
    ['tokens:rotate', { connectionId: '', id: 'x' }],
    ['tokens:revoke', { connectionId: '../../sessions', id: 'x' }],
    ['tokens:revoke-many', { connectionId: 'ghp_0123456789abcdefghij0123456789abcd', ids: ['x'] }],
    ['tokens:rotate-and-update', { connectionId: 42, id: 'x', placeIds: [] }],
    ['session:sign-in', { serviceUrl: 'http://x', email: 'a@b.c' }],
    ['settings:update', { theme: 'neon' }],
    ['settings:update', { clipboardClearSeconds: 1 }],
    ['settings:update', { clipboardClearSeconds: 30.5 }],
    ['snippet:copy', { kind: 'powershell' }],
    ['secret:copy', {}],
    // A credential or secret where an id belongs never reaches a handler (or a URL).
    ['tokens:revoke', { connectionId: CONNECTION, id: API_SECRET }],
    ['tokens:revoke', { connectionId: CONNECTION, id: 'ses_0123456789abcdefghij' }],
    ['providers:remove', { accountId: 'ghp_0123456789abcdefghij0123456789abcd' }],
    ['providers:remove', { accountId: 'github_pat_11AAAAAAA0123456789' }],
    ['rotations:retry', { rotationId: 'glpat-0123456789abcdefghij' }],
    // Found by the security review: GitLab's other prefixes, and upper case.
    ['tokens:revoke', { connectionId: CONNECTION, id: 'glptt-0123456789abcdefghij' }],
    ['tokens:revoke', { connectionId: CONNECTION, id: 'gldt-0123456789abcdefghij' }],
    ['tokens:revoke', { connectionId: CONNECTION, id: 'GLPAT-0123456789abcdefghij' }],
    ['tokens:rotate', { connectionId: CONNECTION, id: 'glagent-0123456789abcdefghij' }],
    ['destinations:list', { tokenId: '../../sessions' }],
    [
      'destinations:send',
      {
        revealId: API_SECRET,
        accountId: 'a1',
        target: { kind: 'repository', owner: 'ada', repo: 'app' },
        name: 'CAPAWESOME_TOKEN',
        overwrite: false,
      },
    ],
    // …nor a secret beside the revealId: main sends only what it holds itself.
    [
      'destinations:send',
      {
        revealId: 'r1',
        accountId: 'a1',
        target: { kind: 'repository', owner: 'ada', repo: 'app' },
        name: 'CAPAWESOME_TOKEN',
        overwrite: false,
        secret: API_SECRET,
      },
    ],
    ['providers:add', { provider: 'bitbucket', host: 'https://x', token: 'abc' }],
    ['providers:add', { provider: 'github', host: 'https://x', token: 'has space' }],
    ['providers:add', { provider: 'github', host: 'https://x', token: '' }],
    ['providers:targets', { accountId: 'a1', list: 'environments' }],
    ['providers:targets', { accountId: 'a1', list: 'everything' }],
    [
      'destinations:check',
      {
        accountId: 'a1',
        target: { kind: 'organization', org: 'acme', visibility: 'public' },
        name: 'X',
      },
    ],
    [
      'destinations:check',
      { accountId: 'a1', target: { kind: 'repository', owner: 'ada', repo: '..' }, name: 'X' },
    ],
    [
      'tokens:rotate-and-update',
      { connectionId: CONNECTION, id: 'x', placeIds: [], gracePeriodSeconds: 604801 },
    ],
    [
      'tokens:rotate-and-update',
      { connectionId: CONNECTION, id: 'x', placeIds: [], gracePeriodSeconds: -1 },
    ],
    [
      'tokens:rotate-and-update',
      { connectionId: CONNECTION, id: 'x', placeIds: [], gracePeriodSeconds: 1.5 },
    ],
    // The places the person confirmed: ids only, distinct, at most a token's 50.
    ['tokens:rotate-and-update', { connectionId: CONNECTION, id: 'x' }],
    ['tokens:rotate-and-update', { connectionId: CONNECTION, id: 'x', placeIds: ['a', 'a'] }],
    [
      'tokens:rotate-and-update',
      { connectionId: CONNECTION, id: 'x', placeIds: ['ca_0123456789abcdef'] },
    ],
    [
      'tokens:rotate-and-update',
      {
        connectionId: CONNECTION,
        id: 'x',
        placeIds: Array.from({ length: 51 }, (_, i) => `p${i}`),
      },
    ],
    // A row's Send to CI…: the send's own checks, and nothing more than a send takes.
    [
      'tokens:rotate-and-send',
      { connectionId: CONNECTION, id: 'x', placeIds: [], endOldNow: true },
    ],
    [
      'tokens:rotate-and-send',
      {
        connectionId: CONNECTION,
        id: 'x',
        placeIds: [],
        endOldNow: false,
        send: { ...SEND, revealId: 'r1' },
      },
    ],
    [
      'tokens:rotate-and-send',
      { connectionId: CONNECTION, id: 'x', placeIds: [], endOldNow: 'yes', send: SEND },
    ],
    [
      'tokens:rotate-and-send',
      {
        connectionId: CONNECTION,
        id: 'x',
        placeIds: [],
        endOldNow: false,
        send: { ...SEND, target: { kind: 'repository', owner: 'ada', repo: '..' } },
      },
    ],
    ['rotations:finish', { rotationId: 'x', gracePeriodSeconds: 604801 }],
    ['settings:update', { rotationGraceSeconds: 60 }],
  ];

  it.each(cases)('refuses %s with %j before the handler runs', async (channel, payload) => {
    const { handlers, calls } = recordingHandlers();
    const result = await invokeChannel(handlers, channel, payload, silent);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('invalid_payload');
      expect(result.error.message).toContain(channel);
      // Neither the value sent nor the id pattern (which names credential prefixes) is echoed.
      expect(result.error.message).not.toMatch(/ca_0123|ses_0123|ghp_|glpat-|github_pat/);
    }
    expect(calls).toEqual([]);
  });

  it('passes a well-formed rotate-and-send through', async () => {
    const { handlers, calls } = recordingHandlers();
    const payload = {
      connectionId: CONNECTION,
      id: 'x',
      placeIds: ['p1'],
      send: SEND,
      endOldNow: true,
    };
    expect(await invokeChannel(handlers, 'tokens:rotate-and-send', payload, silent)).toEqual({
      ok: true,
      value: 'handled',
    });
    expect(calls).toEqual([['tokens:rotate-and-send', payload]]);
  });

  it('accepts every snippet kind the renderer offers', async () => {
    for (const kind of SNIPPET_KINDS) {
      const { handlers, calls } = recordingHandlers();
      expect(await invokeChannel(handlers, 'snippet:copy', { kind }, silent)).toEqual({
        ok: true,
        value: 'handled',
      });
      expect(calls).toEqual([['snippet:copy', { kind }]]);
    }
  });

  it('refuses an unknown channel, including prototype keys', async () => {
    const { handlers } = recordingHandlers();
    for (const channel of ['tokens:steal', '__proto__', 'constructor', 'toString']) {
      const result = await invokeChannel(handlers, channel, null, silent);
      expect(result).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
    }
  });

  it('passes valid payloads through and turns thrown errors into data', async () => {
    const { handlers } = recordingHandlers();
    expect(
      await invokeChannel(handlers, 'tokens:list', { connectionId: CONNECTION }, silent),
    ).toEqual({
      ok: true,
      value: 'handled',
    });

    const failing = {
      ...handlers,
      'tokens:list': async () => {
        throw Object.assign(new Error('Your session has expired.'), { code: 'session_expired' });
      },
      'tokens:revoke': async () => {
        throw new TypeError('cannot read properties of undefined');
      },
    } as DeskHandlers;
    expect(
      await invokeChannel(failing, 'tokens:list', { connectionId: CONNECTION }, silent),
    ).toEqual({
      ok: false,
      error: { code: 'session_expired', message: 'Your session has expired.' },
    });
    const log = { error: vi.fn() };
    const unexpected = await invokeChannel(
      failing,
      'tokens:revoke',
      { connectionId: CONNECTION, id: 'x' },
      log,
    );
    expect(unexpected).toMatchObject({ ok: false, error: { code: 'internal_error' } });
    expect(JSON.stringify(unexpected)).not.toContain('undefined');
    expect(log.error).toHaveBeenCalledOnce();
  });
});
