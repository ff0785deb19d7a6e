/**
 * destinations:open-settings: main opens a recorded place's settings page in the
 * user's browser, building the URL from the service's record for the active account.
 * The renderer names only a token and a place; hostile payloads open nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeChannel } from '../../src/main/ipc/invoke-channel.js';
import { checkedExternalUrl } from '../../src/main/services/external-links.js';
import { MAINTAINER, signUp, startCiWorld, type CiWorld } from '../support/main/ci-desk.js';
import { RecordingExternalLinks } from '../../src/harness/stand-ins.js';
import { connectionOf } from '../support/main/fakes.js';

const GH_TOKEN = 'ghp_openSettingsToken0000000000000000001';
const GL_TOKEN = 'glpat-openSettingsToken0001';
const silent = { error: () => {} };

let world: CiWorld;
let desk: ReturnType<CiWorld['launch']>['handlers'];
const links = new RecordingExternalLinks();
async function call(channel: string, payload: unknown) {
  return (await invokeChannel(desk, channel, payload, silent)) as
    { ok: true; value: any } | { ok: false; error: { code: string; message: string } };
}

const email = `open-settings-${Date.now()}@example.test`;
let tokenA = '';
let tokenB = '';
let placeA = '';
let placeB = '';
let placeGitLab = '';

beforeAll(async () => {
  world = await startCiWorld();
  world.github.addAccount(GH_TOKEN, 'ada');
  world.github.addRepository('ada', 'app');
  world.github.addRepository('ada', 'web');
  world.gitlab.addUser(GL_TOKEN, 'ada');
  world.gitlab.addProject('acme/mobile/app', { ada: MAINTAINER });
  desk = world.launch({ externalLinks: links }).handlers;
  await signUp(desk, world, email);
  const gh = await call('providers:add', {
    provider: 'github',
    host: world.github.apiBaseUrl,
    token: GH_TOKEN,
  });
  const gl = await call('providers:add', {
    provider: 'gitlab',
    host: world.gitlab.url,
    token: GL_TOKEN,
  });
  if (!gh.ok || !gl.ok) throw new Error('accounts not added');
  const send = async (
    revealId: string,
    accountId: string,
    target: Record<string, string>,
  ): Promise<string> => {
    const sent = await call('destinations:send', {
      revealId,
      accountId,
      target,
      name: 'CAPAWESOME_TOKEN',
      overwrite: false,
    });
    if (!sent.ok || !sent.value.destination) throw new Error(JSON.stringify(sent));
    return sent.value.destination.id as string;
  };
  const a = await desk['tokens:create']({
    connectionId: await connectionOf(desk),
    name: 'open-a',
    expiresAt: null,
  });
  const b = await desk['tokens:create']({
    connectionId: await connectionOf(desk),
    name: 'open-b',
    expiresAt: null,
  });
  tokenA = a.token.id;
  tokenB = b.token.id;
  placeA = await send(a.revealId, gh.value.id, { kind: 'repository', owner: 'ada', repo: 'app' });
  placeGitLab = await send(a.revealId, gl.value.id, {
    kind: 'project',
    path: 'acme/mobile/app',
    environmentScope: '*',
  });
  placeB = await send(b.revealId, gh.value.id, { kind: 'repository', owner: 'ada', repo: 'web' });
});
afterAll(async () => {
  await world.close();
});

describe('destinations:open-settings', () => {
  it("opens exactly the recorded place's settings page, built by main", async () => {
    const web = world.github.apiBaseUrl.replace(/\/api\/v3$/, '');
    expect(
      await call('destinations:open-settings', { tokenId: tokenA, destinationId: placeA }),
    ).toEqual({ ok: true, value: null });
    expect(
      await call('destinations:open-settings', { tokenId: tokenA, destinationId: placeGitLab }),
    ).toEqual({ ok: true, value: null });
    expect(links.opened).toEqual([
      `${web}/ada/app/settings/secrets/actions`,
      `${world.gitlab.url.replace(/\/+$/, '')}/acme/mobile/app/-/settings/ci_cd#js-cicd-variables-settings`,
    ]);
  });

  it("refuses another token's place, an unknown place and an unknown token, opening nothing", async () => {
    const before = links.opened.length;
    for (const payload of [
      { tokenId: tokenA, destinationId: placeB },
      { tokenId: tokenB, destinationId: placeA },
      { tokenId: tokenA, destinationId: '00000000-0000-4000-8000-000000000000' },
    ]) {
      expect(await call('destinations:open-settings', payload)).toMatchObject({
        ok: false,
        error: { code: 'not_found', message: expect.stringMatching(/not recorded/) },
      });
    }
    expect(
      await call('destinations:open-settings', {
        tokenId: '00000000-0000-4000-8000-000000000000',
        destinationId: placeA,
      }),
    ).toMatchObject({ ok: false });
    expect(links.opened.length).toBe(before);
  });

  it('opens nothing on a host no configured account uses, whatever the service recorded', async () => {
    // The service's record is not trusted to name a host: a compromised service (or a
    // place recorded by another client) could point at a look-alike server.
    const session = await world.service.request('POST', '/v1/sessions', {
      body: { email, password: 'ci desk password 1' },
    });
    const recorded = await world.service.request(
      'POST',
      `/v1/users/me/tokens/${tokenA}/destinations`,
      {
        token: (session.body as { token: string }).token,
        body: {
          provider: 'github',
          host: 'https://ghe.look-alike.example/api/v3',
          target: { kind: 'repository', owner: 'ada', repo: 'app' },
          name: 'CAPAWESOME_TOKEN',
        },
      },
    );
    expect(recorded.status).toBe(201);
    const placeId = (recorded.body as { id: string }).id;
    const before = links.opened.length;
    expect(
      await call('destinations:open-settings', { tokenId: tokenA, destinationId: placeId }),
    ).toMatchObject({
      ok: false,
      error: {
        code: 'provider_account_missing',
        message: expect.stringContaining('ghe.look-alike.example'),
      },
    });
    expect(links.opened.length).toBe(before);
  });

  it('refuses credential-shaped ids, a URL from the page and malformed payloads before any handler runs', async () => {
    const before = links.opened.length;
    for (const payload of [
      { tokenId: tokenA, destinationId: 'ca_0123456789abcdef' },
      { tokenId: tokenA, destinationId: GH_TOKEN },
      { tokenId: tokenA, destinationId: GL_TOKEN },
      { tokenId: tokenA, destinationId: 'GLPTT-abc' },
      { tokenId: 'ses_abc', destinationId: placeA },
      { tokenId: tokenA, destinationId: placeA, url: 'javascript:alert(1)' },
      { tokenId: tokenA, destinationId: '../../etc' },
      { tokenId: tokenA },
      null,
    ]) {
      expect(await call('destinations:open-settings', payload)).toMatchObject({
        ok: false,
        error: { code: 'invalid_payload' },
      });
    }
    expect(links.opened.length).toBe(before);
  });

  it('hands the browser only https, or http on this computer', () => {
    expect(checkedExternalUrl('https://github.com/ada/app/settings/secrets/actions')).toBe(
      'https://github.com/ada/app/settings/secrets/actions',
    );
    expect(checkedExternalUrl('http://127.0.0.1:8080/x')).toBe('http://127.0.0.1:8080/x');
    for (const hostile of [
      'http://github.com/ada/app',
      'javascript:alert(1)',
      'file:///etc/passwd',
      'smb://evil/share',
      'https://user:pass@github.com/',
      'not a url',
    ]) {
      expect(() => checkedExternalUrl(hostile), hostile).toThrow(
        expect.objectContaining({ code: 'unsafe_link' }),
      );
    }
  });

  it('says opening pages is unavailable without a browser port', async () => {
    const bare = world.launch().handlers;
    expect(
      await invokeChannel(
        bare,
        'destinations:open-settings',
        { tokenId: tokenA, destinationId: placeA },
        silent,
      ),
    ).toMatchObject({ ok: false, error: { code: 'links_unavailable' } });
  });
});
