import { useState, type FormEvent, type ReactNode } from 'react';
import {
  ROTATION_GRACE_SECONDS,
  type SessionState,
  type Settings,
} from '../../../../../shared/ipc-contract';
import { normalizeServiceUrl } from '../../../../../shared/service-url';
import { CLIPBOARD_CLEAR_SECONDS, type Theme } from '../../../../../shared/settings-rules';
import { call, desk, messageOf } from '../../../lib/bridge';
import { Banner } from '../../../components/Banner';
import { useScreen } from '../../../lib/use-screen';

const GRACE_MINUTES = {
  min: ROTATION_GRACE_SECONDS.min / 60,
  max: ROTATION_GRACE_SECONDS.max / 60,
};

interface Props {
  settings: Settings;
  session: SessionState;
  onSaved: (settings: Settings) => void;
  onBack: () => void;
  /** The CI provider accounts section (the accounts feature's, composed by the app). */
  providerAccounts: ReactNode;
}

export function SettingsScreen({ settings, session, onSaved, onBack, providerAccounts }: Props) {
  const heading = useScreen('Settings');
  const [serviceUrl, setServiceUrl] = useState(settings.serviceUrl);
  const [delay, setDelay] = useState(String(settings.clipboardClearSeconds));
  const [theme, setTheme] = useState<Theme>(settings.theme);
  const [reminders, setReminders] = useState(settings.expiryReminders);
  const [grace, setGrace] = useState(String(Math.round(settings.rotationGraceSeconds / 60)));
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  /** Fields left or submitted once: their problems show inline and follow the typing. */
  const [checked, setChecked] = useState<ReadonlySet<'url' | 'delay' | 'grace'>>(new Set());

  const url = normalizeServiceUrl(serviceUrl);
  const seconds = Number(delay);
  const delayOk =
    delay.trim() !== '' &&
    Number.isInteger(seconds) &&
    seconds >= CLIPBOARD_CLEAR_SECONDS.min &&
    seconds <= CLIPBOARD_CLEAR_SECONDS.max;
  const graceMinutes = Number(grace);
  const graceOk =
    grace.trim() !== '' &&
    Number.isInteger(graceMinutes) &&
    graceMinutes >= GRACE_MINUTES.min &&
    graceMinutes <= GRACE_MINUTES.max;
  const graceError =
    checked.has('grace') && !graceOk
      ? `Keep the old token for ${GRACE_MINUTES.min} to ${GRACE_MINUTES.max.toLocaleString()} minutes (7 days).`
      : null;
  const urlError = checked.has('url') && !url.ok ? url.message : null;
  const delayError =
    checked.has('delay') && !delayOk
      ? `Clear the clipboard after ${CLIPBOARD_CLEAR_SECONDS.min} to ${CLIPBOARD_CLEAR_SECONDS.max} seconds.`
      : null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    setChecked(new Set(['url', 'delay', 'grace']));
    if (!url.ok || !delayOk || !graceOk) {
      document
        .getElementById(
          !url.ok ? 'settings-service-url' : !delayOk ? 'settings-clipboard' : 'settings-grace',
        )
        ?.focus();
      return;
    }
    try {
      const next = await call(
        desk().settingsUpdate({
          serviceUrl,
          clipboardClearSeconds: seconds,
          theme,
          rotationGraceSeconds: graceMinutes * 60,
          expiryReminders: reminders,
        }),
      );
      setError(null);
      setSaved(true);
      setServiceUrl(next.serviceUrl);
      onSaved(next);
    } catch (failure) {
      setError(messageOf(failure));
    }
  }

  return (
    <main className="page">
      <header className="toolbar">
        <button type="button" className="secondary" onClick={onBack}>
          ← Back
        </button>
        <h1 ref={heading} tabIndex={-1}>
          Settings
        </h1>
      </header>
      <form className="card settings" onSubmit={submit} noValidate>
        {error && <Banner tone="error">{error}</Banner>}
        {saved && <Banner tone="info">Settings saved.</Banner>}
        <label htmlFor="settings-service-url">Service URL</label>
        <input
          id="settings-service-url"
          type="url"
          value={serviceUrl}
          onChange={(e) => {
            setServiceUrl(e.target.value);
            setSaved(false);
          }}
          onBlur={() => setChecked((before) => new Set(before).add('url'))}
          aria-invalid={urlError ? true : undefined}
          aria-describedby={urlError ? 'settings-service-url-error' : undefined}
        />
        {urlError && (
          <p id="settings-service-url-error" className="field-error" role="alert">
            {urlError}
          </p>
        )}
        <p className="hint">
          Used the next time you sign in.
          {session.account && ` You are signed in to ${session.account.serviceUrl}.`}
        </p>

        <label htmlFor="settings-clipboard">
          Clear a copied secret from the clipboard after (seconds)
        </label>
        <input
          id="settings-clipboard"
          type="number"
          min={CLIPBOARD_CLEAR_SECONDS.min}
          max={CLIPBOARD_CLEAR_SECONDS.max}
          value={delay}
          onChange={(e) => {
            setDelay(e.target.value);
            setSaved(false);
          }}
          onBlur={() => setChecked((before) => new Set(before).add('delay'))}
          aria-invalid={delayError ? true : undefined}
          aria-describedby={delayError ? 'settings-clipboard-error' : undefined}
        />
        {delayError && (
          <p id="settings-clipboard-error" className="field-error" role="alert">
            {delayError}
          </p>
        )}
        <p className="hint">
          Only if the clipboard still holds the secret. It is also cleared when Token Desk quits.
        </p>

        <label htmlFor="settings-grace">
          When rotating a token used in CI, keep the old one working for (minutes)
        </label>
        <input
          id="settings-grace"
          type="number"
          min={GRACE_MINUTES.min}
          max={GRACE_MINUTES.max}
          value={grace}
          onChange={(e) => {
            setGrace(e.target.value);
            setSaved(false);
          }}
          onBlur={() => setChecked((before) => new Set(before).add('grace'))}
          aria-invalid={graceError ? true : undefined}
          aria-describedby={graceError ? 'settings-grace-error' : 'settings-grace-hint'}
        />
        {graceError ? (
          <p id="settings-grace-error" className="field-error" role="alert">
            {graceError}
          </p>
        ) : (
          <p id="settings-grace-hint" className="hint">
            The old token ends as soon as every place has the new one; if a place fails, it lasts
            this long so no pipeline sees a dead token.
          </p>
        )}

        <label className="choice settings-check">
          <input
            type="checkbox"
            checked={reminders}
            onChange={(e) => {
              setReminders(e.target.checked);
              setSaved(false);
            }}
            aria-describedby="settings-reminders-hint"
          />
          Remind me before a token expires
        </label>
        <p id="settings-reminders-hint" className="hint">
          A desktop notification 7 days and 1 day before, and when it has expired; once each.
        </p>

        <label htmlFor="settings-theme">Theme</label>
        <select
          id="settings-theme"
          value={theme}
          onChange={(e) => setTheme(e.target.value as Theme)}
        >
          <option value="system">Follow the system</option>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </select>

        <p className="hint">
          Keychain:{' '}
          {session.keychain === 'available'
            ? 'your session is stored in the system keychain.'
            : 'unavailable; sessions are kept in memory only.'}
        </p>
        <button type="submit" className="primary">
          Save settings
        </button>
      </form>
      {providerAccounts}
    </main>
  );
}
