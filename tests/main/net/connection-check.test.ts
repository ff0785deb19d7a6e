/**
 * Which addresses Settings' "Check a connection" reaches: on this computer or a private
 * network, only a token service an account on this computer signed in to; anything
 * else the page names there is refused before the outbound layer sees it.
 */
import { describe, expect, it } from 'vitest';
import { CompanyNetwork } from '../../../src/main/net/company-network.js';
import type { Outbound } from '../../../src/main/net/outbound.js';

function network(accountServiceUrls: string[]) {
  const probed: string[] = [];
  const outbound = {
    probe: async (url: string) => {
      probed.push(url);
      return { status: 200, proxy: null, certificate: null };
    },
    routeFor: async () => null,
  } as unknown as Outbound;
  const company = new CompanyNetwork({
    outbound,
    trust: {} as never,
    vault: {} as never,
    openDialog: null,
    confirm: null,
    serviceUrl: () => 'http://127.0.0.1:4000',
    accountServiceUrls: () => accountServiceUrls,
    proxySource: 'environment',
    env: {},
  });
  return { company, probed };
}

describe('the connection check’s reach', () => {
  it('checks an account’s token service on this computer, over http:// or https://', async () => {
    const { company, probed } = network(['http://127.0.0.1:3000', 'https://10.1.2.3:8443']);
    await expect(company.check('http://127.0.0.1:3000/v1/health')).resolves.toMatchObject({
      outcome: { ok: true, status: 200 },
    });
    await expect(company.check('https://10.1.2.3:8443/v1/health')).resolves.toMatchObject({
      outcome: { ok: true, status: 200 },
    });
    expect(probed).toEqual(['http://127.0.0.1:3000/v1/health', 'https://10.1.2.3:8443/v1/health']);
  });

  it('refuses another port of this computer, Settings’ unproven URL included, and sends nothing', async () => {
    const { company, probed } = network(['http://127.0.0.1:3000']);
    for (const url of [
      'http://127.0.0.1:4000/',
      'http://127.0.0.1:6379/',
      'https://127.0.0.1:3000/',
    ]) {
      await expect(company.check(url), url).rejects.toMatchObject({ code: 'invalid_input' });
    }
    expect(probed).toEqual([]);
  });

  it('checks a public or company name over https:// without an account', async () => {
    const { company, probed } = network([]);
    await company.check('https://ghe.corp.example/');
    expect(probed).toEqual(['https://ghe.corp.example/']);
  });
});
