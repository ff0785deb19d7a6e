/** The send-to-CI feature's bridge calls. */
import type { RotateAndSendReport, SendResult } from '../../../../shared/ipc-contract';
import { call, desk } from '../../lib/bridge';
import type { SendChoice } from './send-form';

/** Where a send goes and how, as every send channel takes it. */
function sendFields(choice: SendChoice, overwrite: boolean) {
  return {
    accountId: choice.accountId,
    target: choice.target,
    name: choice.name,
    overwrite,
    ...(choice.masked === undefined ? {} : { masked: choice.masked }),
    ...(choice.protected === undefined ? {} : { protected: choice.protected }),
    ...(choice.selectedRepositoryIds
      ? { selectedRepositoryIds: choice.selectedRepositoryIds }
      : {}),
  };
}

/** Puts a revealed secret into the chosen place (main encrypts it for GitHub, sends it over https to GitLab). */
export function sendSecret(
  revealId: string,
  choice: SendChoice,
  overwrite: boolean,
): Promise<SendResult> {
  return call(desk().destinationsSend({ revealId, ...sendFields(choice, overwrite) }));
}

/**
 * A row's Send to CI…: Token Desk keeps no secret of an existing token, so main
 * rotates it (pushing to `placeIds`, the places the dialog listed) and sends the new
 * secret to the chosen place, in one operation. `endOldNow`: the person chose to stop
 * the old secret as soon as the new one is in place.
 */
export function rotateAndSend(request: {
  connectionId: string;
  tokenId: string;
  placeIds: string[];
  choice: SendChoice;
  overwrite: boolean;
  endOldNow: boolean;
  /** A vendor's rotation choices (a new expiry, how the old value ends); absent: its default. */
  rotation?: { expiresAt?: string; style?: 'create-then-delete' | 'at-once' };
}): Promise<RotateAndSendReport> {
  return call(
    desk().tokensRotateAndSend({
      connectionId: request.connectionId,
      id: request.tokenId,
      placeIds: request.placeIds,
      send: sendFields(request.choice, request.overwrite),
      endOldNow: request.endOldNow,
      ...request.rotation,
    }),
  );
}
