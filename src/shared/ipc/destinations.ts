/** Sending a revealed secret to a CI secret store, and the places a token was sent to. */
import { Type } from 'typebox';
import { DestinationTarget, type Destination } from '../ci-destinations.js';
import { Id, RevealId, TokenId, channel, type BridgeError } from './fields.js';
import { AccountId } from './providers.js';

export interface DestinationCheck {
  /** A secret or variable of that name is already there: ask before overwriting. */
  exists: boolean;
  settingsUrl: string;
}

/** A recorded destination, with what the details view shows beside it. */
export interface DestinationView extends Destination {
  label: string;
  settingsUrl: string;
}

export interface SendResult {
  outcome: 'created' | 'updated';
  label: string;
  settingsUrl: string;
  /** The service's record of it; null when the push worked but recording it did not. */
  destination: Destination | null;
  recordProblem: BridgeError | null;
}

const DestinationName = Type.String({ maxLength: 1000 });

const CheckDestinationPayload = Type.Object(
  { accountId: AccountId, target: DestinationTarget, name: DestinationName },
  { additionalProperties: false },
);

/** Where a secret goes and how: everything of a send but the secret. */
export const SendFields = {
  accountId: AccountId,
  target: DestinationTarget,
  name: DestinationName,
  /** The user confirmed replacing an existing secret or variable of that name. */
  overwrite: Type.Boolean(),
  /** GitLab only; masked by default, not protected. */
  masked: Type.Optional(Type.Boolean()),
  protected: Type.Optional(Type.Boolean()),
  /** GitHub organization secrets with visibility "selected". */
  selectedRepositoryIds: Type.Optional(
    Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 1000 }),
  ),
};

const SendPayload = Type.Object(
  { revealId: RevealId, ...SendFields },
  { additionalProperties: false },
);

/** `connectionId`: the token's issuer among the account's connections; absent: its own Token Desk account. */
const TokenPayload = Type.Object(
  { tokenId: TokenId, connectionId: Type.Optional(Id) },
  { additionalProperties: false },
);

const DestinationPayload = Type.Object(
  { tokenId: TokenId, destinationId: Id, connectionId: Type.Optional(Id) },
  { additionalProperties: false },
);

export const DESTINATION_CHANNELS = {
  'destinations:check': channel<typeof CheckDestinationPayload, DestinationCheck>(
    CheckDestinationPayload,
  ),
  'destinations:send': channel<typeof SendPayload, SendResult>(SendPayload),
  'destinations:list': channel<typeof TokenPayload, DestinationView[]>(TokenPayload),
  'destinations:remove': channel<typeof DestinationPayload, null>(DestinationPayload),
  /** Opens a recorded place's settings page in the user's browser; main builds the URL. */
  'destinations:open-settings': channel<typeof DestinationPayload, null>(DestinationPayload),
} as const;
