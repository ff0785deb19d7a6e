/**
 * The IPC channel names alone, with no runtime dependencies, so the sandboxed
 * preload can build the bridge without bundling schemas. `ipc-contract.ts` gives
 * each one its payload schema and result type.
 */
import { EMAIL_MAX_LENGTH, URL_MAX_LENGTH } from './limits.js';
export const CHANNELS = [
  'session:get',
  'session:sign-in',
  'session:sign-up',
  'session:sign-out',
  'accounts:list',
  'accounts:add',
  'accounts:switch',
  'accounts:sign-out',
  'tokens:list',
  'tokens:inventory',
  'tokens:create',
  'tokens:create-choices',
  'tokens:revoke',
  'tokens:rotate',
  'secret:copy',
  'secret:forget',
  'snippet:copy',
  'settings:get',
  'settings:update',
  'providers:list',
  'providers:add',
  'providers:remove',
  'providers:targets',
  'connections:list',
  'connections:add',
  'connections:remove',
  'connections:cancel-sign-in',
  'destinations:check',
  'destinations:send',
  'destinations:list',
  'destinations:remove',
  'destinations:open-settings',
  'tokens:rotate-and-update',
  'tokens:rotate-and-send',
  'rotations:list',
  'rotations:retry',
  'rotations:revoke-old',
  'rotations:finish',
  'tokens:revoke-many',
  'events:list',
  'events:export',
  'network:status',
  'network:add-authority',
  'network:remove-authority',
  'network:proxy-sign-in',
  'network:proxy-sign-out',
  'network:check',
] as const;

export type Channel = (typeof CHANNELS)[number];

export const BRIDGE_GLOBAL = 'tokenDesk';

/** The bridge's method name for a channel: `session:sign-in` → `sessionSignIn`. */
export type MethodName<C extends string> = C extends `${infer A}:${infer B}`
  ? `${A}${Capitalize<CamelCase<B>>}`
  : C;
type CamelCase<S extends string> = S extends `${infer A}-${infer B}`
  ? `${A}${Capitalize<CamelCase<B>>}`
  : S;

export function methodName<C extends string>(channel: C): MethodName<C> {
  return channel.replace(/[:-](\w)/g, (_, c: string) => c.toUpperCase()) as MethodName<C>;
}

/**
 * An id the service or main made (UUIDs today). Letters, digits and `-` only, and
 * never shaped like a credential: a secret sent where an id belongs would otherwise
 * end up in a URL path, and so in the service's request log.
 */
// `_` is outside the id alphabet, so `ca_`, `ses_`, `ghp_`, `github_pat_` cannot match;
// GitLab's prefixes end in `-` (glpat-, glptt-, gldt-, glrt-, glagent-, …; more keep
// coming), so anything starting gl + letters + `-`, in any case, is refused.
const CREDENTIAL_PREFIXES = '(?![Gg][Ll][A-Za-z]{1,12}-)';
export const ID_PATTERN = `^${CREDENTIAL_PREFIXES}[A-Za-z0-9][A-Za-z0-9-]{0,99}$`;
/**
 * A token's id at its issuer: ours are UUIDs, npm's are keys of up to 256 characters
 * (hex on npmjs and Verdaccio), Cloudflare's 32 letters and digits. The same rules as
 * ID_PATTERN, with `.` and `~` allowed after the first character (never `_` or `/`).
 */
export const TOKEN_ID_PATTERN = `^${CREDENTIAL_PREFIXES}[A-Za-z0-9][A-Za-z0-9.~-]{0,255}$`;
const idPattern = new RegExp(ID_PATTERN);
const tokenIdPattern = new RegExp(TOKEN_ID_PATTERN);

// ---------------------------------------------------------------- main → renderer events

/**
 * "Open this token": a reminder was clicked; main has already made `account` the active
 * one. The token is named by its connection and its id there, as the list keys it.
 */
export interface OpenTokenEvent {
  account: { serviceUrl: string; email: string };
  connectionId: string;
  tokenId: string;
}

/** Whether `token` is the one the event names: ids are each vendor's own, so never by the id alone. */
export function opensToken(
  event: Pick<OpenTokenEvent, 'connectionId' | 'tokenId'>,
  token: { id: string; issuer: { connectionId: string } },
): boolean {
  return token.issuer.connectionId === event.connectionId && token.id === event.tokenId;
}

/** A plain object with exactly these own keys (a payload smuggling more is refused). */
function hasExactly(value: unknown, keys: readonly string[]): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const own = Object.keys(value);
  return own.length === keys.length && keys.every((key) => Object.hasOwn(value, key));
}

const isText = (value: unknown, max: number): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= max;

function isOpenTokenEvent(value: unknown): value is OpenTokenEvent {
  return (
    hasExactly(value, ['account', 'connectionId', 'tokenId']) &&
    hasExactly(value.account, ['serviceUrl', 'email']) &&
    isText(value.account.serviceUrl, URL_MAX_LENGTH) &&
    isText(value.account.email, EMAIL_MAX_LENGTH) &&
    isText(value.connectionId, 100) &&
    idPattern.test(value.connectionId) &&
    // A vendor's id as the list has it (npm's long keys, a tracked GitHub token's dots).
    isText(value.tokenId, 256) &&
    tokenIdPattern.test(value.tokenId)
  );
}

/**
 * What the application menu asks the page to do: a closed list. The page owns these
 * (it knows whether a dialog is open, what has focus, who is signed in), so the menu
 * names a command and the page runs it, or does nothing when it does not apply now.
 * The screen commands share their ids with the command palette's.
 */
export const UI_COMMANDS = [
  'go-tokens',
  'go-activity',
  'go-settings',
  'new-token',
  'search',
  'clear-selection',
  'select-all',
  'account-menu',
  'command-palette',
] as const;

export type UiCommand = (typeof UI_COMMANDS)[number];

/** One of UI_COMMANDS, as a bare string: anything else (another type, a made-up name) is refused. */
export function isUiCommand(value: unknown): value is UiCommand {
  return typeof value === 'string' && (UI_COMMANDS as readonly string[]).includes(value);
}

/**
 * Every event main sends to the renderer, with the check its payload must pass.
 * Plain functions rather than schemas, so the sandboxed preload can check what it
 * hands the page without bundling a schema library; main checks with the same one
 * before sending.
 */
export const RENDERER_EVENTS = {
  'ui:open-token': isOpenTokenEvent,
  'ui:command': isUiCommand,
} as const;

export type RendererEvent = keyof typeof RENDERER_EVENTS;
export type RendererEventPayload<E extends RendererEvent> = (typeof RENDERER_EVENTS)[E] extends (
  value: unknown,
) => value is infer P
  ? P
  : never;

/** The bridge's subscription for an event: `ui:open-token` → `onUiOpenToken`. */
export type SubscriptionName<E extends string> = `on${Capitalize<MethodName<E>>}`;

export function subscriptionName<E extends RendererEvent>(event: E): SubscriptionName<E> {
  const method = methodName(event);
  return `on${method.charAt(0).toUpperCase()}${method.slice(1)}` as SubscriptionName<E>;
}
