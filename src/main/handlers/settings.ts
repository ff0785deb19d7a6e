/** The person's preferences. */
import type { DeskDependencies, Handlers } from './types.js';

export function settingsHandlers({
  settings,
}: DeskDependencies): Handlers<'settings:get' | 'settings:update'> {
  return {
    async 'settings:get'() {
      return settings.get();
    },

    async 'settings:update'(patch) {
      return settings.update(patch);
    },
  };
}
