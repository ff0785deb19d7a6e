/** GitHub Actions secrets: repositories, environments and organizations, on github.com or GHES. */
import { Type, type Static } from 'typebox';
import { encodeSegment as enc, type CiProviderSpec } from './spec.js';

// Owner and repository names are ASCII letters, digits, `-`, `_`, `.` (owners:
// letters, digits and `-`); environments allow more, but never control characters
// or a slash.
const GITHUB_OWNER = '^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$';
// `.` and `..` would walk the API URL's path: never a repository name.
const GITHUB_REPO = '^(?!\\.{1,2}$)[A-Za-z0-9._-]{1,100}$';
// `.` and `..` would walk the API URL's path (…/environments/../secrets) just as for a repo.
const GITHUB_ENVIRONMENT = '^(?!\\.{1,2}$)[^\\u0000-\\u001f\\u007f/\\\\]{1,255}$';

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
const VISIBILITIES = ['all', 'private', 'selected'] as const;
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

export type GitHubDestinationTarget =
  | Static<typeof GitHubRepositoryTarget>
  | Static<typeof GitHubEnvironmentTarget>
  | Static<typeof GitHubOrganizationTarget>;

/** GitHub's rules for a secret name (docs: "Naming your secrets"). */
export function checkGitHubSecretName(name: string): string | null {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    return 'A GitHub secret name may contain only letters, digits and underscores, and must not start with a digit.';
  if (/^GITHUB_/i.test(name)) return 'A GitHub secret name must not start with GITHUB_.';
  if (name.length > 255) return 'A GitHub secret name must be at most 255 characters.';
  return null;
}

const OWNER_RULE = 'letters, digits and hyphens, not starting with a hyphen, at most 39 characters';

export const githubSpec = {
  id: 'github',
  displayName: 'GitHub',
  publicHost: 'https://api.github.com',
  hostExamples: ['https://api.github.com', 'https://ghe.example.com/api/v3'],
  webHostExamples: ['https://github.com', 'https://ghe.example.com'],
  targetSchemas: [GitHubRepositoryTarget, GitHubEnvironmentTarget, GitHubOrganizationTarget],
  targetFields: {
    repository: ['kind', 'owner', 'repo'],
    environment: ['kind', 'owner', 'repo', 'environment'],
    organization: ['kind', 'org', 'visibility'],
  },
  fieldRules: {
    owner: {
      pattern: new RegExp(GITHUB_OWNER),
      rule: `a GitHub account or organization name: ${OWNER_RULE}`,
    },
    org: { pattern: new RegExp(GITHUB_OWNER), rule: `a GitHub organization name: ${OWNER_RULE}` },
    repo: {
      pattern: new RegExp(GITHUB_REPO),
      rule: 'a GitHub repository name: letters, digits, ".", "-" and "_", at most 100 characters, and not "." or ".."',
    },
    environment: {
      pattern: new RegExp(GITHUB_ENVIRONMENT),
      rule: 'a GitHub environment name: 1 to 255 characters without "/", "\\" or control characters, and not "." or ".."',
    },
  },
  nameLabel: 'Secret name',
  readTarget(kind, read) {
    switch (kind) {
      case 'repository':
        return { kind, owner: read.field('owner'), repo: read.field('repo') };
      case 'environment':
        return {
          kind,
          owner: read.field('owner'),
          repo: read.field('repo'),
          environment: read.field('environment', true),
        };
      case 'organization': {
        const org = read.field('org');
        const visibility = read.string('visibility');
        if (!(VISIBILITIES as readonly string[]).includes(visibility)) {
          read.refuse('The field "target.visibility" must be "all", "private" or "selected".');
        }
        return { kind, org, visibility: visibility as (typeof VISIBILITIES)[number] };
      }
    }
  },
  checkName: checkGitHubSecretName,
  // GitHub's names are not case-sensitive and it stores them in upper case.
  canonicalName: (name) => name.toUpperCase(),
  settingsUrl(host, target) {
    // The API base (api.github.com, or GHES's https://host/api/v3) → the web host.
    const api = new URL(host);
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
    }
  },
  describeTarget(target) {
    switch (target.kind) {
      case 'repository':
        return `${target.owner}/${target.repo}`;
      case 'environment':
        return `${target.owner}/${target.repo} · ${target.environment}`;
      case 'organization':
        return `${target.org} (organization, ${target.visibility})`;
    }
  },
} as const satisfies CiProviderSpec<'github', GitHubDestinationTarget>;
