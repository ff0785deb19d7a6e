/** The connections feature's bridge calls: list, connect and disconnect the active account's vendor accounts. */
import type { ConnectionInfo } from '../../../../shared/ipc-contract';
import { call, desk } from '../../lib/bridge';

/** Every connection of the active account, its own Token Desk account first. */
export const listConnections = (): Promise<ConnectionInfo[]> => call(desk().connectionsList());

/**
 * Connects an npm account with a token, or (without one) by signing in in main's own
 * prompt window: the call stays pending while that window asks.
 */
export const connectNpm = (host: string, token?: string): Promise<ConnectionInfo> =>
  call(
    desk().connectionsAdd(
      token === undefined ? { kind: 'npm', host } : { kind: 'npm', host, token },
    ),
  );

export const connectCloudflare = (host: string, token: string): Promise<ConnectionInfo> =>
  call(desk().connectionsAdd({ kind: 'cloudflare', host, token }));

/** Stops the npm sign-in under way: its pending connectNpm call then fails with main's words. */
export const cancelNpmSignIn = (): Promise<{ cancelled: boolean }> =>
  call(desk().connectionsCancelSignIn());

/** Forgets the connection and its keychain entry; nothing is revoked at the vendor. */
export const disconnect = (connectionId: string): Promise<null> =>
  call(desk().connectionsRemove({ connectionId }));

/**
 * Connects a GitHub account by its login alone, to track tokens: GitHub looks the login
 * up without a token, and no credential is kept.
 */
export const connectGitHub = (host: string, login: string): Promise<ConnectionInfo> =>
  call(desk().connectionsAdd({ kind: 'github', host, login }));
