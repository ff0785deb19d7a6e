/**
 * Which proxy a request takes, from the variables people set: both cases, the
 * https-to-http fallback, NO_PROXY's forms, loopback never proxied, and a bad
 * value refused in words that never echo a password.
 */
import { describe, expect, it } from 'vitest';
import { proxyFor, proxyFromPac } from '../../../src/main/net/proxy-environment.js';

const PROXY = 'http://proxy.corp.test:3128';
const chosen = (url: string, env: Record<string, string>) => {
  const choice = proxyFor(new URL(url), env);
  return choice ? `${choice.source} ${choice.origin}` : null;
};

describe('proxyFor', () => {
  it('reads lower case before upper case, and the http proxy for https when no https one is set', () => {
    expect(chosen('https://ghe.corp.test', { HTTPS_PROXY: PROXY })).toBe(`HTTPS_PROXY ${PROXY}`);
    expect(
      chosen('https://ghe.corp.test', {
        https_proxy: 'http://lower.corp.test:8080',
        HTTPS_PROXY: PROXY,
      }),
    ).toBe('https_proxy http://lower.corp.test:8080');
    expect(chosen('https://ghe.corp.test', { HTTP_PROXY: PROXY })).toBe(`HTTP_PROXY ${PROXY}`);
    expect(chosen('http://127.0.0.2:80', { HTTPS_PROXY: PROXY })).toBeNull();
    expect(chosen('https://ghe.corp.test', { HTTPS_PROXY: '  ' })).toBeNull();
    expect(chosen('https://ghe.corp.test', {})).toBeNull();
  });

  it('takes host:port without a scheme as http://', () => {
    expect(chosen('https://ghe.corp.test', { HTTPS_PROXY: 'proxy.corp.test:3128' })).toBe(
      `HTTPS_PROXY ${PROXY}`,
    );
  });

  it.each([
    ['ghe.corp.test', 'https://ghe.corp.test', true],
    ['.corp.test', 'https://ghe.corp.test', true],
    ['*.corp.test', 'https://ghe.corp.test', true],
    ['corp.test', 'https://ghe.corp.test', true],
    ['corp.test', 'https://notcorp.test', false],
    ['rp.test', 'https://ghe.corp.test', false],
    ['ghe.corp.test:443', 'https://ghe.corp.test', true],
    ['ghe.corp.test:8443', 'https://ghe.corp.test', false],
    ['ghe.corp.test:8443', 'https://ghe.corp.test:8443', true],
    ['GHE.Corp.Test', 'https://ghe.corp.test', true],
    ['*', 'https://anything.example', true],
    ['10.0.0.5', 'https://10.0.0.5', true],
    ['0.0.5', 'https://10.0.0.5', false],
    ['[fd00::1]:443', 'https://[fd00::1]', true],
    ['fd00::1', 'https://[fd00::1]', true],
    ['a.example, ghe.corp.test  b.example', 'https://ghe.corp.test', true],
    ['', 'https://ghe.corp.test', false],
  ])('NO_PROXY=%j for %s bypasses: %s', (noProxy, url, bypass) => {
    expect(chosen(url, { HTTPS_PROXY: PROXY, NO_PROXY: noProxy }) === null).toBe(bypass);
    expect(chosen(url, { HTTPS_PROXY: PROXY, no_proxy: noProxy }) === null).toBe(bypass);
  });

  it('never proxies this computer', () => {
    for (const url of ['http://127.0.0.1:4780', 'http://localhost:4780', 'http://[::1]:4780']) {
      expect(chosen(url, { HTTP_PROXY: PROXY, HTTPS_PROXY: PROXY })).toBeNull();
    }
    // A name that only looks like a loopback address is a name like any other.
    expect(chosen('https://127.evil.example', { HTTPS_PROXY: PROXY })).not.toBeNull();
  });

  it('keeps credentials in the URL for the request, and out of the origin it names', () => {
    const choice = proxyFor(new URL('https://ghe.corp.test'), {
      HTTPS_PROXY: 'http://ada:s3cret-pass@proxy.corp.test:3128',
    });
    expect(choice?.origin).toBe(PROXY);
    expect(choice?.url.password).toBe('s3cret-pass');
  });

  it.each([
    [
      'http://ada:s3cret-pass@[not a host',
      /^HTTPS_PROXY is set to something that is not a proxy address/,
    ],
    ['socks5://ada:s3cret-pass@proxy.corp.test:1080', /^HTTPS_PROXY names a socks5 proxy/],
    ['ftp://proxy.corp.test', /^HTTPS_PROXY names a ftp proxy/],
  ])('refuses %s in words, without the password', (value, sentence) => {
    let message = '';
    try {
      proxyFor(new URL('https://ghe.corp.test'), { HTTPS_PROXY: value });
    } catch (error) {
      expect(error).toMatchObject({ code: 'proxy_misconfigured' });
      message = (error as Error).message;
    }
    expect(message).toMatch(sentence);
    expect(message).not.toContain('s3cret');
  });
});

describe('proxyFromPac (what Electron’s session.resolveProxy answers)', () => {
  const fromPac = (url: string, answer: string) => {
    const choice = proxyFromPac(new URL(url), answer);
    return choice ? `${choice.source} ${choice.origin}` : null;
  };

  it('DIRECT (or nothing) is a direct connection', () => {
    expect(fromPac('https://ghe.corp.test', 'DIRECT')).toBeNull();
    expect(fromPac('https://ghe.corp.test', '')).toBeNull();
  });

  it('takes the first usable entry, PROXY as http:// and HTTPS as https://', () => {
    expect(fromPac('https://ghe.corp.test', 'PROXY proxy.corp.test:3128; DIRECT')).toBe(
      'the system proxy setting http://proxy.corp.test:3128',
    );
    expect(fromPac('https://ghe.corp.test', 'HTTPS secure.corp.test:443')).toBe(
      'the system proxy setting https://secure.corp.test',
    );
    expect(fromPac('https://ghe.corp.test', 'DIRECT; PROXY proxy.corp.test:3128')).toBeNull();
  });

  it('passes over SOCKS entries, and refuses in words a list of nothing else', () => {
    expect(
      fromPac('https://ghe.corp.test', 'SOCKS5 socks.corp.test:1080; PROXY p.corp.test:8080'),
    ).toBe('the system proxy setting http://p.corp.test:8080');
    expect(() => fromPac('https://ghe.corp.test', 'SOCKS5 socks.corp.test:1080')).toThrow(
      /SOCKS proxy only .*HTTP and HTTPS proxies/,
    );
  });

  it('never proxies this computer, whatever the system says', () => {
    expect(fromPac('http://127.0.0.1:3000', 'PROXY proxy.corp.test:3128')).toBeNull();
    expect(fromPac('http://localhost:3000', 'PROXY proxy.corp.test:3128')).toBeNull();
  });
});
