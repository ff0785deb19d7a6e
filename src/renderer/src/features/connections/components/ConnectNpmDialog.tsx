import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { ConnectionInfo } from '../../../../../shared/ipc-contract';
import { Banner } from '../../../components/Banner';
import { Dialog } from '../../../components/Dialog';
import { messageOf } from '../../../lib/bridge';
import { cancelNpmSignIn, connectNpm } from '../api';
import { addressProblem, PUBLIC_VENDOR_HOSTS, tokenProblem } from '../rules';
import { ConnectField, ConnectFooter } from './ConnectField';

type Method = 'sign-in' | 'token';

interface Props {
  onConnected: (connection: ConnectionInfo) => void;
  onCancel: () => void;
}

/**
 * Connects an npm account: by signing in (main asks the user name, password and any
 * one-time code in its own window, which this page never sees; the call stays pending
 * meanwhile) or with an access token. What was typed stays after a refusal; the
 * token's state is emptied once main has it for good.
 */
export function ConnectNpmDialog({ onConnected, onCancel }: Props) {
  const id = useId();
  const [registry, setRegistry] = useState(PUBLIC_VENDOR_HOSTS.npm);
  const [method, setMethod] = useState<Method>('sign-in');
  const [token, setToken] = useState('');
  const [checked, setChecked] = useState<ReadonlySet<'registry' | 'token'>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<Method | null>(null);
  const [stopping, setStopping] = useState(false);
  const statusRef = useRef<HTMLDivElement>(null);
  // In a short window the body scrolls: keep "Waiting for you to sign in…" in sight.
  useEffect(() => {
    if (busy) statusRef.current?.scrollIntoView({ block: 'nearest' });
  }, [busy]);

  const registryError = checked.has('registry') ? addressProblem('npm', registry) : null;
  const tokenError =
    method === 'token' && checked.has('token') ? tokenProblem(token, 'access token') : null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setChecked(new Set(['registry', 'token']));
    if (addressProblem('npm', registry) !== null) {
      document.getElementById(`${id}-registry`)?.focus();
      return;
    }
    if (method === 'token' && tokenProblem(token, 'access token') !== null) {
      document.getElementById(`${id}-token`)?.focus();
      return;
    }
    setBusy(method);
    setError(null);
    try {
      const connected = await connectNpm(
        registry.trim(),
        method === 'token' ? token.trim() : undefined,
      );
      setToken('');
      onConnected(connected);
    } catch (failure) {
      setError(messageOf(failure));
      setBusy(null);
      setStopping(false);
    }
  }

  /** Main stops waiting; the pending connect call then fails and the dialog says so. */
  async function stopSigningIn() {
    setStopping(true);
    try {
      await cancelNpmSignIn();
    } catch (failure) {
      setError(messageOf(failure));
      setStopping(false);
    }
  }

  return (
    <Dialog
      title="Connect npm"
      onDismiss={() => !busy && onCancel()}
      description="Token Desk lists, creates and deletes your npm tokens with this account. Its credential is kept in your system keychain."
    >
      <form onSubmit={(event) => void submit(event)} noValidate className="form connect-form">
        {error && <Banner tone="error">{error}</Banner>}
        <ConnectField
          id={`${id}-registry`}
          label="Registry URL"
          variant="url"
          value={registry}
          onChange={setRegistry}
          onBlur={() => setChecked((before) => new Set(before).add('registry'))}
          readOnly={busy !== null}
          error={registryError}
          autoFocus
          hint="The public registry, or any registry that speaks npm’s token API (https, or http on this computer)."
        />

        <fieldset disabled={busy !== null}>
          <legend>How to connect</legend>
          <div className="choices connect-choices">
            <label className="choice">
              <input
                type="radio"
                name={`${id}-method`}
                checked={method === 'sign-in'}
                onChange={() => setMethod('sign-in')}
              />
              Sign in with user name and password
            </label>
            <label className="choice">
              <input
                type="radio"
                name={`${id}-method`}
                checked={method === 'token'}
                onChange={() => setMethod('token')}
              />
              Use an access token
            </label>
          </div>
        </fieldset>

        {method === 'sign-in' ? (
          <p className="hint connect-explain">
            Token Desk asks your npm user name, password and any one-time code in a window of its
            own; this window never sees them. The password goes only to the registry, and Token Desk
            keeps the sign-in token the registry answers with, never the password. On
            registry.npmjs.org a sign-in lasts two hours: for a lasting connection, use an access
            token.
          </p>
        ) : (
          <ConnectField
            id={`${id}-token`}
            label="Access token"
            variant="secret"
            value={token}
            onChange={setToken}
            onBlur={() => token !== '' && setChecked((before) => new Set(before).add('token'))}
            readOnly={busy !== null}
            error={tokenError}
            hint="A granular access token that may read and write tokens, from your account’s Access Tokens page. Kept in your system keychain; Token Desk never shows it again."
          />
        )}

        <div ref={statusRef}>
          <p className="connect-status" role="status">
            {busy === 'sign-in'
              ? 'Waiting for you to sign in…'
              : busy === 'token'
                ? 'Checking the token with npm…'
                : ''}
          </p>
          {busy === 'sign-in' && (
            <>
              <p className="hint">
                Sign in in Token Desk’s “Sign in to npm” window, or on the page it opened in your
                browser if the registry signs in there. A browser sign-in left unfinished stops by
                itself after 5 minutes.
              </p>
              <button
                type="button"
                className="secondary small"
                onClick={() => void stopSigningIn()}
                disabled={stopping}
              >
                {stopping ? 'Stopping…' : 'Stop signing in'}
              </button>
            </>
          )}
        </div>

        <ConnectFooter busy={busy !== null} onCancel={onCancel} />
      </form>
    </Dialog>
  );
}
