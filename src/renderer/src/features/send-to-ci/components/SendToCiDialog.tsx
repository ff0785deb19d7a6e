import { useEffect, useId, useReducer, type FormEvent, type ReactNode } from 'react';
import { checkDestinationName } from '../../../../../shared/ci-destinations';
import type { ProviderAccountInfo, SendResult } from '../../../../../shared/ipc-contract';
import { call, desk, messageOf } from '../../../lib/bridge';
import { Banner } from '../../../components/Banner';
import { Dialog } from '../../../components/Dialog';
import { providerSpec } from '../../../../../shared/ci-providers/registry';
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
  SHOWN_TARGETS,
  type RepositoryChoice,
  type SendChoice,
} from '../send-form';
import { GitHubEnvironmentField, GitHubOrganizationFields } from './provider-fields/github';
import { GitLabVariableFields } from './provider-fields/gitlab';
import { SendOutcomes } from './SendOutcomes';

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
  /**
   * What happens to the current secret and the choices about it (a row's Send to CI…):
   * a function of whether a send is under way, when those choices must hold still meanwhile.
   */
  notice?: ReactNode | ((busy: boolean) => ReactNode);
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
    masked,
    isProtected,
    name,
    nameTouched,
    formError,
    asking,
    busy,
  } = state;
  const view = sendFormView(state);
  const { account, provider, targets, targetsError, matching, chosenIds, listLabel } = view;

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
    const label = `${choice.name} (${providerSpec(choice.provider).displayName})`;
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

  const fields = { id, state, view, dispatch };
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
          {typeof notice === 'function' ? notice(sending) : notice}
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
                    {providerSpec(a.provider).displayName}: {a.login} ({new URL(a.host).host})
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
            <GitHubEnvironmentField {...fields} />
          )}
          {kind === 'organization' && <GitHubOrganizationFields {...fields} />}
          {provider === 'gitlab' && <GitLabVariableFields {...fields} />}

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
