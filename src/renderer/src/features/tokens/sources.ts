/**
 * The inventory as the list shows it: every connected issuer's tokens side by side,
 * which source each came from, what its source lets the list do with it, and how a
 * bulk revoke splits across sources. Pure, so the rules are tested without a window.
 */
import { MAX_BULK_REVOKE } from '../../../../shared/limits';
import type { DeskToken, Inventory, InventorySource } from '../../../../shared/ipc-contract';
import type {
  IssuerKindName,
  RotationStyle,
  TokenSource,
} from '../../../../shared/issuers/token-facts';

/** A vendor's name as the list writes it. */
const KIND_NAMES: Record<IssuerKindName, string> = {
  'token-desk': 'Token Desk',
  npm: 'npm',
  gitlab: 'GitLab',
  cloudflare: 'Cloudflare',
  github: 'GitHub',
};

/** A kind main did not know when this window was built still reads as something. */
export const kindName = (kind: string): string =>
  (KIND_NAMES as Record<string, string | undefined>)[kind] ?? kind;

/**
 * The short words of a row's source chip: the vendor, and GitLab's kind of token
 * ("GitLab project"), since those rotate differently; the full label is its tooltip.
 */
export function sourceChip(source: TokenSource): string {
  const name = kindName(source.kind);
  return source.kind === 'gitlab' && source.variant ? `${name} ${source.variant}` : name;
}

/**
 * Whether the list names each token's source: only once it can be anything but our
 * own service's, so a list of our tokens alone looks as it always did.
 */
export function showsSources(sources: readonly InventorySource[] | null): boolean {
  if (!sources) return false;
  return sources.length > 1 || sources.some((s) => s.kind !== 'token-desk');
}

export interface SourceOption {
  connectionId: string;
  label: string;
  count: number;
}

/** The source filter's choices: every connected source, each with how many tokens it has now. */
export function sourceOptions(
  sources: readonly InventorySource[],
  tokens: readonly DeskToken[],
): SourceOption[] {
  const counts = new Map<string, number>();
  for (const token of tokens)
    counts.set(token.issuer.connectionId, (counts.get(token.issuer.connectionId) ?? 0) + 1);
  return sources.map((s) => ({
    connectionId: s.connectionId,
    label: s.label,
    count: counts.get(s.connectionId) ?? 0,
  }));
}

/**
 * The list after an inventory answer: every source that answered with what it said;
 * one that failed keeps the tokens it had in the list before (they are what is known,
 * and the banner says they may be out of date), as the whole list did before when the
 * service could not be reached.
 */
export function mergeInventory(
  before: readonly DeskToken[] | null,
  inventory: Inventory,
): DeskToken[] {
  const failed = new Set(
    inventory.sources.filter((s) => s.problem !== null).map((s) => s.connectionId),
  );
  const kept = (before ?? []).filter((t) => failed.has(t.issuer.connectionId));
  return [...inventory.tokens.filter((t) => !failed.has(t.issuer.connectionId)), ...kept];
}

/** Whether the list may offer a rotation (a guided one too: made on the vendor's site, with Token Desk's help). */
export const canRotate = (token: DeskToken): boolean => token.facts.rotation !== 'none';

/** What a rotation does to the old value, said before the person confirms it. */
export function rotationWarning(style: RotationStyle, graceWords: string): string | null {
  switch (style) {
    case 'grace':
      return `The old secret is revoked as soon as every place has the new one; if a place fails, it keeps working for ${graceWords} so no pipeline breaks meanwhile.`;
    case 'create-then-delete':
      return 'A new token is made first; the old token is deleted once every place has the new one, so it keeps working until then.';
    case 'at-once':
      return 'Its source replaces the value at once: the old secret stops working the moment the new one is made, so pipelines running in between may fail until every place has the new value.';
    default:
      return null;
  }
}

/** A rotation style in words, for a token's details. */
export function rotationInWords(style: RotationStyle): string {
  switch (style) {
    case 'grace':
      return 'The old secret keeps working for the grace period, then stops';
    case 'create-then-delete':
      return 'A new token is made, then the old one is deleted once every place has it';
    case 'at-once':
      return 'The old secret stops at once when the new one is made';
    case 'guided':
      return 'Made anew on the vendor’s site, then Token Desk updates every place';
    case 'none':
      return 'Cannot be rotated from Token Desk';
  }
}

/** One request of a bulk revoke: several ids on a source that takes them together, else one. */
export interface RevokeStep {
  connectionId: string;
  ids: string[];
  /** False: `tokens:revoke` for the one id (its source revokes one at a time). */
  many: boolean;
}

/**
 * A bulk revoke across sources, split into what each source takes: batches of at most
 * its own revokeMany size (and the channel's limit) where it revokes many at once, one
 * request per token where it does not. A token whose source cannot revoke it is left out.
 */
export function bulkRevokePlan(
  tokens: readonly DeskToken[],
  sources: readonly InventorySource[],
): RevokeStep[] {
  const size = new Map(sources.map((s) => [s.connectionId, s.capabilities.revokeMany]));
  const byConnection = new Map<string, string[]>();
  for (const token of tokens) {
    if (!token.facts.canRevoke) continue;
    const ids = byConnection.get(token.issuer.connectionId) ?? [];
    ids.push(token.id);
    byConnection.set(token.issuer.connectionId, ids);
  }
  const steps: RevokeStep[] = [];
  for (const [connectionId, ids] of byConnection) {
    const batch = Math.min(size.get(connectionId) ?? 0, MAX_BULK_REVOKE);
    if (batch <= 1) {
      for (const id of ids) steps.push({ connectionId, ids: [id], many: false });
      continue;
    }
    for (let i = 0; i < ids.length; i += batch)
      steps.push({ connectionId, ids: ids.slice(i, i + batch), many: true });
  }
  return steps;
}
