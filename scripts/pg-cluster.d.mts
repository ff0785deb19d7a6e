// Types for scripts/pg-cluster.mjs, which tests, vitest's global setup and the benchmark import.
export declare const POSTGRES_FIX: string;

export type ShutdownMode = 'fast' | 'immediate';

export interface PgCluster {
  /** postgres://postgres@127.0.0.1:<port>/<first database> */
  url: string;
  /** Always 127.0.0.1. */
  host: string;
  port: number;
  /** The directory holding the unix socket (the cluster's temporary directory). */
  socketDir: string;
  dataDir: string;
  /** The URL of another database on this cluster. */
  databaseUrl(name: string): string;
  /**
   * Stops the server as a maintenance restart (`fast`: every session ended at once, the
   * default) or a crash (`immediate`: no checkpoint) would, keeping its data, directory
   * and port for `startServer`.
   */
  stopServer(mode?: ShutdownMode): Promise<void>;
  /** Starts a server stopped by `stopServer` again, on the same port. */
  startServer(): Promise<void>;
  /** Stops the server and removes its directory; idempotent. */
  stop(): Promise<void>;
}

export declare function findPostgresBin(options?: { libDir?: string; pgConfig?: string }): string;

export declare function startCluster(options?: {
  /** Created on start; the first is the one `url` names. Default ['token_desk']. */
  databases?: string[];
  /** Extra postgresql.conf settings, applied after the fast throwaway defaults. */
  settings?: Record<string, string>;
}): Promise<PgCluster>;
