/**
 * The npm create options' rules the page's form and main share (src/shared/issuers/npm.ts):
 * CIDR ranges as npm's own client takes them (IPv4 only: lib/commands/token.js refuses
 * IPv6 by name), the 90-day limit on tokens that can write, and how a token's
 * settings read on the list.
 */
import { describe, expect, it } from 'vitest';
import {
  checkNpmCidr,
  checkNpmCreateOptions,
  type NpmCreateOptions,
} from '../../../../src/shared/issuers/npm.js';
import { cleanTokenName, scopesInWords } from '../../../../src/main/issuers/npm/npm-tokens.js';

const base: NpmCreateOptions = {
  permission: 'read-write',
  packages: [],
  allPackages: false,
  scopes: [],
  orgs: [],
  orgsPermission: null,
  cidr: [],
  bypass2fa: false,
};

describe('CIDR ranges', () => {
  it.each(['0.0.0.0/0', '10.0.0.0/8', '192.0.2.1/32', '255.255.255.255/32', '172.16.0.0/12'])(
    'takes %s',
    (range) => expect(checkNpmCidr(range)).toBeNull(),
  );

  it.each(['::/0', '2001:db8::/32', 'fe80::1/128', '2001:db8:0:0:0:0:0:1/64'])(
    'says %s is IPv6, which npm does not take',
    (range) => expect(checkNpmCidr(range)).toMatch(/IPv4 ranges only/),
  );

  it.each([
    '10.0.0.0',
    '10.0.0.0/',
    '10.0.0.0/33',
    '256.0.0.0/8',
    '01.2.3.4/8',
    '1.2.3/24',
    ' 10.0.0.0/8',
    '10.0.0.0/8\n',
    '2001:db8::1::2/64',
    '2001:db8::/129',
    'localhost/8',
    '',
  ])('refuses %j', (range) => expect(checkNpmCidr(range)).toMatch(/not an IPv4 range/));
});

describe('the rules beyond each field', () => {
  it('a token that can write lasts at most 90 days; a read-only one may last longer', () => {
    expect(checkNpmCreateOptions(base, 90)).toBeNull();
    expect(checkNpmCreateOptions(base, 91)).toMatch(/at most 90 days/);
    expect(checkNpmCreateOptions({ ...base, permission: 'read-only' }, 365)).toBeNull();
    expect(
      checkNpmCreateOptions(
        { ...base, permission: 'read-only', orgs: ['acme'], orgsPermission: 'read-write' },
        91,
      ),
    ).toMatch(/at most 90 days/);
    expect(checkNpmCreateOptions(base, null)).toBeNull();
  });

  it('at most 50 packages and scopes together; every package or a list, not both', () => {
    const many = Array.from({ length: 26 }, (_, index) => `p${index}`);
    expect(checkNpmCreateOptions({ ...base, packages: many, scopes: many }, 7)).toMatch(
      /at most 50/,
    );
    expect(checkNpmCreateOptions({ ...base, allPackages: true, packages: ['a'] }, 7)).toMatch(
      /either every package or a list/,
    );
  });
});

describe('a token on the list', () => {
  it('says its settings in words', () => {
    expect(
      scopesInWords({
        permission: 'read-only',
        packages: ['a', 'b', 'c'],
        scopes: ['@d', '@e', '@f', '@g'],
        orgs: ['acme'],
        orgsPermission: 'read-write',
        cidr: ['192.0.2.0/24'],
        bypass2fa: false,
      }),
    ).toEqual([
      'Read only · a, b, c, @d, @e and 2 more',
      'Organizations (read and write) · acme',
      'Only from 192.0.2.0/24',
    ]);
    expect(scopesInWords({ ...base, allPackages: true, orgsPermission: null })).toEqual([
      'Read and write · every package',
    ]);
  });

  it('cleans names from the registry', () => {
    expect(cleanTokenName('  deploy\u2028prod  ')).toBe('deploy prod');
    expect(cleanTokenName('a\u034Fb\u17B4c\uFEFFd')).toBe('a b c d');
    expect(cleanTokenName('\u{E0041}\u{E0042}')).toBeNull();
    expect(cleanTokenName(undefined)).toBeNull();
    expect(Array.from(cleanTokenName('😀'.repeat(150))!)).toHaveLength(100);
  });
});
