import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { confStore } from '../support/main/conf-store.js';
import { openLocalStore } from '../../src/main/local-store.js';
import { SettingsService } from '../../src/main/services/settings.js';

const store = confStore;

const owner = { serviceUrl: 'http://127.0.0.1:4780', email: 'ada@example.test' };
const account = {
  id: '6f1c2a52-0d7c-4b5e-9d43-6a3c1c2d9e10',
  provider: 'github' as const,
  host: 'https://api.github.com',
  login: 'ada',
  owner,
};
const rotation = {
  id: '0b1e9c3a-6e4f-4d0a-8a55-2f3c4d5e6f70',
  owner,
  tokenName: 'ci',
  newTokenId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  oldTokenIds: ['1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d'],
  graceEndsAt: '2026-06-01T13:00:00.000Z',
  destinations: [
    {
      destinationId: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e',
      provider: 'github' as const,
      host: 'https://api.github.com',
      target: { kind: 'repository' as const, owner: 'ada', repo: 'app' },
      name: 'CAPAWESOME_TOKEN',
      status: 'failed' as const,
      error: { code: 'provider_unreachable', message: 'GitHub answered 503.' },
    },
  ],
};

describe('the local store on conf (what electron-store wraps)', () => {
  it('remembers window bounds and the last account, which are not secrets', () => {
    const { dir, conf } = store();
    const local = openLocalStore(conf);
    local.windowBounds.write({ x: 10, y: 20, width: 900, height: 600, maximized: false });
    local.lastAccount.write({ serviceUrl: 'http://127.0.0.1:4780', email: 'ada@example.test' });
    const again = openLocalStore(store(dir).conf);
    expect(again.windowBounds.read()).toEqual({
      x: 10,
      y: 20,
      width: 900,
      height: 600,
      maximized: false,
    });
    expect(again.lastAccount.read()).toEqual({
      serviceUrl: 'http://127.0.0.1:4780',
      email: 'ada@example.test',
    });
    again.lastAccount.write(null);
    expect(again.lastAccount.read()).toBeNull();
    expect(readFileSync(join(dir, 'settings.json'), 'utf8')).not.toMatch(/ses_|ca_/);
  });

  it('round-trips provider accounts and unfinished rotations, and refuses to save one carrying anything more (a secret)', () => {
    const { dir, conf } = store();
    const local = openLocalStore(conf);
    local.providerAccounts.write([account]);
    local.pendingRotations.write([rotation]);
    const again = openLocalStore(store(dir).conf);
    expect(again.providerAccounts.read()).toEqual([account]);
    expect(again.pendingRotations.read()).toEqual([rotation]);
    expect(() =>
      local.providerAccounts.write([{ ...account, token: 'ghp_secret' } as typeof account]),
    ).toThrow('schema');
    expect(() =>
      local.pendingRotations.write([{ ...rotation, secret: 'ca_x' } as typeof rotation]),
    ).toThrow('schema');
    expect(readFileSync(join(dir, 'settings.json'), 'utf8')).not.toMatch(/ghp_secret|ca_x/);
  });

  it('drops entries a hand edit broke, keeps the rest', () => {
    const { dir, conf } = store();
    openLocalStore(conf).providerAccounts.write([account]);
    const file = join(dir, 'settings.json');
    const data = JSON.parse(readFileSync(file, 'utf8')) as { providerAccounts: unknown[] };
    data.providerAccounts.push({ ...account, id: 'ghp_looksLikeAToken', token: 'x' });
    writeFileSync(file, JSON.stringify(data));
    expect(openLocalStore(store(dir).conf).providerAccounts.read()).toEqual([account]);
  });

  it('reads a file the previous version wrote (every key as it was), and writes it back unchanged', () => {
    // One settings.json as SettingsService wrote it when it also kept these collections.
    const previous = {
      settings: {
        serviceUrl: 'https://tokens.example.test',
        clipboardClearSeconds: 45,
        theme: 'dark',
        rotationGraceSeconds: 7200,
        expiryReminders: false,
      },
      windowBounds: { x: 10, y: 20, width: 900, height: 600, maximized: true },
      lastAccount: owner,
      knownAccounts: [
        { ...owner, name: 'Ada' },
        { serviceUrl: 'https://tokens.example.test', email: 'bob@example.test', name: null },
      ],
      shownReminders: [
        { ...owner, tokenId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', threshold: '7d' },
      ],
      providerAccounts: [account],
      confirmedProviderHosts: [{ provider: 'gitlab', host: 'https://gitlab.example.test' }],
      pendingRotations: [rotation],
    };
    const { dir } = store();
    const file = join(dir, 'settings.json');
    writeFileSync(file, JSON.stringify(previous, null, '\t'));
    const { conf } = store(dir);
    const local = openLocalStore(conf);

    expect(new SettingsService(conf).get()).toEqual(previous.settings);
    expect(local.windowBounds.read()).toEqual(previous.windowBounds);
    expect(local.lastAccount.read()).toEqual(previous.lastAccount);
    expect(local.knownAccounts.read()).toEqual(previous.knownAccounts);
    expect(local.shownReminders.read()).toEqual(previous.shownReminders);
    expect(local.providerAccounts.read()).toEqual(previous.providerAccounts);
    expect(local.confirmedHosts.read()).toEqual(previous.confirmedProviderHosts);
    expect(local.pendingRotations.read()).toEqual(previous.pendingRotations);

    local.windowBounds.write(local.windowBounds.read());
    local.lastAccount.write(local.lastAccount.read());
    local.knownAccounts.write(local.knownAccounts.read());
    local.shownReminders.write(local.shownReminders.read());
    local.providerAccounts.write(local.providerAccounts.read());
    local.confirmedHosts.write(local.confirmedHosts.read());
    local.pendingRotations.write(local.pendingRotations.read());
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(previous);
  });

  it('an empty list leaves no key behind', () => {
    const { dir, conf } = store();
    const local = openLocalStore(conf);
    local.knownAccounts.write([{ ...owner, name: null }]);
    local.knownAccounts.write([]);
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'))).toEqual({});
  });
});
