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
}

export type NewTrackedGitHubToken = Omit<TrackedGitHubToken, 'id' | 'createdAt'>;
export type TrackedGitHubTokenChange = Partial<
  Pick<TrackedGitHubToken, 'name' | 'kind' | 'login' | 'scopes' | 'expiresAt' | 'expiryCheckedAt'>
>;

export interface TrackedTokenStore {
  list(): Promise<TrackedGitHubToken[]>;
  add(token: NewTrackedGitHubToken): Promise<TrackedGitHubToken>;
  /** The changed record; an error coded `token_not_found` when it is gone. */
  update(id: string, change: TrackedGitHubTokenChange): Promise<TrackedGitHubToken>;
  /** Whether a record was removed (false: it was gone already). */
  remove(id: string): Promise<boolean>;
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

  async update(id: string, change: TrackedGitHubTokenChange): Promise<TrackedGitHubToken> {
    const record = this.records.get(id);
    if (!record)
      throw Object.assign(new Error('No such tracked token.'), { code: 'token_not_found' });
    const next = { ...record, ...structuredClone(change) };
    this.records.set(id, next);
    return structuredClone(next);
  }

  async remove(id: string): Promise<boolean> {
    return this.records.delete(id);
  }
}
