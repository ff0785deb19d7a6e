/**
 * The Expires choice: day presets within the source's limit, a custom date, and
 * "No expiry" only where the source allows a token that never expires.
 */
import { DAY_MS } from '../../../../../../shared/time';

export type Expiry = `${number}` | 'custom' | 'none';

export function localDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The end of the chosen local day, as the expiry instant. */
export function endOfDay(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(y as number, (m as number) - 1, d, 23, 59, 59).getTime();
}

export type ExpiryAnswer = { ok: true; value: string | null } | { ok: false; message: string };

/** The chosen expiry as an instant, or why it cannot be used. */
export function expiryInstant(
  expiry: Expiry,
  customDate: string,
  maxDays: number,
  now: number,
): ExpiryAnswer {
  if (expiry === 'none') return { ok: true, value: null };
  if (expiry !== 'custom') {
    const days = Number(expiry);
    if (days > maxDays)
      return { ok: false, message: `Choose an expiry at most ${maxDays} days from today.` };
    return { ok: true, value: new Date(now + days * DAY_MS).toISOString() };
  }
  if (!customDate) return { ok: false, message: 'Pick an expiry date.' };
  const at = endOfDay(customDate);
  if (Number.isNaN(at) || at <= now) return { ok: false, message: 'Pick a date in the future.' };
  if (at > now + maxDays * DAY_MS)
    return { ok: false, message: `Pick a date at most ${maxDays} days from today.` };
  return { ok: true, value: new Date(at).toISOString() };
}

interface Props {
  presets: readonly number[];
  maxDays: number;
  allowNone: boolean;
  expiry: Expiry;
  onExpiry: (expiry: Expiry) => void;
  customDate: string;
  onCustomDate: (date: string) => void;
  dateError: string | null;
  today: number;
  /** Said under the choices (a vendor's limit in words). */
  hint?: string;
}

export function ExpiryField({
  presets,
  maxDays,
  allowNone,
  expiry,
  onExpiry,
  customDate,
  onCustomDate,
  dateError,
  today,
  hint,
}: Props) {
  const choices: Array<[Expiry, string]> = [
    ...presets.map((days): [Expiry, string] => [`${days}`, `${days} days`]),
    ['custom', 'Custom date'],
    ...(allowNone ? [['none', 'No expiry'] as [Expiry, string]] : []),
  ];
  return (
    <fieldset>
      <legend>Expires</legend>
      <div className="choices">
        {choices.map(([value, label]) => (
          <label key={value} className="choice">
            <input
              type="radio"
              name="expiry"
              value={value}
              checked={expiry === value}
              onChange={() => onExpiry(value)}
            />
            {label}
          </label>
        ))}
      </div>
      {hint && <p className="hint">{hint}</p>}
      {expiry === 'custom' && (
        <>
          <label htmlFor="token-custom-date">Expiry date</label>
          <input
            id="token-custom-date"
            type="date"
            value={customDate}
            min={localDate(today + DAY_MS)}
            max={localDate(today + maxDays * DAY_MS)}
            onChange={(e) => onCustomDate(e.target.value)}
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
          A token without expiry works until someone revokes it. Prefer an expiry and rotate on a
          schedule.
        </p>
      )}
    </fieldset>
  );
}
