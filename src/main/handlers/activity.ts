/** The active account's audit trail: pages for the window, exports main writes. */
import type { DeskDependencies, Handlers } from './types.js';

export function activityHandlers({
  activity,
}: DeskDependencies): Handlers<'events:list' | 'events:export'> {
  return {
    'events:list': (request) => activity.list(request),

    'events:export': ({ format, filter }) => activity.export(format, filter),
  };
}
