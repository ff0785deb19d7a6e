import { useCallback, useEffect, useRef, useState } from 'react';
import type { ConnectionInfo } from '../../../../../shared/ipc-contract';
import { Banner } from '../../../components/Banner';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { messageOf } from '../../../lib/bridge';
import { disconnect, listConnections } from '../api';
import { disconnectLabels, isRemovableHere, isTokenless, rolesInWords } from '../rules';
import { ConnectCloudflareDialog } from './ConnectCloudflareDialog';
import { ConnectGitHubDialog } from './ConnectGitHubDialog';
import { ConnectNpmDialog } from './ConnectNpmDialog';

type Open =
  | { kind: 'npm' }
  | { kind: 'cloudflare' }
  | { kind: 'github' }
  | { kind: 'disconnect'; connection: ConnectionInfo; label: string };

type Listed =
  | { state: 'loading' }
  | { state: 'failed'; message: string }
  | { state: 'loaded'; connections: ConnectionInfo[] };

interface Props {
  signedIn: boolean;
  /** Changes when another card added or removed an account (the CI provider accounts). */
  reloadKey?: number;
}

/**
 * The body of Settings' "Connected accounts": every account the active Token Desk
 * account is connected to, what each does, and Connect npm… / Connect Cloudflare… /
 * Connect GitHub… (by login, to track tokens) / Disconnect for the accounts connected here. The token list reads its sources
 * afresh when it is shown again, so it has the new source on the way back.
 */
export function ConnectedAccounts({ signedIn, reloadKey = 0 }: Props) {
  const [listed, setListed] = useState<Listed>({ state: 'loading' });
  const [open, setOpen] = useState<Open | null>(null);
  const [status, setStatus] = useState('');
  const [removeError, setRemoveError] = useState<string | null>(null);
  /** Where focus goes once a dialog has closed and the list shows the change: a row's id, or Connect npm…. */
  const focusNext = useRef<string | null>(null);
  const connectNpmButton = useRef<HTMLButtonElement>(null);

  const load = useCallback(
    () =>
      listConnections().then(
        (connections) => setListed({ state: 'loaded', connections }),
        (failure: unknown) => setListed({ state: 'failed', message: messageOf(failure) }),
      ),
    [],
  );

  useEffect(() => {
    if (signedIn) void load();
  }, [signedIn, reloadKey, load]);

  // Runs after the closed dialog's clean-up has put focus back where it was (on a row
  // that may be gone); a new row gets it once the list shows it.
  useEffect(() => {
    const wanted = focusNext.current;
    if (wanted === null || open !== null) return;
    const target =
      wanted === 'connect-npm'
        ? connectNpmButton.current
        : document.getElementById(`connection-${wanted}`);
    if (!target) return;
    target.focus();
    focusNext.current = null;
  }, [open, listed]);

  if (!signedIn) {
    return <p className="muted">Sign in to connect npm, Cloudflare and GitHub accounts.</p>;
  }

  const connected = async (connection: ConnectionInfo) => {
    focusNext.current = connection.id;
    setOpen(null);
    setRemoveError(null);
    setStatus(
      `Connected ${connection.kindName} account ${connection.login}. Its tokens are in the token list.`,
    );
    await load();
  };

  const confirmDisconnect = async (connection: ConnectionInfo) => {
    try {
      await disconnect(connection.id);
    } catch (failure) {
      setRemoveError(messageOf(failure));
      return;
    }
    focusNext.current = 'connect-npm';
    setOpen(null);
    setRemoveError(null);
    setStatus(
      isTokenless(connection)
        ? `Disconnected ${connection.kindName} account ${connection.login}. Its tracked tokens left the token list.`
        : `Disconnected ${connection.kindName} account ${connection.login}. Its credential is gone from the keychain.`,
    );
    await load();
  };

  const connections = listed.state === 'loaded' ? listed.connections : [];
  const removable = connections.filter(isRemovableHere);
  const labels = disconnectLabels(removable);
  const vendorCount = removable.length;

  return (
    <div className="connections">
      <p className="hint connections-intro">
        Every account Token Desk acts for with this Token Desk account: the tokens they issue are
        listed side by side, and GitHub and GitLab accounts also receive CI secrets.
      </p>
      <p className="visually-hidden" role="status" aria-live="polite">
        {status}
      </p>
      {listed.state === 'loading' && (
        <p className="muted" aria-busy="true">
          Loading connected accounts…
        </p>
      )}
      {listed.state === 'failed' && (
        <Banner
          tone="error"
          action={
            <button type="button" className="secondary small" onClick={() => void load()}>
              Retry
            </button>
          }
        >
          Token Desk could not list the connected accounts. {listed.message}
        </Banner>
      )}
      {listed.state === 'loaded' && (
        <ul className="connection-list" aria-label="Connected accounts">
          {connections.map((connection) => (
            <li
              key={connection.id}
              id={`connection-${connection.id}`}
              tabIndex={-1}
              className="connection-item"
            >
              <span className="connection-text">
                <strong className="connection-kind">{connection.kindName}</strong>
                <span className="connection-login" title={connection.login}>
                  {connection.login}
                </span>
                {connection.shownHost && (
                  <span className="muted connection-host" title={connection.host}>
                    on {connection.shownHost}
                  </span>
                )}
                <span className="connection-roles">
                  {rolesInWords(connection)}
                  {connection.kind === 'token-desk'
                    ? ' · the account you are signed in to'
                    : connection.roles.storesSecrets
                      ? ' · added under CI provider accounts'
                      : isTokenless(connection)
                        ? ' · no access token kept'
                        : ''}
                </span>
              </span>
              {isRemovableHere(connection) && (
                <button
                  type="button"
                  className="secondary small"
                  aria-label={labels.get(connection.id)}
                  onClick={() => {
                    setRemoveError(null);
                    setOpen({
                      kind: 'disconnect',
                      connection,
                      label: labels.get(connection.id) ?? '',
                    });
                  }}
                >
                  Disconnect
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {listed.state === 'loaded' && vendorCount === 0 && (
        <p className="muted connections-empty">
          No npm, Cloudflare or GitHub account connected here yet. Connect one to see its tokens
          beside yours.
        </p>
      )}
      <div className="connections-actions">
        <button
          ref={connectNpmButton}
          type="button"
          className="secondary"
          onClick={() => setOpen({ kind: 'npm' })}
        >
          Connect npm…
        </button>
        <button type="button" className="secondary" onClick={() => setOpen({ kind: 'cloudflare' })}>
          Connect Cloudflare…
        </button>
        <button type="button" className="secondary" onClick={() => setOpen({ kind: 'github' })}>
          Connect GitHub…
        </button>
      </div>

      {open?.kind === 'npm' && (
        <ConnectNpmDialog
          onConnected={(connection) => void connected(connection)}
          onCancel={() => setOpen(null)}
        />
      )}
      {open?.kind === 'cloudflare' && (
        <ConnectCloudflareDialog
          onConnected={(connection) => void connected(connection)}
          onCancel={() => setOpen(null)}
        />
      )}
      {open?.kind === 'github' && (
        <ConnectGitHubDialog
          onConnected={(connection) => void connected(connection)}
          onCancel={() => setOpen(null)}
        />
      )}
      {open?.kind === 'disconnect' && (
        <ConfirmDialog
          title={`Disconnect ${open.connection.kindName} account ${open.connection.login}?`}
          confirmLabel="Disconnect"
          danger
          onConfirm={() => confirmDisconnect(open.connection)}
          onCancel={() => setOpen(null)}
        >
          {removeError && <Banner tone="error">{removeError}</Banner>}
          <DisconnectWords connection={open.connection} />
        </ConfirmDialog>
      )}
    </div>
  );
}

/** What disconnecting does and does not do, as main's connections:remove does it. */
function DisconnectWords({ connection }: { connection: ConnectionInfo }) {
  const vendor = connection.kindName;
  if (isTokenless(connection))
    return (
      <>
        <p>
          Token Desk forgets {connection.login}
          {connection.shownHost ? ` on ${connection.shownHost}` : ''} on this computer. Its tracked
          GitHub tokens leave the token list; no access token was kept for it.
        </p>
        <p>
          Nothing is revoked on GitHub: the tokens keep working until you delete them there. Where
          they were sent stays recorded on your Token Desk account, and shows again if you connect
          this login again.
        </p>
      </>
    );
  return (
    <>
      <p>
        Token Desk forgets {connection.login}
        {connection.shownHost ? ` on ${connection.shownHost}` : ''} and deletes its credential from
        your keychain on this computer. Its {vendor} tokens leave the token list.
      </p>
      <p>
        Nothing is revoked at {vendor}: the tokens you made there keep working, and so does the
        credential Token Desk used; revoke them at {vendor} if you no longer need them. Where those
        tokens were sent stays recorded on your Token Desk account, and shows again if you connect
        this account again.
      </p>
    </>
  );
}
