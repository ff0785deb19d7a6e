import { useId, useState, type FormEvent } from 'react';
import type { ConnectionInfo } from '../../../../../shared/ipc-contract';
import { Banner } from '../../../components/Banner';
import { Dialog } from '../../../components/Dialog';
import { messageOf } from '../../../lib/bridge';
import { connectGitHub } from '../api';
import { addressProblem, loginProblem, PUBLIC_GITHUB } from '../rules';
import { ConnectField, ConnectFooter, MoreOptions } from './ConnectField';

interface Props {
  onConnected: (connection: ConnectionInfo) => void;
  onCancel: () => void;
}

/**
 * Connects a GitHub account by its login alone, to track its personal access tokens.
 * GitHub has no API to list them, so no credential is needed: each token's value is
 * checked with GitHub when the person pastes it in Token Desk's own prompt. A GitHub
 * Enterprise Server's address is under More options. What was typed stays after a
 * refusal.
 */
export function ConnectGitHubDialog({ onConnected, onCancel }: Props) {
  const id = useId();
  const [login, setLogin] = useState('');
  const [address, setAddress] = useState(PUBLIC_GITHUB);
  const [moreOpen, setMoreOpen] = useState(false);
  const [checked, setChecked] = useState<ReadonlySet<'login' | 'address'>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const loginError = checked.has('login') ? loginProblem(login) : null;
  const addressError = checked.has('address') ? addressProblem('github', address) : null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setChecked(new Set(['login', 'address']));
    if (loginProblem(login) !== null) {
      document.getElementById(`${id}-login`)?.focus();
      return;
    }
    if (addressProblem('github', address) !== null) {
      setMoreOpen(true);
      requestAnimationFrame(() => document.getElementById(`${id}-address`)?.focus());
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onConnected(await connectGitHub(address.trim(), login.trim()));
    } catch (failure) {
      setError(messageOf(failure));
      setBusy(false);
    }
  }

  return (
    <Dialog
      title="Connect GitHub"
      onDismiss={() => !busy && onCancel()}
      description="Token Desk tracks your GitHub personal access tokens: when each expires, where it is used, and a guided rotation. No access token is needed for that, and none is kept."
    >
      <form onSubmit={(event) => void submit(event)} noValidate className="form connect-form">
        {error && <Banner tone="error">{error}</Banner>}
        <ConnectField
          id={`${id}-login`}
          label="GitHub login"
          value={login}
          onChange={setLogin}
          onBlur={() => login !== '' && setChecked((before) => new Set(before).add('login'))}
          readOnly={busy}
          error={loginError}
          autoFocus
          hint="Your user name on GitHub, as in github.com/octocat. GitHub has no API that lists your tokens: you add each one from the token list, and Token Desk checks its value with GitHub then."
        />

        <MoreOptions
          id={`${id}-more`}
          open={moreOpen}
          onToggle={() => setMoreOpen((open) => !open)}
        >
          <ConnectField
            id={`${id}-address`}
            label="GitHub address"
            variant="url"
            value={address}
            onChange={setAddress}
            onBlur={() => setChecked((before) => new Set(before).add('address'))}
            readOnly={busy}
            error={addressError}
            hint="Leave as it is for github.com. For GitHub Enterprise Server, its address, such as https://github.example.com."
          />
        </MoreOptions>

        <p className="hint connect-explain">
          To send secrets to GitHub Actions as well, add this account with an access token under CI
          provider accounts instead: it tracks tokens too.
        </p>

        <p className="connect-status" role="status">
          {busy ? 'Looking the login up on GitHub…' : ''}
        </p>

        <ConnectFooter busy={busy} onCancel={onCancel} />
      </form>
    </Dialog>
  );
}
