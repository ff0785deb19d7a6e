import { useState } from 'react';
import type { SaveState } from '../hooks/use-setting-saver';
import { failureOf, SaveStatus, SettingNote } from './SettingSection';

interface Props {
  id: string;
  label: string;
  hint: string;
  value: number;
  min: number;
  max: number;
  /** What to say when the number is out of range. */
  rangeMessage: string;
  save: SaveState | undefined;
  onCommit: (value: number) => void;
  onEdit: () => void;
}

/**
 * A whole number, saved when it is left or Enter is pressed: an out-of-range one is
 * never saved and says why under the field.
 */
export function NumberSetting({
  id,
  label,
  hint,
  value,
  min,
  max,
  rangeMessage,
  save,
  onCommit,
  onEdit,
}: Props) {
  const [text, setText] = useState(String(value));
  const [checked, setChecked] = useState(false);
  const number = Number(text);
  const ok = text.trim() !== '' && Number.isInteger(number) && number >= min && number <= max;
  const error = checked && !ok ? rangeMessage : failureOf(save);

  function commit() {
    setChecked(true);
    if (ok && number !== value) onCommit(number);
  }

  return (
    <div className="setting">
      <label htmlFor={id}>{label}</label>
      <div className="setting-control">
        <input
          id={id}
          type="number"
          min={min}
          max={max}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            onEdit();
          }}
          onBlur={commit}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commit();
          }}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : `${id}-hint`}
        />
        <SaveStatus save={save} />
      </div>
      <SettingNote id={id} error={error} hint={hint} />
    </div>
  );
}
