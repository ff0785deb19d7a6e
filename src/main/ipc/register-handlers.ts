import { CHANNELS, type BridgeResult } from '../../shared/ipc-contract.js';
import type { DeskHandlers } from '../handlers/index.js';
import type { Log } from '../ports.js';
import { invokeChannel } from './invoke-channel.js';
import type { IpcSenderEvent } from './trusted-sender.js';

/** The slice of Electron's `ipcMain` this needs, so the wrapper is testable in plain Node. */
export interface IpcMainLike {
  handle(
    channel: string,
    listener: (event: IpcSenderEvent, payload: unknown) => Promise<unknown>,
  ): void;
}

/**
 * Registers every contract channel through one wrapper: the sender is checked
 * first (synchronously, before any await, while Electron still knows the frame),
 * then the payload is validated, then the handler runs.
 */
export function registerHandlers(
  ipcMain: IpcMainLike,
  handlers: DeskHandlers,
  isTrusted: (event: IpcSenderEvent) => boolean,
  log: Log,
): void {
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, async (event, payload): Promise<BridgeResult<unknown>> => {
      if (!isTrusted(event)) {
        log.error(`refused ${channel} from an untrusted sender`, event.senderFrame?.url ?? null);
        return {
          ok: false,
          error: { code: 'untrusted_sender', message: 'This window is not allowed to do that.' },
        };
      }
      return invokeChannel(handlers, channel, payload, log);
    });
  }
}
