/**
 * A Cloudflare API token's whole life on the desk, through main's handlers, against
 * real parts: the Cloudflare stand-in, the real token service (where the token's
 * places are kept), the local GitHub and GitLab and the keychain. Connect Cloudflare
 * with a token that may write API tokens (it is listed, never rotated from here),
 * create a token from a permission set, send it to a GitHub secret and a GitLab
 * variable, rotate it: both places hold the new value, Cloudflare refuses the old
 * one. A bad token connects nothing and is never repeated back; removing the
 * connection takes its credential out of the keychain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeChannel } from '../../../src/main/ipc/invoke-channel.js';
import { PROVIDER_KEYCHAIN_SERVICE } from '../../../src/main/connections/vault.js';
import { MAINTAINER, signUp, startCiWorld, type CiWorld } from '../../support/main/ci-desk.js';
import {
  PERMISSION_GROUPS as PG,
  startFakeCloudflare,
  type FakeCloudflare,
} from '../../support/issuers/cloudflare/fake-cloudflare.js';

const GH_TOKEN = 'ghp_cloudflareLifecycleAda000000000001';
const GL_TOKEN = 'glpat-cloudflareLifeAda0001';
const silent = { error: () => {} };
type Result<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

let world: CiWorld;
let cloudflare: FakeCloudflare;
let main: ReturnType<CiWorld['launch']>;
const call = async <T = any>(channel: string, payload: unknown) =>
  (await invokeChannel(main.handlers, channel, payload, silent)) as Result<T>;
async function must<T = any>(channel: string, payload: unknown): Promise<T> {
  const r = await call<T>(channel, payload);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** What Cloudflare's own token check answers for `value` over HTTP. */
async function verifyStatus(value: string): Promise<number> {
  const response = await fetch(`${cloudflare.apiBase}/user/tokens/verify`, {
    headers: { authorization: `Bearer ${value}` },
  });
  await response.arrayBuffer();
  return response.status;
}

/** Every keychain entry written or deleted meanwhile, by service and entry name. */
const keychainWrites: { service: string; account: string; secret: string }[] = [];
const keychainDeletes: { service: string; account: string }[] = [];
let restoreKeychain = () => {};

let githubId: string;
let gitlabId: string;
let connection: { id: string; value: string; tokenId: string };
const secrets: string[] = [GH_TOKEN, GL_TOKEN];

beforeAll(async () => {
  [world, cloudflare] = await Promise.all([startCiWorld(), startFakeCloudflare()]);
  // Inside with-keyring.sh the keychain is keytar itself: wrapped here, put back after.
  const setPassword = world.keychain.setPassword.bind(world.keychain);
  const deletePassword = world.keychain.deletePassword.bind(world.keychain);
  restoreKeychain = () => {
    world.keychain.setPassword = setPassword;
    world.keychain.deletePassword = deletePassword;
  };
  world.keychain.setPassword = async (service, account, secret) => {
    keychainWrites.push({ service, account, secret });
    return setPassword(service, account, secret);
  };
  world.keychain.deletePassword = async (service, account) => {
    keychainDeletes.push({ service, account });
    return deletePassword(service, account);
  };
  world.github.addAccount(GH_TOKEN, 'ada');
  world.github.addRepository('ada', 'app', { admins: ['ada'] });
  world.gitlab.addUser(GL_TOKEN, 'ada');
  world.gitlab.addProject('acme/app', { ada: MAINTAINER });
  main = world.launch();
  await signUp(main.handlers, world, `cloudflare-life-${Date.now()}@example.test`);
  githubId = (
    await must('providers:add', {
      provider: 'github',
      host: world.github.apiBaseUrl,
      token: GH_TOKEN,
    })
  ).id;
  gitlabId = (
    await must('providers:add', { provider: 'gitlab', host: world.gitlab.url, token: GL_TOKEN })
  ).id;
}, 120_000);
afterAll(async () => {
  restoreKeychain();
  await main?.handlers.dispose();
  await Promise.all([world?.close(), cloudflare?.close()]);
});

describe('a Cloudflare token on the desk', () => {
  it('refuses a bad token in words, without the token, and saves nothing', async () => {
    const { value: dnsOnly } = cloudflare.addUser('eve@example.test', [PG.dnsRead.id]);
    const unknown = `cfut_${'A1b2C3d4E5'.repeat(4)}0a1b2c3d`;
    const writesBefore = keychainWrites.length;
    for (const [token, code] of [
      [unknown, 'issuer_bad_credential'],
      [dnsOnly, 'issuer_missing_permission'],
    ] as const) {
      const refused = await call('connections:add', {
        kind: 'cloudflare',
        host: cloudflare.apiBase,
        token,
      });
      expect(refused.ok).toBe(false);
      if (refused.ok) continue;
      expect(refused.error.code).toBe(code);
      expect(refused.error.message).toMatch(/Cloudflare/);
      expect(refused.error.message).not.toContain(token);
      expect(refused.error.message).not.toContain(token.slice(5, 25));
    }
    // A value the page sends with a line break is refused before anything leaves main.
    const requestsBefore = cloudflare.requests.length;
    const injected = await call('connections:add', {
      kind: 'cloudflare',
      host: cloudflare.apiBase,
      token: `${unknown}\nX-Other: 1`,
    });
    expect(injected.ok).toBe(false);
    // The refusal names the field that is wrong, not another vendor's shape.
    if (!injected.ok) expect(injected.error.message).toMatch(/token/);
    const huge = await call('connections:add', {
      kind: 'cloudflare',
      host: cloudflare.apiBase,
      token: 'A'.repeat(10_000),
    });
    expect(huge.ok).toBe(false);
    if (!huge.ok) {
      expect(huge.error.message).toMatch(/token/);
      expect(huge.error.message).not.toMatch(/constant/);
    }
    // Without a token there is nothing to check: refused in words by the connector.
    const none = await call('connections:add', { kind: 'cloudflare', host: cloudflare.apiBase });
    expect(none.ok).toBe(false);
    if (!none.ok) expect(none.error.message).toMatch(/Paste a Cloudflare API token/);
    expect(cloudflare.requests.length).toBe(requestsBefore);

    expect(keychainWrites.slice(writesBefore)).toEqual([]);
    const listed = await must('connections:list', null);
    expect(listed.some((c: { kind: string }) => c.kind === 'cloudflare')).toBe(false);
    const text = world.settingsText();
    expect(text).not.toContain(unknown);
    expect(text).not.toContain(dnsOnly);
  });

  it('connects with a token that may write tokens; lists it, never to be rotated here', async () => {
    const user = cloudflare.addUser('ada@example.test', [
      PG.apiTokensWrite.id,
      PG.userDetailsRead.id,
    ]);
    secrets.push(user.value);
    const writesBefore = keychainWrites.length;
    const connected = await must('connections:add', {
      kind: 'cloudflare',
      host: cloudflare.apiBase,
      token: user.value,
    });
    expect(connected).toMatchObject({
      kind: 'cloudflare',
      kindName: 'Cloudflare',
      login: 'ada@example.test',
      roles: { issuesTokens: true, storesSecrets: false },
    });
    connection = { id: connected.id, value: user.value, tokenId: user.tokenId };
    // A host never used before is confirmed in main's own dialog first.
    expect(world.confirm.asked.at(-1)?.message).toContain('Cloudflare');
    // The credential went into the keychain, nowhere else.
    const written = keychainWrites.slice(writesBefore);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ service: PROVIDER_KEYCHAIN_SERVICE, secret: user.value });
    expect(world.settingsText()).not.toContain(user.value);

    const inventory = await must('tokens:inventory', null);
    expect(inventory.sources.find((s: { kind: string }) => s.kind === 'cloudflare')).toMatchObject({
      connectionId: connected.id,
      problem: null,
    });
    const own = inventory.tokens.find((t: { id: string }) => t.id === user.tokenId);
    expect(own).toMatchObject({
      issuer: { connectionId: connected.id, kind: 'cloudflare' },
      facts: { rotation: 'none', canRevoke: false, source: { kind: 'cloudflare' } },
    });
    expect(JSON.stringify(inventory)).not.toContain(user.value);

    // The page may still ask: main refuses, and the connection keeps working.
    const rotated = await call('tokens:rotate-and-update', {
      connectionId: connected.id,
      id: user.tokenId,
      placeIds: [],
    });
    expect(rotated).toMatchObject({ ok: false, error: { code: 'own_credential' } });
    expect(cloudflare.accepts(user.value)).toBe(true);
  });

  it('creates a token from a permission set and sends it to a GitHub secret and a GitLab variable', async () => {
    const created = await must('tokens:create', {
      connectionId: connection.id,
      name: 'dns deploy',
      expiresAt: null,
      options: {
        permissionGroupIds: [PG.dnsWrite.id, PG.zoneRead.id],
        resources: [{ kind: 'all-zones' }],
        deniedAddresses: ['198.51.100.0/24'],
      },
    });
    secrets.push(created.secret);
    expect(created.token).toMatchObject({
      name: 'dns deploy',
      issuer: { connectionId: connection.id, kind: 'cloudflare' },
      facts: expect.objectContaining({ rotation: 'create-then-delete', canRevoke: true }),
    });
    expect(cloudflare.accepts(created.secret)).toBe(true);
    expect(await verifyStatus(created.secret)).toBe(200);
    const stored = cloudflare.tokens.get(created.token.id);
    expect(stored?.policies.flatMap((p) => p.permission_groups.map((g) => g.id)).sort()).toEqual(
      [PG.dnsWrite.id, PG.zoneRead.id].sort(),
    );
    expect(stored?.condition).toEqual({ request_ip: { not_in: ['198.51.100.0/24'] } });

    const sentGitHub = await must('destinations:send', {
      revealId: created.revealId,
      accountId: githubId,
      target: { kind: 'repository', owner: 'ada', repo: 'app' },
      name: 'CLOUDFLARE_API_TOKEN',
      overwrite: false,
    });
    expect(sentGitHub).toMatchObject({ outcome: 'created', recordProblem: null });
    const sentGitLab = await must('destinations:send', {
      revealId: created.revealId,
      accountId: gitlabId,
      target: { kind: 'project', path: 'acme/app', environmentScope: '*' },
      name: 'CLOUDFLARE_API_TOKEN',
      overwrite: false,
    });
    expect(sentGitLab).toMatchObject({ outcome: 'created', recordProblem: null });
    expect(world.github.secret('ada/app', 'CLOUDFLARE_API_TOKEN')).toBe(created.secret);
    expect(world.gitlab.variable('project', 'acme/app', 'CLOUDFLARE_API_TOKEN')).toMatchObject({
      value: created.secret,
    });
    const inventory = await must('tokens:inventory', null);
    expect(inventory.tokens.find((t: { id: string }) => t.id === created.token.id)).toMatchObject({
      destinationCount: 2,
      issuer: { kind: 'cloudflare' },
    });
  });

  it('rotates create-then-delete: both places hold the new value, Cloudflare refuses the old', async () => {
    const inventory = await must('tokens:inventory', null);
    const old = inventory.tokens.find((t: { name: string }) => t.name === 'dns deploy');
    const oldValue = secrets.at(-1)!;
    const places = await must('destinations:list', {
      tokenId: old.id,
      connectionId: connection.id,
    });
    expect(places).toHaveLength(2);
    const report = await must('tokens:rotate-and-update', {
      connectionId: connection.id,
      id: old.id,
      placeIds: places.map((p: { id: string }) => p.id),
    });
    expect(report.rotation).toMatchObject({ finished: true, oldRevoked: true, problem: null });
    expect(report.rotation.oldTokenIds).toEqual([old.id]);
    expect(report.rotation.destinations.map((d: { status: string }) => d.status)).toEqual([
      'updated',
      'updated',
    ]);
    const fresh = report.revealed.secret as string;
    secrets.push(fresh);
    expect(fresh).not.toBe(oldValue);
    expect(world.github.secret('ada/app', 'CLOUDFLARE_API_TOKEN')).toBe(fresh);
    expect(world.gitlab.variable('project', 'acme/app', 'CLOUDFLARE_API_TOKEN')).toMatchObject({
      value: fresh,
    });
    expect(cloudflare.accepts(oldValue)).toBe(false);
    expect(await verifyStatus(oldValue)).toBe(401);
    expect(await verifyStatus(fresh)).toBe(200);
    expect(cloudflare.tokens.has(old.id)).toBe(false);
    // The same permissions and conditions on the replacement.
    const renewed = cloudflare.tokens.get(report.rotation.newTokenId);
    expect(renewed?.name).toBe('dns deploy');
    expect(renewed?.condition).toEqual({ request_ip: { not_in: ['198.51.100.0/24'] } });

    const after = await must('tokens:inventory', null);
    expect(
      after.tokens.find((t: { id: string }) => t.id === report.rotation.newTokenId),
    ).toMatchObject({ destinationCount: 2 });
    expect(after.tokens.some((t: { id: string }) => t.id === old.id)).toBe(false);
    // The connection's own token was never touched.
    expect(cloudflare.accepts(connection.value)).toBe(true);
  });

  it('a replaced token Cloudflare would not delete: the new value is shown, and that both work is said beside it', async () => {
    const created = await must('tokens:create', {
      connectionId: connection.id,
      name: 'zone reader',
      expiresAt: null,
      options: { permissionGroupIds: [PG.zoneRead.id], resources: [{ kind: 'all-zones' }] },
    });
    secrets.push(created.secret);
    cloudflare.failNext(
      { method: 'DELETE', pathPart: `/tokens/${created.token.id}` },
      { kind: 'status', status: 500, code: 1000, message: `internal error for ${created.secret}` },
    );
    const rotated = await must('tokens:rotate', {
      connectionId: connection.id,
      id: created.token.id,
    });
    secrets.push(rotated.secret);
    expect(rotated.warning).toMatch(/^The old token could not be deleted, so both work now: /);
    expect(rotated.warning).toMatch(/Revoke the old one from the list\.$/);
    expect(rotated.warning).not.toContain(created.secret);
    expect(rotated.warning).not.toContain(rotated.secret);
    expect(cloudflare.accepts(created.secret)).toBe(true);
    expect(cloudflare.accepts(rotated.secret)).toBe(true);
  });

  it('keeps nothing secret at rest', () => {
    const text = world.settingsText();
    for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it('removes the connection and its credential; its tokens leave the list', async () => {
    const written = keychainWrites.find((entry) => entry.secret === connection.value)!;
    await must('connections:remove', { connectionId: connection.id });
    expect(keychainDeletes).toContainEqual({
      service: PROVIDER_KEYCHAIN_SERVICE,
      account: written.account,
    });
    expect(await world.keychain.getPassword(PROVIDER_KEYCHAIN_SERVICE, written.account)).toBe(null);
    const listed = await must('connections:list', null);
    expect(listed.some((c: { id: string }) => c.id === connection.id)).toBe(false);
    const inventory = await must('tokens:inventory', null);
    expect(inventory.sources.some((s: { kind: string }) => s.kind === 'cloudflare')).toBe(false);
    // A token channel naming the removed connection is refused before anything is sent.
    const before = cloudflare.requests.length;
    const refused = await call('tokens:list', { connectionId: connection.id });
    expect(refused).toMatchObject({ ok: false, error: { code: 'connection_not_found' } });
    expect(cloudflare.requests.length).toBe(before);
    // Removing only forgets it here: the token itself still works at Cloudflare.
    expect(cloudflare.accepts(connection.value)).toBe(true);
    expect(cloudflare.offContract).toEqual([]);
  });
});
