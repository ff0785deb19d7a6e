import { useState, type FormEvent } from 'react';
import type { RevealedToken } from '../../../../../shared/ipc-contract';
import { normalizeName, TOKEN_NAME_MAX_LENGTH } from '../../../../../shared/token-name';
import { call, desk } from '../../../lib/bridge';
import { Banner } from '../../../components/Banner';
import { Dialog } from '../../../components/Dialog';
import { DAY_MS } from '../../../../../shared/time';

const PRESETS = [7, 30, 60, 90] as const;
/** The service refuses expiries further out than this (TOKEN_DESK_MAX_TOKEN_LIFETIME_DAYS, default 366). */
const MAX_DAYS = 366;
type Expiry = `${(typeof PRESETS)[number]}` | 'custom' | 'none';
const EXPIRY_CHOICES: Array<[Expiry, string]> = [
  ...PRESETS.map((days): [Expiry, string] => [`${days}`, `${days} days`]),
  ['custom', 'Custom date'],
  ['none', 'No expiry'],
];

interface Props {
  /** The connection that issues it (the account's own). */
  connectionId: string;
  existingNames: ReadonlySet<string>;
  onCreated: (revealed: RevealedToken) => void;
  onCancel: () => void;
  onFailure: (error: unknown) => string;
}

function localDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The end of the chosen local day, as the expiry instant. */
function endOfDay(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(y as number, (m as number) - 1, d, 23, 59, 59).getTime();
}

export function NewTokenDialog({
  connectionId,
  existingNames,
  onCreated,
  onCancel,
  onFailure,
}: Props) {
  const [name, setName] = useState('');
  const [expiry, setExpiry] = useState<Expiry>('30');
  const [customDate, setCustomDate] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const [dateError, setDateError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [today] = useState(() => Date.now());

  const trimmed = name.trim();
  const duplicate = trimmed !== '' && existingNames.has(trimmed.toLowerCase());
  const length = [...trimmed].length;

  function expiresAt(
    now: number,
  ): { ok: true; value: string | null } | { ok: false; message: string } {
    if (expiry === 'none') return { ok: true, value: null };
    if (expiry !== 'custom')
      return { ok: true, value: new Date(now + Number(expiry) * DAY_MS).toISOString() };
    if (!customDate) return { ok: false, message: 'Pick an expiry date.' };
    const at = endOfDay(customDate);
    if (Number.isNaN(at) || at <= now) return { ok: false, message: 'Pick a date in the future.' };
    if (at > now + MAX_DAYS * DAY_MS)
      return { ok: false, message: `Pick a date at most ${MAX_DAYS} days from today.` };
    return { ok: true, value: new Date(at).toISOString() };
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const nameCheck = normalizeName(name);
    const expiryCheck = expiresAt(Date.now());
    setNameError(nameCheck.ok ? null : nameCheck.message);
    setDateError(expiryCheck.ok ? null : expiryCheck.message);
    if (!nameCheck.ok) {
      document.getElementById('token-name')?.focus();
      return;
    }
    if (!expiryCheck.ok) {
      document.getElementById('token-custom-date')?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onCreated(
        await call(
          desk().tokensCreate({
            connectionId,
            name: nameCheck.name,
            expiresAt: expiryCheck.value,
          }),
        ),
      );
    } catch (failure) {
      setError(onFailure(failure));
      setBusy(false);
    }
  }

  return (
    <Dialog
      title="New API token"
      onDismiss={() => !busy && onCancel()}
      description="Use one token per pipeline or integration, so revoking one breaks only that place."
    >
      <form onSubmit={submit} noValidate className="form">
        {error && <Banner tone="error">{error}</Banner>}
        <label htmlFor="token-name">Name</label>
        <input
          id="token-name"
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            if (nameError) setNameError(null);
          }}
          onBlur={() =>
            name &&
            setNameError(
              normalizeName(name).ok ? null : (normalizeName(name) as { message: string }).message,
            )
          }
          placeholder="e.g. github-actions-release"
          aria-invalid={nameError ? true : undefined}
          aria-describedby="token-name-hint token-name-error"
          data-autofocus
          autoComplete="off"
          spellCheck={false}
        />
        <p
          id="token-name-hint"
          className={length > TOKEN_NAME_MAX_LENGTH ? 'hint hint-error' : 'hint'}
        >
          {length}/{TOKEN_NAME_MAX_LENGTH} characters
        </p>
        {nameError && (
          <p id="token-name-error" className="field-error" role="alert">
            {nameError}
          </p>
        )}
        {duplicate && !nameError && (
          <p className="field-warning" role="status">
            You already have a token named “{trimmed}”. One token per pipeline makes it safe to
            revoke one: consider a more specific name.
          </p>
        )}

        <fieldset>
          <legend>Expires</legend>
          <div className="choices">
            {EXPIRY_CHOICES.map(([value, label]) => (
              <label key={value} className="choice">
                <input
                  type="radio"
                  name="expiry"
                  value={value}
                  checked={expiry === value}
                  onChange={() => setExpiry(value)}
                />
                {label}
              </label>
            ))}
          </div>
          {expiry === 'custom' && (
            <>
              <label htmlFor="token-custom-date">Expiry date</label>
              <input
                id="token-custom-date"
                type="date"
                value={customDate}
                min={localDate(today + DAY_MS)}
                max={localDate(today + MAX_DAYS * DAY_MS)}
                onChange={(e) => {
                  setCustomDate(e.target.value);
                  setDateError(null);
                }}
                aria-invalid={dateError ? true : undefined}
                aria-describedby={dateError ? 'token-date-error' : undefined}
              />
            </>
          )}
          {dateError && (
            <p id="token-date-error" className="field-error" role="alert">
              {dateError}
            </p>
          )}
          {expiry === 'none' && (
            <p className="field-warning" role="status">
              A token without expiry works until someone revokes it. Prefer an expiry and rotate on
              a schedule.
            </p>
          )}
        </fieldset>

        <div className="dialog-footer">
          <button type="button" className="secondary" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create token'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
