/** The tokens feature's bridge calls that the window's workflows run. */
import type { RevealedToken } from '../../../../shared/ipc-contract';
import { call, desk } from '../../lib/bridge';

/** `connectionId`: the connection that issued the token. */
export const revokeToken = (connectionId: string, id: string): Promise<unknown> =>
  call(desk().tokensRevoke({ connectionId, id }));

/** A new secret now; the old one stops at once (a token recorded nowhere). */
export const rotateToken = (connectionId: string, id: string): Promise<RevealedToken> =>
  call(desk().tokensRotate({ connectionId, id }));
