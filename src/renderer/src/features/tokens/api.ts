/** The tokens feature's bridge calls that the window's workflows run. */
import type { RevealedToken } from '../../../../shared/ipc-contract';
import { call, desk } from '../../lib/bridge';

export const revokeToken = (id: string): Promise<unknown> => call(desk().tokensRevoke({ id }));

/** A new secret now; the old one stops at once (a token recorded nowhere). */
export const rotateToken = (id: string): Promise<RevealedToken> =>
  call(desk().tokensRotate({ id }));
