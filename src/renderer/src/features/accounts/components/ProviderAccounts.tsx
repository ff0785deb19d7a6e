import { useEffect, useState } from 'react';
import type { ProviderAccountList } from '../../../../../shared/ipc-contract';
import { call, desk, messageOf } from '../../../lib/bridge';
import { Banner } from '../../../components/Banner';
import { providerSpec } from '../../../../../shared/ci-providers/registry';
import { ProviderAccountForm } from './ProviderAccountForm';

/** Settings' "CI provider accounts": who Token Desk can push secrets as; the tokens stay in main. */
export function ProviderAccounts({
  signedIn,
  onChanged,
}: {
  signedIn: boolean;
  /** After an account was added or removed (other cards list them too). */
  onChanged?: () => void;
}) {
  const [list, setList] = useState<ProviderAccountList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  const load = () =>
    call(desk().providersList()).then(
      (next) => {
        setList(next);
        setError(null);
      },
      (failure: unknown) => setError(messageOf(failure)),
    );

  useEffect(() => {
    if (signedIn) void load();
  }, [signedIn]);

  async function remove(accountId: string, label: string) {
    try {
      await call(desk().providersRemove({ accountId }));
      setStatus(`Removed ${label}. Its access token is gone from the keychain.`);
      onChanged?.();
      await load();
    } catch (failure) {
      setError(messageOf(failure));
    }
  }

  return (
    <section className="card settings provider-accounts" aria-labelledby="provider-accounts-title">
      <h2 id="provider-accounts-title">CI provider accounts</h2>
      <p className="hint">
        GitHub and GitLab accounts Token Desk may write Actions secrets and CI/CD variables with.
      </p>
      {!signedIn ? (
        <p className="muted">Sign in to add GitHub or GitLab accounts.</p>
      ) : (
        <>
          {error && <Banner tone="error">{error}</Banner>}
          <p className="visually-hidden" role="status" aria-live="polite">
            {status}
          </p>
          {list && !list.remembered && (
            <Banner tone="warning">
              Without a keychain, these access tokens are kept until Token Desk quits.
            </Banner>
          )}
          {list && list.accounts.length === 0 && <p className="muted">No accounts yet.</p>}
          {list && list.accounts.length > 0 && (
            <ul className="provider-list" aria-label="CI provider accounts">
              {list.accounts.map((account) => {
                const label = `${account.login} on ${providerSpec(account.provider).displayName}`;
                return (
                  <li key={account.id} className="provider-item">
                    <span className="provider-item-text">
                      <strong>{providerSpec(account.provider).displayName}</strong>{' '}
                      <span>{account.login}</span>
                      <span className="muted provider-host" title={account.host}>
                        {account.host}
                      </span>
                    </span>
                    <button
                      type="button"
                      className="secondary small"
                      aria-label={`Remove ${label} (${account.host})`}
                      onClick={() => void remove(account.id, label)}
                    >
                      Remove
                    </button>
                  </li>
                );
              })}
            </ul>
          )}
          <h3>Add an account</h3>
          <ProviderAccountForm
            onAdded={(added) => {
              setStatus(`Added ${added.login} on ${providerSpec(added.provider).displayName}.`);
              onChanged?.();
              void load();
            }}
          />
        </>
      )}
    </section>
  );
}
