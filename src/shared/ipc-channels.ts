/**
 * The IPC channel names alone, with no runtime dependencies, so the sandboxed
 * preload can build the bridge without bundling schemas. `ipc-contract.ts` gives
 * each one its payload schema and result type.
 */
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
  'tokens:create',
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
  'destinations:check',
  'destinations:send',
  'destinations:list',
  'destinations:remove',
  'tokens:rotate-and-update',
  'rotations:list',
  'rotations:retry',
  'rotations:revoke-old',
  'rotations:finish',
  'tokens:revoke-many',
  'events:list',
  'events:export',
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

export function methodName<C extends Channel>(channel: C): MethodName<C> {
  return channel.replace(/[:-](\w)/g, (_, c: string) => c.toUpperCase()) as MethodName<C>;
}
