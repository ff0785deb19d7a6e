import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The throwaway PostgreSQL cluster's URL (tests/support/postgres-setup.ts), in the postgres project. */
    postgresUrl: string | undefined;
  }
}
