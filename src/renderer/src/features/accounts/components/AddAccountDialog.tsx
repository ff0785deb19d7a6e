import { useId, useState, type FormEvent } from 'react';
import type { SessionState } from '../../../../../shared/ipc-contract';
import { normalizeServiceUrl } from '../../../../../shared/service-url';
import { emailProblem, passwordProblem } from '../account-rules';
import { call, desk, messageOf } from '../../../lib/bridge';
import { Banner } from '../../../components/Banner';
import { Dialog } from '../../../components/Dialog';

interface Props {
  defaultServiceUrl: string;
  /** Signing in again to a known account whose session ended. */
  email?: string;
  onAdded: (state: SessionState) => void;
  onCancel: () => void;
}

/** Another Token Desk account (another email, or another service): its own session and keychain entry. */
export function AddAccountDialog({
  defaultServiceUrl,
  email: knownEmail,
  onAdded,
  onCancel,
}: Props) {
  const id = useId();
  const [serviceUrl, setServiceUrl] = useState(defaultServiceUrl);
  const [email, setEmail] = useState(knownEmail ?? '');
  const [password, setPassword] = useState('');
  const [checked, setChecked] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const url = normalizeServiceUrl(serviceUrl);
  const urlError = checked && !url.ok ? url.message : null;
  const emailError = checked ? emailProblem(email, false) : null;
  const passwordError = checked ? passwordProblem(password, false) : null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setChecked(true);
    if (!url.ok || emailProblem(email, false) || passwordProblem(password, false)) return;
    setBusy(true);
    setError(null);
    try {
      onAdded(
        await call(
          desk().accountsAdd({ mode: 'sign-in', serviceUrl, email: email.trim(), password }),
        ),
      );
    } catch (failure) {
      // Emptied for the next attempt; the banner says why, not "enter your password".
      setPassword('');
      setChecked(false);
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  }

  const field = (
    name: string,
    label: string,
    value: string,
    set: (value: string) => void,
    problem: string | null,
    type: string,
    autoFocus: boolean,
  ) => (
    <>
      <label htmlFor={`${id}-${name}`}>{label}</label>
      <input
        id={`${id}-${name}`}
        type={type}
        value={value}
        onChange={(e) => set(e.target.value)}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? `${id}-${name}-error` : undefined}
        data-autofocus={autoFocus ? true : undefined}
        autoComplete={type === 'password' ? 'current-password' : undefined}
      />
      {problem && (
        <p id={`${id}-${name}-error`} className="field-error" role="alert">
          {problem}
        </p>
      )}
    </>
  );

  return (
    <Dialog
      title={knownEmail ? `Sign in to ${knownEmail} again` : 'Add another account'}
      description="Each account keeps its own session in the system keychain; the others stay signed in."
      onDismiss={() => !busy && onCancel()}
      footer={
        <>
          <button type="button" className="secondary" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
          <button type="submit" form={`${id}-form`} className="primary" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </>
      }
    >
      <form id={`${id}-form`} onSubmit={(e) => void submit(e)} noValidate>
        {error && <Banner tone="error">{error}</Banner>}
        {field('url', 'Service URL', serviceUrl, setServiceUrl, urlError, 'url', false)}
        {field('email', 'Email', email, setEmail, emailError, 'email', !knownEmail)}
        {field(
          'password',
          'Password',
          password,
          setPassword,
          passwordError,
          'password',
          !!knownEmail,
        )}
      </form>
    </Dialog>
  );
}
