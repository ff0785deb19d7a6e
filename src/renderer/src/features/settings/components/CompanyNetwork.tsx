import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type {
  AuthorityInfo,
  NetworkCheckResult,
  NetworkRoute,
  NetworkStatus,
} from '../../../../../shared/ipc-contract';
import { call, desk, messageOf } from '../../../lib/bridge';
import { formatAbsolute } from '../../../lib/format';
import { useCompanyNetwork } from '../hooks/use-company-network';

export const COMPANY_NETWORK_CARD = 'settings-network';

/**
 * Settings' "Company network": how requests leave (proxy and where it came from, or
 * direct), signing in to that proxy, the certificate authorities added, and a
 * connection check. Main opens the CA file and reads it; nothing here sees a path or
 * a proxy password once it is saved.
 */
export function CompanyNetwork() {
  const { status, loadError, replace } = useCompanyNetwork();
  return (
    <section
      className="card setting-section company-network"
      id={COMPANY_NETWORK_CARD}
      aria-labelledby={`${COMPANY_NETWORK_CARD}-title`}
    >
      <h2 id={`${COMPANY_NETWORK_CARD}-title`} tabIndex={-1}>
        Company network
      </h2>
      {loadError && (
        <p className="field-error" role="alert">
          {loadError}
        </p>
      )}
      {!status && !loadError && <p className="muted">Loading…</p>}
      {status && (
        <>
          <Routes status={status} />
          <ProxySignIns status={status} onChanged={replace} />
          <Authorities status={status} onChanged={replace} />
          <ConnectionCheck />
        </>
      )}
    </section>
  );
}

function routeWords(route: NetworkRoute): string {
  if (route.problem) return route.problem;
  if (!route.proxy) return 'Direct';
  return `Through the proxy ${route.proxy.origin} (from ${route.proxy.source})`;
}

function Routes({ status }: { status: NetworkStatus }) {
  return (
    <div className="network-block">
      <h3>How requests leave</h3>
      <dl className="network-routes">
        {status.routes.map((route) => (
          <div key={route.url}>
            <dt>{route.label}</dt>
            <dd className={route.problem ? 'field-warning' : undefined}>{routeWords(route)}</dd>
          </div>
        ))}
      </dl>
      <p className="hint">
        {status.proxySource === 'system'
          ? 'Token Desk follows this computer’s proxy settings, PAC scripts included.'
          : 'From HTTPS_PROXY, HTTP_PROXY and NO_PROXY as they were when Token Desk started.'}
        {status.noProxy ? ` Never through the proxy (NO_PROXY): ${status.noProxy}.` : ''}
      </p>
    </div>
  );
}

/** One form per proxy in use (almost always one); none when every request goes direct. */
function ProxySignIns({
  status,
  onChanged,
}: {
  status: NetworkStatus;
  onChanged: (status: NetworkStatus) => void;
}) {
  const proxies = new Map<string, NonNullable<NetworkRoute['proxy']>>();
  for (const route of status.routes) if (route.proxy) proxies.set(route.proxy.origin, route.proxy);
  if (proxies.size === 0) return null;
  return (
    <div className="network-block">
      <h3>Proxy sign-in</h3>
      {[...proxies.values()].map((proxy) => (
        <ProxySignIn
          key={proxy.origin}
          proxy={proxy}
          remembered={status.signInRemembered}
          onChanged={onChanged}
        />
      ))}
    </div>
  );
}

function ProxySignIn({
  proxy,
  remembered,
  onChanged,
}: {
  proxy: NonNullable<NetworkRoute['proxy']>;
  remembered: boolean;
  onChanged: (status: NetworkStatus) => void;
}) {
  const id = useId();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  if (proxy.signIn === 'in-address') {
    return (
      <p>
        {proxy.origin}: signed in with the user name and password in {proxy.source}.
      </p>
    );
  }

  async function run(action: () => Promise<NetworkStatus>, done: string) {
    setBusy(true);
    setError(null);
    setNote(null);
    try {
      onChanged(await action());
      setPassword('');
      setNote(done);
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  }

  function save(event: FormEvent) {
    event.preventDefault();
    if (!username.trim() || !password) {
      setError('Type the user name and the password the proxy asks for.');
      return;
    }
    void run(
      () => call(desk().networkProxySignIn({ proxyOrigin: proxy.origin, username, password })),
      'Saved',
    );
  }

  return (
    <form
      className="proxy-sign-in"
      onSubmit={save}
      aria-label={`Sign in to the proxy ${proxy.origin}`}
    >
      <p>
        {proxy.origin}:{' '}
        {proxy.signIn === 'saved'
          ? remembered
            ? 'signed in (saved in the system keychain).'
            : 'signed in until Token Desk quits (no keychain).'
          : 'not signed in.'}
      </p>
      <div className="proxy-fields">
        <div>
          <label htmlFor={`${id}-user`}>User name</label>
          <input
            id={`${id}-user`}
            value={username}
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => setUsername(e.target.value)}
          />
        </div>
        <div>
          <label htmlFor={`${id}-password`}>Password</label>
          <input
            id={`${id}-password`}
            type="password"
            value={password}
            autoComplete="off"
            onChange={(e) => setPassword(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-error` : undefined}
          />
        </div>
      </div>
      <div className="network-actions">
        <button type="submit" className="primary" disabled={busy}>
          Save
        </button>
        {proxy.signIn === 'saved' && (
          <button
            type="button"
            className="secondary"
            disabled={busy}
            onClick={() =>
              void run(
                () => call(desk().networkProxySignOut({ proxyOrigin: proxy.origin })),
                'Forgotten',
              )
            }
          >
            Forget
          </button>
        )}
        <span className="setting-status" role="status">
          {busy ? 'Saving…' : note}
        </span>
      </div>
      {error && (
        <p id={`${id}-error`} className="field-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

/** "AB:CD:…:YZ": enough to tell two apart at a glance; the whole one is a click away. */
function shortFingerprint(fingerprint: string): string {
  const pairs = fingerprint.split(':');
  return pairs.length <= 4
    ? fingerprint
    : `${pairs.slice(0, 4).join(':')}…${pairs.slice(-2).join(':')}`;
}

const scopeWords = (authority: AuthorityInfo) =>
  authority.scope.kind === 'all' ? 'Every host' : `Only ${authority.scope.host}`;

function Authorities({
  status,
  onChanged,
}: {
  status: NetworkStatus;
  onChanged: (status: NetworkStatus) => void;
}) {
  const [scopeKind, setScopeKind] = useState<'all' | 'host'>('all');
  const [host, setHost] = useState('');
  const [busy, setBusy] = useState(false);
  const [announce, setAnnounce] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const addButton = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLUListElement>(null);

  /** Cancel puts focus back on the Remove button that asked. */
  function cancelRemove(key: string) {
    setConfirming(null);
    requestAnimationFrame(() =>
      list.current
        ?.querySelector<HTMLButtonElement>(`button[data-remove="${CSS.escape(key)}"]`)
        ?.focus(),
    );
  }

  const keyOf = (authority: AuthorityInfo) =>
    `${authority.fingerprint256} ${authority.scope.kind === 'host' ? authority.scope.host : '*'}`;

  async function add() {
    setError(null);
    setAnnounce(null);
    if (scopeKind === 'host' && !host.trim()) {
      setError('Type the host name to trust it for, such as ghe.example.com.');
      document.getElementById('network-ca-host')?.focus();
      return;
    }
    setBusy(true);
    try {
      const scope =
        scopeKind === 'all' ? { kind: 'all' as const } : { kind: 'host' as const, host };
      const result = await call(desk().networkAddAuthority({ scope }));
      if ('cancelled' in result) return;
      onChanged(await call(desk().networkStatus()));
      setAnnounce(
        `Added ${result.added.map((authority) => authority.subject).join('; ')} for ${
          scope.kind === 'all' ? 'every host' : scope.host.trim().toLowerCase()
        }.`,
      );
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  }

  async function remove(authority: AuthorityInfo) {
    setError(null);
    try {
      onChanged(
        await call(
          desk().networkRemoveAuthority({
            fingerprint256: authority.fingerprint256,
            scope: authority.scope,
          }),
        ),
      );
      setConfirming(null);
      setAnnounce(`Removed ${authority.subject}.`);
      addButton.current?.focus();
    } catch (failure) {
      setError(messageOf(failure));
    }
  }

  return (
    <div className="network-block">
      <h3>Trusted authorities</h3>
      <p className="hint">
        Token Desk trusts this computer’s certificate authorities. Add your company’s own (a PEM
        file from your IT department) when a server’s certificate is “signed by an authority this
        computer does not trust”.
      </p>
      {status.authorities.length === 0 ? (
        <p className="muted">None added.</p>
      ) : (
        <ul ref={list} className="authority-list" aria-label="Trusted authorities">
          {status.authorities.map((authority) => {
            const key = keyOf(authority);
            return (
              <li key={key} className="authority-item">
                <div className="authority-text">
                  <strong>{authority.subject}</strong>
                  <span className="muted">
                    {scopeWords(authority)} · expires {formatAbsolute(authority.notAfter)}
                  </span>
                  {authority.issuer !== authority.subject && (
                    <span className="muted">Issued by {authority.issuer}</span>
                  )}
                  <details className="fingerprint">
                    <summary>
                      SHA-256{' '}
                      <code title={authority.fingerprint256}>
                        {shortFingerprint(authority.fingerprint256)}
                      </code>
                    </summary>
                    <code className="fingerprint-full">{authority.fingerprint256}</code>
                  </details>
                </div>
                {confirming === key ? (
                  <RemoveConfirmation
                    authority={authority}
                    onRemove={() => remove(authority)}
                    onCancel={() => cancelRemove(key)}
                  />
                ) : (
                  <button
                    type="button"
                    className="secondary small danger-quiet"
                    data-remove={key}
                    aria-label={`Remove ${authority.subject} (${scopeWords(authority)})`}
                    onClick={() => setConfirming(key)}
                  >
                    Remove
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <fieldset className="authority-scope">
        <legend>Trust an authority for</legend>
        <label className="choice">
          <input
            type="radio"
            name="network-ca-scope"
            checked={scopeKind === 'all'}
            onChange={() => setScopeKind('all')}
          />
          Every host
        </label>
        <label className="choice">
          <input
            type="radio"
            name="network-ca-scope"
            checked={scopeKind === 'host'}
            onChange={() => setScopeKind('host')}
          />
          One host name
        </label>
        {scopeKind === 'host' && (
          <div className="authority-host">
            <label htmlFor="network-ca-host">Host name</label>
            <input
              id="network-ca-host"
              value={host}
              placeholder="ghe.example.com"
              spellCheck={false}
              onChange={(e) => setHost(e.target.value)}
            />
          </div>
        )}
      </fieldset>
      <div className="network-actions">
        <button
          ref={addButton}
          type="button"
          className="secondary"
          disabled={busy}
          onClick={() => void add()}
        >
          Add authority…
        </button>
        <span className="setting-status" role="status">
          {busy ? 'Waiting for the file…' : ''}
        </span>
      </div>
      <p className="hint" role="status">
        {announce}
      </p>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function RemoveConfirmation({
  authority,
  onRemove,
  onCancel,
}: {
  authority: AuthorityInfo;
  onRemove: () => Promise<void>;
  onCancel: () => void;
}) {
  const cancel = useRef<HTMLButtonElement>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => cancel.current?.focus(), []);
  return (
    <div
      className="authority-confirm"
      role="group"
      aria-label={`Remove ${authority.subject}?`}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onCancel();
      }}
    >
      <span>Remove it? Hosts it signs will fail until it is added again.</span>
      <button
        type="button"
        className="danger small"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          void onRemove().finally(() => setBusy(false));
        }}
      >
        Remove
      </button>
      <button ref={cancel} type="button" className="secondary small" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}

function checkWords(result: NetworkCheckResult): string[] {
  const route = result.proxy
    ? `through the proxy ${result.proxy.origin} (from ${result.proxy.source})`
    : 'directly, without a proxy';
  if (!result.outcome.ok) return [result.outcome.message, `Route: ${route}.`];
  const lines = [`${new URL(result.url).host} answered ${result.outcome.status}, ${route}.`];
  if (result.certificate) {
    lines.push(
      `Certificate: ${result.certificate.subject}, issued by ${result.certificate.issuer}, valid until ${formatAbsolute(result.certificate.notAfter)}.`,
    );
  }
  return lines;
}

function ConnectionCheck() {
  const [url, setUrl] = useState('https://');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<NetworkCheckResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function check(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await call(desk().networkCheck({ url: url.trim() })));
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      className="network-block"
      onSubmit={check}
      aria-labelledby="network-check-title"
      noValidate
    >
      <h3 id="network-check-title">Check a connection</h3>
      <label htmlFor="network-check-url">Address</label>
      <div className="setting-control">
        <input
          id="network-check-url"
          type="url"
          value={url}
          spellCheck={false}
          onChange={(e) => setUrl(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'network-check-error' : 'network-check-hint'}
        />
        <button type="submit" className="secondary" disabled={busy}>
          {busy ? 'Checking…' : 'Check'}
        </button>
      </div>
      {error ? (
        <p id="network-check-error" className="field-error" role="alert">
          {error}
        </p>
      ) : (
        <p id="network-check-hint" className="hint">
          One request, with no sign-in or cookies; redirects are not followed.
        </p>
      )}
      <div className="network-check-result" role="status" aria-live="polite">
        {result &&
          checkWords(result).map((line) => (
            <p key={line} className={result.outcome.ok ? undefined : 'field-warning'}>
              {line}
            </p>
          ))}
      </div>
    </form>
  );
}
