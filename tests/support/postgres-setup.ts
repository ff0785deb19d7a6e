/**
 * Global setup of the `postgres` Vitest project: one throwaway PostgreSQL cluster (a
 * temporary directory, a free port on 127.0.0.1, never the system's cluster) for the
 * whole run, removed afterwards. Each service a test starts gets a schema of its own
 * (service-harness.ts), so test files run in parallel without seeing each other's data.
 */
import type { TestProject } from 'vitest/node';
import { startCluster } from '../../scripts/pg-cluster.mjs';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startCluster({ databases: ['token_desk_test'] });
  project.provide('postgresUrl', cluster.url);
  return () => cluster.stop();
}
