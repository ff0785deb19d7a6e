/** GitLab CI/CD variables: projects and groups, on gitlab.com or a self-managed GitLab. */
import { Type, type Static } from 'typebox';
import { encodeSegment as enc, type CiProviderSpec } from './spec.js';

// Paths are `/`-separated segments of letters, digits, `_`, `-`, `.`, never starting
// with `.` or `-` (so never `..`). GitLab also refuses a part ending in "." and one
// ending in .git or .atom.
const GITLAB_SEGMENT = '[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?';
const GITLAB_PATH = `^(?!.*\\.(?:git|atom)(?:/|$))${GITLAB_SEGMENT}(?:/${GITLAB_SEGMENT}){0,19}$`;
// GitLab environment names: ASCII letters, digits, spaces and - _ / $ { } . (its own
// rule); a variable's scope may also use the * wildcard. No space at either end.
const ENVIRONMENT_SCOPE = '^(?! )(?!.* $)[A-Za-z0-9_/${}.* -]{1,255}$';

export const GitLabTargetSchema = Type.Object(
  {
    kind: Type.Union([Type.Literal('project'), Type.Literal('group')]),
    path: Type.String({ pattern: GITLAB_PATH, maxLength: 1000 }),
    environmentScope: Type.String({ pattern: ENVIRONMENT_SCOPE }),
  },
  { additionalProperties: false },
);
export type GitLabDestinationTarget = Static<typeof GitLabTargetSchema>;

/** GitLab's rule for a variable key. */
export function checkGitLabVariableKey(key: string): string | null {
  if (!/^[A-Za-z0-9_]+$/.test(key))
    return 'A GitLab variable key may contain only letters, digits and underscores.';
  if (key.length > 255) return 'A GitLab variable key must be at most 255 characters.';
  return null;
}

export const gitlabSpec = {
  id: 'gitlab',
  displayName: 'GitLab',
  publicHost: 'https://gitlab.com',
  hostExamples: ['https://gitlab.com'],
  webHostExamples: ['https://gitlab.com', 'https://gitlab.example.com'],
  targetSchemas: [GitLabTargetSchema],
  targetFields: {
    project: ['kind', 'path', 'environmentScope'],
    group: ['kind', 'path', 'environmentScope'],
  },
  fieldRules: {
    path: {
      pattern: new RegExp(GITLAB_PATH),
      rule: 'a GitLab project or group path such as acme/mobile/app: up to 20 parts separated by single "/", each of letters, digits, "_", "-" and ".", not starting with "." or "-", not ending with "." or .git or .atom',
    },
    environmentScope: {
      pattern: new RegExp(ENVIRONMENT_SCOPE),
      rule: 'a GitLab environment scope such as *, production or review/*: 1 to 255 letters, digits, spaces and - _ / $ { } . *, not starting or ending with a space',
    },
  },
  nameLabel: 'Variable key',
  readTarget: (kind, read) => ({
    kind,
    path: read.field('path'),
    environmentScope: read.field('environmentScope', true),
  }),
  checkName: checkGitLabVariableKey,
  canonicalName: (name) => name,
  settingsUrl(host, target) {
    const base = host.replace(/\/+$/, '');
    const path = target.path.split('/').map(enc).join('/');
    return target.kind === 'project'
      ? `${base}/${path}/-/settings/ci_cd#js-cicd-variables-settings`
      : `${base}/groups/${path}/-/settings/ci_cd#js-cicd-variables-settings`;
  },
  describeTarget: (target) =>
    `${target.path}${target.kind === 'group' ? ' (group)' : ''}${target.environmentScope === '*' ? '' : ` · ${target.environmentScope}`}`,
} as const satisfies CiProviderSpec<'gitlab', GitLabDestinationTarget>;
