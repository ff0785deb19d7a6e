// Types for tests/support/server/db-relay.mjs, which the tests and scripts/chaos-postgres.mjs import.
export interface DbRelay {
  /** Where the service should connect (127.0.0.1). */
  port: number;
  /** The same database URL, through the relay. */
  urlFor(url: string): string;
  /** Holds every byte (both ways) and every new connection from now on. */
  freeze(): void;
  /** Passes on what was held, then everything again. */
  thaw(): void;
  frozen(): boolean;
  /**
   * The next chunk the service sends that contains `match` reaches the database
   * (`deliver`) or not, and then that connection breaks for both sides: a connection lost
   * with a statement sent and its answer missing. Resolves when it has happened.
   */
  cutWhen(match: string, options: { deliver: boolean }): Promise<void>;
  /** Connections open through it now. */
  connections(): number;
  /** Closes the relay and every connection through it. */
  close(): Promise<void>;
}

export declare function startRelay(target: { port: number; host?: string }): Promise<DbRelay>;
