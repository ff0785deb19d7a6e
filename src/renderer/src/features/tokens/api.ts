/** The tokens feature's bridge calls that the window's workflows run. */
import type { RevealedToken } from '../../../../shared/ipc-contract';
import { call, desk } from '../../lib/bridge';

/** `connectionId`: the connection that issued the token. */
export const revokeToken = (connectionId: string, id: string): Promise<unknown> =>
  call(desk().tokensRevoke({ connectionId, id }));

/**
 * A new secret now, for a token recorded nowhere; `choice`: what a vendor's rotation
 * was asked (a new expiry, how the old value ends), absent for our own tokens.
 */
export const rotateToken = (
  connectionId: string,
  id: string,
  choice: { expiresAt?: string; style?: 'create-then-delete' | 'at-once' } = {},
): Promise<RevealedToken> => call(desk().tokensRotate({ connectionId, id, ...choice }));
