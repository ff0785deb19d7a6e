import keytar from 'keytar';
import { describe, expect, it } from 'vitest';
import {
  KEYCHAIN_SERVICE,
  SessionVault,
  keychainAccount,
} from '../../src/main/services/session-vault.js';
import type { Keychain } from '../../src/main/ports.js';

const session = { sessionId: 's1', token: 'ses_example', email: 'ada@example.test', name: 'Ada' };
const inKeyring = Boolean(process.env.TOKEN_DESK_IN_KEYRING);

describe.skipIf(!inKeyring)(
  'SessionVault on the real keychain (run through npm test: needs the private keyring)',
  () => {
    it('stores one entry per service URL and account, reads it back and deletes it', async () => {
      const vault = new SessionVault(keytar);
      const url = `http://127.0.0.1:${40000 + Math.floor(Math.random() * 10000)}`;
      await vault.save(url, session);
      await vault.save('http://other.example', { ...session, token: 'ses_other' });
      expect(
        await keytar.getPassword(KEYCHAIN_SERVICE, keychainAccount(url, session.email)),
      ).toContain('ses_example');

      const fresh = new SessionVault(keytar); // a new launch: nothing in memory
      expect(await fresh.load(url, session.email)).toEqual(session);
      expect((await fresh.load('http://other.example', session.email))?.token).toBe('ses_other');
      expect(fresh.status).toBe('available');
      expect(fresh.message).toBeNull();

      await fresh.remove(url, session.email);
      expect(
        await keytar.getPassword(KEYCHAIN_SERVICE, keychainAccount(url, session.email)),
      ).toBeNull();
      expect(await new SessionVault(keytar).load(url, session.email)).toBeNull();
      await fresh.remove('http://other.example', session.email);
    });
  },
);

describe('SessionVault without a usable keychain', () => {
  const broken: Keychain = {
    getPassword: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
    setPassword: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
    deletePassword: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
  };

  it('keeps the session in memory, says so plainly, and never throws', async () => {
    const vault = new SessionVault(broken);
    await vault.save('http://127.0.0.1:4780', session);
    expect(vault.status).toBe('unavailable');
    expect(vault.message).toContain('No system keychain is available');
    expect(vault.message).toContain('Why: Cannot autolaunch D-Bus without X11 $DISPLAY.');
    expect(vault.message).toContain('memory only');
    expect(await vault.load('http://127.0.0.1:4780', session.email)).toEqual(session);
    await vault.remove('http://127.0.0.1:4780', session.email);
    expect(await vault.load('http://127.0.0.1:4780', session.email)).toBeNull();
  });

  it('does the same when keytar itself cannot be loaded, and says why', async () => {
    const vault = new SessionVault(null, 'keytar, the keychain module, was not built.');
    expect(vault.status).toBe('unavailable');
    expect(vault.message).toContain('Why: keytar, the keychain module, was not built.');
    await vault.save('http://x', session);
    expect(await vault.load('http://x', session.email)).toEqual(session);
  });

  it('treats a malformed keychain entry as absent', async () => {
    const junk: Keychain = { ...broken, getPassword: async () => '{not json' };
    expect(await new SessionVault(junk).load('http://x', 'a@b.c')).toBeNull();
  });
});
