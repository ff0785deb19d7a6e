/**
 * Where the GitHub issuer keeps the tokens a person tracks: one record per token, never
 * its value. Backed by the token service's tracked tokens (vendor `github`, host = the
 * API base) so the records follow the person's Token Desk account; the in-memory one
 * here serves the tests. Records from the service are untrusted: the issuer checks
 * each one before showing it.
 */
import { randomUUID } from 'node:crypto';
import type { GitHubTokenKind } from '../../../shared/issuers/github.js';

export interface TrackedGitHubToken {
  /** The store's id for the record (the token's id on the page). */
  id: string;
  name: string;
  kind: GitHubTokenKind;
  /** Who GitHub said the token belongs to when it was last checked. */
  login: string;
  /** A classic token's scopes as GitHub last listed them; null for fine-grained. */
  scopes: string[] | null;
  createdAt: string;
  /** When GitHub said it expires; null when it does not expire or it was never read. */
  expiresAt: string | null;
  /** When the value was last checked with GitHub; null: never (expiry unknown). */
  expiryCheckedAt: string | null;
  /** The token service's own id for the record, when the store keeps it there. */
  recordId?: string;
}

export type NewTrackedGitHubToken = Omit<TrackedGitHubToken, 'id' | 'createdAt' | 'recordId'>;
export type TrackedGitHubTokenChange = Partial<
  Pick<TrackedGitHubToken, 'name' | 'kind' | 'login' | 'scopes' | 'expiresAt' | 'expiryCheckedAt'>
>;

export interface TrackedTokenStore {
  list(): Promise<TrackedGitHubToken[]>;
  add(token: NewTrackedGitHubToken): Promise<TrackedGitHubToken>;
  /**
   * The changed record (`token` as this call read it: no second look-up); an error coded
   * `token_not_found` when it is gone.
   */
  update(token: TrackedGitHubToken, change: TrackedGitHubTokenChange): Promise<TrackedGitHubToken>;
  /** Whether a record was removed (false: it was gone already). */
  remove(token: TrackedGitHubToken): Promise<boolean>;
}

/** The store for tests, and for a connection whose records stay on this computer. */
export class InMemoryTrackedTokenStore implements TrackedTokenStore {
  private readonly records = new Map<string, TrackedGitHubToken>();

  constructor(private readonly now: () => number = Date.now) {}

  async list(): Promise<TrackedGitHubToken[]> {
    return [...this.records.values()].map((record) => structuredClone(record));
  }

  async add(token: NewTrackedGitHubToken): Promise<TrackedGitHubToken> {
    const record = {
      ...structuredClone(token),
      id: randomUUID(),
      createdAt: new Date(this.now()).toISOString(),
    };
    this.records.set(record.id, record);
    return structuredClone(record);
  }

  async update(
    token: TrackedGitHubToken,
    change: TrackedGitHubTokenChange,
  ): Promise<TrackedGitHubToken> {
    const id = token.id;
    const record = this.records.get(id);
    if (!record)
      throw Object.assign(new Error('No such tracked token.'), { code: 'token_not_found' });
    const next = { ...record, ...structuredClone(change) };
    this.records.set(id, next);
    return structuredClone(next);
  }

  async remove(token: TrackedGitHubToken): Promise<boolean> {
    return this.records.delete(token.id);
  }
}
