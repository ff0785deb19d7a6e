import type { ReactNode } from 'react';

interface Props {
  /** The input's id; its error and hint take `${id}-error` and `${id}-hint`. */
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** Called when the field loses focus: the dialog starts showing this field's problem. */
  onBlur: () => void;
  readOnly: boolean;
  /** The problem to show in place of the hint, or null. */
  error: string | null;
  hint: ReactNode;
  /** An address (`type="url"`), or a credential (masked, never autocorrected). */
  variant?: 'text' | 'url' | 'secret';
  autoFocus?: boolean;
}

/**
 * One labelled field of a Connect dialog: its problem in words (announced) in place of
 * its hint, and none of the browser's help a credential must not get (autocomplete,
 * capitals, spelling).
 */
export function ConnectField({
  id,
  label,
  value,
  onChange,
  onBlur,
  readOnly,
  error,
  hint,
  variant = 'text',
  autoFocus = false,
}: Props) {
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type={variant === 'url' ? 'url' : 'text'}
        className={variant === 'secret' ? 'connect-secret' : undefined}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onBlur={onBlur}
        readOnly={readOnly}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : `${id}-hint`}
        autoComplete="off"
        autoCapitalize={variant === 'url' ? undefined : 'off'}
        spellCheck={false}
        data-autofocus={autoFocus || undefined}
      />
      {error ? (
        <p id={`${id}-error`} className="field-error" role="alert">
          {error}
        </p>
      ) : (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      )}
    </>
  );
}

/** "More options": a disclosure for what most people leave as it is (an API address). */
export function MoreOptions({
  id,
  open,
  onToggle,
  children,
}: {
  id: string;
  open: boolean;
  onToggle: () => void;
  children: ReactNode;
}) {
  return (
    <>
      <button
        type="button"
        className="link-button connect-more"
        aria-expanded={open}
        aria-controls={id}
        onClick={onToggle}
      >
        More options
      </button>
      <div id={id} hidden={!open}>
        {open && children}
      </div>
    </>
  );
}

/** A Connect dialog's Cancel and Connect, both held while main is connecting. */
export function ConnectFooter({ busy, onCancel }: { busy: boolean; onCancel: () => void }) {
  return (
    <div className="dialog-footer">
      <button type="button" className="secondary" onClick={onCancel} disabled={busy}>
        Cancel
      </button>
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Connecting…' : 'Connect'}
      </button>
    </div>
  );
}
