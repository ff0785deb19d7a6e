import keytar from 'keytar';
import { findCredentials } from '../../support/keychain-scan.js';
import { describe, expect, it } from 'vitest';
import {
  ConnectionVault,
  KEYCHAIN_SERVICE,
  PROVIDER_KEYCHAIN_SERVICE,
  keychainAccount,
  providerKeychainAccount,
  type ProviderAccount,
} from '../../../src/main/connections/vault.js';
import type { Keychain } from '../../../src/main/ports.js';

const session = { sessionId: 's1', token: 'ses_example', email: 'ada@example.test', name: 'Ada' };
const inKeyring = Boolean(process.env.TOKEN_DESK_IN_KEYRING);

describe.skipIf(!inKeyring)(
  'Sessions in the vault on the real keychain (run through npm test: needs the private keyring)',
  () => {
    it('stores one entry per service URL and account, reads it back and deletes it', async () => {
      const vault = new ConnectionVault(keytar);
      const url = `http://127.0.0.1:${40000 + Math.floor(Math.random() * 10000)}`;
      await vault.saveSession(url, session);
      await vault.saveSession('http://other.example', { ...session, token: 'ses_other' });
      expect(
        await keytar.getPassword(KEYCHAIN_SERVICE, keychainAccount(url, session.email)),
      ).toContain('ses_example');

      const fresh = new ConnectionVault(keytar); // a new launch: nothing in memory
      expect(await fresh.loadSession(url, session.email)).toEqual(session);
      expect((await fresh.loadSession('http://other.example', session.email))?.token).toBe(
        'ses_other',
      );
      expect(fresh.status).toBe('available');
      expect(fresh.message).toBeNull();

      await fresh.removeSession(url, session.email);
      expect(
        await keytar.getPassword(KEYCHAIN_SERVICE, keychainAccount(url, session.email)),
      ).toBeNull();
      expect(await new ConnectionVault(keytar).loadSession(url, session.email)).toBeNull();
      await fresh.removeSession('http://other.example', session.email);
    });
  },
);

describe('Sessions in the vault without a usable keychain', () => {
  const broken: Keychain = {
    getPassword: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
    setPassword: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
    deletePassword: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
  };

  it('keeps the session in memory, says so plainly, and never throws', async () => {
    const vault = new ConnectionVault(broken);
    await vault.saveSession('http://127.0.0.1:4780', session);
    expect(vault.status).toBe('unavailable');
    expect(vault.message).toContain('No system keychain is available');
    expect(vault.message).toContain('Why: Cannot autolaunch D-Bus without X11 $DISPLAY.');
    expect(vault.message).toContain('memory only');
    expect(await vault.loadSession('http://127.0.0.1:4780', session.email)).toEqual(session);
    await vault.removeSession('http://127.0.0.1:4780', session.email);
    expect(await vault.loadSession('http://127.0.0.1:4780', session.email)).toBeNull();
  });

  it('does the same when keytar itself cannot be loaded, and says why', async () => {
    const vault = new ConnectionVault(null, 'keytar, the keychain module, was not built.');
    expect(vault.status).toBe('unavailable');
    expect(vault.message).toContain('Why: keytar, the keychain module, was not built.');
    await vault.saveSession('http://x', session);
    expect(await vault.loadSession('http://x', session.email)).toEqual(session);
  });

  it('treats a malformed keychain entry as absent', async () => {
    const junk: Keychain = { ...broken, getPassword: async () => '{not json' };
    expect(await new ConnectionVault(junk).loadSession('http://x', 'a@b.c')).toBeNull();
  });
});

const github: ProviderAccount = {
  provider: 'github',
  host: 'https://api.github.com',
  login: `ada-${Math.random().toString(36).slice(2)}`,
};
const gitlab: ProviderAccount = {
  provider: 'gitlab',
  host: 'https://gitlab.example.com',
  login: github.login,
};

describe.skipIf(!inKeyring)(
  'Provider credentials in the vault on the real keychain (npm test)',
  () => {
    it('keeps one entry per provider, host and account, apart from sessions', async () => {
      await new ConnectionVault(keytar).saveCredential(github, 'ghp_one');
      await new ConnectionVault(keytar).saveCredential(gitlab, 'glpat-two');
      // A new vault (as after a restart) reads them back from the keychain.
      const restarted = new ConnectionVault(keytar);
      expect(await restarted.loadCredential(github)).toBe('ghp_one');
      expect(await restarted.loadCredential(gitlab)).toBe('glpat-two');
      expect(
        await restarted.loadCredential({ ...github, host: 'https://ghe.example.com/api/v3' }),
      ).toBeNull();
      const entries = await findCredentials(PROVIDER_KEYCHAIN_SERVICE);
      expect(entries.map((entry) => entry.account)).toContain(providerKeychainAccount(github));
      const sessions = await findCredentials(KEYCHAIN_SERVICE);
      expect(sessions.some((entry) => entry.password === 'ghp_one')).toBe(false);
      await restarted.removeCredential(github);
      expect(await new ConnectionVault(keytar).loadCredential(github)).toBeNull();
      expect(await new ConnectionVault(keytar).loadCredential(gitlab)).toBe('glpat-two');
      await restarted.removeCredential(gitlab);
    });
  },
);

describe('Provider credentials in the vault without a usable keychain', () => {
  const broken: Keychain = {
    getPassword: () => Promise.reject(new Error('no D-Bus')),
    setPassword: () => Promise.reject(new Error('no D-Bus')),
    deletePassword: () => Promise.reject(new Error('no D-Bus')),
  };

  it('keeps credentials in memory for this run only, and says it is not persistent', async () => {
    for (const keychain of [broken, null]) {
      const vault = new ConnectionVault(keychain);
      await vault.saveCredential(github, 'ghp_memory');
      expect(vault.persistent).toBe(false);
      expect(await vault.loadCredential(github)).toBe('ghp_memory');
      await vault.removeCredential(github);
      expect(await vault.loadCredential(github)).toBeNull();
    }
  });
});

describe('the keychain names earlier versions wrote', () => {
  it('are the ones used, so saved sessions and provider credentials are still found', async () => {
    const written: Array<[string, string]> = [];
    const recording: Keychain = {
      getPassword: async () => null,
      setPassword: async (service, account) => {
        written.push([service, account]);
      },
      deletePassword: async () => true,
    };
    const vault = new ConnectionVault(recording);
    await vault.saveSession('http://127.0.0.1:4780', session);
    await vault.saveCredential(
      {
        provider: 'gitlab',
        host: 'https://gitlab.example.com',
        login: 'ada',
        owner: { serviceUrl: 'http://127.0.0.1:4780', email: 'ada@example.test' },
      },
      'glpat-x',
    );
    expect(written).toEqual([
      ['Token Desk', 'ada@example.test @ http://127.0.0.1:4780'],
      [
        'Token Desk CI providers',
        'gitlab:ada @ https://gitlab.example.com for ada@example.test on http://127.0.0.1:4780',
      ],
    ]);
    expect([KEYCHAIN_SERVICE, PROVIDER_KEYCHAIN_SERVICE]).toEqual([
      'Token Desk',
      'Token Desk CI providers',
    ]);
  });
});
