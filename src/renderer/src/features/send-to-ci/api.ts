/** The send-to-CI feature's bridge calls. */
import type { SendResult } from '../../../../shared/ipc-contract';
import { call, desk } from '../../lib/bridge';
import type { SendChoice } from './send-form';

/** Puts a revealed secret into the chosen place (main encrypts it for GitHub, sends it over https to GitLab). */
export function sendSecret(
  revealId: string,
  choice: SendChoice,
  overwrite: boolean,
): Promise<SendResult> {
  return call(
    desk().destinationsSend({
      revealId,
      accountId: choice.accountId,
      target: choice.target,
      name: choice.name,
      overwrite,
      ...(choice.masked === undefined ? {} : { masked: choice.masked }),
      ...(choice.protected === undefined ? {} : { protected: choice.protected }),
      ...(choice.selectedRepositoryIds
        ? { selectedRepositoryIds: choice.selectedRepositoryIds }
        : {}),
    }),
  );
}
