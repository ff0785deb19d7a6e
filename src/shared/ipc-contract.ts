/**
 * Every IPC channel between the renderer and main, with its payload schema and its
 * result type, assembled from one file per feature under ipc/. Main registers one
 * handler per entry (validating the payload against the schema first); the preload
 * exposes one bridge function per entry; the e2e harness serves the same handlers
 * over HTTP. Add a channel in ipc-channels.ts and its feature's file here, and the
 * type checker points at every place that must handle it.
 */
import type { Static, TSchema } from 'typebox';
import type {
  Channel,
  MethodName,
  RendererEvent,
  RendererEventPayload,
  SubscriptionName,
} from './ipc-channels.js';
import { ACTIVITY_CHANNELS } from './ipc/activity.js';
import { CONNECTION_CHANNELS } from './ipc/connections.js';
import { CREATE_CHOICE_CHANNELS } from './ipc/create-choices.js';
import { DESTINATION_CHANNELS } from './ipc/destinations.js';
import type { BridgeResult } from './ipc/fields.js';
import { NETWORK_CHANNELS } from './ipc/network.js';
import { PROVIDER_CHANNELS } from './ipc/providers.js';
import { ROTATION_CHANNELS } from './ipc/rotations.js';
import { SECRET_CHANNELS } from './ipc/secrets.js';
import { SESSION_CHANNELS } from './ipc/session.js';
import { SETTINGS_CHANNELS } from './ipc/settings.js';
import { TOKEN_CHANNELS } from './ipc/tokens.js';

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
export { CLIPBOARD_CLEAR_SECONDS, THEMES, type Theme } from './settings-rules.js';
export { SNIPPET_KINDS, type SnippetKind } from './snippets.js';
export type { BridgeError, BridgeResult } from './ipc/fields.js';
export * from './ipc/activity.js';
export * from './ipc/connections.js';
export * from './ipc/create-choices.js';
export * from './ipc/destinations.js';
export * from './ipc/network.js';
export * from './ipc/providers.js';
export * from './ipc/rotations.js';
export * from './ipc/secrets.js';
export * from './ipc/session.js';
export * from './ipc/settings.js';
export * from './ipc/tokens.js';

export const IPC_CONTRACT = {
  ...SESSION_CHANNELS,
  ...TOKEN_CHANNELS,
  ...CREATE_CHOICE_CHANNELS,
  ...SECRET_CHANNELS,
  ...SETTINGS_CHANNELS,
  ...PROVIDER_CHANNELS,
  ...CONNECTION_CHANNELS,
  ...DESTINATION_CHANNELS,
  ...ROTATION_CHANNELS,
  ...ACTIVITY_CHANNELS,
  ...NETWORK_CHANNELS,
  // `satisfies` makes a missing or unknown channel a type error.
} as const satisfies Record<Channel, { payload: TSchema; result: unknown }>;

export type PayloadOf<C extends Channel> = Static<(typeof IPC_CONTRACT)[C]['payload']>;
export type ResultOf<C extends Channel> = (typeof IPC_CONTRACT)[C]['result'];

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
