import { useState, type FormEvent, type ReactNode } from 'react';
import type { CreateChoices, RevealedToken } from '../../../../../shared/ipc-contract';
import { normalizeName, TOKEN_NAME_MAX_LENGTH } from '../../../../../shared/token-name';
import { call, desk } from '../../../lib/bridge';
import { Banner } from '../../../components/Banner';
import { Dialog } from '../../../components/Dialog';
import { kindName } from '../sources';
import { CloudflareFields } from './create-fields/CloudflareFields';
import { expiryInstant, ExpiryField, type Expiry } from './create-fields/ExpiryField';
import { GitLabFields } from './create-fields/GitLabFields';
import { NpmFields } from './create-fields/NpmFields';
import {
  buildCloudflareOptions,
  buildGitLabOptions,
  buildNpmOptions,
  daysUntil,
  npmWrites,
  NPM_DEFAULTS,
  presetsWithin,
  VENDOR_PRESETS,
  type Built,
  type CloudflareFieldValues,
  type GitLabFieldValues,
  type NpmFieldValues,
} from './create-fields/rules';
import { useCreateChoices, useCreateSources } from './create-fields/use-create-sources';

/** Our service's presets, as they always were. */
const OWN_PRESETS = [7, 30, 60, 90] as const;
/** The service refuses expiries further out than this (TOKEN_DESK_MAX_TOKEN_LIFETIME_DAYS, default 366). */
const MAX_DAYS = 366;

interface Props {
  /** The connection that issues it (the account's own). */
  connectionId: string;
  existingNames: ReadonlySet<string>;
  onCreated: (revealed: RevealedToken) => void;
  onCancel: () => void;
  onFailure: (error: unknown) => string;
}

type FieldProblem = { field: string; message: string };

const GITLAB_DEFAULTS: GitLabFieldValues = { namespace: '', accessLevel: 30, scopes: [] };
const CLOUDFLARE_DEFAULTS: CloudflareFieldValues = {
  permissionGroupIds: [],
  target: 'all-zones',
  accountId: '',
  zoneId: '',
  allowed: '',
};

/** The expiry a source allows: its cap, whether one is required, and the presets within. */
function expiryRules(
  kind: string,
  choices: CreateChoices | null,
  npm: NpmFieldValues,
): { presets: number[]; maxDays: number; allowNone: boolean; hint?: string } {
  if (kind === 'token-desk')
    return { presets: [...OWN_PRESETS], maxDays: MAX_DAYS, allowNone: true };
  const limits = choices?.limits ?? { maxExpiryDays: null, expiryRequired: false, create: true };
  if (kind === 'npm') {
    // npm caps only a token that can write; npm itself picks the expiry of one left open.
    const cap = npmWrites(npm) ? (limits.maxExpiryDays ?? MAX_DAYS) : MAX_DAYS;
    return {
      presets: presetsWithin(VENDOR_PRESETS, cap === MAX_DAYS ? 365 : cap),
      maxDays: cap,
      allowNone: false,
      ...(npmWrites(npm)
        ? { hint: `npm lets a token that can write last at most ${cap} days.` }
        : {}),
    };
  }
  const cap = limits.maxExpiryDays ?? MAX_DAYS;
  return {
    presets: presetsWithin(VENDOR_PRESETS, cap === MAX_DAYS ? 365 : cap),
    maxDays: cap,
    allowNone: !limits.expiryRequired,
    ...(limits.expiryRequired
      ? { hint: `${kindName(kind)} tokens must expire, at most ${cap} days from today.` }
      : {}),
  };
}

export function NewTokenDialog({
  connectionId,
  existingNames,
  onCreated,
  onCancel,
  onFailure,
}: Props) {
  const { sources, problem: sourcesProblem } = useCreateSources(connectionId);
  const [sourceId, setSourceId] = useState(connectionId);
  const source = sources.find((s) => s.connectionId === sourceId);
  const kind = source?.kind ?? 'token-desk';
  const vendor = kind !== 'token-desk';
  const { state: choicesState, retry } = useCreateChoices(vendor ? sourceId : null);
  const choices = choicesState?.status === 'ready' ? choicesState.choices : null;

  const [name, setName] = useState('');
  const [expiry, setExpiry] = useState<Expiry>('30');
  const [customDate, setCustomDate] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const [dateError, setDateError] = useState<string | null>(null);
  const [fieldProblem, setFieldProblem] = useState<FieldProblem | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [today] = useState(() => Date.now());
  const [npm, setNpm] = useState<NpmFieldValues>(NPM_DEFAULTS);
  const [gitlab, setGitLab] = useState<GitLabFieldValues>(GITLAB_DEFAULTS);
  const [cloudflare, setCloudflare] = useState<CloudflareFieldValues>(CLOUDFLARE_DEFAULTS);

  const trimmed = name.trim();
  const duplicate = trimmed !== '' && existingNames.has(trimmed.toLowerCase());
  const length = [...trimmed].length;
  const tracks = kind === 'github' || choices?.limits.create === false;
  const rules = expiryRules(kind, choices, npm);
  // The first project or group is chosen until the person picks another.
  const gitlabValues =
    choices?.kind === 'gitlab' &&
    choices.namespaces[0] &&
    !choices.namespaces.some(({ kind, id }) => `${kind}:${id}` === gitlab.namespace)
      ? {
          ...gitlab,
          namespace: `${choices.namespaces[0].kind}:${choices.namespaces[0].id}`,
        }
      : gitlab;
  // A preset the source does not allow (after switching source) reads as its longest one.
  const expiryShown: Expiry =
    expiry === 'none' && !rules.allowNone
      ? `${rules.presets.at(-1) ?? 30}`
      : expiry !== 'custom' && expiry !== 'none' && !rules.presets.includes(Number(expiry))
        ? `${rules.presets.filter((days) => days <= Number(expiry)).at(-1) ?? rules.presets[0] ?? 30}`
        : expiry;

  /** A field's error stays until the person changes what it is about, then goes. */
  const edited =
    <T,>(set: (values: T) => void) =>
    (values: T) => {
      set(values);
      setFieldProblem(null);
    };

  function chooseSource(id: string) {
    setSourceId(id);
    // Another account's choices are not this one's: a GitLab project id or a Cloudflare
    // permission group means something else (or nothing) there, so none is carried over.
    setNpm(NPM_DEFAULTS);
    setGitLab(GITLAB_DEFAULTS);
    setCloudflare(CLOUDFLARE_DEFAULTS);
    setError(null);
    setFieldProblem(null);
    setDateError(null);
  }

  function vendorOptions(expiresAt: string | null): Built<unknown> | null {
    switch (kind) {
      case 'npm':
        return buildNpmOptions(npm, daysUntil(expiresAt, Date.now()));
      case 'gitlab':
        return buildGitLabOptions(gitlabValues);
      case 'cloudflare':
        return buildCloudflareOptions(
          cloudflare,
          choices?.kind === 'cloudflare' ? choices.userId : null,
        );
      case 'github':
        return { ok: true, options: {} };
      default:
        return null;
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const nameCheck = normalizeName(name);
    const expiryCheck = tracks
      ? ({ ok: true, value: null } as const)
      : expiryInstant(expiryShown, customDate, rules.maxDays, Date.now());
    setNameError(nameCheck.ok ? null : nameCheck.message);
    setDateError(expiryCheck.ok ? null : expiryCheck.message);
    setFieldProblem(null);
    if (!nameCheck.ok) {
      document.getElementById('token-name')?.focus();
      return;
    }
    if (!expiryCheck.ok) {
      document.getElementById('token-custom-date')?.focus();
      return;
    }
    if (vendor && !tracks && !choices) {
      setError('Wait until the choices for this account have loaded, or try loading them again.');
      return;
    }
    const built = vendorOptions(expiryCheck.value);
    if (built && !built.ok) {
      setFieldProblem(built);
      if (built.field === 'token-expiry') setDateError(built.message);
      document.getElementById(built.field)?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onCreated(
        await call(
          desk().tokensCreate({
            connectionId: sourceId,
            name: nameCheck.name,
            expiresAt: expiryCheck.value,
            ...(built ? { options: built.options } : {}),
          }),
        ),
      );
    } catch (failure) {
      setError(onFailure(failure));
      setBusy(false);
    }
  }

  const busyText =
    kind === 'npm'
      ? 'Waiting for you to confirm with npm…'
      : tracks
        ? 'Waiting for the token in Token Desk’s window…'
        : 'Creating…';

  return (
    <Dialog
      title={tracks ? 'Track a GitHub token' : 'New API token'}
      onDismiss={() => !busy && onCancel()}
      description={
        tracks
          ? 'GitHub has no API to make a token: make it on github.com, then track it here. Token Desk asks for its value in its own window, checks it with GitHub and reminds you before it expires; it never keeps the value.'
          : 'Use one token per pipeline or integration, so revoking one breaks only that place.'
      }
    >
      <form onSubmit={submit} noValidate className="form">
        {error && <Banner tone="error">{error}</Banner>}
        {sources.length > 1 && (
          <>
            <label htmlFor="token-source">Issued by</label>
            <select
              id="token-source"
              value={sourceId}
              disabled={busy}
              onChange={(e) => chooseSource(e.target.value)}
            >
              {sources.map((s) => (
                <option key={s.connectionId} value={s.connectionId}>
                  {s.label}
                </option>
              ))}
            </select>
          </>
        )}
        {sourcesProblem && (
          <p className="hint">
            Only Token Desk’s own tokens can be made now: the other connected accounts could not be
            read ({sourcesProblem}).
          </p>
        )}
        <label htmlFor="token-name">Name</label>
        <input
          id="token-name"
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            if (nameError) setNameError(null);
          }}
          onBlur={() =>
            name &&
            setNameError(
              normalizeName(name).ok ? null : (normalizeName(name) as { message: string }).message,
            )
          }
          placeholder="e.g. github-actions-release"
          aria-invalid={nameError ? true : undefined}
          aria-describedby="token-name-hint token-name-error"
          data-autofocus
          autoComplete="off"
          spellCheck={false}
        />
        <p
          id="token-name-hint"
          className={length > TOKEN_NAME_MAX_LENGTH ? 'hint hint-error' : 'hint'}
        >
          {length}/{TOKEN_NAME_MAX_LENGTH} characters
        </p>
        {nameError && (
          <p id="token-name-error" className="field-error" role="alert">
            {nameError}
          </p>
        )}
        {duplicate && !nameError && (
          <p className="field-warning" role="status">
            You already have a token named “{trimmed}”. One token per pipeline makes it safe to
            revoke one: consider a more specific name.
          </p>
        )}

        {vendor && !tracks && (
          <VendorSection
            kind={kind}
            state={choicesState}
            retry={retry}
            render={(ready) => {
              switch (kind) {
                case 'npm':
                  return (
                    <>
                      <NpmFields values={npm} onChange={edited(setNpm)} error={fieldProblem} />
                      <p className="hint">
                        npm asks for your password, and a one-time code if you use two-factor
                        authentication, in Token Desk’s own window, which sends them straight to
                        npm: this window never sees them.
                      </p>
                    </>
                  );
                case 'gitlab':
                  return ready.kind === 'gitlab' ? (
                    ready.namespaces.length === 0 ? (
                      <Banner tone="info">
                        You maintain no project and own no group on this GitLab, so Token Desk
                        cannot make an access token there: a project token needs the Maintainer
                        role, a group token the Owner role.
                      </Banner>
                    ) : (
                      <GitLabFields
                        namespaces={ready.namespaces}
                        values={gitlabValues}
                        onChange={edited(setGitLab)}
                        error={fieldProblem}
                      />
                    )
                  ) : null;
                case 'cloudflare':
                  return ready.kind === 'cloudflare' ? (
                    <CloudflareFields
                      permissionGroups={ready.permissionGroups}
                      accounts={ready.accounts}
                      zones={ready.zones}
                      userKnown={ready.userId !== null}
                      values={cloudflare}
                      onChange={edited(setCloudflare)}
                      error={fieldProblem}
                    />
                  ) : null;
                default:
                  return null;
              }
            }}
          />
        )}

        {!tracks && (
          <ExpiryField
            presets={rules.presets}
            maxDays={rules.maxDays}
            allowNone={rules.allowNone}
            expiry={expiryShown}
            onExpiry={(value) => {
              setExpiry(value);
              setDateError(null);
            }}
            customDate={customDate}
            onCustomDate={(date) => {
              setCustomDate(date);
              setDateError(null);
            }}
            dateError={dateError}
            today={today}
            {...(rules.hint ? { hint: rules.hint } : {})}
          />
        )}

        <div className="dialog-footer">
          <button type="button" className="secondary" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
          <button
            type="submit"
            className="primary"
            disabled={
              busy ||
              (vendor &&
                !tracks &&
                (choicesState?.status !== 'ready' ||
                  (choices?.kind === 'gitlab' && choices.namespaces.length === 0)))
            }
          >
            {busy ? busyText : tracks ? 'Track token' : 'Create token'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** A vendor's fields once its choices arrived; loading and failure said in words meanwhile. */
function VendorSection({
  kind,
  state,
  retry,
  render,
}: {
  kind: string;
  state: ReturnType<typeof useCreateChoices>['state'];
  retry: () => void;
  render: (choices: CreateChoices) => ReactNode;
}) {
  if (state === null || state.status === 'loading')
    return (
      <p className="hint" role="status">
        Asking {kindName(kind)} what this account may create…
      </p>
    );
  if (state.status === 'failed')
    return (
      <Banner
        tone="error"
        action={
          <button type="button" className="secondary" onClick={retry}>
            Try again
          </button>
        }
      >
        {state.message}
      </Banner>
    );
  return (
    <>
      {state.choices.notes.map((note) => (
        <p key={note} className="hint">
          {note}
        </p>
      ))}
      {render(state.choices)}
    </>
  );
}
