/**
 * What a person chooses when creating an npm granular access token, beyond its name and
 * expiry: the contract between the page's form and main's npm issuer. Main checks what
 * the page sent against `NpmCreateOptionsSchema` and `checkNpmCreateOptions` (the page
 * is untrusted); the form uses the same rules to say what is wrong before anything is
 * sent. The field names follow npm's own `npm token create` (npm/cli lib/commands/token.js).
 */
import { Type, type Static } from 'typebox';

/** npm's limits on a granular token (docs.npmjs.com, "About access tokens"). */
export const NPM_LIMITS = {
  /** Write tokens last at most 90 days since November 2025; npm's default is 7. */
  maxWriteExpiryDays: 90,
  /** "up to either 50 packages, 50 scopes, or a combination of 50 packages and scopes" */
  maxPackagesAndScopes: 50,
  /** "Each token can access up to 50 organizations" */
  maxOrgs: 50,
  /** Not a documented npm limit: enough for any real allow-list, small enough to show. */
  maxCidrRanges: 50,
} as const;

const Permission = Type.Union([Type.Literal('read-only'), Type.Literal('read-write')]);

// npm package names: at most 214 characters, lower case, URL-safe, optionally @scope/name
// (npm's validate-npm-package-name rules for new packages).
const PACKAGE_NAME = '^(?:@[a-z0-9][a-z0-9._~-]*/)?[a-z0-9][a-z0-9._~-]*$';
// A scope as npm token create takes it: with or without the @.
const SCOPE_NAME = '^@?[a-z0-9][a-z0-9._~-]*$';
const ORG_NAME = '^[a-z0-9][a-z0-9._~-]*$';

export const NpmCreateOptionsSchema = Type.Object(
  {
    /** Read or read and write on the chosen packages and scopes. */
    permission: Permission,
    /** Packages the token may act on; empty with `allPackages` false means none. */
    packages: Type.Array(Type.String({ pattern: PACKAGE_NAME, maxLength: 214 }), {
      maxItems: NPM_LIMITS.maxPackagesAndScopes,
    }),
    /** Every package the account can reach (npm's --packages-all). */
    allPackages: Type.Boolean(),
    scopes: Type.Array(Type.String({ pattern: SCOPE_NAME, maxLength: 214 }), {
      maxItems: NPM_LIMITS.maxPackagesAndScopes,
    }),
    orgs: Type.Array(Type.String({ pattern: ORG_NAME, maxLength: 214 }), {
      maxItems: NPM_LIMITS.maxOrgs,
    }),
    /** Required by npm when `orgs` is not empty. */
    orgsPermission: Type.Union([Permission, Type.Null()]),
    /** IPv4 ranges the token may be used from (npm's own client refuses IPv6). */
    cidr: Type.Array(Type.String({ maxLength: 43 }), { maxItems: NPM_LIMITS.maxCidrRanges }),
    /** Publishing with this token skips the account's and the packages' 2FA. */
    bypass2fa: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type NpmCreateOptions = Static<typeof NpmCreateOptionsSchema>;

export const NPM_OPTION_KEYS = [
  'permission',
  'packages',
  'allPackages',
  'scopes',
  'orgs',
  'orgsPermission',
  'cidr',
  'bypass2fa',
] as const satisfies readonly (keyof NpmCreateOptions)[];

/** Shown with every token made with Bypass 2FA, and in the create form beside the box. */
export const BYPASS_2FA_WARNING =
  'This token skips two-factor authentication: anyone who holds it can publish the packages it reaches without a one-time code. Keep it only in CI secret stores, and give it the fewest packages and the shortest expiry that work.';

const IPV4_OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4_CIDR = new RegExp(`^${IPV4_OCTET}(?:\\.${IPV4_OCTET}){3}/(?:3[0-2]|[12]?\\d)$`);

/** Whether `text` is an IPv6 address with a prefix length (the shape only). */
function isIpv6Cidr(text: string): boolean {
  const match = /^([0-9A-Fa-f:.]+)\/(\d{1,3})$/.exec(text);
  if (!match || Number(match[2]) > 128) return false;
  const address = match[1]!;
  if (!address.includes(':')) return false;
  const halves = address.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((half) => (half === '' ? [] : half.split(':')));
  if (!groups.every((group) => /^[0-9A-Fa-f]{1,4}$/.test(group))) return false;
  return halves.length === 2 ? groups.length < 8 : groups.length === 8;
}

/**
 * One CIDR range as npm accepts it, or a sentence: npm's own client takes IPv4 ranges
 * only and says so for an IPv6 one (lib/commands/token.js, validateCIDRList).
 */
export function checkNpmCidr(range: string): string | null {
  if (IPV4_CIDR.test(range)) return null;
  if (isIpv6Cidr(range))
    return `npm takes IPv4 ranges only; ${range} is an IPv6 range. Use the IPv4 range your CI runs from.`;
  return `“${range.slice(0, 43)}” is not an IPv4 range in CIDR form, such as 192.0.2.0/24.`;
}

/**
 * The rules beyond each field's shape (the schema checks those): what npm would refuse,
 * said before anything is sent. `expiryDays` is null when the person left the expiry to
 * npm (7 days for a write token).
 */
export function checkNpmCreateOptions(
  options: NpmCreateOptions,
  expiryDays: number | null,
): string | null {
  for (const range of options.cidr) {
    const problem = checkNpmCidr(range);
    if (problem) return problem;
  }
  if (options.packages.length + options.scopes.length > NPM_LIMITS.maxPackagesAndScopes)
    return `An npm token reaches at most ${NPM_LIMITS.maxPackagesAndScopes} packages and scopes together.`;
  if (options.allPackages && options.packages.length > 0)
    return 'Choose either every package or a list of packages, not both.';
  if (options.orgs.length > 0 && options.orgsPermission === null)
    return 'Choose read or read and write for the organizations.';
  if (options.orgs.length === 0 && options.orgsPermission !== null)
    return 'An organization permission needs at least one organization.';
  const writes = options.permission === 'read-write' || options.orgsPermission === 'read-write';
  if (writes && expiryDays !== null && expiryDays > NPM_LIMITS.maxWriteExpiryDays)
    return `npm lets a token that can write last at most ${NPM_LIMITS.maxWriteExpiryDays} days (this one asks for ${expiryDays}). Choose ${NPM_LIMITS.maxWriteExpiryDays} days or fewer.`;
  if (options.bypass2fa && !writes)
    return 'Bypass 2FA applies only to a token that can write; a read-only token needs no one-time code.';
  return null;
}
