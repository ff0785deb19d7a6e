/**
 * The Send to CI form's state in one reducer: what is chosen (account, kind of place,
 * target, environment, sharing, GitLab's flags, the name), what the provider answered
 * (each list kept with the key it answers, so a late answer never shows for another
 * choice), and where the send stands. Pure, so its rules are unit-tested.
 */
import {
  DEFAULT_SECRET_NAME,
  type DestinationTarget,
  type Provider,
} from '../../../../shared/ci-destinations';
import type { ProviderAccountInfo, TargetChoice } from '../../../../shared/ipc-contract';

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

export type Kind = 'repository' | 'environment' | 'organization' | 'project' | 'group';
export type Visibility = 'private' | 'all' | 'selected';
export type RepositoryChoice = Extract<TargetChoice, { kind: 'repository' }>;

export const KINDS: Record<Provider, Array<[Kind, string]>> = {
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
export const LIST_LABELS: Record<Kind, string> = {
  repository: 'Repositories',
  environment: 'Repositories',
  organization: 'Organizations',
  project: 'Projects',
  group: 'Groups',
};

/** A provider's answer, with the choice it answers. */
export interface Loaded<T> {
  key: string;
  value?: T;
  error?: string;
}

export interface SendFormState {
  accounts: ProviderAccountInfo[] | null;
  adding: boolean;
  accountId: string;
  kind: Kind;
  search: string;
  picked: TargetChoice | null;
  environment: string;
  visibility: Visibility;
  shareSearch: string;
  sharedIds: number[];
  scope: string;
  masked: boolean;
  isProtected: boolean;
  name: string;
  nameTouched: boolean;
  formError: string | null;
  /** An existing secret of that name: the send waits for "Replace it". */
  asking: { choice: SendChoice; message: string } | null;
  busy: boolean;
  targets?: Loaded<TargetChoice[]>;
  environments?: Loaded<string[]>;
  shared?: Loaded<RepositoryChoice[]>;
}

export const initialSendForm: SendFormState = {
  accounts: null,
  adding: false,
  accountId: '',
  kind: 'repository',
  search: '',
  picked: null,
  environment: '',
  visibility: 'private',
  shareSearch: '',
  sharedIds: [],
  scope: '*',
  masked: true,
  isProtected: false,
  name: DEFAULT_SECRET_NAME,
  nameTouched: false,
  formError: null,
  asking: null,
  busy: false,
};

export type SendFormAction =
  | { type: 'accounts-loaded'; accounts: ProviderAccountInfo[]; select?: string }
  | { type: 'account-chosen'; accountId: string }
  | { type: 'adding'; adding: boolean }
  | { type: 'kind-chosen'; kind: Kind }
  | { type: 'search'; text: string }
  | { type: 'picked'; choice: TargetChoice }
  | { type: 'environment'; name: string }
  | { type: 'visibility'; visibility: Visibility }
  | { type: 'share-search'; text: string }
  | { type: 'share-toggled'; id: number; on: boolean }
  | { type: 'scope'; scope: string }
  | { type: 'masked'; masked: boolean }
  | { type: 'protected'; isProtected: boolean }
  | { type: 'name'; name: string }
  | { type: 'targets-loaded'; loaded: Loaded<TargetChoice[]> }
  | { type: 'environments-loaded'; loaded: Loaded<string[]> }
  | { type: 'shared-loaded'; loaded: Loaded<RepositoryChoice[]> }
  | { type: 'submitted' }
  | { type: 'form-error'; message: string }
  | { type: 'busy'; busy: boolean }
  | { type: 'check-failed'; message: string }
  | { type: 'ask'; choice: SendChoice; message: string }
  | { type: 'answered' };

/** The first kind of place a provider offers. */
function firstKind(account: ProviderAccountInfo | undefined, current: Kind): Kind {
  if (!account) return current;
  return account.provider === 'github' ? 'repository' : 'project';
}

export function sendFormReducer(state: SendFormState, action: SendFormAction): SendFormState {
  switch (action.type) {
    case 'accounts-loaded': {
      const accountId = action.select ?? action.accounts[0]?.id ?? '';
      const found = action.accounts.find((a) => a.id === accountId);
      return {
        ...state,
        accounts: action.accounts,
        accountId,
        picked: null,
        kind: firstKind(found, state.kind),
        adding: action.accounts.length === 0,
      };
    }
    case 'account-chosen': {
      const found = state.accounts?.find((a) => a.id === action.accountId);
      return {
        ...state,
        accountId: action.accountId,
        picked: null,
        search: '',
        kind: firstKind(found, state.kind),
        nameTouched: false,
      };
    }
    case 'adding':
      return { ...state, adding: action.adding };
    case 'kind-chosen':
      return { ...state, kind: action.kind, picked: null, search: '' };
    case 'search':
      return { ...state, search: action.text };
    case 'picked':
      return { ...state, picked: action.choice };
    case 'environment':
      return { ...state, environment: action.name };
    case 'visibility':
      return { ...state, visibility: action.visibility };
    case 'share-search':
      return { ...state, shareSearch: action.text };
    case 'share-toggled':
      return {
        ...state,
        sharedIds: action.on
          ? [...state.sharedIds, action.id]
          : state.sharedIds.filter((one) => one !== action.id),
      };
    case 'scope':
      return { ...state, scope: action.scope };
    case 'masked':
      return { ...state, masked: action.masked };
    case 'protected':
      return { ...state, isProtected: action.isProtected };
    case 'name':
      return { ...state, name: action.name, nameTouched: true };
    case 'targets-loaded':
      return { ...state, targets: action.loaded };
    case 'environments-loaded':
      return action.loaded.value
        ? { ...state, environments: action.loaded, environment: action.loaded.value[0] ?? '' }
        : { ...state, environments: action.loaded };
    case 'shared-loaded':
      return { ...state, shared: action.loaded };
    case 'submitted':
      return { ...state, nameTouched: true, formError: null };
    case 'form-error':
      return { ...state, formError: action.message };
    case 'busy':
      return { ...state, busy: action.busy };
    case 'check-failed':
      return { ...state, busy: false, formError: action.message };
    case 'ask':
      return { ...state, busy: false, asking: { choice: action.choice, message: action.message } };
    case 'answered':
      return { ...state, asking: null };
  }
}

export function choiceKey(choice: TargetChoice): string {
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

/** The provider list a kind of place is picked from. */
export function listFor(kind: Kind): 'repositories' | 'organizations' | 'projects' | 'groups' {
  if (kind === 'organization') return 'organizations';
  if (kind === 'project') return 'projects';
  if (kind === 'group') return 'groups';
  return 'repositories';
}

/** The answer for this key, if the last answer is for it. */
function answerFor<T>(loaded: Loaded<T> | undefined, key: string | null) {
  if (key === null || loaded?.key !== key) return { value: null, error: null };
  return { value: loaded.value ?? null, error: loaded.error ?? null };
}

export const targetsKey = (state: SendFormState): string => `${state.accountId}|${state.kind}`;

/** An environment secret: the picked repository whose environments to list. */
export function environmentsKey(state: SendFormState): string | null {
  const { kind, picked, accountId } = state;
  return kind === 'environment' && picked?.kind === 'repository'
    ? `${accountId}|${picked.owner}/${picked.repo}`
    : null;
}

/** "Selected repositories" of an organization secret: the account whose repositories to list. */
export function sharedKey(state: SendFormState): string | null {
  return state.kind === 'organization' && state.visibility === 'selected' && state.accountId
    ? state.accountId
    : null;
}

function matching<T extends TargetChoice>(list: T[] | null, search: string): T[] {
  const needle = search.trim().toLowerCase();
  const all = list ?? [];
  return needle ? all.filter((t) => choiceKey(t).toLowerCase().includes(needle)) : all;
}

/** Everything the form shows that follows from its state. */
export function sendFormView(state: SendFormState) {
  const account = state.accounts?.find((a) => a.id === state.accountId) ?? null;
  const provider: Provider = account?.provider ?? 'github';
  const targets = answerFor(state.targets, targetsKey(state));
  const environments = answerFor(state.environments, environmentsKey(state));
  const shareKey = sharedKey(state);
  const shared = answerFor(state.shared, shareKey);
  // GitHub shares an organization secret only with that organization's repositories.
  let orgRepositories: RepositoryChoice[] | null = null;
  if (shared.value) {
    const { picked } = state;
    orgRepositories =
      picked?.kind === 'organization'
        ? shared.value.filter((r) => r.owner.toLowerCase() === picked.org.toLowerCase())
        : [];
  }
  /** The chosen ids that belong to the picked organization (a pick elsewhere drops the rest). */
  const chosenIds = (orgRepositories ?? [])
    .filter((r) => state.sharedIds.includes(r.id))
    .map((r) => r.id);
  return {
    account,
    provider,
    targets: targets.value,
    targetsError: targets.error,
    matching: matching(targets.value, state.search),
    environments: environments.value,
    environmentsError: environments.error,
    shareError: shared.error,
    orgRepositories,
    shareMatching: matching(orgRepositories, state.shareSearch),
    chosenIds,
    listLabel: LIST_LABELS[state.kind],
  };
}

export type SendFormView = ReturnType<typeof sendFormView>;

/** What a provider's extra form fields receive. */
export interface ProviderFieldsProps {
  /** The form's id prefix, for labels. */
  id: string;
  state: SendFormState;
  view: SendFormView;
  dispatch: (action: SendFormAction) => void;
}

/** Enough rows to find one by scrolling; the search narrows the rest. */
export const SHOWN_TARGETS = 200;

/** The place the form names, or why it names none yet. */
export function destinationOf(
  state: SendFormState,
  view: Pick<SendFormView, 'environments' | 'chosenIds'>,
): DestinationTarget | string {
  const { picked, kind, environment, visibility, scope } = state;
  if (!picked) return 'Choose where to send it.';
  if (picked.kind === 'repository' && kind === 'environment') {
    if (!environment)
      return view.environments?.length === 0
        ? 'That repository has no environments. Choose another, or send to the repository.'
        : 'Choose an environment.';
    return { kind: 'environment', owner: picked.owner, repo: picked.repo, environment };
  }
  if (picked.kind === 'repository')
    return { kind: 'repository', owner: picked.owner, repo: picked.repo };
  if (picked.kind === 'environment') return { ...picked };
  if (picked.kind === 'organization') {
    if (visibility === 'selected' && view.chosenIds.length === 0)
      return 'Choose at least one repository that can use the secret.';
    return { kind: 'organization', org: picked.org, visibility };
  }
  if (scope.trim() === '') return 'Enter an environment scope, or * for every environment.';
  return { kind: picked.kind, path: picked.path, environmentScope: scope.trim() };
}
