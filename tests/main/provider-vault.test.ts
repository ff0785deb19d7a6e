import keytar from 'keytar';
import { describe, expect, it } from 'vitest';
import {
  PROVIDER_KEYCHAIN_SERVICE,
  ProviderVault,
  providerKeychainAccount,
  type ProviderAccount,
} from '../../src/main/services/provider-vault.js';
import { KEYCHAIN_SERVICE } from '../../src/main/services/session-vault.js';
import type { Keychain } from '../../src/main/ports.js';

const inKeyring = Boolean(process.env.TOKEN_DESK_IN_KEYRING);
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

describe.skipIf(!inKeyring)('ProviderVault on the real keychain (npm test)', () => {
  it('keeps one entry per provider, host and account, apart from sessions', async () => {
    await new ProviderVault(keytar).save(github, 'ghp_one');
    await new ProviderVault(keytar).save(gitlab, 'glpat-two');
    // A new vault (as after a restart) reads them back from the keychain.
    const restarted = new ProviderVault(keytar);
    expect(await restarted.load(github)).toBe('ghp_one');
    expect(await restarted.load(gitlab)).toBe('glpat-two');
    expect(await restarted.load({ ...github, host: 'https://ghe.example.com/api/v3' })).toBeNull();
    const entries = await keytar.findCredentials(PROVIDER_KEYCHAIN_SERVICE);
    expect(entries.map((entry) => entry.account)).toContain(providerKeychainAccount(github));
    const sessions = await keytar.findCredentials(KEYCHAIN_SERVICE);
    expect(sessions.some((entry) => entry.password === 'ghp_one')).toBe(false);
    await restarted.remove(github);
    expect(await new ProviderVault(keytar).load(github)).toBeNull();
    expect(await new ProviderVault(keytar).load(gitlab)).toBe('glpat-two');
    await restarted.remove(gitlab);
  });
});

describe('ProviderVault without a usable keychain', () => {
  const broken: Keychain = {
    getPassword: () => Promise.reject(new Error('no D-Bus')),
    setPassword: () => Promise.reject(new Error('no D-Bus')),
    deletePassword: () => Promise.reject(new Error('no D-Bus')),
  };

  it('keeps credentials in memory for this run only, and says it is not persistent', async () => {
    for (const keychain of [broken, null]) {
      const vault = new ProviderVault(keychain);
      await vault.save(github, 'ghp_memory');
      expect(vault.persistent).toBe(false);
      expect(await vault.load(github)).toBe('ghp_memory');
      await vault.remove(github);
      expect(await vault.load(github)).toBeNull();
    }
  });
});
