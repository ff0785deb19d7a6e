/**
 * A GitLab token's id as Token Desk shows it: GitLab numbers personal, project and
 * group access tokens from one sequence, but a project token can only be reached
 * through its project, so the id carries the kind and the owner: `personal-42`,
 * `project-7-42`, `group-9-42`. Only `-` and digits, so it passes the IPC id rule.
 * Parsed back strictly: anything else the page sends is refused by name before a
 * request is made.
 */
import { DeskError } from '../../desk-error.js';

export type GitLabTokenRef =
  | { kind: 'personal'; tokenId: number }
  | { kind: 'project' | 'group'; namespaceId: number; tokenId: number };

const NUMBER = '([1-9][0-9]{0,15})';
const PERSONAL = new RegExp(`^personal-${NUMBER}$`);
const RESOURCE = new RegExp(`^(project|group)-${NUMBER}-${NUMBER}$`);

export function gitlabTokenId(ref: GitLabTokenRef): string {
  return ref.kind === 'personal'
    ? `personal-${ref.tokenId}`
    : `${ref.kind}-${ref.namespaceId}-${ref.tokenId}`;
}

function safe(digits: string | undefined): number | null {
  const value = Number(digits);
  return Number.isSafeInteger(value) && value > 0 ? value : null;
}

/** The token an id names, or a DeskError `invalid_token_id` naming what was sent (cut to length). */
export function parseGitLabTokenId(id: unknown): GitLabTokenRef {
  if (typeof id === 'string') {
    const personal = PERSONAL.exec(id);
    const tokenId = safe(personal?.[1]);
    if (personal && tokenId !== null) return { kind: 'personal', tokenId };
    const resource = RESOURCE.exec(id);
    const namespaceId = safe(resource?.[2]);
    const resourceTokenId = safe(resource?.[3]);
    if (resource && namespaceId !== null && resourceTokenId !== null)
      return {
        kind: resource[1] as 'project' | 'group',
        namespaceId,
        tokenId: resourceTokenId,
      };
  }
  // Only the id alphabet is echoed: the page could send anything.
  const printable = typeof id === 'string' ? id.replace(/[^A-Za-z0-9-]/g, '').slice(0, 40) : '';
  const shown = printable ? `“${printable}”` : 'That id';
  throw new DeskError(
    'invalid_token_id',
    `${shown} is not a GitLab token id Token Desk made (personal-N, project-N-N or group-N-N), so nothing was sent to GitLab.`,
  );
}
