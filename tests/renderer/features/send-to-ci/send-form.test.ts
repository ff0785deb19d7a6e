import { describe, expect, it } from 'vitest';
import type { ProviderAccountInfo, TargetChoice } from '../../../../src/shared/ipc-contract';
import {
  destinationOf,
  initialSendForm,
  sendFormReducer,
  sendFormView,
  type SendFormAction,
  type SendFormState,
} from '../../../../src/renderer/src/features/send-to-ci/send-form';

const github = { id: 'gh', provider: 'github', login: 'ada', host: 'https://github.com' };
const gitlab = { id: 'gl', provider: 'gitlab', login: 'ada', host: 'https://gitlab.com' };
const accounts = [github, gitlab] as unknown as ProviderAccountInfo[];

const run = (...actions: SendFormAction[]): SendFormState =>
  actions.reduce(sendFormReducer, initialSendForm);
const loaded: SendFormAction = { type: 'accounts-loaded', accounts };

const repo = (owner: string, name: string, id: number) =>
  ({ kind: 'repository', owner, repo: name, id, private: true }) as TargetChoice;

describe('send form reducer', () => {
  it('chooses the first account and its provider’s first kind of place', () => {
    const state = run(loaded);
    expect(state.accountId).toBe('gh');
    expect(state.kind).toBe('repository');
    expect(run(loaded, { type: 'account-chosen', accountId: 'gl' }).kind).toBe('project');
    expect(run({ type: 'accounts-loaded', accounts: [] }).adding).toBe(true);
  });

  it('forgets the pick and the search when the account or the kind changes', () => {
    const picked = run(
      loaded,
      { type: 'search', text: 'ada' },
      { type: 'picked', choice: repo('ada', 'app', 1) },
      { type: 'name', name: 'X' },
    );
    const other = sendFormReducer(picked, { type: 'account-chosen', accountId: 'gl' });
    expect([other.picked, other.search, other.nameTouched]).toEqual([null, '', false]);
    const kind = sendFormReducer(picked, { type: 'kind-chosen', kind: 'organization' });
    expect([kind.picked, kind.search, kind.nameTouched]).toEqual([null, '', true]);
  });

  it('shows a provider’s answer only for the choice it answers', () => {
    const list = [repo('ada', 'app', 1)];
    const late = run(loaded, {
      type: 'targets-loaded',
      loaded: { key: 'gh|project', value: list },
    });
    expect(sendFormView(late).targets).toBeNull();
    const now = run(loaded, {
      type: 'targets-loaded',
      loaded: { key: 'gh|repository', value: list },
    });
    expect(sendFormView(now).targets).toEqual(list);
  });

  it('picks the first environment when they arrive', () => {
    const state = run(
      loaded,
      { type: 'kind-chosen', kind: 'environment' },
      { type: 'picked', choice: repo('ada', 'app', 1) },
      { type: 'environments-loaded', loaded: { key: 'gh|ada/app', value: ['prod', 'dev'] } },
    );
    expect(state.environment).toBe('prod');
    expect(destinationOf(state, sendFormView(state))).toEqual({
      kind: 'environment',
      owner: 'ada',
      repo: 'app',
      environment: 'prod',
    });
  });

  it('shares an organization secret only with that organization’s repositories', () => {
    const state = run(
      loaded,
      { type: 'kind-chosen', kind: 'organization' },
      { type: 'picked', choice: { kind: 'organization', org: 'Acme' } as TargetChoice },
      { type: 'visibility', visibility: 'selected' },
      {
        type: 'shared-loaded',
        loaded: { key: 'gh', value: [repo('acme', 'api', 7), repo('ada', 'app', 8)] as never },
      },
      { type: 'share-toggled', id: 7, on: true },
      { type: 'share-toggled', id: 8, on: true },
    );
    const view = sendFormView(state);
    expect(view.orgRepositories?.map((r) => r.id)).toEqual([7]);
    expect(view.chosenIds).toEqual([7]);
    expect(destinationOf(state, view)).toEqual({
      kind: 'organization',
      org: 'Acme',
      visibility: 'selected',
    });
    const none = sendFormReducer(state, { type: 'share-toggled', id: 7, on: false });
    expect(destinationOf(none, sendFormView(none))).toBe(
      'Choose at least one repository that can use the secret.',
    );
  });

  it('says what is missing before anything is sent', () => {
    expect(destinationOf(run(loaded), sendFormView(run(loaded)))).toBe('Choose where to send it.');
    const project = run(
      loaded,
      { type: 'account-chosen', accountId: 'gl' },
      { type: 'picked', choice: { kind: 'project', path: 'ada/app' } as TargetChoice },
      { type: 'scope', scope: '  ' },
    );
    expect(destinationOf(project, sendFormView(project))).toBe(
      'Enter an environment scope, or * for every environment.',
    );
  });

  it('waits for an answer when the name exists, and a failed check ends the wait', () => {
    const choice = { accountId: 'gh', provider: 'github' as const, target: {} as never, name: 'N' };
    const asking = run(loaded, { type: 'busy', busy: true }, { type: 'ask', choice, message: 'm' });
    expect([asking.busy, asking.asking?.message]).toEqual([false, 'm']);
    expect(sendFormReducer(asking, { type: 'answered' }).asking).toBeNull();
    const failed = run({ type: 'busy', busy: true }, { type: 'check-failed', message: 'down' });
    expect([failed.busy, failed.formError]).toEqual([false, 'down']);
  });
});
