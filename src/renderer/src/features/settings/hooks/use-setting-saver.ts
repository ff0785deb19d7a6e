import { useState } from 'react';
import type { Settings } from '../../../../../shared/ipc-contract';
import { call, desk, messageOf } from '../../../lib/bridge';

export type SettingKey = keyof Settings;

/** Where one setting's save stands: shown next to it, not at the foot of the page. */
export type SaveState =
  { state: 'saving' } | { state: 'saved' } | { state: 'failed'; message: string };

/**
 * Saves one setting the moment it changes (VS Code's way: no Save button) and keeps,
 * for each, how its last save went.
 */
export function useSettingSaver(onSaved: (settings: Settings) => void) {
  const [states, setStates] = useState<Partial<Record<SettingKey, SaveState>>>({});
  const mark = (key: SettingKey, next: SaveState | undefined) =>
    setStates((before) => ({ ...before, [key]: next }));

  /** Saves one setting; answers the settings as main kept them, or null if it refused. */
  async function save<K extends SettingKey>(key: K, value: Settings[K]): Promise<Settings | null> {
    mark(key, { state: 'saving' });
    try {
      const next = await call(desk().settingsUpdate({ [key]: value }));
      mark(key, { state: 'saved' });
      onSaved(next);
      return next;
    } catch (failure) {
      mark(key, { state: 'failed', message: messageOf(failure) });
      return null;
    }
  }

  return { states, save, forget: (key: SettingKey) => mark(key, undefined) };
}
