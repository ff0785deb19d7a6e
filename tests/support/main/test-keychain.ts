/**
 * The keychain main's tests use: the real one (keytar on the private gnome-keyring)
 * inside `npm test`, and an in-memory stand-in when a file is run outside it, so the
 * rest of the test stays meaningful.
 */
import keytar from 'keytar';
import type { Keychain } from '../../../src/main/ports.js';

export const inKeyring = Boolean(process.env.TOKEN_DESK_IN_KEYRING);

export function memoryKeychain(): Keychain {
  const entries = new Map<string, string>();
  return {
    getPassword: async (s, a) => entries.get(`${s}/${a}`) ?? null,
    setPassword: async (s, a, p) => void entries.set(`${s}/${a}`, p),
    deletePassword: async (s, a) => entries.delete(`${s}/${a}`),
  };
}

export function testKeychain(): Keychain {
  return inKeyring ? keytar : memoryKeychain();
}
