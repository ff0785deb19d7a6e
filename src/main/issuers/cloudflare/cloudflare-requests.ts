/**
 * What Token Desk sends Cloudflare to make a token: from the options a person chose,
 * or, for a rotation, from the token being replaced (same policies, address
 * conditions and expiry). Shapes from developers.cloudflare.com/fundamentals/api/how-to/create-via-api/
 * and the SDK's TokenCreateParams.
 */
import type {
  CloudflareCreateOptions,
  CloudflareResource,
} from '../../../shared/issuers/cloudflare.js';
import { displayable, isoOrNull, type CloudflareToken } from './cloudflare-answers.js';
import type { NewPolicy, NewTokenBody } from './cloudflare-client.js';

/** A token made from the create form's choices: one permission set over the chosen resources. */
export function newTokenBody(
  name: string,
  options: CloudflareCreateOptions,
  expiresOn: string | null,
): NewTokenBody {
  return {
    name,
    policies: policiesFor(
      'allow',
      options.permissionGroupIds.map((id) => ({ id })),
      options.resources.map(resourceEntry),
    ),
    ...(expiresOn ? { expires_on: expiresOn } : {}),
    ...conditionOf(options.allowedAddresses, options.deniedAddresses),
  };
}

/** A token like `old`: its name, policies and conditions, expiring at `expiresOn`. */
export function replacementBody(
  old: CloudflareToken,
  expiresOn: string | null,
  now: number,
): NewTokenBody {
  const notBefore = isoOrNull(old.not_before);
  const ip = old.condition?.request_ip;
  return {
    name: old.name?.trim() ? old.name : displayable(old.name) || 'Token Desk replacement',
    policies: (old.policies ?? []).flatMap((policy) =>
      policiesFor(
        policy.effect,
        policy.permission_groups.map((group) => ({ id: group.id })),
        Object.entries(policy.resources),
      ),
    ),
    ...(expiresOn ? { expires_on: expiresOn } : {}),
    // A start still ahead is kept; one already past means nothing any more.
    ...(notBefore && Date.parse(notBefore) > now ? { not_before: cloudflareTime(notBefore) } : {}),
    ...conditionOf(ip?.in, ip?.not_in),
  };
}

/** Cloudflare's timestamps: UTC to the second, `2018-07-01T05:20:00Z`. */
export function cloudflareTime(iso: string): string {
  return new Date(Date.parse(iso)).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function resourceEntry(resource: CloudflareResource): [string, string | Record<string, string>] {
  switch (resource.kind) {
    case 'all-accounts':
      return ['com.cloudflare.api.account.*', '*'];
    case 'account':
      return [`com.cloudflare.api.account.${resource.id}`, '*'];
    case 'all-zones':
      return ['com.cloudflare.api.account.zone.*', '*'];
    case 'zones-in-account':
      return [
        `com.cloudflare.api.account.${resource.accountId}`,
        { 'com.cloudflare.api.account.zone.*': '*' },
      ];
    case 'zone':
      return [`com.cloudflare.api.account.zone.${resource.id}`, '*'];
    case 'user':
      return [`com.cloudflare.api.user.${resource.id}`, '*'];
  }
}

/**
 * One policy per kind of resource map: Cloudflare documents a policy's resources as
 * all `"*"` (an account, a zone, all of them) or all nested (an account's zones). The
 * two also share keys: "account X" and "all zones in account X" are both keyed
 * `com.cloudflare.api.account.X`, so one map could not hold both.
 */
function policiesFor(
  effect: NewPolicy['effect'],
  groups: NewPolicy['permission_groups'],
  resources: [string, string | Record<string, string>][],
): NewPolicy[] {
  const flat: Record<string, string> = {};
  const nested: Record<string, Record<string, string>> = {};
  for (const [key, value] of resources) {
    if (typeof value === 'string') flat[key] = value;
    else nested[key] = value;
  }
  return [flat, nested]
    .filter((part) => Object.keys(part).length > 0)
    .map((part) => ({ effect, permission_groups: groups, resources: part }));
}

function conditionOf(
  allowed: string[] | undefined,
  denied: string[] | undefined,
): Pick<NewTokenBody, 'condition'> {
  if (!allowed?.length && !denied?.length) return {};
  return {
    condition: {
      request_ip: {
        ...(allowed?.length ? { in: allowed } : {}),
        ...(denied?.length ? { not_in: denied } : {}),
      },
    },
  };
}
