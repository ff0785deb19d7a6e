import { useState, type FormEvent, type ReactNode } from 'react';
import type { SessionState } from '../../../../../shared/ipc-contract';
import { normalizeServiceUrl } from '../../../../../shared/service-url';
import { emailProblem, passwordProblem, PASSWORD_MIN_LENGTH } from '../account-rules';
import { call, desk, DeskFailure, messageOf } from '../../../lib/bridge';
import { Banner } from '../../../components/Banner';
import { useScreen } from '../../../lib/use-screen';

interface Props {
  defaultServiceUrl: string;
  defaultEmail: string;
  notice: string | null;
  banner: ReactNode;
  onSignedIn: (state: SessionState) => void;
  /** `network`: at the Company network card (a proxy sign-in or certificate failure). */
  onOpenSettings: (card?: 'network') => void;
}

type Field = 'service-url' | 'email' | 'password';

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
  /** The failure is the company network's (proxy sign-in, certificate): Settings can fix it. */
  const [networkFailure, setNetworkFailure] = useState(false);
  /** Fields left (blurred) or submitted once: their problems show, and update as the user types. */
  const [checked, setChecked] = useState<ReadonlySet<Field>>(new Set());

  const signUp = mode === 'sign-up';
  // The form focuses its first empty field itself.
  useScreen(signUp ? 'Create your account' : 'Sign in', { focusHeading: false });
  const url = normalizeServiceUrl(serviceUrl);
  const problems: Record<Field, string | null> = {
    'service-url': url.ok ? null : url.message,
    email: emailProblem(email, signUp),
    password: passwordProblem(password, signUp),
  };
  const shown = (field: Field) => (checked.has(field) ? problems[field] : null);
  const check = (field: Field) => setChecked((before) => new Set(before).add(field));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null); // the last attempt's answer no longer applies
    const fields: Field[] = ['service-url', 'email', 'password'];
    setChecked(new Set(fields));
    const firstInvalid = fields.find((field) => problems[field] !== null);
    if (firstInvalid || !url.ok) {
      document.getElementById(firstInvalid ?? 'service-url')?.focus();
      return;
    }
    setBusy(true);
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
      setNetworkFailure(
        failure instanceof DeskFailure && /^(proxy_auth_failed|certificate_)/.test(failure.code),
      );
    } finally {
      setBusy(false);
    }
  }

  const fieldError = (field: Field) => {
    const problem = shown(field);
    return problem ? (
      <p id={`${field}-error`} className="field-error" role="alert">
        {problem}
      </p>
    ) : null;
  };
  const describedBy = (field: Field, hint?: string) =>
    [hint, shown(field) ? `${field}-error` : undefined].filter(Boolean).join(' ') || undefined;

  return (
    <main className="centered">
      <form className="card sign-in" onSubmit={submit} aria-labelledby="sign-in-title" noValidate>
        <h1 id="sign-in-title">{signUp ? 'Create your account' : 'Sign in to Token Desk'}</h1>
        <p className="muted">
          Manage the API tokens your CI pipelines use: create, copy once, rotate, revoke.
        </p>
        {banner}
        {notice && <Banner tone="info">{notice}</Banner>}
        {error && (
          <Banner
            tone="error"
            action={
              networkFailure ? (
                <button
                  type="button"
                  className="secondary small"
                  onClick={() => onOpenSettings('network')}
                >
                  Company network settings
                </button>
              ) : undefined
            }
          >
            {error}
          </Banner>
        )}

        <label htmlFor="service-url">Service URL</label>
        <input
          id="service-url"
          type="url"
          value={serviceUrl}
          onChange={(e) => setServiceUrl(e.target.value)}
          onBlur={() => check('service-url')}
          aria-invalid={shown('service-url') ? true : undefined}
          aria-describedby={describedBy('service-url')}
          required
        />
        {fieldError('service-url')}

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
          onBlur={() => email && check('email')}
          autoComplete="username"
          aria-invalid={shown('email') ? true : undefined}
          aria-describedby={describedBy('email')}
          required
          autoFocus={!defaultEmail}
        />
        {fieldError('email')}

        <label htmlFor="password">Password</label>
        <input
          id="password"
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          onBlur={() => password && check('password')}
          autoComplete={signUp ? 'new-password' : 'current-password'}
          autoFocus={Boolean(defaultEmail)}
          aria-invalid={shown('password') ? true : undefined}
          aria-describedby={describedBy('password', signUp ? 'password-hint' : undefined)}
          required
        />
        {signUp && !shown('password') && (
          <p id="password-hint" className="hint">
            At least {PASSWORD_MIN_LENGTH} characters.
          </p>
        )}
        {fieldError('password')}

        <button type="submit" className="primary" disabled={busy}>
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
          <button type="button" className="link-button" onClick={() => onOpenSettings()}>
            Settings
          </button>
        </div>
      </form>
    </main>
  );
}
