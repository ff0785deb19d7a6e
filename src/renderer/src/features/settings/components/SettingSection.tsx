import type { ReactNode } from 'react';
import type { SaveState } from '../hooks/use-setting-saver';

/** A settings section: a card with its heading, named by it for the landmarks list. */
export function SettingSection({
  id,
  title,
  children,
}: {
  id: string;
  title: string;
  children: ReactNode;
}) {
  return (
    <section className="card setting-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
    </section>
  );
}

/** "Saved" (or "Saving…") next to the control it belongs to, announced politely. */
export function SaveStatus({ save }: { save: SaveState | undefined }) {
  return (
    <span className="setting-status" role="status">
      {save?.state === 'saving' ? 'Saving…' : save?.state === 'saved' ? 'Saved' : ''}
    </span>
  );
}

/** Under a setting: why it was not saved if it was not, else its hint (`<id>-hint`). */
export function SettingNote({
  id,
  error,
  hint,
}: {
  id: string;
  error: string | null | undefined;
  hint: ReactNode;
}) {
  return error ? (
    <p id={`${id}-error`} className="field-error" role="alert">
      {error}
    </p>
  ) : (
    <p id={`${id}-hint`} className="hint">
      {hint}
    </p>
  );
}

/** The message of a failed save, if the last one failed. */
export const failureOf = (save: SaveState | undefined) =>
  save?.state === 'failed' ? save.message : null;
