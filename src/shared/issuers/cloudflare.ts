/**
 * What a person chooses when creating a Cloudflare API token, beyond its name and
 * expiry: the permission groups (ids from Cloudflare's own list, which main's issuer
 * offers as `permissionGroups()`), the resources they apply to, and the client
 * addresses it may be used from. Main checks what the page sent against this before
 * anything goes to Cloudflare, and the renderer's form is built from the same schema.
 *
 * Cloudflare's resource keys (developers.cloudflare.com/fundamentals/api/how-to/create-via-api):
 * `com.cloudflare.api.account.<id>` (one account), `com.cloudflare.api.account.*` (all),
 * `com.cloudflare.api.account.zone.<id>` (one zone), `com.cloudflare.api.account.zone.*`
 * (all zones), `com.cloudflare.api.account.<id>: {com.cloudflare.api.account.zone.*: *}`
 * (the zones of one account) and `com.cloudflare.api.user.<id>` (yourself).
 */
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';

export const CLOUDFLARE_API_BASE = 'https://api.cloudflare.com/client/v4';

/** Cloudflare's account, zone, user and permission group ids: 32 hexadecimal digits. */
export const CLOUDFLARE_ID_PATTERN = '^[0-9a-f]{32}$';
const CloudflareId = Type.String({ pattern: CLOUDFLARE_ID_PATTERN });

/** How many permission groups, resources and address ranges one token may take from here. */
export const CLOUDFLARE_LIMITS = { permissionGroups: 50, resources: 50, addressRanges: 50 };

export const CloudflareResource = Type.Union([
  Type.Object({ kind: Type.Literal('all-accounts') }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('account'), id: CloudflareId }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('all-zones') }, { additionalProperties: false }),
  Type.Object(
    { kind: Type.Literal('zones-in-account'), accountId: CloudflareId },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal('zone'), id: CloudflareId }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('user'), id: CloudflareId }, { additionalProperties: false }),
]);
export type CloudflareResource = Static<typeof CloudflareResource>;

const AddressRanges = Type.Array(Type.String({ maxLength: 49 }), {
  maxItems: CLOUDFLARE_LIMITS.addressRanges,
});

export const CloudflareCreateOptions = Type.Object(
  {
    permissionGroupIds: Type.Array(CloudflareId, {
      minItems: 1,
      maxItems: CLOUDFLARE_LIMITS.permissionGroups,
    }),
    resources: Type.Array(CloudflareResource, {
      minItems: 1,
      maxItems: CLOUDFLARE_LIMITS.resources,
    }),
    /** CIDR ranges the token may be used from (none: anywhere). */
    allowedAddresses: Type.Optional(AddressRanges),
    /** CIDR ranges it may never be used from. */
    deniedAddresses: Type.Optional(AddressRanges),
  },
  { additionalProperties: false },
);
export type CloudflareCreateOptions = Static<typeof CloudflareCreateOptions>;

const OPTION_KEYS = Object.keys(CloudflareCreateOptions.properties);
const RESOURCE_KEYS: Record<string, string[]> = {
  'all-accounts': [],
  account: ['id'],
  'all-zones': [],
  'zones-in-account': ['accountId'],
  zone: ['id'],
  user: ['id'],
};

export type CloudflareOptionsCheck =
  { ok: true; options: CloudflareCreateOptions } | { ok: false; message: string };

const ID = new RegExp(CLOUDFLARE_ID_PATTERN);

/** What the page sent as Cloudflare create options, checked field by field, in words. */
export function checkCloudflareCreateOptions(value: unknown): CloudflareOptionsCheck {
  const refuse = (message: string): CloudflareOptionsCheck => ({ ok: false, message });
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return refuse('Choose the permissions and resources for the new Cloudflare token.');
  const record = value as Record<string, unknown>;
  const unknownKey = Object.keys(record).find((key) => !OPTION_KEYS.includes(key));
  if (unknownKey !== undefined)
    return refuse(`Token Desk does not know the Cloudflare option “${shown(unknownKey)}”.`);

  const groups = record.permissionGroupIds;
  if (!Array.isArray(groups) || groups.length === 0)
    return refuse('Choose at least one Cloudflare permission group.');
  if (groups.length > CLOUDFLARE_LIMITS.permissionGroups)
    return refuse(
      `A token takes at most ${CLOUDFLARE_LIMITS.permissionGroups} permission groups from here.`,
    );
  const badGroup = groups.find((id) => typeof id !== 'string' || !ID.test(id));
  if (badGroup !== undefined)
    return refuse(
      `“${shown(badGroup)}” is not a Cloudflare permission group id (32 hexadecimal digits).`,
    );
  if (new Set(groups).size !== groups.length) return refuse('A permission group is chosen twice.');

  const resources = record.resources;
  if (!Array.isArray(resources) || resources.length === 0)
    return refuse('Choose what the token may act on: an account, a zone, or all of them.');
  if (resources.length > CLOUDFLARE_LIMITS.resources)
    return refuse(`A token takes at most ${CLOUDFLARE_LIMITS.resources} resources from here.`);
  for (const resource of resources) {
    const problem = resourceProblem(resource);
    if (problem) return refuse(problem);
  }

  for (const key of ['allowedAddresses', 'deniedAddresses'] as const) {
    const ranges = record[key];
    if (ranges === undefined) continue;
    const label = key === 'allowedAddresses' ? 'allowed addresses' : 'denied addresses';
    if (!Array.isArray(ranges))
      return refuse(`The ${label} must be a list of CIDR ranges, such as 192.0.2.0/24.`);
    if (ranges.length > CLOUDFLARE_LIMITS.addressRanges)
      return refuse(`At most ${CLOUDFLARE_LIMITS.addressRanges} ${label}.`);
    for (const range of ranges) {
      if (typeof range !== 'string' || !isCidr(range))
        return refuse(
          `“${shown(range)}” in the ${label} is not a CIDR range (such as 192.0.2.0/24 or 2001:db8::/32; one address is 192.0.2.1/32).`,
        );
    }
  }
  // The walk above says what is wrong in words; the schema is the last word on the shape.
  if (!Value.Check(CloudflareCreateOptions, value))
    return refuse('The Cloudflare options are not in a form Token Desk understands.');
  return { ok: true, options: value };
}

function resourceProblem(resource: unknown): string | null {
  if (typeof resource !== 'object' || resource === null || Array.isArray(resource))
    return 'Each resource must be an account, a zone, all accounts, all zones, or yourself.';
  const { kind, ...rest } = resource as Record<string, unknown>;
  const fields = typeof kind === 'string' ? RESOURCE_KEYS[kind] : undefined;
  if (!fields || !Object.hasOwn(RESOURCE_KEYS, kind as string))
    return `Token Desk does not know the Cloudflare resource kind “${shown(kind)}”.`;
  const extra = Object.keys(rest).find((key) => !fields.includes(key));
  if (extra !== undefined) return `A ${kind as string} resource has no field “${shown(extra)}”.`;
  for (const field of fields) {
    const id = rest[field];
    if (typeof id !== 'string' || !ID.test(id))
      return `The ${kind as string} resource needs a Cloudflare id (32 hexadecimal digits) in “${field}”.`;
  }
  return null;
}

/** An IPv4 or IPv6 range in CIDR notation, as Cloudflare's `request_ip` takes it. */
export function isCidr(text: string): boolean {
  const slash = text.indexOf('/');
  if (slash < 0 || text.indexOf('/', slash + 1) >= 0) return false;
  const address = text.slice(0, slash);
  const bits = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bits)) return false;
  const prefix = Number(bits);
  if (isIPv4(address)) return prefix <= 32;
  if (isIPv6(address)) return prefix <= 128;
  return false;
}

function isIPv4(text: string): boolean {
  const parts = text.split('.');
  return (
    parts.length === 4 &&
    parts.every((part) => /^(0|[1-9]\d{0,2})$/.test(part) && Number(part) <= 255)
  );
}

function isIPv6(text: string): boolean {
  if (text.length > 45 || !/^[0-9A-Fa-f:.]+$/.test(text)) return false;
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = (half: string) => (half === '' ? [] : half.split(':'));
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  const all = [...head, ...tail];
  // An embedded IPv4 address (::ffff:192.0.2.1) counts as two groups, and only at the end.
  const last = all.at(-1) ?? '';
  const v4 = last.includes('.');
  if (v4 && !isIPv4(last)) return false;
  const hex = v4 ? all.slice(0, -1) : all;
  if (!hex.every((group) => /^[0-9A-Fa-f]{1,4}$/.test(group))) return false;
  const count = hex.length + (v4 ? 2 : 0);
  return halves.length === 2 ? count <= 7 : count === 8;
}

/** A value from the page, quoted in a sentence: short and printable. */
function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '\uFFFD').slice(0, 60);
}
