import { useState, type FormEvent, type ReactNode } from 'react';
import type { SessionState } from '../../../shared/ipc-contract';
import { normalizeServiceUrl } from '../../../shared/service-url';
import { call, desk, messageOf } from '../bridge';
import { Banner } from '../components/Banner';

interface Props {
  defaultServiceUrl: string;
  defaultEmail: string;
  notice: string | null;
  banner: ReactNode;
  onSignedIn: (state: SessionState) => void;
  onOpenSettings: () => void;
}

export function SignInScreen({
  defaultServiceUrl,
  defaultEmail,
  notice,
  banner,
  onSignedIn,
  onOpenSettings,
}: Props) {
  const [mode, setMode] = useState<'sign-in' | 'sign-up'>('sign-in');
  const [serviceUrl, setServiceUrl] = useState(defaultServiceUrl);
  const [email, setEmail] = useState(defaultEmail);
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [urlError, setUrlError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const url = normalizeServiceUrl(serviceUrl);
    setUrlError(url.ok ? null : url.message);
    if (!url.ok) return;
    setBusy(true);
    setError(null);
    try {
      const state =
        mode === 'sign-in'
          ? await call(desk().sessionSignIn({ serviceUrl: url.url, email, password }))
          : await call(
              desk().sessionSignUp({
                serviceUrl: url.url,
                email,
                password,
                ...(name.trim() ? { name } : {}),
              }),
            );
      setPassword('');
      onSignedIn(state);
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  }

  const signUp = mode === 'sign-up';
  return (
    <main className="centered">
      <form className="card sign-in" onSubmit={submit} aria-labelledby="sign-in-title" noValidate>
        <h1 id="sign-in-title">{signUp ? 'Create your account' : 'Sign in to Token Desk'}</h1>
        <p className="muted">
          Manage the API tokens your CI pipelines use: create, copy once, rotate, revoke.
        </p>
        {banner}
        {notice && <Banner tone="info">{notice}</Banner>}
        {error && <Banner tone="error">{error}</Banner>}

        <label htmlFor="service-url">Service URL</label>
        <input
          id="service-url"
          type="url"
          value={serviceUrl}
          onChange={(e) => setServiceUrl(e.target.value)}
          aria-invalid={urlError ? true : undefined}
          aria-describedby={urlError ? 'service-url-error' : undefined}
          required
        />
        {urlError && (
          <p id="service-url-error" className="field-error">
            {urlError}
          </p>
        )}

        {signUp && (
          <>
            <label htmlFor="account-name">Name (optional)</label>
            <input
              id="account-name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              autoComplete="name"
            />
          </>
        )}

        <label htmlFor="email">Email</label>
        <input
          id="email"
          type="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          autoComplete="username"
          required
          autoFocus={!defaultEmail}
        />

        <label htmlFor="password">Password</label>
        <input
          id="password"
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          autoComplete={signUp ? 'new-password' : 'current-password'}
          autoFocus={Boolean(defaultEmail)}
          aria-describedby={signUp ? 'password-hint' : undefined}
          required
        />
        {signUp && (
          <p id="password-hint" className="hint">
            At least 8 characters.
          </p>
        )}

        <button type="submit" className="primary" disabled={busy || !email || !password}>
          {busy
            ? signUp
              ? 'Creating account…'
              : 'Signing in…'
            : signUp
              ? 'Create account'
              : 'Sign in'}
        </button>
        <div className="row-between">
          <button
            type="button"
            className="link-button"
            onClick={() => {
              setMode(signUp ? 'sign-in' : 'sign-up');
              setError(null);
            }}
          >
            {signUp ? 'I already have an account' : 'Create an account'}
          </button>
          <button type="button" className="link-button" onClick={onOpenSettings}>
            Settings
          </button>
        </div>
      </form>
    </main>
  );
}
