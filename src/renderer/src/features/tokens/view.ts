/** What the list shows: the search, the health filter and the order, as pure functions of the tokens. */
import type { DeskToken } from '../../../../shared/ipc-contract';
import { attentionRank, healthOf, URGENT_RANK, type HealthFilter } from './health';

/**
 * A token's key in the list: its connection and its id there. Ids are each vendor's
 * own, so two sources may hold the same one (an npm key and a GitLab id can be equal
 * strings); selection, rows and details go by this, never by the id alone.
 */
export const tokenKey = (token: Pick<DeskToken, 'id' | 'issuer'>): string =>
  `${token.issuer.connectionId}:${token.id}`;

export type SortKey = 'attention' | 'created' | 'name' | 'lastUsed' | 'expires';

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
const comparators: Record<Exclude<SortKey, 'attention'>, (a: DeskToken, b: DeskToken) => number> = {
  created: (a, b) => b.createdAt.localeCompare(a.createdAt),
  name: (a, b) => collator.compare(a.name, b.name),
  lastUsed: (a, b) => (b.lastUsedAt ?? '').localeCompare(a.lastUsedAt ?? ''),
  expires: (a, b) => (a.expiresAt ?? '\uffff').localeCompare(b.expiresAt ?? '\uffff'),
};

/**
 * The tokens a search (and a health filter, and a source: a connection's id) shows,
 * in the chosen order.
 */
export function visibleTokens(
  tokens: DeskToken[],
  query: string,
  sort: SortKey,
  now: number = Date.now(),
  health: HealthFilter | null = null,
  source: string | null = null,
): DeskToken[] {
  const needle = query.trim().toLowerCase();
  const matching =
    needle || health || source
      ? tokens.filter(
          (t) =>
            (!needle ||
              t.name.toLowerCase().includes(needle) ||
              t.prefix.toLowerCase().includes(needle)) &&
            (!health || healthOf(t, now).includes(health)) &&
            (!source || t.issuer.connectionId === source),
        )
      : tokens;
  if (sort !== 'attention') return [...matching].sort(comparators[sort]);
  // Ranked once per token, not once per comparison: 5,000 tokens sort in a few ms.
  const ranked = matching.map((token) => ({ token, rank: attentionRank(token, now) }));
  ranked.sort(
    (a, b) =>
      a.rank - b.rank ||
      (a.rank <= URGENT_RANK ? comparators.expires(a.token, b.token) : 0) ||
      comparators.created(a.token, b.token),
  );
  return ranked.map((entry) => entry.token);
}

/** "4 tokens", or "1 of 4 tokens" while a search hides some. */
export function tokenCount(shown: number, total: number, searching: boolean): string {
  const all = total === 1 ? '1 token' : `${total.toLocaleString()} tokens`;
  return searching ? `${shown.toLocaleString()} of ${all}` : all;
}

/**
 * A checkbox toggled: alone it flips one token and becomes the anchor; with Shift the
 * range from the anchor takes the anchor's state, as in file managers. Selections and
 * the anchor are token keys (`tokenKey`).
 */
export function toggleSelection(
  before: ReadonlySet<string>,
  visible: readonly DeskToken[],
  token: DeskToken,
  index: number,
  anchor: string | null,
  range: boolean,
): ReadonlySet<string> {
  const from = range && anchor ? visible.findIndex((t) => tokenKey(t) === anchor) : -1;
  const next = new Set(before);
  if (from === -1) {
    const key = tokenKey(token);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    return next;
  }
  const on = before.has(anchor as string);
  const [a, b] = from < index ? [from, index] : [index, from];
  for (const t of visible.slice(a, b + 1)) {
    if (on) next.add(tokenKey(t));
    else next.delete(tokenKey(t));
  }
  return next;
}

/** Bulk revoke's summary line. */
export function bulkRevokeSummary(revoked: number, notFound: number): string {
  return `Revoked ${revoked} ${revoked === 1 ? 'token' : 'tokens'}${notFound ? `; ${notFound} not found` : ''}.`;
}
