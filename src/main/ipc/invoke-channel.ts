/**
 * The one path from an untrusted message to a handler: the channel must exist and
 * the payload must match its schema before the handler runs; whatever happens,
 * the caller gets a `BridgeResult`, never a thrown error. Main's IPC registration
 * and the e2e harness both go through here.
 */
import { Compile } from 'typebox/compile';
import {
  CHANNELS,
  IPC_CONTRACT,
  type BridgeError,
  type BridgeResult,
  type Channel,
} from '../../shared/ipc-contract.js';
import type { DeskHandlers } from '../handlers/index.js';
import type { Log } from '../ports.js';

const validators = Object.fromEntries(
  CHANNELS.map((channel) => [channel, Compile(IPC_CONTRACT[channel].payload)]),
) as Record<Channel, ReturnType<typeof Compile>>;

export function isChannel(value: string): value is Channel {
  return Object.hasOwn(IPC_CONTRACT, value);
}

function toBridgeError(error: unknown, log: Log, channel: string): BridgeError {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') {
    return { code: error.code, message: error.message };
  }
  log.error(`unexpected error in ${channel}`, error);
  return {
    code: 'internal_error',
    message:
      'Token Desk hit an unexpected error. Try again; if it keeps happening, restart the app.',
  };
}

export async function invokeChannel(
  handlers: DeskHandlers,
  channel: string,
  payload: unknown,
  log: Log,
): Promise<BridgeResult<unknown>> {
  if (!isChannel(channel)) {
    return {
      ok: false,
      error: { code: 'unknown_channel', message: `There is no "${channel}" action.` },
    };
  }
  const validator = validators[channel];
  if (!validator.Check(payload)) {
    const [first] = validator.Errors(payload);
    const where = first?.instancePath ? ` at ${first.instancePath}` : '';
    // A pattern is for machines, and the id pattern names credential prefixes.
    const problem = first?.message?.startsWith('must match pattern')
      ? 'is not in the expected form'
      : (first?.message ?? 'invalid');
    return {
      ok: false,
      error: {
        code: 'invalid_payload',
        message: `The request for ${channel} is malformed${where}: ${problem}.`,
      },
    };
  }
  try {
    const handler = handlers[channel] as (payload: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(payload) };
  } catch (error) {
    return { ok: false, error: toBridgeError(error, log, channel) };
  }
}
