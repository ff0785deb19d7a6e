/**
 * GitLab's access tokens as Token Desk offers them: what a person may choose when
 * creating a project or group access token, and the scopes and roles in words. Main
 * checks what the page sent against `GitLabCreateOptions` before anything reaches
 * GitLab; the page's form is built from the same lists.
 *
 * From GitLab's documentation (api/project_access_tokens, api/group_access_tokens,
 * user/project/settings/project_access_tokens): a project token needs the Maintainer
 * role, a group token the Owner role; it must expire, at most 365 days ahead by
 * default. A normal user cannot create a personal access token over the API (only
 * `k8s_proxy` or `self_rotate` ones, through api/user_tokens), so "personal" is not
 * a choice here: such a token is made on GitLab and then rotated from Token Desk.
 */
import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';

/** GitLab's default longest lifetime of an access token (administrators may change it). */
export const GITLAB_MAX_EXPIRY_DAYS = 365;

/** The scopes GitLab accepts for a project or group access token, each in words. */
export const GITLAB_ACCESS_TOKEN_SCOPES = {
  api: 'Full read and write API access',
  read_api: 'Read-only API access',
  read_repository: 'Pull from the repository',
  write_repository: 'Pull from and push to the repository',
  read_registry: 'Pull container images',
  write_registry: 'Push container images',
  create_runner: 'Create runners',
  manage_runner: 'Manage runners',
  ai_features: 'GitLab Duo features',
  k8s_proxy: 'Kubernetes API through the agent',
  self_rotate: 'Rotate itself',
} as const;
export type GitLabAccessTokenScope = keyof typeof GITLAB_ACCESS_TOKEN_SCOPES;

/** Scopes only a personal access token has, in words (the rest are shared with the list above). */
export const GITLAB_PERSONAL_ONLY_SCOPES = {
  read_user: 'Read your profile',
  sudo: 'Act as any user (administrators)',
  admin_mode: 'Administrator mode',
  read_service_ping: 'Read Service Ping (administrators)',
  read_virtual_registry: 'Read the virtual registry',
  write_virtual_registry: 'Write to the virtual registry',
} as const;

/** A scope id in words, the id kept visible: "Full read and write API access (api)". */
export function gitlabScopeInWords(scope: string): string {
  const words =
    (GITLAB_ACCESS_TOKEN_SCOPES as Record<string, string>)[scope] ??
    (GITLAB_PERSONAL_ONLY_SCOPES as Record<string, string>)[scope];
  return words ? `${words} (${scope})` : scope;
}

/** The roles a project or group access token may have (api/project_access_tokens). */
export const GITLAB_ACCESS_LEVELS = {
  10: 'Guest',
  15: 'Planner',
  20: 'Reporter',
  30: 'Developer',
  40: 'Maintainer',
  50: 'Owner',
} as const;

export function gitlabRoleInWords(level: number): string {
  return (GITLAB_ACCESS_LEVELS as Record<number, string>)[level] ?? `role ${level}`;
}

const Scope = Type.Union(
  Object.keys(GITLAB_ACCESS_TOKEN_SCOPES).map((scope) => Type.Literal(scope)),
);
const AccessLevel = Type.Union(
  Object.keys(GITLAB_ACCESS_LEVELS).map((level) => Type.Literal(Number(level))),
);

/**
 * What the page sends as `options` when creating a GitLab token. `namespaceId` is the
 * project's or group's numeric id, as the token list gave it.
 */
export const GitLabCreateOptions = Type.Object(
  {
    kind: Type.Union([Type.Literal('project'), Type.Literal('group')]),
    namespaceId: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
    scopes: Type.Array(Scope, { minItems: 1, maxItems: 11, uniqueItems: true }),
    accessLevel: AccessLevel,
    description: Type.Optional(Type.String({ maxLength: 255 })),
  },
  { additionalProperties: false },
);
export type GitLabCreateOptions = Static<typeof GitLabCreateOptions>;

const optionsCheck = Compile(GitLabCreateOptions);

export type GitLabOptionsCheck =
  { ok: true; options: GitLabCreateOptions } | { ok: false; message: string };

const OPTION_NAMES = new Set(['kind', 'namespaceId', 'scopes', 'accessLevel', 'description']);

/**
 * `value` as GitLab create options, or the first problem in a sentence: the field it
 * is in, by name; an unknown field is refused by its name, so nothing the form did
 * not mean reaches GitLab.
 */
export function checkGitLabCreateOptions(value: unknown): GitLabOptionsCheck {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return {
      ok: false,
      message:
        'Choose a GitLab project or group, the token’s scopes and its role before creating it.',
    };
  const record = value as Record<string, unknown>;
  if (record.kind === 'personal')
    return {
      ok: false,
      message:
        'GitLab does not let a personal access token be created over its API (only an administrator can). Create it on GitLab (Preferences → Access tokens), then rotate it from Token Desk.',
    };
  const unknown = Object.keys(record).find((key) => !OPTION_NAMES.has(key));
  if (unknown !== undefined)
    return {
      ok: false,
      // Only letters, digits and _ of the page's key are echoed back.
      message: `“${unknown.replace(/[^A-Za-z0-9_]/g, '').slice(0, 40)}” is not a GitLab token option, so nothing was sent.`,
    };
  if (optionsCheck.Check(value)) return { ok: true, options: value };
  const [first] = optionsCheck.Errors(value);
  const field = first?.instancePath.split('/')[1] ?? 'options';
  return {
    ok: false,
    message: `The GitLab token option “${field}” is not valid: ${FIELD_RULES[field] ?? 'check it and try again.'}`,
  };
}

const FIELD_RULES: Record<string, string> = {
  kind: 'a token belongs to a project or a group.',
  namespaceId: 'choose the project or group from the list.',
  scopes: `choose one or more of ${Object.keys(GITLAB_ACCESS_TOKEN_SCOPES).join(', ')}, each once.`,
  accessLevel: `choose one of ${Object.entries(GITLAB_ACCESS_LEVELS)
    .map(([level, name]) => `${name} (${level})`)
    .join(', ')}.`,
  description: 'at most 255 characters.',
};
