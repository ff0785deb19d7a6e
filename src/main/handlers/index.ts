/**
 * What the app does, one function per IPC channel, grouped by feature, over the
 * services that own the state. Main registers these behind the sender check and
 * payload validation; the e2e harness calls the very same functions over HTTP.
 * Nothing here imports Electron.
 */
import { activityHandlers } from './activity.js';
import { connectionHandlers } from './connections.js';
import { createChoiceHandlers } from './create-choices.js';
import { destinationHandlers } from './destinations.js';
import { networkHandlers } from './network.js';
import { rotationHandlers } from './rotations.js';
import { secretHandlers } from './secrets.js';
import { sessionHandlers } from './session.js';
import { settingsHandlers } from './settings.js';
import { tokenHandlers } from './tokens.js';
import type { DeskDependencies, DeskHandlers } from './types.js';

export type { DeskDependencies, DeskHandlers } from './types.js';

export interface DeskLifecycle {
  /** The page reloaded or the renderer went away: no dialog is left to forget its secret. */
  forgetReveals(): void;
  /** On quit: drop every revealed or held secret and clear the clipboard if it still holds ours. */
  dispose(): Promise<void>;
}

export function createDeskHandlers(deps: DeskDependencies): DeskHandlers & DeskLifecycle {
  const { reveals, rotations, clipboard } = deps;
  const handlers: DeskHandlers = {
    ...sessionHandlers(deps),
    ...tokenHandlers(deps),
    ...createChoiceHandlers(deps),
    ...secretHandlers(deps),
    ...settingsHandlers(deps),
    ...connectionHandlers(deps),
    ...destinationHandlers(deps),
    ...rotationHandlers(deps),
    ...activityHandlers(deps),
    ...networkHandlers(deps),
  };
  return {
    ...handlers,

    forgetReveals() {
      reveals.forgetAll();
    },

    async dispose() {
      deps.reminders?.stop();
      reveals.forgetAll();
      rotations.forgetAll();
      await clipboard.clearIfStillOurs();
    },
  };
}
