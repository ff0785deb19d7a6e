/**
 * Everything the signed-in window can show over the list, as one union (GitHub
 * Desktop's popup model): at most one is open, and `PopupHost` is the one place that
 * renders it. A token's details are not among them: they are the window's selection,
 * shown beside the list or, in a narrow window, in a dialog under these.
 */
import type { DeskToken, RevealedToken, RotationState } from '../../../shared/ipc-contract';
import type { RotationPick } from '../features/rotation/vendor-rotation';
import type { SendOutcome } from '../features/send-to-ci/outcomes';

export type Popup =
  | { kind: 'new' }
  | {
      kind: 'reveal';
      revealed: RevealedToken;
      rotated: boolean;
      rotation?: RotationState;
      /** Sends made before the secret was shown (a row's Send to CI…). */
      outcomes?: SendOutcome[];
    }
  | { kind: 'revoke'; token: DeskToken }
  | { kind: 'rotate'; token: DeskToken }
  /**
   * A row's Send to CI…: a rotation whose new secret goes to the chosen place; a vendor
   * token's rotation choices as picked (null: its defaults, not touched yet).
   */
  | {
      kind: 'send';
      token: DeskToken;
      outcomes: SendOutcome[];
      endOldNow: boolean;
      rotation: RotationPick | null;
    }
  /** An expired token: a rotation with a new lifetime. */
  | { kind: 'replace'; token: DeskToken }
  | { kind: 'bulk-revoke'; tokens: DeskToken[] }
  | { kind: 'add-account'; email?: string; serviceUrl?: string };

/** A row's Send to CI… starts with no sends and the old secret kept for its grace period. */
export const sendPopup = (token: DeskToken): Popup => ({
  kind: 'send',
  token,
  outcomes: [],
  endOldNow: false,
  rotation: null,
});
