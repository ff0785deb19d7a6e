/**
 * Send to CI from a reveal: the secret comes from main's reveal store (never from
 * the renderer), reaches the local GitHub sealed to its key (the fake decrypts it)
 * and the local GitLab as a masked variable, and the place is recorded on the real
 * token service (never the secret).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeChannel } from '../../src/main/ipc/invoke-channel.js';
import type { RevealedToken } from '../../src/shared/ipc-contract.js';
import { MAINTAINER, OWNER, signUp, startCiWorld, type CiWorld } from '../support/main/ci-desk.js';
import { connectionOf } from '../support/main/fakes.js';

const GH_TOKEN = 'ghp_sendTestToken00000000000000000000001';
const GL_TOKEN = 'glpat-sendTestToken00000001';
const silent = { error: () => {} };

let world: CiWorld;
let composed: ReturnType<CiWorld['launch']>;
let desk: ReturnType<CiWorld['launch']>['handlers'];
const results: unknown[] = [];
async function call(channel: string, payload: unknown) {
  const result = await invokeChannel(desk, channel, payload, silent);
  results.push(result);
  return result as
    { ok: true; value: any } | { ok: false; error: { code: string; message: string } };
}

/** The local GitHub's and GitLab's host:port, which every place label on them names. */
const gh = () => new URL(world.github.apiBaseUrl).host;
const gl = () => new URL(world.gitlab.url).host;
let githubId = '';
let gitlabId = '';
let revealed: RevealedToken;
const repo = { kind: 'repository', owner: 'ada', repo: 'app' } as const;
const project = { kind: 'project', path: 'acme/mobile/app', environmentScope: '*' } as const;

beforeAll(async () => {
  world = await startCiWorld();
  world.github.addAccount(GH_TOKEN, 'ada');
  world.github.addRepository('ada', 'app', { environments: ['production'] });
  world.github.addOrganization('acme', ['ada']);
  world.gitlab.addUser(GL_TOKEN, 'ada');
  world.gitlab.addProject('acme/mobile/app', { ada: MAINTAINER });
  world.gitlab.addGroup('acme', { ada: OWNER });
  composed = world.launch();
  desk = composed.handlers;
  await signUp(desk, world, `send-${Date.now()}@example.test`);
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
  githubId = gh.value.id;
  gitlabId = gl.value.id;
  revealed = await desk['tokens:create']({
    connectionId: await connectionOf(desk),
    name: 'ci-send',
    expiresAt: null,
  });
});
afterAll(async () => {
  await world.close();
});

describe('send a revealed token to CI', () => {
  it('checks, then sends to a GitHub repository: GitHub decrypts exactly the secret, and the place is recorded', async () => {
    expect(
      await call('destinations:check', {
        accountId: githubId,
        target: repo,
        name: 'CAPAWESOME_TOKEN',
      }),
    ).toEqual({
      ok: true,
      value: {
        exists: false,
        settingsUrl: `${world.github.apiBaseUrl.replace(/\/api\/v3$/, '')}/ada/app/settings/secrets/actions`,
      },
    });
    const sent = await call('destinations:send', {
      revealId: revealed.revealId,
      accountId: githubId,
      target: repo,
      name: 'CAPAWESOME_TOKEN',
      overwrite: false,
    });
    expect(sent).toMatchObject({
      ok: true,
      value: {
        outcome: 'created',
        // Not github.com: the label names the host, so a look-alike server never reads as the real one.
        label: `CAPAWESOME_TOKEN in ada/app on ${gh()}`,
        recordProblem: null,
        destination: {
          id: expect.any(String),
          provider: 'github',
          host: world.github.apiBaseUrl,
          target: repo,
          name: 'CAPAWESOME_TOKEN',
        },
      },
    });
    expect(world.github.secret('ada/app', 'CAPAWESOME_TOKEN')).toBe(revealed.secret);
    expect(world.github.violations).toEqual([]);
  });

  it('says when the secret already exists and overwrites only when confirmed', async () => {
    const send = (overwrite: boolean) =>
      call('destinations:send', {
        revealId: revealed.revealId,
        accountId: githubId,
        target: repo,
        name: 'CAPAWESOME_TOKEN',
        overwrite,
      });
    const puts = () => world.github.requests.filter((request) => request.method === 'PUT').length;
    const before = puts();
    expect(await send(false)).toMatchObject({
      ok: false,
      error: {
        code: 'destination_exists',
        message: expect.stringContaining(`CAPAWESOME_TOKEN in ada/app on ${gh()} already exists`),
      },
    });
    expect(puts()).toBe(before);
    expect(await send(true)).toMatchObject({ ok: true, value: { outcome: 'updated' } });
    expect(puts()).toBe(before + 1);
  });

  it('sends the same reveal to a masked GitLab project variable and a GitHub environment too', async () => {
    expect(
      await call('destinations:send', {
        revealId: revealed.revealId,
        accountId: gitlabId,
        target: project,
        name: 'CAPAWESOME_TOKEN',
        overwrite: false,
      }),
    ).toMatchObject({ ok: true, value: { outcome: 'created', recordProblem: null } });
    expect(world.gitlab.variable('project', 'acme/mobile/app', 'CAPAWESOME_TOKEN')).toMatchObject({
      value: revealed.secret,
      masked: true,
      protected: false,
    });
    expect(
      await call('destinations:send', {
        revealId: revealed.revealId,
        accountId: githubId,
        target: { kind: 'environment', owner: 'ada', repo: 'app', environment: 'production' },
        name: 'CAPAWESOME_TOKEN',
        overwrite: false,
      }),
    ).toMatchObject({ ok: true, value: { outcome: 'created' } });
    expect(world.github.secret('ada/app:production', 'CAPAWESOME_TOKEN')).toBe(revealed.secret);
  });

  it('lists the token’s places with links, and removes one record', async () => {
    const listed = await call('destinations:list', { tokenId: revealed.token.id });
    expect(listed.ok).toBe(true);
    if (!listed.ok) return;
    expect(listed.value.map((place: { label: string }) => place.label)).toEqual([
      `CAPAWESOME_TOKEN in ada/app on ${gh()}`,
      `CAPAWESOME_TOKEN in acme/mobile/app on ${gl()}`,
      `CAPAWESOME_TOKEN in ada/app · production on ${gh()}`,
    ]);
    expect(listed.value[1].settingsUrl).toBe(
      `${world.gitlab.url}/acme/mobile/app/-/settings/ci_cd#js-cicd-variables-settings`,
    );
    const last = listed.value[2];
    expect(
      await call('destinations:remove', { tokenId: revealed.token.id, destinationId: last.id }),
    ).toEqual({ ok: true, value: null });
    const after = await call('destinations:list', { tokenId: revealed.token.id });
    expect(after.ok && after.value.length).toBe(2);
  });

  it('refuses names that break the provider’s rules, inline-compatible, before anything is sent', async () => {
    const requestsBefore = world.github.requests.length + world.gitlab.requests.length;
    for (const [accountId, target, name, message] of [
      [githubId, repo, 'GITHUB_TOKEN', 'A GitHub secret name must not start with GITHUB_.'],
      [githubId, repo, '1TOKEN', 'must not start with a digit'],
      [githubId, repo, 'MY-TOKEN', 'only letters, digits and underscores'],
      [gitlabId, project, 'MY TOKEN', 'A GitLab variable key may contain only'],
      [githubId, repo, '', 'Enter a name.'],
    ] as const) {
      expect(
        await call('destinations:send', {
          revealId: revealed.revealId,
          accountId,
          target,
          name,
          overwrite: true,
        }),
      ).toMatchObject({
        ok: false,
        error: { code: 'invalid_name', message: expect.stringContaining(message) },
      });
    }
    expect(world.github.requests.length + world.gitlab.requests.length).toBe(requestsBefore);
  });

  it('refuses a target of the other provider, a secret where an id belongs, and a forgotten reveal', async () => {
    expect(
      await call('destinations:send', {
        revealId: revealed.revealId,
        accountId: githubId,
        target: project,
        name: 'CAPAWESOME_TOKEN',
        overwrite: true,
      }),
    ).toMatchObject({ ok: false, error: { code: 'wrong_provider' } });
    expect(
      await call('destinations:check', {
        accountId: gitlabId,
        target: repo,
        name: 'CAPAWESOME_TOKEN',
      }),
    ).toMatchObject({ ok: false, error: { code: 'wrong_provider' } });
    // The renderer cannot hand main a secret to send: only a revealId, and a secret is not one.
    const smuggled = await call('destinations:send', {
      revealId: revealed.secret,
      accountId: githubId,
      target: repo,
      name: 'CAPAWESOME_TOKEN',
      overwrite: true,
    });
    expect(smuggled).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(
      await call('destinations:send', {
        revealId: revealed.revealId,
        accountId: githubId,
        target: repo,
        name: 'CAPAWESOME_TOKEN',
        overwrite: true,
        secret: 'ca_fromTheRenderer',
      }),
    ).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(
      await call('destinations:send', {
        revealId: '00000000-0000-4000-8000-000000000000',
        accountId: githubId,
        target: repo,
        name: 'CAPAWESOME_TOKEN',
        overwrite: true,
      }),
    ).toMatchObject({ ok: false, error: { code: 'secret_gone' } });
  });

  it('a provider that echoes the secret in its error does not get it to the renderer', async () => {
    world.gitlab.failNext('/variables', {
      status: 400,
      body: { message: { value: [`${revealed.secret} is not allowed here`] } },
    });
    const result = await call('destinations:send', {
      revealId: revealed.revealId,
      accountId: gitlabId,
      target: { ...project, environmentScope: 'staging' },
      name: 'CAPAWESOME_TOKEN',
      overwrite: true,
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'provider_invalid_name' } });
    expect(JSON.stringify(result)).not.toContain(revealed.secret);
    expect(JSON.stringify(result)).toContain('[redacted]');
  });

  it('reports GitHub down, rate-limited and answering garbage in words', async () => {
    const send = () =>
      call('destinations:send', {
        revealId: revealed.revealId,
        accountId: githubId,
        target: repo,
        name: 'CAPAWESOME_TOKEN',
        overwrite: true,
      });
    world.github.failNext('/public-key', {
      status: 429,
      body: { message: 'secondary rate limit', documentation_url: 'https://docs.github.com/rest' },
      headers: { 'retry-after': '60' },
    });
    expect(await send()).toMatchObject({
      ok: false,
      error: { code: 'provider_rate_limited', message: expect.stringContaining('(in 1 min)') },
    });
    world.github.failNext('/public-key', {
      status: 200,
      body: { key_id: '1', key: 'bm90IGEga2V5' },
    });
    expect(await send()).toMatchObject({
      ok: false,
      error: { code: 'provider_invalid_response', message: expect.stringContaining('public key') },
    });
    world.github.failNext('/public-key', {
      status: 503,
      body: { message: 'unavailable', documentation_url: 'https://docs.github.com/rest' },
    });
    expect(await send()).toMatchObject({ ok: false, error: { code: 'provider_unreachable' } });
    world.github.violations.length = 0;
    // Nothing of those reached the secret store: it still holds the token's secret.
    expect(world.github.secret('ada/app', 'CAPAWESOME_TOKEN')).toBe(revealed.secret);
  });

  it('keeps the secret and the provider credentials out of settings, service logs and results', () => {
    for (const text of [
      world.settingsText(),
      JSON.stringify(results),
      world.service.logs.join('\n'),
    ]) {
      expect(text).not.toContain(revealed.secret);
      expect(text).not.toContain(GH_TOKEN);
      expect(text).not.toContain(GL_TOKEN);
    }
  });
});
