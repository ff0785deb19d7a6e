/** The shared check of Cloudflare create options: what the page may send, refused in words otherwise. */
import { describe, expect, it } from 'vitest';
import { checkCloudflareCreateOptions, isCidr } from '../../../../src/shared/issuers/cloudflare.js';

const GROUP = 'c8fed203ed3043cba015a93ad1616f1f';
const ID = '0123456789abcdef0123456789abcdef';

describe('Cloudflare create options', () => {
  it('takes CIDR ranges in both families and refuses what only looks like one', () => {
    for (const range of [
      '192.0.2.0/24',
      '0.0.0.0/0',
      '192.0.2.1/32',
      '2001:db8::/32',
      '::/0',
      '::ffff:192.0.2.1/128',
      '2001:db8:0:0:0:0:0:1/128',
    ])
      expect(isCidr(range), range).toBe(true);
    for (const range of [
      '192.0.2.0',
      '192.0.2.0/33',
      '256.0.0.0/8',
      '01.2.3.4/8',
      '2001:db8::/129',
      '2001:db8:::1/64',
      '1:2:3:4:5:6:7:8:9/64',
      'example.com/24',
      '192.0.2.0/24/1',
      ' 192.0.2.0/24',
      '::1',
      '',
    ])
      expect(isCidr(range), range).toBe(false);
  });

  it('accepts every resource kind, and nothing beside them', () => {
    const resources = [
      { kind: 'all-accounts' },
      { kind: 'account', id: ID },
      { kind: 'all-zones' },
      { kind: 'zones-in-account', accountId: ID },
      { kind: 'zone', id: ID },
      { kind: 'user', id: ID },
    ];
    expect(
      checkCloudflareCreateOptions({
        permissionGroupIds: [GROUP],
        resources,
        allowedAddresses: [],
        deniedAddresses: ['10.0.0.0/8'],
      }),
    ).toMatchObject({ ok: true });
    expect(
      checkCloudflareCreateOptions({
        permissionGroupIds: [GROUP],
        resources: [{ kind: 'zone', id: ID, name: 'x' }],
      }),
    ).toEqual({
      ok: false,
      message: 'A zone resource has no field “name”.',
    });
    expect(
      checkCloudflareCreateOptions({
        permissionGroupIds: [GROUP],
        resources: [{ kind: '__proto__' }],
      }),
    ).toMatchObject({
      ok: false,
      message: expect.stringContaining('does not know the Cloudflare resource kind “__proto__”'),
    });
    expect(checkCloudflareCreateOptions({ permissionGroupIds: [GROUP, GROUP], resources })).toEqual(
      {
        ok: false,
        message: 'A permission group is chosen twice.',
      },
    );
    expect(checkCloudflareCreateOptions({ permissionGroupIds: [], resources })).toMatchObject({
      ok: false,
    });
    expect(
      checkCloudflareCreateOptions({ permissionGroupIds: [GROUP], resources: [] }),
    ).toMatchObject({ ok: false });
    expect(
      checkCloudflareCreateOptions({
        permissionGroupIds: Array.from({ length: 51 }, (_, i) => i.toString(16).padStart(32, '0')),
        resources,
      }),
    ).toMatchObject({ ok: false, message: expect.stringContaining('at most 50') });
    expect(
      checkCloudflareCreateOptions(
        JSON.parse('{"permissionGroupIds":[],"resources":[],"__proto__":{"x":1}}'),
      ),
    ).toMatchObject({
      ok: false,
      message: 'Token Desk does not know the Cloudflare option “__proto__”.',
    });
  });

  it('quotes what it refuses without the characters that would hide it', () => {
    expect(
      checkCloudflareCreateOptions({
        permissionGroupIds: [GROUP],
        resources: [{ kind: 'all-zones' }],
        'a\u202eb\n': 1,
      }),
    ).toEqual({
      ok: false,
      message: 'Token Desk does not know the Cloudflare option “a\ufffdb\ufffd”.',
    });
  });
});
