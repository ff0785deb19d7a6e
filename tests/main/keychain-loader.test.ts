import { describe, expect, it } from 'vitest';
import { KEYCHAIN_FIX as SETUP_FIX, keychainProblem } from '../../scripts/setup.mjs';
import {
  KEYCHAIN_FIX_COMMAND,
  describeKeytarFailure,
  loadKeytar,
} from '../../src/main/services/keychain-loader.js';
import { ConnectionVault } from '../../src/main/connections/vault.js';

const notInstalled = Object.assign(new Error("Cannot find package 'keytar'"), {
  code: 'ERR_MODULE_NOT_FOUND',
});

describe('loading keytar, an optional dependency', () => {
  it('loads the real keytar where it was built', async () => {
    const loaded = await loadKeytar();
    expect(loaded.problem).toBeNull();
    expect(typeof loaded.keychain?.getPassword).toBe('function');
    expect(keychainProblem()).toBeNull();
  });

  it('says that keytar was not built, and the command that fixes it', async () => {
    const loaded = await loadKeytar(() => Promise.reject(notInstalled), 'linux');
    expect(loaded.keychain).toBeNull();
    expect(loaded.problem).toBe(
      'keytar, the keychain module, was not built when the dependencies were installed. ' +
        'On Debian or Ubuntu, fix it with: sudo apt-get install -y libsecret-1-dev && npm install',
    );
  });

  it('names the loader error when the native module is there but cannot load', () => {
    const dlopen = new Error('libsecret-1.so.0: cannot open shared object file\nstack…');
    const message = describeKeytarFailure(dlopen, 'linux');
    expect(message).toContain('cannot load (libsecret-1.so.0: cannot open shared object file)');
    expect(message).not.toContain('stack…');
    expect(message).toContain(KEYCHAIN_FIX_COMMAND);
  });

  it('gives other platforms a plain instruction, not a Debian command', () => {
    expect(describeKeytarFailure(notInstalled, 'darwin')).not.toContain('apt-get');
    expect(describeKeytarFailure(notInstalled, 'darwin')).toContain('npm install');
  });

  it('prints the same fix from `npm start` and `npm install` as the app shows', () => {
    expect(SETUP_FIX).toBe(KEYCHAIN_FIX_COMMAND);
  });

  it('reaches the user through the vault, with the reason', async () => {
    const { keychain, problem } = await loadKeytar(() => Promise.reject(notInstalled), 'linux');
    const vault = new ConnectionVault(keychain, problem);
    expect(vault.status).toBe('unavailable');
    expect(vault.message).toContain('memory only');
    expect(vault.message).toContain(KEYCHAIN_FIX_COMMAND);
  });
});
