/**
 * Where a token was sent: a GitHub Actions secret or a GitLab CI/CD variable. The
 * service records these per token (never a secret); the app pushes to them and
 * links to their settings pages. Every field is data a person typed, so each has a
 * schema and a rule, shared by the service (validation, OpenAPI), main and the
 * renderer (inline checks). No Node or DOM.
 */
import { Type, type Static } from 'typebox';
import { looksLikeCredential } from './credential-patterns.js';
import { Value } from 'typebox/value';
import { SERVICE_URL_MESSAGES, normalizeServiceUrl } from './service-url.js';

export const PROVIDERS = ['github', 'gitlab'] as const;
export type Provider = (typeof PROVIDERS)[number];

/** The most places one token may be recorded in. */
export const MAX_DESTINATIONS_PER_TOKEN = 50;
/** Rotation may keep the old token valid this long at most while the new one is pushed. */
export const MAX_GRACE_PERIOD_SECONDS = 7 * 24 * 60 * 60;
/** The name most pipelines read, as the seed page and our snippets do. */
export const DEFAULT_SECRET_NAME = 'CAPAWESOME_TOKEN';

// GitHub: owner and repository names are ASCII letters, digits, `-`, `_`, `.`
// (owners: letters, digits and `-`); environments allow more, but never control
// characters or a slash. GitLab paths are `/`-separated segments of letters,
// digits, `_`, `-`, `.`, never starting with `.` or `-` (so never `..`).
const GITHUB_OWNER = '^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$';
// `.` and `..` would walk the API URL's path: never a repository name.
const GITHUB_REPO = '^(?!\\.{1,2}$)[A-Za-z0-9._-]{1,100}$';
// `.` and `..` would walk the API URL's path (…/environments/../secrets) just as for a repo.
const GITHUB_ENVIRONMENT = '^(?!\\.{1,2}$)[^\\u0000-\\u001f\\u007f/\\\\]{1,255}$';
// GitLab also refuses a part ending in "." and one ending in .git or .atom.
const GITLAB_SEGMENT = '[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?';
const GITLAB_PATH = `^(?!.*\\.(?:git|atom)(?:/|$))${GITLAB_SEGMENT}(?:/${GITLAB_SEGMENT}){0,19}$`;
// GitLab environment names: ASCII letters, digits, spaces and - _ / $ { } . (its own
// rule); a variable's scope may also use the * wildcard. No space at either end.
const ENVIRONMENT_SCOPE = '^(?! )(?!.* $)[A-Za-z0-9_/${}.* -]{1,255}$';
/** An https URL (or http to loopback, checked in code), no credentials, at most 2048 characters. */
const HOST_URL = '^https?://[^\\s/?#@]+(?:/[^\\s?#]*)?$';

export const GitHubRepositoryTarget = Type.Object(
  {
    kind: Type.Literal('repository'),
    owner: Type.String({ pattern: GITHUB_OWNER }),
    repo: Type.String({ pattern: GITHUB_REPO }),
  },
  { additionalProperties: false },
);
export const GitHubEnvironmentTarget = Type.Object(
  {
    kind: Type.Literal('environment'),
    owner: Type.String({ pattern: GITHUB_OWNER }),
    repo: Type.String({ pattern: GITHUB_REPO }),
    environment: Type.String({ pattern: GITHUB_ENVIRONMENT }),
  },
  { additionalProperties: false },
);
export const GitHubOrganizationTarget = Type.Object(
  {
    kind: Type.Literal('organization'),
    org: Type.String({ pattern: GITHUB_OWNER }),
    visibility: Type.Union([
      Type.Literal('all'),
      Type.Literal('private'),
      Type.Literal('selected'),
    ]),
  },
  { additionalProperties: false },
);
export const GitLabTargetSchema = Type.Object(
  {
    kind: Type.Union([Type.Literal('project'), Type.Literal('group')]),
    path: Type.String({ pattern: GITLAB_PATH, maxLength: 1000 }),
    environmentScope: Type.String({ pattern: ENVIRONMENT_SCOPE }),
  },
  { additionalProperties: false },
);

export const DestinationTarget = Type.Union([
  GitHubRepositoryTarget,
  GitHubEnvironmentTarget,
  GitHubOrganizationTarget,
  GitLabTargetSchema,
]);
export type DestinationTarget = Static<typeof DestinationTarget>;

/** What the app records after a push (POST …/destinations), never a secret. */
export const DestinationInput = Type.Object(
  {
    provider: Type.Union([Type.Literal('github'), Type.Literal('gitlab')]),
    host: Type.String({ pattern: HOST_URL, maxLength: 2048 }),
    target: DestinationTarget,
    name: Type.String({ minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9_]+$' }),
  },
  { additionalProperties: false },
);
export type DestinationInput = Static<typeof DestinationInput>;

const Timestamp = Type.String({ format: 'date-time' });

export const Destination = Type.Object({
  id: Type.String(),
  provider: Type.Union([Type.Literal('github'), Type.Literal('gitlab')]),
  host: Type.String(),
  target: DestinationTarget,
  name: Type.String(),
  firstPushedAt: Timestamp,
  lastPushedAt: Timestamp,
});
export type Destination = Static<typeof Destination>;

/** Which provider a target belongs to, so a GitLab target is never recorded as GitHub's. */
export function providerOfTarget(target: DestinationTarget): Provider {
  return target.kind === 'project' || target.kind === 'group' ? 'gitlab' : 'github';
}

/**
 * A secret or variable name, checked the way its provider checks it; null when
 * valid. GitHub: letters, digits, `_`, not starting with a digit or GITHUB_.
 * GitLab: letters, digits, `_`.
 */
export function checkDestinationName(provider: Provider, name: string): string | null {
  if (name.length === 0) return 'Enter a name.';
  if (name.length > 255) return 'A name must be at most 255 characters.';
  if (provider === 'github') {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      return 'A GitHub secret name may contain only letters, digits and underscores, and must not start with a digit.';
    if (/^GITHUB_/i.test(name)) return 'A GitHub secret name must not start with GITHUB_.';
    return null;
  }
  return /^[A-Za-z0-9_]+$/.test(name)
    ? null
    : 'A GitLab variable key may contain only letters, digits and underscores.';
}

/** Where a person changes this secret or variable by hand, on the provider's site. */
export function destinationSettingsUrl(destination: {
  provider: Provider;
  host: string;
  target: DestinationTarget;
}): string {
  const { target } = destination;
  if (destination.provider === 'github') {
    // The API base (api.github.com, or GHES's https://host/api/v3) → the web host.
    const api = new URL(destination.host);
    const web =
      api.hostname === 'api.github.com'
        ? 'https://github.com'
        : `${api.origin}${api.pathname.replace(/\/api\/v3\/?$/, '')}`;
    switch (target.kind) {
      case 'repository':
        return `${web}/${enc(target.owner)}/${enc(target.repo)}/settings/secrets/actions`;
      case 'environment':
        return `${web}/${enc(target.owner)}/${enc(target.repo)}/settings/environments`;
      case 'organization':
        return `${web}/organizations/${enc(target.org)}/settings/secrets/actions`;
      default:
        break;
    }
  } else if (target.kind === 'project' || target.kind === 'group') {
    const base = destination.host.replace(/\/+$/, '');
    const path = target.path.split('/').map(enc).join('/');
    return target.kind === 'project'
      ? `${base}/${path}/-/settings/ci_cd#js-cicd-variables-settings`
      : `${base}/groups/${path}/-/settings/ci_cd#js-cicd-variables-settings`;
  }
  throw new Error('This target does not belong to this provider.');
}

/** A short label for a target, e.g. `ada/app`, `ada/app · production`, `acme (org)`. */
export function describeDestinationTarget(target: DestinationTarget): string {
  switch (target.kind) {
    case 'repository':
      return `${target.owner}/${target.repo}`;
    case 'environment':
      return `${target.owner}/${target.repo} · ${target.environment}`;
    case 'organization':
      return `${target.org} (organization, ${target.visibility})`;
    case 'project':
    case 'group':
      return `${target.path}${target.kind === 'group' ? ' (group)' : ''}${target.environmentScope === '*' ? '' : ` · ${target.environmentScope}`}`;
  }
}

/** The public hosts every user knows; a place anywhere else names its host. */
export const PUBLIC_PROVIDER_HOSTS: Record<Provider, string> = {
  github: 'https://api.github.com',
  gitlab: 'https://gitlab.com',
};

/**
 * The host a person should see for a place or account: null on github.com and
 * gitlab.com, else the host (with its port) of GitHub Enterprise or a self-managed
 * GitLab, so a place on a look-alike server never reads like the real one.
 */
export function visibleProviderHost(provider: Provider, host: string): string | null {
  if (host === PUBLIC_PROVIDER_HOSTS[provider]) return null;
  try {
    return new URL(host).host;
  } catch {
    return host;
  }
}

/** `CAPAWESOME_TOKEN in ada/app`, or `… in ada/app on ghe.corp.example` off github.com/gitlab.com. */
export function describePlace(place: {
  provider: Provider;
  host: string;
  target: DestinationTarget;
  name: string;
}): string {
  const host = visibleProviderHost(place.provider, place.host);
  const label = `${place.name} in ${describeDestinationTarget(place.target)}${host === null ? '' : ` on ${host}`}`;
  // An environment or group path from a provider may hold direction-changing or
  // invisible characters that would make one label read as another: shown as U+FFFD.
  return label.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '\uFFFD');
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

export type DestinationCheck =
  { ok: true; destination: DestinationInput } | { ok: false; message: string };

const MAX_HOST_LENGTH = 2048;
const TOP_FIELDS = ['provider', 'host', 'target', 'name'] as const;
const TARGET_FIELDS: Record<DestinationTarget['kind'], readonly string[]> = {
  repository: ['kind', 'owner', 'repo'],
  environment: ['kind', 'owner', 'repo', 'environment'],
  organization: ['kind', 'org', 'visibility'],
  project: ['kind', 'path', 'environmentScope'],
  group: ['kind', 'path', 'environmentScope'],
};
const VISIBILITIES = ['all', 'private', 'selected'] as const;

// A Token Desk secret or a provider credential anywhere in a destination is a client
// bug leaking it into a record that is stored and listed: refuse it, checksum or not.
const SECRET_LIKE = { test: (text: string) => looksLikeCredential(text) };
// Characters a person cannot see or that reorder text, and damaged ones (as in
// token-name.ts): an environment shown as "production" must be "production".
const INVISIBLE_OR_BROKEN =
  /[\p{Cf}\p{Cs}\p{Zl}\p{Zp}\uFFFD\u{E0000}-\u{E007F}\u115F\u1160\u3164\uFFA0]|\u034F|\u17B4|\u17B5/u;

const FIELD_RULES = {
  owner: {
    pattern: new RegExp(GITHUB_OWNER),
    rule: 'a GitHub account or organization name: letters, digits and hyphens, not starting with a hyphen, at most 39 characters',
  },
  org: {
    pattern: new RegExp(GITHUB_OWNER),
    rule: 'a GitHub organization name: letters, digits and hyphens, not starting with a hyphen, at most 39 characters',
  },
  repo: {
    pattern: new RegExp(GITHUB_REPO),
    rule: 'a GitHub repository name: letters, digits, ".", "-" and "_", at most 100 characters, and not "." or ".."',
  },
  environment: {
    pattern: new RegExp(GITHUB_ENVIRONMENT),
    rule: 'a GitHub environment name: 1 to 255 characters without "/", "\\" or control characters, and not "." or ".."',
  },
  path: {
    pattern: new RegExp(GITLAB_PATH),
    rule: 'a GitLab project or group path such as acme/mobile/app: up to 20 parts separated by single "/", each of letters, digits, "_", "-" and ".", not starting with "." or "-", not ending with "." or .git or .atom',
  },
  environmentScope: {
    pattern: new RegExp(ENVIRONMENT_SCOPE),
    rule: 'a GitLab environment scope such as *, production or review/*: 1 to 255 letters, digits, spaces and - _ / $ { } . *, not starting or ending with a space',
  },
} as const;

const HOST_PROBLEMS: Record<keyof typeof SERVICE_URL_MESSAGES, string> = {
  unparsable:
    "must be the provider's API address, such as https://api.github.com, https://ghe.example.com/api/v3 or https://gitlab.com.",
  whitespace: 'must not contain spaces, line breaks or control characters.',
  scheme: 'must start with https:// (http:// only for a provider on this computer).',
  credentials:
    'must not contain a user name or password: provider credentials stay in your keychain.',
  queryOrFragment: 'must not contain a query or fragment.',
  host: 'must have a host name of letters, digits, dots and hyphens, or an IP address.',
  path: 'must have a path of letters, digits and . _ ~ / - only.',
  httpsNeeded:
    'must use https://: http:// is allowed only for a provider on this computer (localhost, 127.0.0.1, [::1]).',
};

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

class Refusal {
  constructor(readonly message: string) {}
}
const refuse = (message: string): never => {
  throw new Refusal(message);
};

function unknownFields(
  value: Record<string, unknown>,
  allowed: readonly string[],
  prefix: string,
  what: string,
): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      refuse(
        `The field "${prefix}${key}" is not recognised: ${what} has only ${allowed.join(', ')}. A destination records where a token was sent, never a secret.`,
      );
    }
  }
}

function requiredString(value: Record<string, unknown>, key: string, prefix = ''): string {
  const field = `${prefix}${key}`;
  if (!Object.hasOwn(value, key)) refuse(`The field "${field}" is required.`);
  const raw = value[key];
  if (typeof raw !== 'string') return refuse(`The field "${field}" must be a string.`);
  if (SECRET_LIKE.test(raw)) {
    refuse(
      `The field "${field}" looks like a secret or access token (ca_…, ses_…, ghp_…, glpat-…). A destination records where a token was sent, never a credential.`,
    );
  }
  return raw;
}

function targetField(
  target: Record<string, unknown>,
  key: keyof typeof FIELD_RULES,
  visibleOnly = false,
): string {
  const value = requiredString(target, key, 'target.');
  const { pattern, rule } = FIELD_RULES[key];
  if (visibleOnly && INVISIBLE_OR_BROKEN.test(value)) {
    refuse(
      `The field "target.${key}" must not contain invisible, text-direction or damaged characters: they make one name look like another.`,
    );
  }
  if (value.length > 1000 || !pattern.test(value)) {
    refuse(`The field "target.${key}" must be ${rule}.`);
  }
  return value;
}

function checkHost(body: Record<string, unknown>): string {
  const host = requiredString(body, 'host');
  if (host.length > MAX_HOST_LENGTH) {
    refuse(`The field "host" must be at most ${MAX_HOST_LENGTH} characters.`);
  }
  // normalizeServiceUrl trims what a person typed; a stored host must not need it.
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f-\u009f]/.test(host))
    refuse(`The field "host" ${HOST_PROBLEMS.whitespace}`);
  const result = normalizeServiceUrl(host);
  if (!result.ok) {
    const problem = (
      Object.keys(SERVICE_URL_MESSAGES) as (keyof typeof SERVICE_URL_MESSAGES)[]
    ).find((key) => SERVICE_URL_MESSAGES[key] === result.message);
    refuse(`The field "host" ${HOST_PROBLEMS[problem ?? 'unparsable']}`);
  }
  return (result as { ok: true; url: string }).url;
}

function checkTarget(provider: Provider, body: Record<string, unknown>): DestinationTarget {
  if (!Object.hasOwn(body, 'target')) refuse('The field "target" is required.');
  const target = body.target;
  if (!isPlainObject(target)) {
    return refuse(
      'The field "target" must be an object: a repository, environment or organization on GitHub, a project or group on GitLab.',
    );
  }
  const kind = target.kind;
  if (typeof kind !== 'string' || !Object.hasOwn(TARGET_FIELDS, kind)) {
    return refuse(
      'The field "target.kind" must be "repository", "environment" or "organization" (GitHub), or "project" or "group" (GitLab).',
    );
  }
  const typed = kind as DestinationTarget['kind'];
  const gitlab = typed === 'project' || typed === 'group';
  if (provider === 'github' && gitlab) {
    refuse(
      `A GitHub destination needs a GitHub target (repository, environment or organization); "${typed}" is a GitLab target.`,
    );
  }
  if (provider === 'gitlab' && !gitlab) {
    refuse(
      `A GitLab destination needs a GitLab target (project or group); "${typed}" is a GitHub target.`,
    );
  }
  unknownFields(target, TARGET_FIELDS[typed], 'target.', `a ${typed} target`);
  switch (typed) {
    case 'repository':
      return {
        kind: typed,
        owner: targetField(target, 'owner'),
        repo: targetField(target, 'repo'),
      };
    case 'environment':
      return {
        kind: typed,
        owner: targetField(target, 'owner'),
        repo: targetField(target, 'repo'),
        environment: targetField(target, 'environment', true),
      };
    case 'organization': {
      const org = targetField(target, 'org');
      const visibility = requiredString(target, 'visibility', 'target.');
      if (!(VISIBILITIES as readonly string[]).includes(visibility)) {
        refuse('The field "target.visibility" must be "all", "private" or "selected".');
      }
      return { kind: typed, org, visibility: visibility as (typeof VISIBILITIES)[number] };
    }
    case 'project':
    case 'group':
      return {
        kind: typed,
        path: targetField(target, 'path'),
        environmentScope: targetField(target, 'environmentScope', true),
      };
  }
}

/**
 * Checks a destination as a person (or a buggy client) may send it, field by field,
 * and returns it in canonical form: the host as `normalizeServiceUrl` writes it (https,
 * or http to loopback only; no credentials, query or trailing slash), target keys in a
 * fixed order, and a GitHub secret name in upper case (GitHub's names are not
 * case-sensitive and it stores them so). The message names the field and the rule.
 */
export function checkDestinationInput(value: unknown): DestinationCheck {
  try {
    if (!isPlainObject(value)) {
      return refuse('A destination must be a JSON object with provider, host, target and name.');
    }
    unknownFields(value, TOP_FIELDS, '', 'a destination');
    if (!Object.hasOwn(value, 'provider')) refuse('The field "provider" is required.');
    const provider = value.provider;
    if (provider !== 'github' && provider !== 'gitlab') {
      return refuse('The field "provider" must be "github" or "gitlab".');
    }
    const host = checkHost(value);
    const target = checkTarget(provider, value);
    const name = requiredString(value, 'name');
    const problem = checkDestinationName(provider, name);
    if (problem) refuse(problem);
    const destination: DestinationInput = {
      provider,
      host,
      target,
      name: provider === 'github' ? name.toUpperCase() : name,
    };
    // The schema is what OpenAPI publishes and main checks against: never accept more.
    if (!Value.Check(DestinationInput, destination)) {
      refuse('This destination is not valid.');
    }
    return { ok: true, destination };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, message: error.message };
    throw error;
  }
}
