/**
 * The vendor create forms' rules: what the page would send for what a person typed,
 * and the field and the words when it must not send anything. Hostile and careless
 * input first.
 */
import { describe, expect, it } from 'vitest';
import {
  buildCloudflareOptions,
  buildGitLabOptions,
  buildNpmOptions,
  NPM_DEFAULTS,
  npmWrites,
  presetsWithin,
  splitList,
  VENDOR_PRESETS,
} from '../../../src/renderer/src/features/tokens/components/create-fields/rules.js';

const ID = 'c8fed203ed3043cba015a93ad1616f1f';
const ZONE = '0123456789abcdef0123456789abcdef';

describe('lists typed by a person', () => {
  it('splits on commas and any spaces, keeping nothing empty', () => {
    expect(splitList(' a, b\n c,,d ')).toEqual(['a', 'b', 'c', 'd']);
    expect(splitList('  ')).toEqual([]);
  });
});

describe('npm', () => {
  const base = { ...NPM_DEFAULTS, packages: 'my-package' };

  it('a package name npm would refuse is quoted back, hidden characters made visible', () => {
    const built = buildNpmOptions({ ...base, packages: 'ok, Bad\u202Ename' }, 30);
    expect(built).toEqual({
      ok: false,
      field: 'npm-packages',
      message: expect.stringMatching(/^“Bad\uFFFDname” is not an npm package name/),
    });
  });

  it('an IPv6 range is refused as npm’s own client does', () => {
    expect(buildNpmOptions({ ...base, cidr: '2001:db8::/32' }, 30)).toMatchObject({
      ok: false,
      field: 'npm-cidr',
      message: expect.stringContaining('IPv4 ranges only'),
    });
  });

  it('a write token longer than 90 days is refused; a read-only one is not capped', () => {
    expect(buildNpmOptions({ ...base, permission: 'read-write' }, 91)).toMatchObject({
      ok: false,
      message: expect.stringContaining('at most 90 days'),
    });
    expect(buildNpmOptions(base, 300)).toMatchObject({ ok: true });
  });

  it('an organization with write access makes the token one that writes', () => {
    expect(npmWrites({ ...base, orgs: 'acme', orgsPermission: 'read-write' })).toBe(true);
    expect(npmWrites({ ...base, orgs: '', orgsPermission: 'read-write' })).toBe(false);
  });

  it('bypass 2FA on a read-only token, and a token that reaches nothing, are refused', () => {
    expect(buildNpmOptions({ ...base, bypass2fa: true }, 30)).toMatchObject({
      ok: false,
      field: 'npm-bypass',
    });
    expect(buildNpmOptions(NPM_DEFAULTS, 30)).toMatchObject({ ok: false, field: 'npm-packages' });
  });

  it('more than 50 packages is refused before sending', () => {
    const many = Array.from({ length: 51 }, (_, n) => `p${n}`).join(' ');
    expect(buildNpmOptions({ ...base, packages: many }, 30)).toMatchObject({
      ok: false,
      field: 'npm-packages',
    });
  });

  it('what a careful person typed is sent as npm’s options', () => {
    expect(
      buildNpmOptions(
        { ...base, permission: 'read-write', scopes: '@acme', cidr: '192.0.2.0/24' },
        30,
      ),
    ).toEqual({
      ok: true,
      options: {
        permission: 'read-write',
        packages: ['my-package'],
        allPackages: false,
        scopes: ['@acme'],
        orgs: [],
        orgsPermission: null,
        cidr: ['192.0.2.0/24'],
        bypass2fa: false,
      },
    });
  });
});

describe('GitLab', () => {
  it('no project, no scope, a made-up scope: each refused by field', () => {
    expect(buildGitLabOptions({ namespace: '', accessLevel: 30, scopes: ['api'] })).toMatchObject({
      ok: false,
      field: 'gitlab-namespace',
    });
    expect(
      buildGitLabOptions({ namespace: 'project:4', accessLevel: 30, scopes: [] }),
    ).toMatchObject({ ok: false, field: 'gitlab-scopes' });
    expect(
      buildGitLabOptions({ namespace: 'project:4', accessLevel: 30, scopes: ['sudo'] }),
    ).toMatchObject({ ok: false, field: 'gitlab-scopes', message: '“sudo” is not a scope.' });
    expect(
      buildGitLabOptions({ namespace: 'project:4; drop', accessLevel: 30, scopes: ['api'] }),
    ).toMatchObject({ ok: false, field: 'gitlab-namespace' });
    expect(
      buildGitLabOptions({ namespace: 'group:4', accessLevel: 99, scopes: ['api'] }),
    ).toMatchObject({ ok: false });
  });

  it('a choice becomes GitLab’s options', () => {
    expect(
      buildGitLabOptions({ namespace: 'group:7', accessLevel: 40, scopes: ['read_api'] }),
    ).toEqual({
      ok: true,
      options: { kind: 'group', namespaceId: 7, scopes: ['read_api'], accessLevel: 40 },
    });
  });
});

describe('Cloudflare', () => {
  const values = {
    permissionGroupIds: [ID],
    target: 'all-zones' as const,
    accountId: '',
    zoneId: '',
    allowed: '',
  };

  it('no permission, a zone not chosen, an address that is no range: refused by field', () => {
    expect(buildCloudflareOptions({ ...values, permissionGroupIds: [] }, null)).toMatchObject({
      ok: false,
      field: 'cloudflare-permissions',
    });
    expect(buildCloudflareOptions({ ...values, target: 'zone' }, null)).toMatchObject({
      ok: false,
      field: 'cloudflare-zone',
    });
    expect(buildCloudflareOptions({ ...values, allowed: '10.0.0.0/8 nope' }, null)).toMatchObject({
      ok: false,
      field: 'cloudflare-allowed',
      message: expect.stringContaining('“nope”'),
    });
    expect(buildCloudflareOptions({ ...values, target: 'user' }, null)).toMatchObject({
      ok: false,
      field: 'cloudflare-target',
    });
  });

  it('a zone id that is not Cloudflare’s never leaves the page', () => {
    expect(
      buildCloudflareOptions({ ...values, target: 'zone', zoneId: '../accounts' }, null),
    ).toMatchObject({ ok: false });
  });

  it('one zone from one address range', () => {
    expect(
      buildCloudflareOptions(
        { ...values, target: 'zone', zoneId: ZONE, allowed: '192.0.2.0/24' },
        null,
      ),
    ).toEqual({
      ok: true,
      options: {
        permissionGroupIds: [ID],
        resources: [{ kind: 'zone', id: ZONE }],
        allowedAddresses: ['192.0.2.0/24'],
      },
    });
  });
});

describe('expiry presets', () => {
  it('within a cap, the cap itself offered when it is not a preset', () => {
    expect(presetsWithin(VENDOR_PRESETS, 90)).toEqual([7, 30, 60, 90]);
    expect(presetsWithin(VENDOR_PRESETS, 45)).toEqual([7, 30, 45]);
    expect(presetsWithin(VENDOR_PRESETS, null)).toEqual([...VENDOR_PRESETS]);
  });
});
