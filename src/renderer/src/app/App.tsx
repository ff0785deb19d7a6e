import { Suspense, useCallback, useEffect, useState, type ReactNode } from 'react';
import type { SessionState, Settings } from '../../../shared/ipc-contract';
import type { OpenTokenEvent } from '../../../shared/ipc-channels';
import { call, desk, messageOf, type DeskFailure } from '../lib/bridge';
import { Banner } from '../components/Banner';
import { lazyNamed, Loading } from '../components/Lazy';
import { SignInScreen } from '../features/accounts/components/SignInScreen';
import type { Command } from './CommandPalette';
import { Navigation, type Screen } from './Navigation';
import { SignedInWindow } from './SignedInWindow';

// Opened now and then: loaded when first opened, not at start-up.
const ActivityScreen = lazyNamed(() =>
  import('../features/activity/components/ActivityScreen').then((m) => m.ActivityScreen),
);
const SettingsScreen = lazyNamed(() =>
  import('../features/settings/components/SettingsScreen').then((m) => m.SettingsScreen),
);
const ConnectedAccounts = lazyNamed(() =>
  import('../features/connections/components/ConnectedAccounts').then((m) => m.ConnectedAccounts),
);
const ProviderAccounts = lazyNamed(() =>
  import('../features/accounts/components/ProviderAccounts').then((m) => m.ProviderAccounts),
);

const SIGNED_IN_SCREENS: readonly Screen[] = ['tokens', 'activity', 'settings'];
const SIGNED_OUT_SCREENS: readonly Screen[] = ['tokens', 'settings'];

export function App() {
  const [session, setSession] = useState<SessionState | null>(null);
  const [settings, setSettings] = useState<Settings | null>(null);
  const [view, setView] = useState<Screen>('tokens');
  /** A Settings card to open at (an error banner's "Company network settings"). */
  const [settingsCard, setSettingsCard] = useState<'network' | null>(null);
  /** What the shown screen adds to the command palette. */
  const [screenCommands, setScreenCommands] = useState<readonly Command[]>([]);
  const [startupError, setStartupError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  /** After a session is lost, the sign-in form starts with its email filled in. */
  const [lastEmail, setLastEmail] = useState('');
  const [keychainNoticeShown, setKeychainNoticeShown] = useState(false);
  /** A clicked expiry reminder: the token whose details to open (main made its account active). */
  const [openToken, setOpenToken] = useState<OpenTokenEvent | null>(null);
  /** Counts the CI provider accounts added or removed, so Connected accounts lists them too. */
  const [providerChanges, setProviderChanges] = useState(0);

  useEffect(
    () =>
      desk().onUiOpenToken?.((event) => {
        void call(desk().sessionGet()).then(
          (next) => {
            setSession(next);
            setView('tokens');
            setOpenToken(event);
          },
          (error: unknown) => setNotice(messageOf(error)),
        );
      }),
    [],
  );

  useEffect(() => {
    Promise.all([call(desk().settingsGet()), call(desk().sessionGet())]).then(
      ([loadedSettings, loadedSession]) => {
        setSettings(loadedSettings);
        setSession(loadedSession);
      },
      (error: unknown) => setStartupError(messageOf(error)),
    );
  }, []);

  useEffect(() => {
    if (settings) document.documentElement.dataset.theme = settings.theme;
  }, [settings]);

  const onSessionLost = useCallback(async (error: DeskFailure, email: string) => {
    setNotice(error.message);
    setLastEmail(email);
    setSession(await call(desk().sessionGet()));
    setView('tokens');
  }, []);

  const onSignedIn = (next: SessionState) => {
    setNotice(null);
    setSession(next);
  };

  if (startupError) {
    return (
      <main className="centered">
        <Banner tone="error">{startupError}</Banner>
      </main>
    );
  }
  if (!session || !settings) {
    return (
      <main className="centered" aria-busy="true">
        <p className="muted">Loading Token Desk…</p>
      </main>
    );
  }

  const keychainBanner =
    session.keychainMessage && !keychainNoticeShown ? (
      <Banner
        tone="warning"
        action={
          <button
            type="button"
            className="link-button"
            onClick={() => setKeychainNoticeShown(true)}
          >
            Dismiss
          </button>
        }
      >
        {session.keychainMessage}
      </Banner>
    ) : null;

  const signedIn = session.account !== null;
  let screen: ReactNode;
  if (view === 'activity' && session.account) {
    screen = (
      <Suspense fallback={<Loading />}>
        <ActivityScreen />
      </Suspense>
    );
  } else if (view === 'settings') {
    screen = (
      <Suspense fallback={<Loading />}>
        <SettingsScreen
          settings={settings}
          session={session}
          onSaved={setSettings}
          openAt={settingsCard}
          connections={<ConnectedAccounts signedIn={signedIn} reloadKey={providerChanges} />}
          providerAccounts={
            <ProviderAccounts
              signedIn={signedIn}
              onChanged={() => setProviderChanges((count) => count + 1)}
            />
          }
        />
      </Suspense>
    );
  } else if (!session.account) {
    screen = (
      <SignInScreen
        defaultServiceUrl={settings.serviceUrl}
        defaultEmail={lastEmail}
        notice={notice}
        banner={keychainBanner}
        onSignedIn={onSignedIn}
        onOpenSettings={(card) => {
          setSettingsCard(card ?? null);
          setView('settings');
        }}
      />
    );
  } else {
    screen = (
      <SignedInWindow
        // Another account is another list, filters, selection and popup: a fresh window.
        key={`${session.account.serviceUrl} ${session.account.email}`}
        account={session.account}
        accounts={session.accounts}
        banner={keychainBanner}
        graceSeconds={settings.rotationGraceSeconds}
        onSessionLost={onSessionLost}
        onSessionChanged={setSession}
        openToken={openToken}
        onOpenedToken={() => setOpenToken(null)}
        onCommands={setScreenCommands}
        onOpenNetworkSettings={() => {
          setSettingsCard('network');
          setView('settings');
        }}
      />
    );
  }

  return (
    <Navigation
      current={view === 'activity' && !signedIn ? 'tokens' : view}
      offered={signedIn ? SIGNED_IN_SCREENS : SIGNED_OUT_SCREENS}
      signedIn={signedIn}
      onGo={(next) => {
        setSettingsCard(null);
        setView(next);
      }}
      commands={screenCommands}
    >
      {screen}
    </Navigation>
  );
}
