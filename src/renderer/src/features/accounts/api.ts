/** The accounts feature's bridge calls that the window runs. */
import type { AccountSummary, SessionState } from '../../../../shared/ipc-contract';
import { call, desk } from '../../lib/bridge';

/** Revokes the active session and forgets its keychain entry; another account may become active. */
export const signOut = (): Promise<SessionState> => call(desk().sessionSignOut());

export const switchAccount = (entry: AccountSummary): Promise<SessionState> =>
  call(desk().accountsSwitch({ serviceUrl: entry.serviceUrl, email: entry.email }));
