/**
 * A row's Send to CI…: Token Desk keeps no secret of an existing token, so it rotates
 * (pushing to the places already recorded) and sends the new secret to the chosen
 * place. Two bridge calls chained here, across the rotation and send-to-ci features,
 * until main offers them as one operation.
 */
import type { ApiToken } from '../../../shared/api-schemas';
import type { RotationReport, SendResult } from '../../../shared/ipc-contract';
import { messageOf } from '../lib/bridge';
import { rotateAndUpdate } from '../features/rotation/api';
import { sendSecret } from '../features/send-to-ci/api';
import type { SendChoice } from '../features/send-to-ci/send-form';
import { revokeToken } from '../features/tokens/api';

interface RotateThenSend {
  token: ApiToken;
  /** The places the dialog listed: the rotation pushes to these alone. */
  placeIds: string[];
  choice: SendChoice;
  overwrite: boolean;
  /** The person chose to stop the old secret as soon as the new one is in place. */
  endOldNow: boolean;
  /** The rotation as it stands (before the send, and again once the old secret is stopped). */
  onRotated: (report: RotationReport) => void;
  /** The send worked but the old secret could not be stopped: a sentence for the status line. */
  onOldKept: (message: string) => void;
}

export async function rotateThenSend({
  token,
  placeIds,
  choice,
  overwrite,
  endOldNow,
  onRotated,
  onOldKept,
}: RotateThenSend): Promise<SendResult> {
  const report = await rotateAndUpdate(token.id, placeIds);
  onRotated(report);
  if (!report.revealed) throw new Error('The rotation gave no new secret.');
  const sent = await sendSecret(report.revealed.revealId, choice, overwrite);
  // Only once the new secret is in place, and only when the person chose it.
  if (endOldNow && token.destinationCount === 0 && !report.rotation.oldRevoked) {
    try {
      await revokeToken(token.id);
      onRotated({
        ...report,
        rotation: { ...report.rotation, oldRevoked: true, graceEndsAt: null },
      });
    } catch (failure) {
      onOldKept(
        `The new secret was sent, but the old one could not be stopped: ${messageOf(failure)} It stops by itself when its grace period ends.`,
      );
    }
  }
  return sent;
}
