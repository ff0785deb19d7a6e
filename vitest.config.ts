import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    exclude: ['tests/e2e/**', 'node_modules/**'],
    // At least two files at a time (Vitest's default is one fewer than the cores: one on a
    // 2-core CI machine): most files spend their time waiting on the processes, sockets and
    // timers they start, and each file's services have data folders and PostgreSQL schemas
    // of their own.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Builds the service once (some tests run it as a real process).
    globalSetup: ['tests/support/global-setup.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'sqlite', include: ['tests/**/*.test.ts'] },
      },
      {
        // The service's tests again, on PostgreSQL: the same files, another backend.
        extends: true,
        test: {
          name: 'postgres',
          include: ['tests/server/**/*.test.ts'],
          // These start the service as a process on a SQLite data directory (its lock, its
          // backup, its file): SQLite mode itself, not the storage behind the harness.
          exclude: [
            'tests/server/service-process.test.ts',
            'tests/server/data-dir-lock.test.ts',
            'tests/server/backup.test.ts',
            'tests/server/database-file.test.ts',
            'tests/server/behind-nginx.test.ts',
          ],
          env: { TOKEN_DESK_TEST_BACKEND: 'postgres' },
          globalSetup: ['tests/support/global-setup.ts', 'tests/support/postgres-setup.ts'],
        },
      },
    ],
  },
});
