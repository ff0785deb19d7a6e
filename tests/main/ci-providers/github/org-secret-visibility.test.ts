/**
 * A rotation updates an organization secret with the visibility GitHub holds now,
 * not the one recorded at the first send: an admin who narrowed the secret to a few
 * repositories on GitHub must not see it widened again by the next rotation. The
 * recorded visibility is used only when the secret is gone.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openProvider } from '../../../../src/main/ci-providers/registry.js';
import type { CiProvider } from '../../../../src/main/ci-providers/secret-store.js';
import { GitHubContract } from '../../../support/ci-providers/github/github-contract.js';
import {
  startFakeGitHub,
  type FakeGitHub,
} from '../../../support/ci-providers/github/fake-github.js';

const TOKEN = 'ghp_orgVisibilityToken0000000000000000001';
const NAME = 'CAPAWESOME_TOKEN';
const rotation = { keepExistingSettings: true } as const;
const contract = new GitHubContract();

let github: FakeGitHub;
let provider: CiProvider;
let repoA: number;
let repoB: number;

beforeEach(async () => {
  github = await startFakeGitHub({ enterprise: true, contract });
  github.addAccount(TOKEN, 'ada');
  github.addOrganization('acme', ['ada']);
  repoA = github.addRepository('acme', 'a', { admins: ['ada'] });
  repoB = github.addRepository('acme', 'b', { admins: ['ada'] });
  provider = openProvider('github', github.apiBaseUrl, TOKEN);
});
afterEach(async () => {
  // Neither our client nor the fake may leave GitHub's documented shapes.
  expect(github.violations).toEqual([]);
  await github.close();
});

const org = (visibility: 'all' | 'private' | 'selected') =>
  ({ kind: 'organization', org: 'acme', visibility }) as const;

describe("a rotation keeps an organization secret's current visibility", () => {
  it('recorded "all", narrowed on GitHub to selected [A]: stays selected [A]', async () => {
    expect(await provider.push(org('all'), NAME, 'first', {})).toBe('created');
    github.setOrgSecretAccess('acme', NAME, 'selected', [repoA]);
    expect(await provider.push(org('all'), NAME, 'second', rotation)).toBe('updated');
    expect(github.orgSecretAccess('acme', NAME)).toEqual({
      visibility: 'selected',
      selectedRepositoryIds: [repoA],
    });
    expect(github.secret('org:acme', NAME)).toBe('second');
  });

  it('recorded "selected" [A, B], narrowed to [A]: keeps [A] (sent explicitly)', async () => {
    await provider.push(org('selected'), NAME, 'first', { selectedRepositoryIds: [repoA, repoB] });
    github.setOrgSecretAccess('acme', NAME, 'selected', [repoA]);
    await provider.push(org('selected'), NAME, 'second', rotation);
    expect(github.orgSecretAccess('acme', NAME)).toEqual({
      visibility: 'selected',
      selectedRepositoryIds: [repoA],
    });
  });

  it('recorded "all", narrowed to "private": stays private', async () => {
    await provider.push(org('all'), NAME, 'first', {});
    github.setOrgSecretAccess('acme', NAME, 'private');
    await provider.push(org('all'), NAME, 'second', rotation);
    expect(github.orgSecretAccess('acme', NAME)).toEqual({ visibility: 'private' });
  });

  it('selected with every repository removed on GitHub: stays selected with none', async () => {
    await provider.push(org('selected'), NAME, 'first', { selectedRepositoryIds: [repoA] });
    github.setOrgSecretAccess('acme', NAME, 'selected', []);
    await provider.push(org('selected'), NAME, 'second', rotation);
    expect(github.orgSecretAccess('acme', NAME)).toEqual({
      visibility: 'selected',
      selectedRepositoryIds: [],
    });
    expect(github.secret('org:acme', NAME)).toBe('second');
  });

  it('more selected repositories than one page: every one is kept', async () => {
    const many = Array.from({ length: 230 }, (_, i) =>
      github.addRepository('acme', `many-${i}`, { admins: ['ada'] }),
    );
    await provider.push(org('selected'), NAME, 'first', { selectedRepositoryIds: many });
    await provider.push(org('selected'), NAME, 'second', rotation);
    expect(github.orgSecretAccess('acme', NAME)?.selectedRepositoryIds).toEqual(many);
  });

  it('the secret deleted on GitHub: recreated with the recorded visibility', async () => {
    await provider.push(org('private'), NAME, 'first', {});
    github.deleteSecret('org:acme', NAME);
    expect(await provider.push(org('private'), NAME, 'second', rotation)).toBe('created');
    expect(github.orgSecretAccess('acme', NAME)).toEqual({ visibility: 'private' });
    expect(github.secret('org:acme', NAME)).toBe('second');
  });

  it('a deleted "selected" secret is not recreated wider: refused in words, nothing written', async () => {
    await provider.push(org('selected'), NAME, 'first', { selectedRepositoryIds: [repoA] });
    github.deleteSecret('org:acme', NAME);
    const puts = () => github.requests.filter((request) => request.method === 'PUT').length;
    const before = puts();
    await expect(provider.push(org('selected'), NAME, 'second', rotation)).rejects.toMatchObject({
      code: 'provider_not_found',
      message: expect.stringMatching(/no longer exists.*selected repositories/s),
    });
    expect(puts()).toBe(before);
    expect(github.orgSecretAccess('acme', NAME)).toBeUndefined();
  });

  it('a visibility GitHub has not documented: refused, nothing written', async () => {
    await provider.push(org('all'), NAME, 'first', {});
    const puts = () => github.requests.filter((request) => request.method === 'PUT').length;
    const before = puts();
    github.failNext(`/actions/secrets/${NAME}`, {
      status: 200,
      body: {
        name: NAME,
        created_at: '2026-01-01T00:00:00Z',
        updated_at: '2026-01-01T00:00:00Z',
        visibility: 'everyone',
      },
    });
    await expect(provider.push(org('all'), NAME, 'second', rotation)).rejects.toMatchObject({
      code: 'provider_invalid_response',
    });
    expect(puts()).toBe(before);
    expect(github.secret('org:acme', NAME)).toBe('first');
    // The fake's canned answer is off-contract on purpose; nothing else may be.
    github.violations.splice(0);
  });
});
