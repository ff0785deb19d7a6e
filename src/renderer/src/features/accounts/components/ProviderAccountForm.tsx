import { useId, useState, type FormEvent } from 'react';
import type { Provider } from '../../../../../shared/ci-destinations';
import type { ProviderAccountInfo } from '../../../../../shared/ipc-contract';
import { PROVIDER_TOKEN_PATTERN } from '../../../../../shared/limits';
import { normalizeServiceUrl } from '../../../../../shared/service-url';
import { call, desk, messageOf } from '../../../lib/bridge';
import { Banner } from '../../../components/Banner';
import { PROVIDERS, providerSpec } from '../../../../../shared/ci-providers/registry';

const PROVIDER_TOKEN_SHAPE = new RegExp(PROVIDER_TOKEN_PATTERN);

const DEFAULT_HOSTS: Record<Provider, string> = {
  github: 'https://github.com',
  gitlab: 'https://gitlab.com',
};
/** What each provider's endpoints need (GitHub's REST docs per endpoint; GitLab's roles). */
const TOKEN_HINTS: Record<Provider, string> = {
  github:
    'A fine-grained token with the repository permission “Secrets: Read and write”; for environment secrets also “Environments: Read and write”, and “Actions: Read-only” to list environments; for organization secrets the organization permission “Secrets: Read and write”. Or a classic token with the repo scope, and admin:org for organization secrets.',
  gitlab:
    'A personal access token with the api scope, from an account with the Maintainer role on the projects and the Owner role on the groups.',
};

/** The host as typed, checked the way main checks it (https, or http to this computer). */
function hostProblem(provider: Provider, host: string): string | null {
  const checked = normalizeServiceUrl(host);
  if (checked.ok) return null;
  return `Enter the ${providerSpec(provider).displayName} address, for example ${DEFAULT_HOSTS[provider]}. ${checked.message.replace('The service URL', 'It')}`;
}

/**
 * Adds a GitHub or GitLab account: main verifies the access token (who it is) and
 * keeps it in the keychain. The token field is a password field, emptied after each
 * submit whatever the outcome, and never filled again: the token does not come back.
 */
export function ProviderAccountForm({
  onAdded,
  autoFocus,
}: {
  onAdded: (account: ProviderAccountInfo) => void;
  autoFocus?: boolean;
}) {
  const id = useId();
  const [provider, setProvider] = useState<Provider>('github');
  const [host, setHost] = useState(DEFAULT_HOSTS.github);
  const [token, setToken] = useState('');
  const [checked, setChecked] = useState<ReadonlySet<'host' | 'token'>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const hostError = checked.has('host') ? hostProblem(provider, host) : null;
  const tokenError =
    checked.has('token') && token.trim() === ''
      ? 'Paste the personal access token.'
      : checked.has('token') && !PROVIDER_TOKEN_SHAPE.test(token.trim())
        ? 'An access token has no spaces or special characters; paste it again.'
        : null;

  function chooseProvider(next: Provider) {
    // Keep a host the user typed; swap only the other provider's default.
    if (host === DEFAULT_HOSTS[provider] || host.trim() === '') setHost(DEFAULT_HOSTS[next]);
    setProvider(next);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setChecked(new Set(['host', 'token']));
    const typed = token.trim();
    if (hostProblem(provider, host) !== null) {
      document.getElementById(`${id}-host`)?.focus();
      return;
    }
    if (!PROVIDER_TOKEN_SHAPE.test(typed)) {
      document.getElementById(`${id}-token`)?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    // The field is emptied now: the token leaves the page with this one request.
    setToken('');
    setChecked(new Set(['host']));
    try {
      const added = await call(desk().providersAdd({ provider, host: host.trim(), token: typed }));
      onAdded(added);
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      className="provider-form"
      onSubmit={(event) => void submit(event)}
      noValidate
      aria-label="Add a CI provider account"
    >
      {error && <Banner tone="error">{error}</Banner>}
      <fieldset>
        <legend>Provider</legend>
        <div className="choices">
          {PROVIDERS.map((choice) => (
            <label key={choice} className="choice">
              <input
                type="radio"
                name={`${id}-provider`}
                checked={provider === choice}
                onChange={() => chooseProvider(choice)}
                autoFocus={autoFocus && choice === PROVIDERS[0]}
              />
              {providerSpec(choice).displayName}
            </label>
          ))}
        </div>
      </fieldset>
      <label htmlFor={`${id}-host`}>{providerSpec(provider).displayName} address</label>
      <input
        id={`${id}-host`}
        type="url"
        value={host}
        onChange={(e) => setHost(e.target.value)}
        onBlur={() => setChecked((before) => new Set(before).add('host'))}
        aria-invalid={hostError ? true : undefined}
        aria-describedby={hostError ? `${id}-host-error` : `${id}-host-hint`}
      />
      {hostError ? (
        <p id={`${id}-host-error`} className="field-error" role="alert">
          {hostError}
        </p>
      ) : (
        <p id={`${id}-host-hint`} className="hint">
          {provider === 'github'
            ? 'github.com, or your GitHub Enterprise Server (https://ghe.example.com).'
            : 'gitlab.com, or your own GitLab (https://gitlab.example.com).'}
        </p>
      )}
      <label htmlFor={`${id}-token`}>Personal access token</label>
      <input
        id={`${id}-token`}
        type="password"
        autoComplete="off"
        spellCheck={false}
        value={token}
        onChange={(e) => setToken(e.target.value)}
        onBlur={() => token !== '' && setChecked((before) => new Set(before).add('token'))}
        aria-invalid={tokenError ? true : undefined}
        aria-describedby={tokenError ? `${id}-token-error` : `${id}-token-hint`}
      />
      {tokenError ? (
        <p id={`${id}-token-error`} className="field-error" role="alert">
          {tokenError}
        </p>
      ) : (
        <p id={`${id}-token-hint`} className="hint">
          {TOKEN_HINTS[provider]} Kept in your system keychain; Token Desk never shows it again.
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Checking the token…' : `Add ${providerSpec(provider).displayName} account`}
      </button>
    </form>
  );
}
