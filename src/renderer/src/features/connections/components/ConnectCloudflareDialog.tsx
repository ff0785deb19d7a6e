import { useId, useState, type FormEvent } from 'react';
import type { ConnectionInfo } from '../../../../../shared/ipc-contract';
import { Banner } from '../../../components/Banner';
import { Dialog } from '../../../components/Dialog';
import { messageOf } from '../../../lib/bridge';
import { connectCloudflare } from '../api';
import { addressProblem, PUBLIC_VENDOR_HOSTS, tokenProblem } from '../rules';
import { ConnectField, ConnectFooter, MoreOptions } from './ConnectField';

interface Props {
  onConnected: (connection: ConnectionInfo) => void;
  onCancel: () => void;
}

/**
 * Connects a Cloudflare account with an API token that may manage API tokens; main
 * checks it with Cloudflare before keeping it. The API address (for a stand-in or a
 * proxy) is under More options. What was typed stays after a refusal.
 */
export function ConnectCloudflareDialog({ onConnected, onCancel }: Props) {
  const id = useId();
  const [token, setToken] = useState('');
  const [address, setAddress] = useState(PUBLIC_VENDOR_HOSTS.cloudflare);
  const [moreOpen, setMoreOpen] = useState(false);
  const [checked, setChecked] = useState<ReadonlySet<'token' | 'address'>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const tokenError = checked.has('token') ? tokenProblem(token, 'API token') : null;
  const addressError = checked.has('address') ? addressProblem('cloudflare', address) : null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setChecked(new Set(['token', 'address']));
    if (tokenProblem(token, 'API token') !== null) {
      document.getElementById(`${id}-token`)?.focus();
      return;
    }
    if (addressProblem('cloudflare', address) !== null) {
      // A wrong address is shown, not hidden under a closed disclosure.
      setMoreOpen(true);
      requestAnimationFrame(() => document.getElementById(`${id}-address`)?.focus());
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const connected = await connectCloudflare(address.trim(), token.trim());
      setToken('');
      onConnected(connected);
    } catch (failure) {
      setError(messageOf(failure));
      setBusy(false);
    }
  }

  return (
    <Dialog
      title="Connect Cloudflare"
      onDismiss={() => !busy && onCancel()}
      description="Token Desk lists, creates, rolls and deletes your Cloudflare API tokens with this account. Its token is kept in your system keychain."
    >
      <form onSubmit={(event) => void submit(event)} noValidate className="form connect-form">
        {error && <Banner tone="error">{error}</Banner>}
        <ConnectField
          id={`${id}-token`}
          label="API token"
          variant="secret"
          value={token}
          onChange={setToken}
          onBlur={() => token !== '' && setChecked((before) => new Set(before).add('token'))}
          readOnly={busy}
          error={tokenError}
          autoFocus
          hint="An API token made from Cloudflare’s “Create additional tokens” template (permission “API Tokens Write”), to list and make tokens; with “User Details Read” too, Token Desk shows the account’s email. Kept in your system keychain; Token Desk never shows it again."
        />

        <MoreOptions
          id={`${id}-more`}
          open={moreOpen}
          onToggle={() => setMoreOpen((open) => !open)}
        >
          <ConnectField
            id={`${id}-address`}
            label="API address"
            variant="url"
            value={address}
            onChange={setAddress}
            onBlur={() => setChecked((before) => new Set(before).add('address'))}
            readOnly={busy}
            error={addressError}
            hint="Leave as it is unless your company reaches Cloudflare’s API through an address of its own."
          />
        </MoreOptions>

        <p className="connect-status" role="status">
          {busy ? 'Checking the token with Cloudflare…' : ''}
        </p>

        <ConnectFooter busy={busy} onCancel={onCancel} />
      </form>
    </Dialog>
  );
}
