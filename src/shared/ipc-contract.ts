/**
 * Every IPC channel between the renderer and main, with its payload schema and its
 * result type. Main registers one handler per entry (validating the payload against
 * the schema first); the preload exposes one bridge function per entry; the e2e
 * harness serves the same handlers over HTTP. Add a channel here and the type
 * checker points at every place that must handle it.
 */
import { Type, type Static, type TSchema } from 'typebox';
import { MAX_BULK_REVOKE, type ApiToken } from './api-schemas.js';
import { EVENT_KINDS, EVENTS_PAGE, type EventKind, type EventPage } from './events.js';
import {
  DestinationTarget,
  ProviderSchema,
  MAX_DESTINATIONS_PER_TOKEN,
  MAX_GRACE_PERIOD_SECONDS,
  type Destination,
  type Provider,
} from './ci-destinations.js';
import {
  ID_PATTERN,
  type Channel,
  type MethodName,
  type RendererEvent,
  type RendererEventPayload,
  type SubscriptionName,
} from './ipc-channels.js';

export {
  BRIDGE_GLOBAL,
  CHANNELS,
  ID_PATTERN,
  RENDERER_EVENTS,
  methodName,
  subscriptionName,
  type Channel,
  type OpenTokenEvent,
  type RendererEvent,
  type RendererEventPayload,
} from './ipc-channels.js';

import { CLIPBOARD_CLEAR_SECONDS } from './settings-rules.js';
import {
  EMAIL_MAX_LENGTH,
  PASSWORD_MAX_LENGTH,
  PROVIDER_TOKEN_PATTERN,
  URL_MAX_LENGTH,
} from './limits.js';

export { CLIPBOARD_CLEAR_SECONDS, THEMES, type Theme } from './settings-rules.js';
export { SNIPPET_KINDS, type SnippetKind } from './snippets.js';

const ServiceUrl = Type.String({ minLength: 1, maxLength: URL_MAX_LENGTH });
const Email = Type.String({ minLength: 1, maxLength: EMAIL_MAX_LENGTH });
const Password = Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH });
const Id = Type.String({ pattern: ID_PATTERN, maxLength: 100 });
const RevealId = Type.String({ pattern: ID_PATTERN, maxLength: 100 });
/** A provider personal access token as typed: printable ASCII, no spaces. */
const ProviderToken = Type.String({ pattern: PROVIDER_TOKEN_PATTERN });
const GracePeriodSeconds = Type.Integer({ minimum: 0, maximum: MAX_GRACE_PERIOD_SECONDS });
/** The default grace period of "rotate and update N places": long enough for slow CI, 1 hour. */
export const ROTATION_GRACE_SECONDS = {
  min: 5 * 60,
  max: MAX_GRACE_PERIOD_SECONDS,
  default: 60 * 60,
} as const;
const NoPayload = Type.Null();

export const Settings = Type.Object(
  {
    serviceUrl: ServiceUrl,
    clipboardClearSeconds: Type.Integer({
      minimum: CLIPBOARD_CLEAR_SECONDS.min,
      maximum: CLIPBOARD_CLEAR_SECONDS.max,
    }),
    theme: Type.Union([Type.Literal('system'), Type.Literal('light'), Type.Literal('dark')]),
    rotationGraceSeconds: Type.Integer({
      minimum: ROTATION_GRACE_SECONDS.min,
      maximum: ROTATION_GRACE_SECONDS.max,
    }),
    /** Desktop notifications 7 days and 1 day before a token expires, and when it has. */
    expiryReminders: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type Settings = Static<typeof Settings>;

export type KeychainStatus = 'available' | 'unavailable';

export interface SignedInAccount {
  serviceUrl: string;
  email: string;
  name: string | null;
  /** The account's own connection: what its token channels name. */
  connectionId: string;
}

/** One account in the account menu: who and where, never the session. */
export interface AccountSummary extends SignedInAccount {
  active: boolean;
  /** False once its session ended (expired, signed out elsewhere): sign in to it again. */
  signedIn: boolean;
}

export interface SessionState {
  /** The active account, whose tokens the app shows; null on the sign-in screen. */
  account: SignedInAccount | null;
  /** Every account added on this computer, in the order they were added. */
  accounts: AccountSummary[];
  keychain: KeychainStatus;
  /** Set once, when the keychain first turned out to be unusable: why sessions are not remembered. */
  keychainMessage: string | null;
}

/** Which connection issued a token, and what kind of issuer that is (issuers/registry.ts in main). */
export interface TokenIssuerRef {
  connectionId: string;
  kind: string;
}

/** A token as the page receives it: the issuer's fields, and where it came from. */
export interface DeskToken extends ApiToken {
  issuer: TokenIssuerRef;
}

/** A secret on its way to the reveal-once dialog. `revealId` lets main copy it without the renderer sending it back. */
export interface RevealedToken {
  token: DeskToken;
  secret: string;
  revealId: string;
}

export interface CopyResult {
  clearsInSeconds: number;
}

/** A GitHub or GitLab account main holds a credential for; the credential itself never leaves main. */
export interface ProviderAccountInfo {
  id: string;
  provider: Provider;
  /** GitHub: the API base URL (https://api.github.com or GHES's …/api/v3). GitLab: the instance URL. */
  host: string;
  login: string;
}

export interface ProviderAccountList {
  accounts: ProviderAccountInfo[];
  /** False without a keychain: credentials are kept for this run only. */
  remembered: boolean;
}

/** One entry of the searchable target list; the renderer adds visibility or environment scope. */
export type TargetChoice =
  /** `id` is GitHub's: an organization secret shared with selected repositories names them by it. */
  | { kind: 'repository'; id: number; owner: string; repo: string; private: boolean }
  | { kind: 'environment'; owner: string; repo: string; environment: string }
  | { kind: 'organization'; org: string }
  | { kind: 'project'; path: string }
  | { kind: 'group'; path: string };

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

const SignInPayload = Type.Object(
  { serviceUrl: ServiceUrl, email: Email, password: Password },
  { additionalProperties: false },
);
const SignUpPayload = Type.Object(
  {
    serviceUrl: ServiceUrl,
    email: Email,
    password: Password,
    name: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
/** A token named in a bulk outcome; `name` is null for an id the list did not hold. */
export interface TokenRef {
  id: string;
  name: string | null;
}

/** What "Revoke N tokens" did, per token: revoked now, or not found (not yours, gone, already revoked). */
export interface BulkRevokeReport {
  revoked: TokenRef[];
  notFound: TokenRef[];
}

/** An export: where main wrote it (the name only) and how many events, or the user cancelled. */
export type ExportResult =
  { saved: true; fileName: string; count: number } | { saved: false; fileName: null; count: 0 };

const AddAccountPayload = Type.Union([
  Type.Object(
    { mode: Type.Literal('sign-in'), serviceUrl: ServiceUrl, email: Email, password: Password },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      mode: Type.Literal('sign-up'),
      serviceUrl: ServiceUrl,
      email: Email,
      password: Password,
      name: Type.Optional(Type.String({ maxLength: 1000 })),
    },
    { additionalProperties: false },
  ),
]);
const AccountRefPayload = Type.Object(
  { serviceUrl: ServiceUrl, email: Email },
  { additionalProperties: false },
);
/** The connection a token channel acts on: one of the active account's that issues tokens. */
const ConnectionId = Id;
const ConnectionPayload = Type.Object(
  { connectionId: ConnectionId },
  { additionalProperties: false },
);
const CreateTokenPayload = Type.Object(
  {
    connectionId: ConnectionId,
    name: Type.String({ maxLength: 1000 }),
    expiresAt: Type.Union([Type.String({ maxLength: 64 }), Type.Null()]),
  },
  { additionalProperties: false },
);
const TokenIdPayload = Type.Object(
  { connectionId: ConnectionId, id: Id },
  { additionalProperties: false },
);
const RevealPayload = Type.Object({ revealId: RevealId }, { additionalProperties: false });
const SnippetPayload = Type.Object(
  { kind: Type.Union([Type.Literal('cli'), Type.Literal('curl'), Type.Literal('github')]) },
  { additionalProperties: false },
);
const SettingsPatch = Type.Partial(Settings, { additionalProperties: false });

const AccountId = Id;
const AddProviderAccountPayload = Type.Object(
  {
    provider: ProviderSchema,
    host: Type.String({ minLength: 1, maxLength: URL_MAX_LENGTH }),
    token: ProviderToken,
    /** Optional: a target to check the credential can manage secrets at. */
    target: Type.Optional(DestinationTarget),
  },
  { additionalProperties: false },
);
const AccountPayload = Type.Object({ accountId: AccountId }, { additionalProperties: false });
const TargetsPayload = Type.Union([
  Type.Object(
    {
      accountId: AccountId,
      list: Type.Union([
        Type.Literal('repositories'),
        Type.Literal('organizations'),
        Type.Literal('groups'),
      ]),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      accountId: AccountId,
      list: Type.Literal('environments'),
      owner: Type.String({ minLength: 1, maxLength: 100 }),
      repo: Type.String({ minLength: 1, maxLength: 100 }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      accountId: AccountId,
      list: Type.Literal('projects'),
      search: Type.Optional(Type.String({ maxLength: 255 })),
    },
    { additionalProperties: false },
  ),
]);
const DestinationName = Type.String({ maxLength: 1000 });
const CheckDestinationPayload = Type.Object(
  { accountId: AccountId, target: DestinationTarget, name: DestinationName },
  { additionalProperties: false },
);
/** Where a secret goes and how: everything of a send but the secret. */
const SendFields = {
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
const TokenPayload = Type.Object({ tokenId: Id }, { additionalProperties: false });
const DestinationPayload = Type.Object(
  { tokenId: Id, destinationId: Id },
  { additionalProperties: false },
);
const RotateFields = {
  connectionId: ConnectionId,
  id: Id,
  /** The places the person saw in the confirmation; any other the service lists is not pushed. */
  placeIds: Type.Array(Id, { maxItems: MAX_DESTINATIONS_PER_TOKEN, uniqueItems: true }),
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

const RevokeManyPayload = Type.Object(
  {
    connectionId: ConnectionId,
    ids: Type.Array(Id, { minItems: 1, maxItems: MAX_BULK_REVOKE, uniqueItems: true }),
  },
  { additionalProperties: false },
);
/** An ISO 8601 date or date-time; main parses it again before it goes anywhere. */
const EventTime = Type.String({
  pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9:.]{2,15}(Z|[+-][0-9]{2}:[0-9]{2})?)?$',
  maxLength: 40,
});
/** One literal per value, typed as the union of the values (a mapped array would type as never). */
function literalUnion<T extends string>(values: readonly T[]) {
  return Type.Unsafe<T>(Type.Union(values.map((value) => Type.Literal(value))));
}
const EventFilterFields = {
  tokenId: Type.Optional(Id),
  kinds: Type.Optional(
    Type.Array(literalUnion<EventKind>(EVENT_KINDS), {
      minItems: 1,
      maxItems: EVENT_KINDS.length,
      uniqueItems: true,
    }),
  ),
  since: Type.Optional(EventTime),
  until: Type.Optional(EventTime),
};
const EventFilter = Type.Object(EventFilterFields, { additionalProperties: false });
export type EventFilter = Static<typeof EventFilter>;
const ListEventsPayload = Type.Object(
  {
    ...EventFilterFields,
    /** From the previous page's nextCursor (the service's base64url position). */
    cursor: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,200}$' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: EVENTS_PAGE.max })),
  },
  { additionalProperties: false },
);
export type ListEventsPayload = Static<typeof ListEventsPayload>;
export const EXPORT_FORMATS = ['csv', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
const ExportEventsPayload = Type.Object(
  {
    format: literalUnion(EXPORT_FORMATS),
    filter: EventFilter,
  },
  { additionalProperties: false },
);

function channel<Payload extends TSchema, Result>(payload: Payload) {
  return { payload, result: undefined as unknown as Result };
}

export const IPC_CONTRACT = {
  'session:get': channel<typeof NoPayload, SessionState>(NoPayload),
  'session:sign-in': channel<typeof SignInPayload, SessionState>(SignInPayload),
  'session:sign-up': channel<typeof SignUpPayload, SessionState>(SignUpPayload),
  'session:sign-out': channel<typeof NoPayload, SessionState>(NoPayload),
  'accounts:list': channel<typeof NoPayload, AccountSummary[]>(NoPayload),
  'accounts:add': channel<typeof AddAccountPayload, SessionState>(AddAccountPayload),
  'accounts:switch': channel<typeof AccountRefPayload, SessionState>(AccountRefPayload),
  'accounts:sign-out': channel<typeof AccountRefPayload, SessionState>(AccountRefPayload),
  'tokens:list': channel<typeof ConnectionPayload, DeskToken[]>(ConnectionPayload),
  'tokens:create': channel<typeof CreateTokenPayload, RevealedToken>(CreateTokenPayload),
  'tokens:revoke': channel<typeof TokenIdPayload, null>(TokenIdPayload),
  'tokens:rotate': channel<typeof TokenIdPayload, RevealedToken>(TokenIdPayload),
  'secret:copy': channel<typeof RevealPayload, CopyResult>(RevealPayload),
  'secret:forget': channel<typeof RevealPayload, null>(RevealPayload),
  'snippet:copy': channel<typeof SnippetPayload, null>(SnippetPayload),
  'settings:get': channel<typeof NoPayload, Settings>(NoPayload),
  'settings:update': channel<typeof SettingsPatch, Settings>(SettingsPatch),
  'providers:list': channel<typeof NoPayload, ProviderAccountList>(NoPayload),
  'providers:add': channel<typeof AddProviderAccountPayload, ProviderAccountInfo>(
    AddProviderAccountPayload,
  ),
  'providers:remove': channel<typeof AccountPayload, null>(AccountPayload),
  'providers:targets': channel<typeof TargetsPayload, TargetChoice[]>(TargetsPayload),
  'destinations:check': channel<typeof CheckDestinationPayload, DestinationCheck>(
    CheckDestinationPayload,
  ),
  'destinations:send': channel<typeof SendPayload, SendResult>(SendPayload),
  'destinations:list': channel<typeof TokenPayload, DestinationView[]>(TokenPayload),
  'destinations:remove': channel<typeof DestinationPayload, null>(DestinationPayload),
  /** Opens a recorded place's settings page in the user's browser; main builds the URL. */
  'destinations:open-settings': channel<typeof DestinationPayload, null>(DestinationPayload),
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
  'tokens:revoke-many': channel<typeof RevokeManyPayload, BulkRevokeReport>(RevokeManyPayload),
  'events:list': channel<typeof ListEventsPayload, EventPage>(ListEventsPayload),
  'events:export': channel<typeof ExportEventsPayload, ExportResult>(ExportEventsPayload),
  // `satisfies` makes a missing or unknown channel a type error.
} as const satisfies Record<Channel, { payload: TSchema; result: unknown }>;

export type PayloadOf<C extends Channel> = Static<(typeof IPC_CONTRACT)[C]['payload']>;
export type ResultOf<C extends Channel> = (typeof IPC_CONTRACT)[C]['result'];

/** Errors cross the bridge as data: a stable code and a sentence a person can act on. */
export interface BridgeError {
  code: string;
  message: string;
}
export type BridgeResult<T> = { ok: true; value: T } | { ok: false; error: BridgeError };

/**
 * What the preload exposes as `window.tokenDesk`: one function per channel, and one
 * subscription per main → renderer event (the callback gets the checked payload
 * alone, never Electron's event object; the function returned unsubscribes). No raw IPC.
 */
export type TokenDeskBridge = {
  [C in Channel as MethodName<C>]: (
    ...args: PayloadOf<C> extends null ? [] : [payload: PayloadOf<C>]
  ) => Promise<BridgeResult<ResultOf<C>>>;
} & {
  [E in RendererEvent as SubscriptionName<E>]: (
    callback: (payload: RendererEventPayload<E>) => void,
  ) => () => void;
};
