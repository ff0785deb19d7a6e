import { useEffect, useState, type ReactNode } from 'react';
import {
  ROTATION_GRACE_SECONDS,
  type SessionState,
  type Settings,
} from '../../../../../shared/ipc-contract';
import { normalizeServiceUrl } from '../../../../../shared/service-url';
import { CLIPBOARD_CLEAR_SECONDS, type Theme } from '../../../../../shared/settings-rules';
import { useScreen } from '../../../lib/use-screen';
import { useSettingSaver } from '../hooks/use-setting-saver';
import { CompanyNetwork, COMPANY_NETWORK_CARD } from './CompanyNetwork';
import { NumberSetting } from './NumberSetting';
import { failureOf, SaveStatus, SettingNote, SettingSection } from './SettingSection';

const GRACE_MINUTES = {
  min: ROTATION_GRACE_SECONDS.min / 60,
  max: ROTATION_GRACE_SECONDS.max / 60,
};

interface Props {
  settings: Settings;
  session: SessionState;
  onSaved: (settings: Settings) => void;
  /** The CI provider accounts section (the accounts feature's, composed by the app). */
  providerAccounts: ReactNode;
  /** The body of "Connected accounts" (the connections feature's, composed by the app). */
  connections?: ReactNode;
  /** A card to show and focus on opening (an error banner's "Company network settings"). */
  openAt?: 'network' | null;
}

/**
 * Settings as sections with headings, each change saved and applied at once with
 * "Saved" beside it; the theme changes the window as it is chosen.
 */
export function SettingsScreen({
  settings,
  session,
  onSaved,
  providerAccounts,
  connections = null,
  openAt = null,
}: Props) {
  const heading = useScreen('Settings', { focusHeading: openAt === null });
  useEffect(() => {
    if (openAt !== 'network') return;
    const card = document.getElementById(COMPANY_NETWORK_CARD);
    card?.scrollIntoView({ block: 'start' });
    document.getElementById(`${COMPANY_NETWORK_CARD}-title`)?.focus();
  }, [openAt]);
  const { states, save, forget } = useSettingSaver(onSaved);
  const [serviceUrl, setServiceUrl] = useState(settings.serviceUrl);
  const [urlChecked, setUrlChecked] = useState(false);
  // A choice shows at once, and goes back if main refuses it.
  const [theme, setTheme] = useState(settings.theme);
  const [reminders, setReminders] = useState(settings.expiryReminders);
  async function choose<K extends 'theme' | 'expiryReminders'>(
    key: K,
    value: Settings[K],
    show: (value: Settings[K]) => void,
  ) {
    show(value);
    const next = await save(key, value);
    if (!next) show(settings[key]);
  }
  const url = normalizeServiceUrl(serviceUrl);
  const urlSave = states.serviceUrl;
  const urlError = urlChecked && !url.ok ? url.message : failureOf(urlSave);

  async function commitUrl() {
    setUrlChecked(true);
    if (!url.ok || serviceUrl === settings.serviceUrl) return;
    const next = await save('serviceUrl', serviceUrl);
    // Shown as main kept it (without a trailing slash, for one).
    if (next) setServiceUrl(next.serviceUrl);
  }

  return (
    <main className="page">
      <header className="toolbar">
        <h1 ref={heading} tabIndex={-1}>
          Settings
        </h1>
        <p className="muted toolbar-note">Changes are saved as you make them.</p>
      </header>
      <div className="settings-page">
        <SettingSection id="settings-appearance" title="Appearance">
          <div className="setting">
            <label htmlFor="settings-theme">Theme</label>
            <div className="setting-control">
              <select
                id="settings-theme"
                value={theme}
                onChange={(e) => void choose('theme', e.target.value as Theme, setTheme)}
                aria-describedby={
                  failureOf(states.theme) ? 'settings-theme-error' : 'settings-theme-hint'
                }
              >
                <option value="system">Follow the system</option>
                <option value="light">Light</option>
                <option value="dark">Dark</option>
              </select>
              <SaveStatus save={states.theme} />
            </div>
            <SettingNote
              id="settings-theme"
              error={failureOf(states.theme)}
              hint="The window changes as you choose."
            />
          </div>
        </SettingSection>

        <SettingSection id="settings-secrets" title="Copied secrets">
          <NumberSetting
            id="settings-clipboard"
            label="Clear a copied secret from the clipboard after (seconds)"
            hint="Only if the clipboard still holds the secret. It is also cleared when Token Desk quits."
            value={settings.clipboardClearSeconds}
            min={CLIPBOARD_CLEAR_SECONDS.min}
            max={CLIPBOARD_CLEAR_SECONDS.max}
            rangeMessage={`Clear the clipboard after ${CLIPBOARD_CLEAR_SECONDS.min} to ${CLIPBOARD_CLEAR_SECONDS.max} seconds.`}
            save={states.clipboardClearSeconds}
            onCommit={(seconds) => void save('clipboardClearSeconds', seconds)}
            onEdit={() => forget('clipboardClearSeconds')}
          />
        </SettingSection>

        <SettingSection id="settings-rotation" title="Rotation">
          <NumberSetting
            id="settings-grace"
            label="When rotating a token used in CI, keep the old one working for (minutes)"
            hint="The old token ends as soon as every place has the new one; if a place fails, it lasts this long so no pipeline sees a dead token."
            value={Math.round(settings.rotationGraceSeconds / 60)}
            min={GRACE_MINUTES.min}
            max={GRACE_MINUTES.max}
            rangeMessage={`Keep the old token for ${GRACE_MINUTES.min} to ${GRACE_MINUTES.max.toLocaleString()} minutes (7 days).`}
            save={states.rotationGraceSeconds}
            onCommit={(minutes) => void save('rotationGraceSeconds', minutes * 60)}
            onEdit={() => forget('rotationGraceSeconds')}
          />
        </SettingSection>

        <SettingSection id="settings-reminders" title="Expiry reminders">
          <div className="setting">
            <div className="setting-control">
              <label className="choice">
                <input
                  type="checkbox"
                  checked={reminders}
                  onChange={(e) => void choose('expiryReminders', e.target.checked, setReminders)}
                  aria-describedby={
                    failureOf(states.expiryReminders)
                      ? 'settings-reminders-error'
                      : 'settings-reminders-hint'
                  }
                />
                Remind me before a token expires
              </label>
              <SaveStatus save={states.expiryReminders} />
            </div>
            <SettingNote
              id="settings-reminders"
              error={failureOf(states.expiryReminders)}
              hint="A desktop notification 7 days and 1 day before, and when it has expired; once each."
            />
          </div>
        </SettingSection>

        <SettingSection id="settings-service" title="Token service">
          <div className="setting">
            <label htmlFor="settings-service-url">Service URL</label>
            <div className="setting-control">
              <input
                id="settings-service-url"
                type="url"
                value={serviceUrl}
                onChange={(e) => {
                  setServiceUrl(e.target.value);
                  forget('serviceUrl');
                }}
                onBlur={() => void commitUrl()}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') void commitUrl();
                }}
                aria-invalid={urlError ? true : undefined}
                aria-describedby={
                  urlError
                    ? 'settings-service-url-error settings-service-url-hint'
                    : 'settings-service-url-hint'
                }
              />
              <SaveStatus save={urlSave} />
            </div>
            {urlError && (
              <p id="settings-service-url-error" className="field-error" role="alert">
                {urlError}
              </p>
            )}
            <p id="settings-service-url-hint" className="hint">
              {session.account
                ? `The service you sign in to next. This session stays with ${session.account.serviceUrl}; sign out and sign in to use another.`
                : 'The service the sign-in form starts with.'}
            </p>
          </div>
        </SettingSection>

        <SettingSection id="settings-keychain" title="Keychain">
          <p className={session.keychain === 'available' ? undefined : 'field-warning'}>
            {session.keychain === 'available'
              ? 'Your sessions are stored in the system keychain, so you stay signed in after Token Desk quits.'
              : 'No system keychain: sessions are kept in memory only, so you sign in again after Token Desk quits.'}
          </p>
        </SettingSection>

        <CompanyNetwork />

        {connections && (
          <SettingSection id="settings-connections" title="Connected accounts">
            {connections}
          </SettingSection>
        )}

        {providerAccounts}
      </div>
    </main>
  );
}
