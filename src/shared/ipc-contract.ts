/**
 * Every IPC channel between the renderer and main, with its payload schema and its
 * result type. Main registers one handler per entry (validating the payload against
 * the schema first); the preload exposes one bridge function per entry; the e2e
 * harness serves the same handlers over HTTP. Add a channel here and the type
 * checker points at every place that must handle it.
 */
import { Type, type Static, type TSchema } from 'typebox';
import type { ApiToken } from './api-schemas.js';
import type { Channel, MethodName } from './ipc-channels.js';

export { BRIDGE_GLOBAL, CHANNELS, methodName, type Channel } from './ipc-channels.js';

import { CLIPBOARD_CLEAR_SECONDS } from './settings-rules.js';

export { CLIPBOARD_CLEAR_SECONDS, THEMES, type Theme } from './settings-rules.js';
export { SNIPPET_KINDS, type SnippetKind } from './snippets.js';

const ServiceUrl = Type.String({ minLength: 1, maxLength: 2048 });
const Email = Type.String({ minLength: 1, maxLength: 254 });
const Password = Type.String({ minLength: 1, maxLength: 1024 });
const Id = Type.String({ minLength: 1, maxLength: 100 });
const RevealId = Type.String({ minLength: 1, maxLength: 100 });
const NoPayload = Type.Null();

export const Settings = Type.Object(
  {
    serviceUrl: ServiceUrl,
    clipboardClearSeconds: Type.Integer({
      minimum: CLIPBOARD_CLEAR_SECONDS.min,
      maximum: CLIPBOARD_CLEAR_SECONDS.max,
    }),
    theme: Type.Union([Type.Literal('system'), Type.Literal('light'), Type.Literal('dark')]),
  },
  { additionalProperties: false },
);
export type Settings = Static<typeof Settings>;

export type KeychainStatus = 'available' | 'unavailable';

export interface SignedInAccount {
  serviceUrl: string;
  email: string;
  name: string | null;
}

export interface SessionState {
  account: SignedInAccount | null;
  keychain: KeychainStatus;
  /** Set once, when the keychain first turned out to be unusable: why sessions are not remembered. */
  keychainMessage: string | null;
}

/** A secret on its way to the reveal-once dialog. `revealId` lets main copy it without the renderer sending it back. */
export interface RevealedToken {
  token: ApiToken;
  secret: string;
  revealId: string;
}

export interface CopyResult {
  clearsInSeconds: number;
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
const CreateTokenPayload = Type.Object(
  {
    name: Type.String({ maxLength: 1000 }),
    expiresAt: Type.Union([Type.String({ maxLength: 64 }), Type.Null()]),
  },
  { additionalProperties: false },
);
const IdPayload = Type.Object({ id: Id }, { additionalProperties: false });
const RevealPayload = Type.Object({ revealId: RevealId }, { additionalProperties: false });
const SnippetPayload = Type.Object(
  { kind: Type.Union([Type.Literal('cli'), Type.Literal('curl'), Type.Literal('github')]) },
  { additionalProperties: false },
);
const SettingsPatch = Type.Partial(Settings, { additionalProperties: false });

function channel<Payload extends TSchema, Result>(payload: Payload) {
  return { payload, result: undefined as unknown as Result };
}

export const IPC_CONTRACT = {
  'session:get': channel<typeof NoPayload, SessionState>(NoPayload),
  'session:sign-in': channel<typeof SignInPayload, SessionState>(SignInPayload),
  'session:sign-up': channel<typeof SignUpPayload, SessionState>(SignUpPayload),
  'session:sign-out': channel<typeof NoPayload, SessionState>(NoPayload),
  'tokens:list': channel<typeof NoPayload, ApiToken[]>(NoPayload),
  'tokens:create': channel<typeof CreateTokenPayload, RevealedToken>(CreateTokenPayload),
  'tokens:revoke': channel<typeof IdPayload, null>(IdPayload),
  'tokens:rotate': channel<typeof IdPayload, RevealedToken>(IdPayload),
  'secret:copy': channel<typeof RevealPayload, CopyResult>(RevealPayload),
  'secret:forget': channel<typeof RevealPayload, null>(RevealPayload),
  'snippet:copy': channel<typeof SnippetPayload, null>(SnippetPayload),
  'settings:get': channel<typeof NoPayload, Settings>(NoPayload),
  'settings:update': channel<typeof SettingsPatch, Settings>(SettingsPatch),
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

/** What the preload exposes as `window.tokenDesk`: one function per channel, no raw IPC. */
export type TokenDeskBridge = {
  [C in Channel as MethodName<C>]: (
    ...args: PayloadOf<C> extends null ? [] : [payload: PayloadOf<C>]
  ) => Promise<BridgeResult<ResultOf<C>>>;
};
