/**
 * What each vendor's create form sends, built from what the person typed, and what is
 * wrong with it in words before anything is sent: the same schemas and checks main
 * runs (src/shared/issuers/*), so the form never says yes to what main would refuse.
 * Pure, so the rules are tested without a window.
 */
import { Value } from 'typebox/value';
import {
  checkCloudflareCreateOptions,
  type CloudflareCreateOptions,
  type CloudflareResource,
} from '../../../../../../shared/issuers/cloudflare';
import {
  checkGitLabCreateOptions,
  GITLAB_ACCESS_TOKEN_SCOPES,
  type GitLabCreateOptions,
} from '../../../../../../shared/issuers/gitlab';
import {
  checkNpmCreateOptions,
  NpmCreateOptionsSchema,
  type NpmCreateOptions,
} from '../../../../../../shared/issuers/npm';
import { DAY_MS } from '../../../../../../shared/time';

/** A form's answer: the options to send, or the field to fix and why. */
export type Built<T> = { ok: true; options: T } | { ok: false; field: string; message: string };

/** "a, b  c" → ["a", "b", "c"]: names and ranges may be separated by commas or spaces. */
export function splitList(text: string): string[] {
  return text.split(/[\s,]+/).filter((item) => item !== '');
}

// ------------------------------------------------------------------ expiry

/** Expiry presets, in days, for a vendor's token (our service keeps its own four). */
export const VENDOR_PRESETS = [7, 30, 60, 90, 180, 365] as const;

export interface ExpiryLimits {
  /** The longest a new token may last, in days; null: no limit of the vendor's. */
  maxDays: number | null;
  required: boolean;
}

/** The presets a source allows; the longest allowed one too when it is not a preset itself. */
export function presetsWithin(presets: readonly number[], maxDays: number | null): number[] {
  if (maxDays === null) return [...presets];
  const within = presets.filter((days) => days <= maxDays);
  return within.length === 0 || within.at(-1) !== maxDays ? [...within, maxDays] : within;
}

/** Whole days from `now` to `iso` (rounded up), for the vendor rules that count days. */
export function daysUntil(iso: string | null, now: number): number | null {
  if (iso === null) return null;
  return Math.ceil((Date.parse(iso) - now) / DAY_MS);
}

// ------------------------------------------------------------------ npm

export interface NpmFieldValues {
  permission: 'read-only' | 'read-write';
  packages: string;
  allPackages: boolean;
  scopes: string;
  orgs: string;
  orgsPermission: 'read-only' | 'read-write';
  cidr: string;
  bypass2fa: boolean;
}

export const NPM_DEFAULTS: NpmFieldValues = {
  permission: 'read-only',
  packages: '',
  allPackages: false,
  scopes: '',
  orgs: '',
  orgsPermission: 'read-only',
  cidr: '',
  bypass2fa: false,
};

/** Whether the npm token being made can write (npm's 90-day cap applies to it). */
export function npmWrites(values: NpmFieldValues): boolean {
  return (
    values.permission === 'read-write' ||
    (splitList(values.orgs).length > 0 && values.orgsPermission === 'read-write')
  );
}

const NPM_FIELD_WORDS: Record<string, { field: string; words: string }> = {
  packages: {
    field: 'npm-packages',
    words: 'is not an npm package name (lower case, such as my-package or @scope/my-package)',
  },
  scopes: { field: 'npm-scopes', words: 'is not an npm scope (such as @my-scope)' },
  orgs: { field: 'npm-orgs', words: 'is not an npm organization name (lower case)' },
  cidr: { field: 'npm-cidr', words: 'is not an IPv4 range such as 192.0.2.0/24' },
};

export function buildNpmOptions(
  values: NpmFieldValues,
  expiryDays: number | null,
): Built<NpmCreateOptions> {
  const orgs = splitList(values.orgs);
  const options: NpmCreateOptions = {
    permission: values.permission,
    packages: splitList(values.packages),
    allPackages: values.allPackages,
    scopes: splitList(values.scopes),
    orgs,
    orgsPermission: orgs.length > 0 ? values.orgsPermission : null,
    cidr: splitList(values.cidr),
    bypass2fa: values.bypass2fa,
  };
  if (!Value.Check(NpmCreateOptionsSchema, options)) {
    const [first] = Value.Errors(NpmCreateOptionsSchema, options);
    const [, key, index] = (first?.instancePath ?? '').split('/');
    const known = key ? NPM_FIELD_WORDS[key] : undefined;
    if (known && index !== undefined) {
      const item = (options[key as keyof NpmCreateOptions] as string[])[Number(index)] ?? '';
      return { ok: false, field: known.field, message: `“${shown(item)}” ${known.words}.` };
    }
    if (known)
      return {
        ok: false,
        field: known.field,
        message: `Too many: an npm token takes at most 50 ${key}.`,
      };
    return { ok: false, field: 'npm-packages', message: 'Check the npm token’s settings.' };
  }
  const problem = checkNpmCreateOptions(options, expiryDays);
  if (problem) return { ok: false, field: npmFieldOf(problem), message: problem };
  if (
    !options.allPackages &&
    options.packages.length + options.scopes.length === 0 &&
    orgs.length === 0
  )
    return {
      ok: false,
      field: 'npm-packages',
      message: 'Name the packages or scopes the token may reach, or tick All packages.',
    };
  return { ok: true, options };
}

/** Which field an npm rule's sentence is about, to put the error beside it. */
function npmFieldOf(problem: string): string {
  if (/IPv4|IPv6|CIDR/.test(problem)) return 'npm-cidr';
  if (/organization/i.test(problem)) return 'npm-orgs';
  if (/days/.test(problem)) return 'token-expiry';
  if (/2FA/.test(problem)) return 'npm-bypass';
  return 'npm-packages';
}

// ------------------------------------------------------------------ GitLab

export interface GitLabFieldValues {
  /** `project:12` or `group:3`; '' before a choice. */
  namespace: string;
  accessLevel: number;
  scopes: string[];
}

export function buildGitLabOptions(values: GitLabFieldValues): Built<GitLabCreateOptions> {
  const match = /^(project|group):(\d{1,16})$/.exec(values.namespace);
  if (!match)
    return { ok: false, field: 'gitlab-namespace', message: 'Choose a project or group.' };
  if (values.scopes.length === 0)
    return {
      ok: false,
      field: 'gitlab-scopes',
      message: 'Choose at least one scope: what the token may do.',
    };
  const unknown = values.scopes.find((scope) => !Object.hasOwn(GITLAB_ACCESS_TOKEN_SCOPES, scope));
  if (unknown !== undefined)
    return { ok: false, field: 'gitlab-scopes', message: `“${shown(unknown)}” is not a scope.` };
  const checked = checkGitLabCreateOptions({
    kind: match[1],
    namespaceId: Number(match[2]),
    scopes: values.scopes,
    accessLevel: values.accessLevel,
  });
  if (!checked.ok) return { ok: false, field: 'gitlab-namespace', message: checked.message };
  return { ok: true, options: checked.options };
}

// ------------------------------------------------------------------ Cloudflare

export const CLOUDFLARE_TARGETS = {
  'all-accounts': 'All accounts',
  account: 'One account',
  'all-zones': 'All zones',
  'zones-in-account': 'Zones of one account',
  zone: 'One zone',
  user: 'Yourself',
} as const;
export type CloudflareTarget = keyof typeof CLOUDFLARE_TARGETS;

export interface CloudflareFieldValues {
  permissionGroupIds: string[];
  target: CloudflareTarget;
  accountId: string;
  zoneId: string;
  allowed: string;
}

export function buildCloudflareOptions(
  values: CloudflareFieldValues,
  userId: string | null,
): Built<CloudflareCreateOptions> {
  if (values.permissionGroupIds.length === 0)
    return {
      ok: false,
      field: 'cloudflare-permissions',
      message: 'Choose at least one permission.',
    };
  let resource: CloudflareResource;
  switch (values.target) {
    case 'account':
    case 'zones-in-account':
      if (!values.accountId)
        return { ok: false, field: 'cloudflare-account', message: 'Choose an account.' };
      resource =
        values.target === 'account'
          ? { kind: 'account', id: values.accountId }
          : { kind: 'zones-in-account', accountId: values.accountId };
      break;
    case 'zone':
      if (!values.zoneId) return { ok: false, field: 'cloudflare-zone', message: 'Choose a zone.' };
      resource = { kind: 'zone', id: values.zoneId };
      break;
    case 'user':
      if (userId === null)
        return {
          ok: false,
          field: 'cloudflare-target',
          message:
            'Token Desk does not know your Cloudflare user (the connection’s token may not read it); choose what else the token applies to.',
        };
      resource = { kind: 'user', id: userId };
      break;
    default:
      resource = { kind: values.target };
  }
  const allowed = splitList(values.allowed);
  const checked = checkCloudflareCreateOptions({
    permissionGroupIds: values.permissionGroupIds,
    resources: [resource],
    ...(allowed.length > 0 ? { allowedAddresses: allowed } : {}),
  });
  if (!checked.ok)
    return {
      ok: false,
      field: /address/.test(checked.message) ? 'cloudflare-allowed' : 'cloudflare-permissions',
      message: checked.message,
    };
  return { ok: true, options: checked.options };
}

/** What a person typed, quoted back: short, and without characters that hide or reorder text. */
function shown(text: string): string {
  return Array.from(text.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '\uFFFD'))
    .slice(0, 60)
    .join('');
}
