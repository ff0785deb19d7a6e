/**
 * What the GitLab create form may offer: the projects the person maintains and the
 * groups they own, read from a GitLab that may lie, as the list reads them.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  startFakeGitLab,
  type FakeGitLab,
} from '../../../support/ci-providers/gitlab/fake-gitlab.js';
import { ADA_TOKEN, issuerFor } from './issuer-setup.js';

let gitlab: FakeGitLab;
let projectId: number;
let groupId: number;

beforeAll(async () => {
  gitlab = await startFakeGitLab();
  gitlab.addUser(ADA_TOKEN, 'ada');
  gitlab.addUser('glpat-eveOwnsTheOther00001', 'eve');
  projectId = gitlab.addProject('acme/app', { ada: 40 });
  gitlab.addProject('acme/docs', { ada: 30 });
  gitlab.addProject('eve/secret', { eve: 50 });
  groupId = gitlab.addGroup('acme', { ada: 50 });
  gitlab.addGroup('friends', { ada: 40 });
});
afterEach(() => expect(gitlab.tokens.offContract).toEqual([]));
afterAll(() => gitlab.close());

describe('GitLab create choices', () => {
  it('offers the projects ada maintains and the groups she owns, nothing else', async () => {
    const choices = await issuerFor(gitlab).createChoices();
    expect(choices).toEqual({
      kind: 'gitlab',
      namespaces: [
        { kind: 'project', id: projectId, path: 'acme/app' },
        { kind: 'group', id: groupId, path: 'acme' },
      ],
      notes: [],
    });
  });

  it('a project name with bidi and zero-width characters shows them, cut to length', async () => {
    gitlab.alter('/projects', (answer) => ({
      ...answer,
      body: [
        { id: 7, path_with_namespace: 'acme/\u202Eppa\u200B-ic' },
        { id: 8, path_with_namespace: `acme/${'x'.repeat(1500)}` },
      ],
    }));
    const choices = await issuerFor(gitlab).createChoices();
    if (choices.kind !== 'gitlab') throw new Error('not GitLab choices');
    const paths = choices.namespaces.map((namespace) => namespace.path);
    expect(paths[0]).toBe('acme/\uFFFDppa\uFFFD-ic');
    expect([...paths[1]!].length).toBe(200);
    expect(paths[1]!.endsWith('…')).toBe(true);
  });

  it('more projects on one page than asked for: cut to 50, and said', async () => {
    gitlab.alter('/projects', (answer) => ({
      ...answer,
      body: Array.from({ length: 400 }, (_, n) => ({ id: n + 1, path_with_namespace: `p/${n}` })),
    }));
    const choices = await issuerFor(gitlab).createChoices();
    if (choices.kind !== 'gitlab') throw new Error('not GitLab choices');
    expect(choices.namespaces.filter((namespace) => namespace.kind === 'project')).toHaveLength(50);
    expect(choices.notes).toEqual([
      expect.stringMatching(/^Token Desk offers the 50 most recently active projects you maintain/),
    ]);
  });

  it('a malformed project list is an error in words, not an empty form', async () => {
    gitlab.alter('/projects', (answer) => ({ ...answer, body: [{ id: 'one', path: 5 }] }));
    await expect(issuerFor(gitlab).createChoices()).rejects.toMatchObject({
      code: 'provider_invalid_response',
      message: expect.stringContaining('not a project'),
    });
  });

  it('a huge answer stops at 2 MB, in words', async () => {
    gitlab.alter('/groups', () => ({
      status: 200,
      raw: `[${'{"id":1,"full_path":"x"},'.repeat(120_000)}{"id":1}]`,
    }));
    await expect(issuerFor(gitlab).createChoices()).rejects.toMatchObject({
      code: 'provider_invalid_response',
      message: expect.stringContaining('more than 2 MB'),
    });
  });

  it('a redirect is not followed with the token', async () => {
    gitlab.alter('/projects', () => ({
      status: 302,
      headers: { location: 'http://127.0.0.1:9/api/v4/projects' },
    }));
    await expect(issuerFor(gitlab).createChoices()).rejects.toMatchObject({
      code: 'provider_invalid_response',
      message: expect.stringContaining('a redirect to'),
    });
  });
});
