/** The rotation feature's bridge calls. */
import type { RotationReport, RotationState } from '../../../../shared/ipc-contract';
import { call, desk } from '../../lib/bridge';
import type { RotationChoice } from './vendor-rotation';

/** Rotations whose places are not all updated: this session's and any left by an earlier run. */
export const listUnfinishedRotations = (): Promise<RotationState[]> =>
  call(desk().rotationsList()).then((pending) => pending.filter((r) => !r.finished));

/**
 * A new secret, pushed to the places listed; the old one revoked once every place has
 * it. `choice`: what a vendor's rotation was asked (a new expiry, how the old value ends).
 */
export const rotateAndUpdate = (
  connectionId: string,
  id: string,
  placeIds: string[],
  choice: RotationChoice = {},
): Promise<RotationReport> =>
  call(desk().tokensRotateAndUpdate({ connectionId, id, placeIds, ...choice }));
