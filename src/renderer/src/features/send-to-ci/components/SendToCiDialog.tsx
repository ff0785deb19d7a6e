import { useEffect, useId, useReducer, type FormEvent, type ReactNode } from 'react';
import { checkDestinationName } from '../../../../../shared/ci-destinations';
import type { ProviderAccountInfo, SendResult } from '../../../../../shared/ipc-contract';
import { call, desk, messageOf } from '../../../lib/bridge';
import { Banner } from '../../../components/Banner';
import { Dialog } from '../../../components/Dialog';
import { PROVIDER_NAMES } from '../../../lib/provider-names';
import { nextOutcomeKey, outcomeText, type SendOutcome } from '../outcomes';
import {
  KINDS,
  choiceKey,
  destinationOf,
  environmentsKey,
  initialSendForm,
  listFor,
  sendFormReducer,
  sendFormView,
  sharedKey,
  type RepositoryChoice,
  type SendChoice,
  type Visibility,
} from '../send-form';
import { SendOutcomes } from './SendOutcomes';

/** Enough rows to find one by scrolling; the search narrows the rest. */
const SHOWN_TARGETS = 200;

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
  /** The form that adds a GitHub or GitLab account (the accounts feature's, composed by the app). */
  addAccountForm: (onAdded: (added: ProviderAccountInfo) => void) => ReactNode;
}

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
  addAccountForm,
}: Props) {
  const id = useId();
  const [state, dispatch] = useReducer(sendFormReducer, initialSendForm);
  const {
    accounts,
    adding,
    accountId,
    kind,
    search,
    picked,
    environment,
    visibility,
    shareSearch,
    sharedIds,
    scope,
    masked,
    isProtected,
    name,
    nameTouched,
    formError,
    asking,
    busy,
  } = state;
  const view = sendFormView(state);
  const {
    account,
    provider,
    targets,
    targetsError,
    matching,
    environments,
    environmentsError,
    shareError,
    orgRepositories,
    shareMatching,
    chosenIds,
    listLabel,
  } = view;

  const loadAccounts = (select?: string) =>
    call(desk().providersList()).then(
      (list) => dispatch({ type: 'accounts-loaded', accounts: list.accounts, select }),
      (failure: unknown) => dispatch({ type: 'form-error', message: messageOf(failure) }),
    );

  useEffect(() => {
    void loadAccounts();
  }, []);

  // The target list of the chosen account and kind, fetched from the provider through main.
  useEffect(() => {
    if (!accountId) return;
    const key = `${accountId}|${kind}`;
    call(desk().providersTargets({ accountId, list: listFor(kind) })).then(
      (list) => dispatch({ type: 'targets-loaded', loaded: { key, value: list } }),
      (failure: unknown) =>
        dispatch({ type: 'targets-loaded', loaded: { key, error: messageOf(failure) } }),
    );
  }, [accountId, kind]);

  // An environment secret: the environments of the picked repository.
  const envKey = environmentsKey(state);
  useEffect(() => {
    if (envKey === null || picked?.kind !== 'repository') return;
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
        dispatch({ type: 'environments-loaded', loaded: { key: envKey, value: names } });
      },
      (failure: unknown) =>
        dispatch({
          type: 'environments-loaded',
          loaded: { key: envKey, error: messageOf(failure) },
        }),
    );
  }, [accountId, envKey, picked]);

  // "Selected repositories": the account's repositories, for the organization's secret.
  const shareKey = sharedKey(state);
  useEffect(() => {
    if (!shareKey) return;
    call(desk().providersTargets({ accountId: shareKey, list: 'repositories' })).then(
      (list) =>
        dispatch({
          type: 'shared-loaded',
          loaded: {
            key: shareKey,
            value: list.filter((entry): entry is RepositoryChoice => entry.kind === 'repository'),
          },
        }),
      (failure: unknown) =>
        dispatch({ type: 'shared-loaded', loaded: { key: shareKey, error: messageOf(failure) } }),
    );
  }, [shareKey]);

  const nameError = nameTouched ? checkDestinationName(provider, name) : null;

  async function run(choice: SendChoice, overwrite: boolean) {
    const key = nextOutcomeKey();
    const label = `${choice.name} (${PROVIDER_NAMES[choice.provider]})`;
    dispatch({ type: 'busy', busy: true });
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
      dispatch({ type: 'busy', busy: false });
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    dispatch({ type: 'submitted' });
    if (!account)
      return dispatch({
        type: 'form-error',
        message: 'Choose a GitHub or GitLab account, or add one.',
      });
    const target = destinationOf(state, view);
    if (typeof target === 'string') return dispatch({ type: 'form-error', message: target });
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
    dispatch({ type: 'busy', busy: true });
    try {
      // Asked first, so that a row's Send (which rotates) never rotates for nothing.
      const check = await call(desk().destinationsCheck({ accountId, target, name }));
      if (check.exists) {
        dispatch({
          type: 'ask',
          choice,
          message: `${name} already exists there. Replace it with this token? Pipelines reading it get the new secret.`,
        });
        return;
      }
    } catch (failure) {
      dispatch({ type: 'check-failed', message: messageOf(failure) });
      return;
    }
    await run(choice, false);
  }

  const sending = busy || outcomes.some((o) => o.state === 'sending');

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
          {addAccountForm((added) => {
            void loadAccounts(added.id);
          })}
          {accounts && accounts.length > 0 && (
            <button
              type="button"
              className="link-button"
              onClick={() => dispatch({ type: 'adding', adding: false })}
            >
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
                onChange={(e) => dispatch({ type: 'account-chosen', accountId: e.target.value })}
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
              onClick={() => dispatch({ type: 'adding', adding: true })}
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
                    onChange={() => dispatch({ type: 'kind-chosen', kind: value })}
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
            onChange={(e) => dispatch({ type: 'search', text: e.target.value })}
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
                    onChange={() => dispatch({ type: 'picked', choice })}
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
                  onChange={(e) => dispatch({ type: 'environment', name: e.target.value })}
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
                onChange={(e) =>
                  dispatch({ type: 'visibility', visibility: e.target.value as Visibility })
                }
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
                    onChange={(e) => dispatch({ type: 'share-search', text: e.target.value })}
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
                          onChange={(e) =>
                            dispatch({
                              type: 'share-toggled',
                              id: repository.id,
                              on: e.target.checked,
                            })
                          }
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
                onChange={(e) => dispatch({ type: 'scope', scope: e.target.value })}
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
                    onChange={(e) => dispatch({ type: 'masked', masked: e.target.checked })}
                  />
                  Masked (hidden in job logs)
                </label>
                <label className="choice">
                  <input
                    type="checkbox"
                    checked={isProtected}
                    onChange={(e) => dispatch({ type: 'protected', isProtected: e.target.checked })}
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
            onChange={(e) => dispatch({ type: 'name', name: e.target.value })}
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
                  onClick={() => dispatch({ type: 'answered' })}
                >
                  Keep the existing one
                </button>
                <button
                  type="button"
                  className="danger"
                  onClick={() => {
                    const { choice } = asking;
                    dispatch({ type: 'answered' });
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
