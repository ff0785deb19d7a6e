import { useEffect, useId, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import {
  DEFAULT_SECRET_NAME,
  checkDestinationName,
  type DestinationTarget,
  type Provider,
} from '../../../../../shared/ci-destinations';
import type {
  ProviderAccountInfo,
  SendResult,
  TargetChoice,
} from '../../../../../shared/ipc-contract';
import { call, desk, messageOf } from '../../../lib/bridge';
import { Banner } from '../../../components/Banner';
import { Dialog } from '../../../components/Dialog';
import { PROVIDER_NAMES } from '../../../lib/provider-names';
import { ProviderAccountForm } from '../../accounts/components/ProviderAccountForm';

/** Where and how to send, as the user chose it. */
export interface SendChoice {
  accountId: string;
  provider: Provider;
  target: DestinationTarget;
  name: string;
  masked?: boolean;
  protected?: boolean;
  /** GitHub organization secrets with visibility "selected": GitHub's repository ids. */
  selectedRepositoryIds?: number[];
}

/** One send and how it went, for the list under the form. */
export interface SendOutcome {
  key: number;
  label: string;
  state: 'sending' | 'created' | 'updated' | 'failed';
  message: string;
  settingsUrl?: string;
}

type Kind = 'repository' | 'environment' | 'organization' | 'project' | 'group';
const KINDS: Record<Provider, Array<[Kind, string]>> = {
  github: [
    ['repository', 'Repository'],
    ['environment', 'Environment'],
    ['organization', 'Organization'],
  ],
  gitlab: [
    ['project', 'Project'],
    ['group', 'Group'],
  ],
};
const LIST_LABELS: Record<Kind, string> = {
  repository: 'Repositories',
  environment: 'Repositories',
  organization: 'Organizations',
  project: 'Projects',
  group: 'Groups',
};
type Visibility = 'private' | 'all' | 'selected';
type RepositoryChoice = Extract<TargetChoice, { kind: 'repository' }>;

/** Enough rows to find one by scrolling; the search narrows the rest. */
const SHOWN_TARGETS = 200;

function choiceKey(choice: TargetChoice): string {
  switch (choice.kind) {
    case 'repository':
      return `${choice.owner}/${choice.repo}`;
    case 'environment':
      return `${choice.owner}/${choice.repo}:${choice.environment}`;
    case 'organization':
      return choice.org;
    default:
      return choice.path;
  }
}

function listFor(kind: Kind): 'repositories' | 'organizations' | 'projects' | 'groups' {
  if (kind === 'organization') return 'organizations';
  if (kind === 'project') return 'projects';
  if (kind === 'group') return 'groups';
  return 'repositories';
}

export function outcomeText(result: SendResult): string {
  const done = `${result.outcome === 'created' ? 'Created' : 'Updated'} ${result.label}.`;
  return result.recordProblem ? `${done} ${result.recordProblem.message}` : done;
}

interface Props {
  title: string;
  intro: ReactNode;
  sendLabel: string;
  /** Performs the send (the parent knows whose secret); throws a DeskFailure in words. */
  deliver: (choice: SendChoice, overwrite: boolean) => Promise<SendResult>;
  /** Sends so far (the parent keeps them, so the reveal dialog shows them too). */
  outcomes: SendOutcome[];
  onOutcome: (outcome: SendOutcome) => void;
  onClose: () => void;
  /** False when one send ends the dialog (a row's Send to CI…). */
  repeatable: boolean;
  /** What happens to the current secret, and the choice to end it (a row's Send to CI…). */
  notice?: ReactNode;
  /** False while something the person must see first is loading (the places a row's send updates). */
  ready?: boolean;
}

let nextOutcomeKey = 1;

/**
 * Send to CI…: a provider account, a target from the provider's own list (searchable),
 * the secret or variable name checked by the provider's rules, then Send. An existing
 * secret of that name is replaced only after the user says so.
 */
export function SendToCiDialog({
  title,
  intro,
  sendLabel,
  deliver,
  outcomes,
  onOutcome,
  onClose,
  repeatable,
  notice,
  ready = true,
}: Props) {
  const id = useId();
  const [accounts, setAccounts] = useState<ProviderAccountInfo[] | null>(null);
  const [adding, setAdding] = useState(false);
  const [accountId, setAccountId] = useState('');
  const [kind, setKind] = useState<Kind>('repository');
  const [search, setSearch] = useState('');
  const [picked, setPicked] = useState<TargetChoice | null>(null);
  const [environment, setEnvironment] = useState('');
  const [visibility, setVisibility] = useState<Visibility>('private');
  const [shareSearch, setShareSearch] = useState('');
  const [sharedIds, setSharedIds] = useState<number[]>([]);
  const [scope, setScope] = useState('*');
  const [masked, setMasked] = useState(true);
  const [isProtected, setProtected] = useState(false);
  const [name, setName] = useState(DEFAULT_SECRET_NAME);
  const [nameTouched, setNameTouched] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [asking, setAsking] = useState<{ choice: SendChoice; message: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const account = accounts?.find((a) => a.id === accountId) ?? null;
  const provider: Provider = account?.provider ?? 'github';

  const loadAccounts = (select?: string) =>
    call(desk().providersList()).then(
      (list) => {
        setAccounts(list.accounts);
        const chosen = select ?? list.accounts[0]?.id ?? '';
        setAccountId(chosen);
        setPicked(null);
        const found = list.accounts.find((a) => a.id === chosen);
        if (found) setKind(found.provider === 'github' ? 'repository' : 'project');
        setAdding(list.accounts.length === 0);
      },
      (failure: unknown) => setFormError(messageOf(failure)),
    );

  useEffect(() => {
    void loadAccounts();
  }, []);

  // The target list of the chosen account and kind, fetched from the provider through
  // main; answers are kept with what they answer, so a late one never shows for another.
  const listKey = `${accountId}|${kind}`;
  const [loaded, setLoaded] = useState<{ key: string; list?: TargetChoice[]; error?: string }>();
  useEffect(() => {
    if (!accountId) return;
    const key = `${accountId}|${kind}`;
    call(desk().providersTargets({ accountId, list: listFor(kind) })).then(
      (list) => setLoaded({ key, list }),
      (failure: unknown) => setLoaded({ key, error: messageOf(failure) }),
    );
  }, [accountId, kind]);
  const targets = loaded?.key === listKey ? (loaded.list ?? null) : null;
  const targetsError = loaded?.key === listKey ? (loaded.error ?? null) : null;

  // An environment secret: the environments of the picked repository.
  const envKey =
    kind === 'environment' && picked?.kind === 'repository'
      ? `${accountId}|${picked.owner}/${picked.repo}`
      : null;
  const [envLoaded, setEnvLoaded] = useState<{ key: string; names?: string[]; error?: string }>();
  useEffect(() => {
    if (kind !== 'environment' || picked?.kind !== 'repository') return;
    const key = `${accountId}|${picked.owner}/${picked.repo}`;
    call(
      desk().providersTargets({
        accountId,
        list: 'environments',
        owner: picked.owner,
        repo: picked.repo,
      }),
    ).then(
      (list) => {
        const names = list.flatMap((entry) =>
          entry.kind === 'environment' ? [entry.environment] : [],
        );
        setEnvLoaded({ key, names });
        setEnvironment(names[0] ?? '');
      },
      (failure: unknown) => setEnvLoaded({ key, error: messageOf(failure) }),
    );
  }, [accountId, kind, picked]);
  const environments = envKey && envLoaded?.key === envKey ? (envLoaded.names ?? null) : null;
  const environmentsError = envKey && envLoaded?.key === envKey ? (envLoaded.error ?? null) : null;

  // "Selected repositories": the account's repositories, for the organization's secret.
  const shareKey =
    kind === 'organization' && visibility === 'selected' && accountId ? accountId : null;
  const [shareLoaded, setShareLoaded] = useState<{
    key: string;
    list?: RepositoryChoice[];
    error?: string;
  }>();
  useEffect(() => {
    if (!shareKey) return;
    call(desk().providersTargets({ accountId: shareKey, list: 'repositories' })).then(
      (list) =>
        setShareLoaded({
          key: shareKey,
          list: list.filter((entry): entry is RepositoryChoice => entry.kind === 'repository'),
        }),
      (failure: unknown) => setShareLoaded({ key: shareKey, error: messageOf(failure) }),
    );
  }, [shareKey]);
  const shareError = shareKey && shareLoaded?.key === shareKey ? (shareLoaded.error ?? null) : null;
  // GitHub shares an organization secret only with that organization's repositories.
  const orgRepositories = useMemo(() => {
    if (!shareKey || shareLoaded?.key !== shareKey || !shareLoaded.list) return null;
    if (picked?.kind !== 'organization') return [];
    const org = picked.org.toLowerCase();
    return shareLoaded.list.filter((repository) => repository.owner.toLowerCase() === org);
  }, [shareKey, shareLoaded, picked]);
  const shareMatching = useMemo(() => {
    const needle = shareSearch.trim().toLowerCase();
    const all = orgRepositories ?? [];
    return needle ? all.filter((r) => choiceKey(r).toLowerCase().includes(needle)) : all;
  }, [orgRepositories, shareSearch]);
  /** The chosen ids that belong to the picked organization (a pick elsewhere drops the rest). */
  const chosenIds = (orgRepositories ?? [])
    .filter((r) => sharedIds.includes(r.id))
    .map((r) => r.id);

  const matching = useMemo(() => {
    const needle = search.trim().toLowerCase();
    const all = targets ?? [];
    return needle ? all.filter((t) => choiceKey(t).toLowerCase().includes(needle)) : all;
  }, [targets, search]);

  const nameError = nameTouched ? checkDestinationName(provider, name) : null;

  function destination(): DestinationTarget | string {
    if (!picked) return 'Choose where to send it.';
    if (picked.kind === 'repository' && kind === 'environment') {
      if (!environment)
        return environments?.length === 0
          ? 'That repository has no environments. Choose another, or send to the repository.'
          : 'Choose an environment.';
      return { kind: 'environment', owner: picked.owner, repo: picked.repo, environment };
    }
    if (picked.kind === 'repository')
      return { kind: 'repository', owner: picked.owner, repo: picked.repo };
    if (picked.kind === 'environment') return { ...picked };
    if (picked.kind === 'organization') {
      if (visibility === 'selected' && chosenIds.length === 0)
        return 'Choose at least one repository that can use the secret.';
      return { kind: 'organization', org: picked.org, visibility };
    }
    if (scope.trim() === '') return 'Enter an environment scope, or * for every environment.';
    return { kind: picked.kind, path: picked.path, environmentScope: scope.trim() };
  }

  async function run(choice: SendChoice, overwrite: boolean) {
    const key = nextOutcomeKey++;
    const label = `${choice.name} (${PROVIDER_NAMES[choice.provider]})`;
    setBusy(true);
    onOutcome({ key, label, state: 'sending', message: `Sending ${label}…` });
    try {
      const result = await deliver(choice, overwrite);
      onOutcome({
        key,
        label: result.label,
        state: result.outcome,
        message: outcomeText(result),
        settingsUrl: result.settingsUrl,
      });
    } catch (failure) {
      onOutcome({ key, label, state: 'failed', message: messageOf(failure) });
    } finally {
      setBusy(false);
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setNameTouched(true);
    setFormError(null);
    if (!account) return setFormError('Choose a GitHub or GitLab account, or add one.');
    const target = destination();
    if (typeof target === 'string') return setFormError(target);
    const problem = checkDestinationName(provider, name);
    if (problem) {
      document.getElementById(`${id}-name`)?.focus();
      return;
    }
    const choice: SendChoice = {
      accountId,
      provider,
      target,
      name,
      ...(provider === 'gitlab' ? { masked, protected: isProtected } : {}),
      ...(target.kind === 'organization' && target.visibility === 'selected'
        ? { selectedRepositoryIds: chosenIds }
        : {}),
    };
    setBusy(true);
    try {
      // Asked first, so that a row's Send (which rotates) never rotates for nothing.
      const check = await call(desk().destinationsCheck({ accountId, target, name }));
      if (check.exists) {
        setAsking({
          choice,
          message: `${name} already exists there. Replace it with this token? Pipelines reading it get the new secret.`,
        });
        setBusy(false);
        return;
      }
    } catch (failure) {
      setBusy(false);
      setFormError(messageOf(failure));
      return;
    }
    await run(choice, false);
  }

  const sending = busy || outcomes.some((o) => o.state === 'sending');
  const listLabel = LIST_LABELS[kind];

  return (
    <Dialog
      title={title}
      description={intro}
      onDismiss={() => !busy && onClose()}
      wide
      footer={
        <>
          <button type="button" className="secondary" onClick={onClose} disabled={busy}>
            {outcomes.length > 0 ? 'Done' : 'Cancel'}
          </button>
          {!adding && accounts && accounts.length > 0 && (
            <button
              type="submit"
              form={`${id}-form`}
              className="primary"
              disabled={
                !ready || sending || asking !== null || (!repeatable && outcomes.length > 0)
              }
            >
              {sending ? 'Sending…' : sendLabel}
            </button>
          )}
        </>
      }
    >
      {adding || (accounts && accounts.length === 0) ? (
        <section className="send-add-account" aria-label="Add a CI provider account">
          <p>
            {accounts && accounts.length === 0
              ? 'Add the GitHub or GitLab account to send with. '
              : ''}
            Its access token stays in your system keychain.
          </p>
          <ProviderAccountForm
            autoFocus
            onAdded={(added) => {
              void loadAccounts(added.id);
            }}
          />
          {accounts && accounts.length > 0 && (
            <button type="button" className="link-button" onClick={() => setAdding(false)}>
              Back to sending
            </button>
          )}
        </section>
      ) : (
        <form id={`${id}-form`} className="send-form" onSubmit={(e) => void submit(e)} noValidate>
          {formError && <Banner tone="error">{formError}</Banner>}
          {notice}
          <div className="send-row">
            <div className="send-field">
              <label htmlFor={`${id}-account`}>Account</label>
              <select
                id={`${id}-account`}
                value={accountId}
                data-autofocus
                onChange={(e) => {
                  const next = accounts?.find((a) => a.id === e.target.value);
                  setAccountId(e.target.value);
                  setPicked(null);
                  setSearch('');
                  if (next) setKind(next.provider === 'github' ? 'repository' : 'project');
                  setNameTouched(false);
                }}
              >
                {(accounts ?? []).map((a) => (
                  <option key={a.id} value={a.id}>
                    {PROVIDER_NAMES[a.provider]}: {a.login} ({new URL(a.host).host})
                  </option>
                ))}
              </select>
            </div>
            <button
              type="button"
              className="link-button add-account"
              onClick={() => setAdding(true)}
            >
              Add an account…
            </button>
          </div>

          <fieldset>
            <legend>Send to</legend>
            <div className="choices">
              {KINDS[provider].map(([value, text]) => (
                <label key={value} className="choice">
                  <input
                    type="radio"
                    name={`${id}-kind`}
                    checked={kind === value}
                    onChange={() => {
                      setKind(value);
                      setPicked(null);
                      setSearch('');
                    }}
                  />
                  {text === 'Environment' ? 'Environment of a repository' : text}
                </label>
              ))}
            </div>
          </fieldset>

          <label htmlFor={`${id}-search`}>Search {listLabel.toLowerCase()}</label>
          <input
            id={`${id}-search`}
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder={provider === 'github' ? 'owner/name' : 'group/project'}
            aria-controls={`${id}-targets`}
          />
          {targetsError && <Banner tone="error">{targetsError}</Banner>}
          <div
            id={`${id}-targets`}
            className="target-list"
            role="radiogroup"
            aria-label={listLabel}
            aria-busy={targets === null && !targetsError}
          >
            {targets === null && !targetsError && <p className="muted">Loading…</p>}
            {targets && matching.length === 0 && (
              <p className="muted">
                {targets.length === 0
                  ? `This account has no ${listLabel.toLowerCase()} it can see.`
                  : `Nothing matches “${search}”.`}
              </p>
            )}
            {matching.slice(0, SHOWN_TARGETS).map((choice) => {
              const key = choiceKey(choice);
              return (
                <label key={key} className="target-option">
                  <input
                    type="radio"
                    name={`${id}-target`}
                    checked={picked !== null && choiceKey(picked) === key}
                    onChange={() => setPicked(choice)}
                  />
                  <span className="target-name">{key}</span>
                  {choice.kind === 'repository' && (
                    <span className="muted target-tag">
                      {choice.private ? 'private' : 'public'}
                    </span>
                  )}
                </label>
              );
            })}
            {matching.length > SHOWN_TARGETS && (
              <p className="muted">
                {(matching.length - SHOWN_TARGETS).toLocaleString()} more: narrow the search.
              </p>
            )}
          </div>

          {kind === 'environment' && picked?.kind === 'repository' && (
            <>
              <label htmlFor={`${id}-environment`}>Environment</label>
              {environmentsError ? (
                <Banner tone="error">{environmentsError}</Banner>
              ) : environments === null ? (
                <p className="muted">Loading environments…</p>
              ) : environments.length === 0 ? (
                <p className="field-error">This repository has no environments.</p>
              ) : (
                <select
                  id={`${id}-environment`}
                  value={environment}
                  onChange={(e) => setEnvironment(e.target.value)}
                >
                  {environments.map((env) => (
                    <option key={env}>{env}</option>
                  ))}
                </select>
              )}
            </>
          )}
          {kind === 'organization' && (
            <>
              <label htmlFor={`${id}-visibility`}>Repositories that can use it</label>
              <select
                id={`${id}-visibility`}
                value={visibility}
                onChange={(e) => setVisibility(e.target.value as Visibility)}
              >
                <option value="private">Private and internal repositories</option>
                <option value="all">All repositories</option>
                <option value="selected">Selected repositories</option>
              </select>
              {visibility === 'selected' && (
                <>
                  <label htmlFor={`${id}-share-search`}>
                    Search the organization’s repositories
                  </label>
                  <input
                    id={`${id}-share-search`}
                    type="search"
                    value={shareSearch}
                    onChange={(e) => setShareSearch(e.target.value)}
                    placeholder="name"
                    aria-controls={`${id}-shared`}
                  />
                  {shareError && <Banner tone="error">{shareError}</Banner>}
                  <div
                    id={`${id}-shared`}
                    className="target-list"
                    role="group"
                    aria-label="Selected repositories"
                    aria-busy={orgRepositories === null && !shareError}
                  >
                    {orgRepositories === null && !shareError && <p className="muted">Loading…</p>}
                    {orgRepositories && picked?.kind !== 'organization' && (
                      <p className="muted">Choose an organization above first.</p>
                    )}
                    {orgRepositories &&
                      picked?.kind === 'organization' &&
                      shareMatching.length === 0 && (
                        <p className="muted">
                          {orgRepositories.length === 0
                            ? `This account can see no repositories of ${picked.org}.`
                            : `Nothing matches “${shareSearch}”.`}
                        </p>
                      )}
                    {shareMatching.slice(0, SHOWN_TARGETS).map((repository) => (
                      <label key={repository.id} className="target-option">
                        <input
                          type="checkbox"
                          checked={sharedIds.includes(repository.id)}
                          onChange={(e) => {
                            const on = e.target.checked;
                            setSharedIds((before) =>
                              on
                                ? [...before, repository.id]
                                : before.filter((one) => one !== repository.id),
                            );
                          }}
                        />
                        <span className="target-name">{choiceKey(repository)}</span>
                        <span className="muted target-tag">
                          {repository.private ? 'private' : 'public'}
                        </span>
                      </label>
                    ))}
                    {shareMatching.length > SHOWN_TARGETS && (
                      <p className="muted">
                        {(shareMatching.length - SHOWN_TARGETS).toLocaleString()} more: narrow the
                        search.
                      </p>
                    )}
                  </div>
                  <p className="hint" aria-live="polite">
                    {chosenIds.length === 1
                      ? '1 repository chosen.'
                      : `${chosenIds.length} repositories chosen.`}
                  </p>
                </>
              )}
            </>
          )}
          {provider === 'gitlab' && (
            <>
              <label htmlFor={`${id}-scope`}>Environment scope</label>
              <input
                id={`${id}-scope`}
                value={scope}
                onChange={(e) => setScope(e.target.value)}
                aria-describedby={`${id}-scope-hint`}
              />
              <p id={`${id}-scope-hint`} className="hint">
                * for every environment, or one environment’s name.
              </p>
              <div className="choices send-flags">
                <label className="choice">
                  <input
                    type="checkbox"
                    checked={masked}
                    onChange={(e) => setMasked(e.target.checked)}
                  />
                  Masked (hidden in job logs)
                </label>
                <label className="choice">
                  <input
                    type="checkbox"
                    checked={isProtected}
                    onChange={(e) => setProtected(e.target.checked)}
                  />
                  Protected (protected branches and tags only)
                </label>
              </div>
            </>
          )}

          <label htmlFor={`${id}-name`}>
            {provider === 'github' ? 'Secret name' : 'Variable key'}
          </label>
          <input
            id={`${id}-name`}
            value={name}
            spellCheck={false}
            onChange={(e) => {
              setName(e.target.value);
              setNameTouched(true);
            }}
            aria-invalid={nameError ? true : undefined}
            aria-describedby={nameError ? `${id}-name-error` : undefined}
          />
          {nameError && (
            <p id={`${id}-name-error`} className="field-error" role="alert">
              {nameError}
            </p>
          )}

          {asking && (
            <div className="overwrite-ask" role="alert">
              <p>{asking.message}</p>
              <div className="overwrite-actions">
                <button
                  type="button"
                  className="secondary"
                  autoFocus
                  onClick={() => setAsking(null)}
                >
                  Keep the existing one
                </button>
                <button
                  type="button"
                  className="danger"
                  onClick={() => {
                    const { choice } = asking;
                    setAsking(null);
                    void run(choice, true);
                  }}
                >
                  Replace it
                </button>
              </div>
            </div>
          )}
        </form>
      )}
      <SendOutcomes outcomes={outcomes} />
    </Dialog>
  );
}

export function SendOutcomes({ outcomes }: { outcomes: SendOutcome[] }) {
  if (outcomes.length === 0) return null;
  return (
    <ul className="send-outcomes" aria-label="Sent to CI" aria-live="polite">
      {outcomes.map((outcome) => (
        <li key={outcome.key} className={`send-outcome send-${outcome.state}`}>
          <span className="send-state">
            {outcome.state === 'sending'
              ? 'Sending'
              : outcome.state === 'failed'
                ? 'Failed'
                : 'Sent'}
          </span>
          <span className="send-message">{outcome.message}</span>
        </li>
      ))}
    </ul>
  );
}
