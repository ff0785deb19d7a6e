/**
 * Where a token was sent: a GitHub Actions secret or a GitLab CI/CD variable. The
 * service records these per token (never a secret); the app pushes to them and
 * links to their settings pages. Every field is data a person typed, so each has a
 * schema and a rule, shared by the service (validation, OpenAPI), main and the
 * renderer (inline checks). No Node or DOM.
 */
import { Type, type Static } from 'typebox';

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
const GITHUB_ENVIRONMENT = '^[^\\u0000-\\u001f\\u007f/\\\\]{1,255}$';
const GITLAB_PATH = '^[A-Za-z0-9_][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_][A-Za-z0-9_.-]*){0,19}$';
const ENVIRONMENT_SCOPE = '^[^\\s\\u0000-\\u001f\\u007f]{1,255}$';
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

function enc(segment: string): string {
  return encodeURIComponent(segment);
}
