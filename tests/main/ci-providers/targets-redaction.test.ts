/**
 * providers:targets through main's real handler: a GitHub or GitLab that echoes the
 * access token back in an error body about a listing must not get it to the window.
 * The tokens here are not shaped like any known credential, so only redaction of
 * the account's own credential (inWords with it) can cut them out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeChannel } from '../../../src/main/ipc/invoke-channel.js';
import {
  MAINTAINER,
  OWNER,
  signUp,
  startCiWorld,
  type CiWorld,
} from '../../support/main/ci-desk.js';

const GH_TOKEN = 'Zq7-github-echo-token-4f1c9a2b7e3d';
const GL_TOKEN = 'Wx3-gitlab-echo-token-8b2e6d1f9c4a';
const silent = { error: () => {} };

let world: CiWorld;
let desk: ReturnType<CiWorld['launch']>['handlers'];
const ids: Record<'github' | 'gitlab', string> = { github: '', gitlab: '' };

type Result =
  { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };
const call = async (channel: string, payload: unknown) =>
  (await invokeChannel(desk, channel, payload, silent)) as Result;

/** No piece of 8 characters or more of `secret` survives in `text`. */
function expectNoPieceOf(secret: string, text: string) {
  for (let start = 0; start + 8 <= secret.length; start++)
    expect(text, `contains "${secret.slice(start, start + 8)}"`).not.toContain(
      secret.slice(start, start + 8),
    );
}

beforeAll(async () => {
  world = await startCiWorld();
  world.github.addAccount(GH_TOKEN, 'ada');
  world.github.addRepository('ada', 'app', { environments: ['production'] });
  world.gitlab.addUser(GL_TOKEN, 'ada');
  world.gitlab.addProject('acme/app', { ada: MAINTAINER });
  world.gitlab.addGroup('acme', { ada: OWNER });
  desk = world.launch().handlers;
  await signUp(desk, world, `targets-redaction-${Date.now()}@example.test`);
  for (const [provider, host, token] of [
    ['github', world.github.apiBaseUrl, GH_TOKEN],
    ['gitlab', world.gitlab.url, GL_TOKEN],
  ] as const) {
    const added = await call('providers:add', { provider, host, token });
    if (!added.ok) throw new Error(`${provider} account not added: ${added.error.message}`);
    ids[provider] = (added.value as { id: string }).id;
  }
});
afterAll(async () => {
  await world.close();
});

describe('providers:targets with a provider that echoes the access token', () => {
  it.each([
    ['repositories', '/user/repos', {}],
    ['organizations', '/user/orgs', {}],
    ['environments', '/environments', { owner: 'ada', repo: 'app' }],
  ])('GitHub, listing %s', async (list, path, extra) => {
    world.github.failNext(path, ({ authorization }) => ({
      status: 422,
      body: {
        message: `Validation Failed for ${authorization}`,
        documentation_url: 'https://docs.github.com/rest',
      },
    }));
    const result = await call('providers:targets', { accountId: ids.github, list, ...extra });
    expect(result).toMatchObject({ ok: false, error: { code: 'provider_invalid_name' } });
    const text = JSON.stringify(result);
    // The provider's words still arrive, without the token.
    expect(text).toContain('Validation Failed for token [redacted]');
    expectNoPieceOf(GH_TOKEN, text);
  });

  it.each([
    ['projects', '/projects'],
    ['groups', '/groups'],
  ])('GitLab, listing %s', async (list, path) => {
    world.gitlab.failNext(path, ({ privateToken }) => ({
      status: 400,
      body: { message: `PRIVATE-TOKEN ${privateToken} is not allowed to list` },
    }));
    const result = await call('providers:targets', { accountId: ids.gitlab, list });
    expect(result).toMatchObject({ ok: false, error: { code: 'provider_invalid_name' } });
    const text = JSON.stringify(result);
    expect(text).toContain('PRIVATE-TOKEN [redacted] is not allowed to list');
    expectNoPieceOf(GL_TOKEN, text);
  });

  it('a listing that is not a list is an error in words, not an internal error', async () => {
    world.gitlab.failNext('/groups', { status: 200, body: { message: 'not a list' } });
    expect(
      await call('providers:targets', { accountId: ids.gitlab, list: 'groups' }),
    ).toMatchObject({ ok: false, error: { code: 'provider_invalid_response' } });
    world.github.failNext('/environments', {
      status: 200,
      body: { total_count: 1, environments: 'production' },
    });
    expect(
      await call('providers:targets', {
        accountId: ids.github,
        list: 'environments',
        owner: 'ada',
        repo: 'app',
      }),
    ).toMatchObject({ ok: false, error: { code: 'provider_invalid_response' } });
  });
});
