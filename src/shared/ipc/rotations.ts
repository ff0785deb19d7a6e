/** Rotations that update every place a token was sent to, and the unfinished ones. */
import { Type } from 'typebox';
import {
  MAX_DESTINATIONS_PER_TOKEN,
  type DestinationTarget,
  type Provider,
} from '../ci-destinations.js';
import { GracePeriodSeconds, Id, NoPayload, TokenId, channel, type BridgeError } from './fields.js';
import { SendFields, type SendResult } from './destinations.js';
import { RotationStyleSchema } from '../issuers/rotation-choices.js';
import { ConnectionId, type RevealedToken } from './tokens.js';

export type PushStatus = 'pending' | 'updated' | 'failed';

export interface RotationDestinationState {
  destinationId: string;
  provider: Provider;
  host: string;
  target: DestinationTarget;
  name: string;
  label: string;
  settingsUrl: string;
  status: PushStatus;
  error: BridgeError | null;
}

/** A rotation whose pushes are not all done. Nothing here is secret. */
export interface RotationState {
  id: string;
  tokenName: string;
  /** The replacement token the destinations should now hold. */
  newTokenId: string;
  /** Tokens that stay valid until every push succeeded (then are revoked) or graceEndsAt. */
  oldTokenIds: string[];
  graceEndsAt: string | null;
  /** Every push succeeded, or the user revoked the old token anyway: nothing left to do. */
  finished: boolean;
  oldRevoked: boolean;
  /** Main still holds the new secret, so Retry works; otherwise Finish rotates again. */
  secretAvailable: boolean;
  destinations: RotationDestinationState[];
  /** What stopped the rotation short of its places (the service unreachable, say), or null. */
  problem: BridgeError | null;
}

export interface RotationReport {
  rotation: RotationState;
  /** The new secret, shown once as after any rotation; null when it is not new (a retry). */
  revealed: RevealedToken | null;
}

/** A row's Send to CI…: the rotation, then the send of its new secret. */
export interface RotateAndSendReport {
  /** The rotation as it stands after the send (the old token revoked when asked and possible). */
  report: RotationReport;
  /** What the send did; null when it failed (then `sendProblem` says why). */
  sent: SendResult | null;
  sendProblem: BridgeError | null;
  /** The send worked but the old secret could not be stopped: a sentence for the status line. */
  oldKept: string | null;
}

const RotateFields = {
  connectionId: ConnectionId,
  id: TokenId,
  /** The places the person saw in the confirmation; any other the service lists is not pushed. */
  placeIds: Type.Array(Id, { maxItems: MAX_DESTINATIONS_PER_TOKEN, uniqueItems: true }),
  /** Vendors whose rotation takes a new expiry (GitLab, npm): when the replacement expires. */
  expiresAt: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
  /** Where the vendor offers both (Cloudflare): how the old value ends. */
  style: Type.Optional(RotationStyleSchema),
};

const RotateAndUpdatePayload = Type.Object(
  { ...RotateFields, gracePeriodSeconds: Type.Optional(GracePeriodSeconds) },
  { additionalProperties: false },
);

const RotateAndSendPayload = Type.Object(
  {
    ...RotateFields,
    send: Type.Object(SendFields, { additionalProperties: false }),
    /** Revoke the old token once the new secret is sent, when no recorded place still needs it. */
    endOldNow: Type.Boolean(),
  },
  { additionalProperties: false },
);

const RotationPayload = Type.Object({ rotationId: Id }, { additionalProperties: false });

const RetryPayload = Type.Object(
  { rotationId: Id, destinationId: Type.Optional(Id) },
  { additionalProperties: false },
);

const FinishPayload = Type.Object(
  { rotationId: Id, gracePeriodSeconds: Type.Optional(GracePeriodSeconds) },
  { additionalProperties: false },
);

export const ROTATION_CHANNELS = {
  'tokens:rotate-and-update': channel<typeof RotateAndUpdatePayload, RotationReport>(
    RotateAndUpdatePayload,
  ),
  /** A row's Send to CI…: rotate (updating the places shown), then send the new secret. */
  'tokens:rotate-and-send': channel<typeof RotateAndSendPayload, RotateAndSendReport>(
    RotateAndSendPayload,
  ),
  'rotations:list': channel<typeof NoPayload, RotationState[]>(NoPayload),
  'rotations:retry': channel<typeof RetryPayload, RotationReport>(RetryPayload),
  'rotations:revoke-old': channel<typeof RotationPayload, RotationState>(RotationPayload),
  'rotations:finish': channel<typeof FinishPayload, RotationReport>(FinishPayload),
} as const;
