/**
 * Loads keytar, which is an optional dependency: its native build needs libsecret's
 * development files on Linux, and `npm install` carries on without it when they are
 * missing. Then the app runs with sessions in memory only and says why, with the
 * command that fixes it.
 */
import type { Keychain } from '../ports.js';

/** Installs libsecret's headers, then `npm install` retries the optional keytar build. */
export const KEYCHAIN_FIX_COMMAND = 'sudo apt-get install -y libsecret-1-dev && npm install';

export interface LoadedKeychain {
  keychain: Keychain | null;
  /** Why there is no keychain, in words with the fix; null when keytar loaded. */
  problem: string | null;
}

type Importer = () => Promise<unknown>;

export function describeKeytarFailure(error: unknown, platform: NodeJS.Platform): string {
  const code = (error as { code?: unknown } | null)?.code;
  const notInstalled = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
  const detail = (error instanceof Error ? error.message : String(error)).split('\n')[0];
  const cause = notInstalled
    ? 'keytar, the keychain module, was not built when the dependencies were installed'
    : `keytar, the keychain module, cannot load (${detail})`;
  const fix =
    platform === 'linux'
      ? `On Debian or Ubuntu, fix it with: ${KEYCHAIN_FIX_COMMAND}`
      : 'Reinstall the dependencies with `npm install` to fix it';
  return `${cause}. ${fix}`;
}

export async function loadKeytar(
  importer: Importer = () => import('keytar'),
  platform: NodeJS.Platform = process.platform,
): Promise<LoadedKeychain> {
  try {
    const module = (await importer()) as { default?: Keychain } & Keychain;
    return { keychain: module.default ?? module, problem: null };
  } catch (error) {
    return { keychain: null, problem: describeKeytarFailure(error, platform) };
  }
}
