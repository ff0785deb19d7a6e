/**
 * GitLab's client (gitbeaker over our requester) goes through the outbound layer
 * too: a self-managed GitLab at https://gitlab.corp.test, behind the real proxy
 * with its company certificate, and the proxy's sign-in read from the keychain
 * entry the vault writes.
 */
import type { Server as HttpsServer } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitLabVariables } from '../../../src/main/ci-providers/gitlab/gitlab-variables.js';
import { ConnectionVault, PROXY_KEYCHAIN_SERVICE } from '../../../src/main/connections/vault.js';
import { createOutbound, type Outbound } from '../../../src/main/net/outbound.js';
import { startFakeGitLab, type FakeGitLab } from '../../support/ci-providers/gitlab/fake-gitlab.js';
import { testKeychain } from '../../support/main/test-keychain.js';
import { startCorpProxy, tlsFront, type CorpProxy } from '../../support/net/corp-network.js';
import { makeCorpPki, type CorpPki } from '../../support/net/corp-pki.js';

const GITLAB_TOKEN = 'glpat-corpNetworkTest0000000';
const PROXY_PASSWORD = 'gl-proxy-pass-31c9';
const keychain = testKeychain();

let pki: CorpPki;
let gitlab: FakeGitLab;
let front: HttpsServer;
let proxy: CorpProxy;
let outbound: Outbound;

beforeAll(async () => {
  pki = makeCorpPki();
  gitlab = await startFakeGitLab();
  gitlab.addUser(GITLAB_TOKEN, 'ada');
  gitlab.addProject('acme/app', { ada: 40 });
  front = tlsFront(pki.site('gitlab.corp.test'), gitlab.url);
  proxy = await startCorpProxy({
    sites: new Map([['gitlab.corp.test', front]]),
    auth: { username: 'ada', password: PROXY_PASSWORD },
  });
  const vault = new ConnectionVault(keychain);
  await vault.saveProxyCredential(`${proxy.url}/ignored/path`, {
    username: 'ada',
    password: PROXY_PASSWORD,
  });
  outbound = createOutbound({
    env: { HTTPS_PROXY: proxy.url },
    proxyCredentials: vault,
    roots: () => [pki.rootCa],
  });
});

afterAll(async () => {
  await new ConnectionVault(keychain).removeProxyCredential(proxy.url);
  await outbound?.close();
  await proxy?.close();
  front?.close();
  await gitlab?.close();
  pki?.remove();
});

describe('GitLab through the company proxy', () => {
  it('reads the account and writes a variable, every request through the tunnel', async () => {
    const client = new GitLabVariables({
      host: 'https://gitlab.corp.test',
      token: GITLAB_TOKEN,
      fetch: outbound,
    });
    expect(await client.whoami()).toEqual({ username: 'ada' });
    const target = { kind: 'project', path: 'acme/app', environmentScope: '*' } as const;
    expect(
      await client.pushVariable(target, 'CAPAWESOME_TOKEN', 'ca_value_sent_through_proxy', {
        masked: true,
        protected: false,
      }),
    ).toBe('created');
    expect(gitlab.variable('project', 'acme/app', 'CAPAWESOME_TOKEN')?.value).toBe(
      'ca_value_sent_through_proxy',
    );
    expect(new Set(proxy.tunnels)).toEqual(new Set(['gitlab.corp.test:443']));
    expect(proxy.refusedForAuth).toBe(0);
  });

  it('the proxy sign-in is one keychain entry per proxy origin, as JSON', async () => {
    const stored = await keychain.getPassword(PROXY_KEYCHAIN_SERVICE, proxy.url);
    expect(JSON.parse(stored ?? 'null')).toEqual({ username: 'ada', password: PROXY_PASSWORD });
  });

  it('a failure is the provider’s sentence with the proxy named, and no token in it', async () => {
    const down = await startCorpProxy({ sites: new Map() });
    await down.close();
    const failing = createOutbound({ env: { https_proxy: down.url }, roots: () => [pki.rootCa] });
    const client = new GitLabVariables({
      host: 'https://gitlab.corp.test',
      token: GITLAB_TOKEN,
      fetch: failing,
    });
    try {
      const error = await client.whoami().catch((thrown: unknown) => thrown);
      expect(error).toMatchObject({
        code: 'provider_unreachable',
        message: `Can't reach the proxy ${down.url} (from https_proxy) (it refused the connection), so gitlab.corp.test was not reached. Check that the proxy is running and that https_proxy is right. (Token Desk was trying to read your GitLab account on GitLab.)`,
      });
      expect((error as Error).message).not.toContain(GITLAB_TOKEN);
    } finally {
      await failing.close();
    }
  });
});
