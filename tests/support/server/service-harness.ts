/**
 * Starts the real token service on an ephemeral 127.0.0.1 port, on a real SQLite file
 * in a fresh temporary directory, or (in the `postgres` Vitest project) in a fresh
 * schema of a real throwaway PostgreSQL cluster, and gives tests a small HTTP client
 * for it. The same test files run against both: the backend is a switch, not a copy.
 */
import Database from 'better-sqlite3';
import { afterEach, inject } from 'vitest';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/server/app.js';
import type { AppOptions } from '../../../src/server/options.js';
import type { Clock } from '../../../src/server/clock.js';
import { MIGRATIONS } from '../../../src/server/storage/database.js';
import { openStorage, type StorageOptions } from '../../../src/server/storage/open-storage.js';
import { sql, type Param } from '../../../src/server/storage/sql.js';

export type Backend = 'sqlite' | 'postgres';

/** Which storage this run of the suite tests (the Vitest project sets it). */
export const BACKEND: Backend =
  process.env.TOKEN_DESK_TEST_BACKEND === 'postgres' ? 'postgres' : 'sqlite';

/**
 * Where a data directory's data lives: the SQLite file in it, or (PostgreSQL) a schema
 * named after it, so a test that restarts a service on the same directory finds its data.
 */
export function storageFor(dataDir: string): StorageOptions {
  if (BACKEND === 'sqlite') return { kind: 'sqlite', file: join(dataDir, 'token-service.sqlite') };
  return {
    kind: 'postgres',
    url: postgresUrl(),
    schema: schemaFor(dataDir),
    poolSize: 4,
    timeouts: SUITE_TIMEOUTS,
  };
}

/**
 * Bounds far above the production ones (postgres-database.ts) for the suite, whose two
 * projects share two cores with a cluster: a seed of 10,000 rows, or a flood queued behind
 * four connections, must not meet a bound meant for a stalled database. The outage tests
 * set short ones of their own, and the service-process tests run the production ones.
 */
const SUITE_TIMEOUTS = {
  acquireMs: 60_000,
  connectMs: 10_000,
  statementMs: 60_000,
  answerMs: 65_000,
};

function postgresUrl(): string {
  const url = inject('postgresUrl');
  if (!url)
    throw new Error(
      'the postgres project runs with tests/support/postgres-setup.ts as global setup',
    );
  return url;
}

export function schemaFor(dataDir: string): string {
  return `t_${createHash('sha256').update(dataDir).digest('hex').slice(0, 24)}`;
}

let admin: pg.Pool | undefined;
/** Creates the data directory's schema if it is not there yet (PostgreSQL only). */
export async function prepareStorage(dataDir: string): Promise<void> {
  if (BACKEND !== 'postgres') return;
  if (!admin) {
    admin = new pg.Pool({
      connectionString: postgresUrl(),
      max: 1,
      idleTimeoutMillis: 1000,
      allowExitOnIdle: true,
    });
    // The cluster stops at the end of the run, perhaps under an idle connection of this pool.
    admin.on('error', () => undefined);
  }
  await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schemaFor(dataDir)}`);
}

/**
 * Runs one statement on a data directory's database, as the service would (`?`
 * placeholders in both backends), and returns its rows. For tests that look underneath
 * the API: what is stored, how many events there are.
 */
export async function queryStorage<T = Record<string, unknown>>(
  dataDir: string,
  text: string,
  params: readonly Param[] = [],
): Promise<T[]> {
  await prepareStorage(dataDir);
  const db = await openStorage(storageFor(dataDir));
  try {
    return await db.all<T>(sql(text), params);
  } finally {
    await db.close();
  }
}

/**
 * Every row of every table in a data directory's PostgreSQL schema, as PostgreSQL renders
 * a row (`t::text`; bytea as `\x…` hex), one line per row under a `table:` header, in a
 * fixed order: what "nothing in the database files" means in that backend, and a dump to
 * compare before and after to prove nothing was written. PostgreSQL only (SQLite's tests
 * read the file's own bytes, which is stronger there).
 */
export async function postgresTablesText(dataDir: string): Promise<string> {
  if (BACKEND !== 'postgres') throw new Error('postgresTablesText reads a PostgreSQL schema');
  const tables = await queryStorage<{ table_name: string }>(
    dataDir,
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  if (tables.length === 0) throw new Error(`no tables in the schema of ${dataDir}`);
  const parts: string[] = [];
  for (const { table_name: table } of tables) {
    const rows = await queryStorage<{ row: string }>(
      dataDir,
      `SELECT t::text AS row FROM "${table}" t ORDER BY 1`,
    );
    parts.push(`${table}:`, ...rows.map((r) => r.row));
  }
  return parts.join('\n');
}

export class TestClock implements Clock {
  constructor(private current = Date.parse('2026-06-01T12:00:00Z')) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

export interface HttpResult<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RunningService {
  app: FastifyInstance;
  baseUrl: string;
  dataDir: string;
  /** The SQLite file (meaningful in the sqlite project only). */
  databaseFile: string;
  backend: Backend;
  clock: TestClock;
  /** Every log line the service wrote. */
  logs: string[];
  request<T = any>(method: string, path: string, init?: RequestOptions): Promise<HttpResult<T>>;
  /** One statement on this service's database (see queryStorage). */
  query<T = Record<string, unknown>>(text: string, params?: readonly Param[]): Promise<T[]>;
  stop(): Promise<void>;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

/** Cheap scrypt for speed; one test checks the production cost separately. */
export const TEST_SCRYPT_COST = 2 ** 10;

export async function startService(
  options: Partial<AppOptions> & { dataDir?: string; clock?: TestClock; port?: number } = {},
): Promise<RunningService> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'token-service-'));
  const databaseFile = join(dataDir, 'token-service.sqlite');
  const clock = options.clock ?? new TestClock();
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      logs.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const { port: _port, dataDir: _dataDir, ...appOptions } = options;
  await prepareStorage(dataDir);
  const app = await buildApp({
    scryptCost: TEST_SCRYPT_COST,
    logger: { level: 'info', stream },
    storage: storageFor(dataDir),
    ...appOptions,
    clock,
  });
  await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('service did not bind a TCP port');
  const baseUrl = `http://127.0.0.1:${address.port}`;

  return {
    app,
    baseUrl,
    dataDir,
    databaseFile,
    backend: BACKEND,
    clock,
    logs,
    request: (method, path, init = {}) => send(baseUrl, method, path, init),
    query: (text, params) => queryStorage(dataDir, text, params),
    stop: () => app.close(),
  };
}

export async function send<T>(
  baseUrl: string,
  method: string,
  path: string,
  init: RequestOptions = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  let body: string | undefined = init.rawBody;
  if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(baseUrl + path, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: leave the text for the assertion to show.
  }
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

let accounts = 0;
/** Signs up a fresh account and signs in; returns its session token and user. */
export async function signUpAndIn(service: RunningService, password = 'correct horse battery') {
  const email = `dev${++accounts}-${Date.now()}@example.test`;
  const created = await service.request('POST', '/v1/users', {
    body: { email, password, name: 'Dev' },
  });
  if (created.status !== 201) throw new Error(`sign-up failed: ${created.text}`);
  const session = await service.request('POST', '/v1/sessions', { body: { email, password } });
  if (session.status !== 201) throw new Error(`sign-in failed: ${session.text}`);
  return {
    email,
    password,
    session: session.body.token as string,
    sessionId: session.body.id as string,
    user: session.body.user,
  };
}

export async function createToken(
  service: RunningService,
  session: string,
  name = 'ci-github',
  expiresAt?: string | null,
) {
  const response = await service.request('POST', '/v1/users/me/tokens', {
    token: session,
    body: expiresAt === undefined ? { name } : { name, expiresAt },
  });
  if (response.status !== 201) throw new Error(`token creation failed: ${response.text}`);
  return response.body as {
    id: string;
    name: string;
    prefix: string;
    secret: string;
    expiresAt: string | null;
  };
}

export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: any;
}

function responsesIn(buffer: Buffer): { parsed: RawResponse[]; rest: Buffer } {
  const parsed: RawResponse[] = [];
  let rest = buffer;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    const [statusLine = '', ...lines] = rest.subarray(0, end).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    if (rest.length < end + 4 + length) break;
    const text = rest.subarray(end + 4, end + 4 + length).toString('utf8');
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON: keep the text.
    }
    parsed.push({ status: Number(statusLine.split(' ')[1]), headers, body });
    rest = rest.subarray(end + 4 + length);
  }
  return { parsed, rest };
}

/**
 * Writes every request on ONE connection in ONE write (HTTP/1.1 pipelining), so they
 * reach the service together and in this order: a burst with a known order, which
 * concurrent fetches cannot promise. Resolves with the responses, in order.
 */
export function pipeline(baseUrl: string, requests: RawRequest[]): Promise<RawResponse[]> {
  const { hostname, port } = new URL(baseUrl);
  let wire = '';
  for (const request of requests) {
    const body = request.body === undefined ? '' : JSON.stringify(request.body);
    const headers: Record<string, string> = {
      host: `${hostname}:${port}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
      'content-length': String(Buffer.byteLength(body)),
      ...request.headers,
    };
    wire += `${request.method} ${request.path} HTTP/1.1\r\n`;
    for (const [name, value] of Object.entries(headers)) wire += `${name}: ${value}\r\n`;
    wire += `\r\n${body}`;
  }
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received: Buffer = Buffer.alloc(0);
    const responses: RawResponse[] = [];
    socket.on('data', (chunk: Buffer) => {
      const { parsed, rest } = responsesIn(Buffer.concat([received, chunk]));
      responses.push(...parsed);
      received = rest;
      if (responses.length === requests.length) {
        socket.destroy();
        resolve(responses);
      }
    });
    socket.on('error', reject);
    socket.on('close', () =>
      reject(new Error(`connection closed after ${responses.length} of ${requests.length}`)),
    );
    socket.write(wire);
  });
}

/**
 * One request with exactly the Host header given (or none at all with `null`), which
 * fetch does not allow. `rawHost` is written byte for byte.
 */
export function requestWithHost(
  baseUrl: string,
  path: string,
  rawHost: string | null,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  let wire = `GET ${path} HTTP/1.1\r\n`;
  if (rawHost !== null) wire += `Host: ${rawHost}\r\n`;
  for (const [name, value] of Object.entries(headers)) wire += `${name}: ${value}\r\n`;
  wire += 'Connection: close\r\n\r\n';
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
    socket.on('error', reject);
    socket.on('close', () => {
      const [response] = responsesIn(received).parsed;
      if (response) resolve(response);
      else reject(new Error(`no response: ${received.toString('latin1')}`));
    });
    socket.write(wire);
  });
}

/**
 * For files that start a service of their own in each test: returns `start`, and
 * stops the service and removes its data directory after each test.
 */
export function serviceForEachTest(): (
  options?: Parameters<typeof startService>[0],
) => Promise<RunningService> {
  let current: RunningService | undefined;
  afterEach(async () => {
    if (!current) return;
    await current.stop();
    removeDir(current.dataDir);
    current = undefined;
  });
  return async (options) => (current = await startService(options));
}

/**
 * A SQLite data directory as an older release left it: the schema at `version`, with one
 * account (`u1`, `email`) in it, created at `at`. For the upgrade tests (SQLite only).
 */
export function sqliteAtVersion(
  version: number,
  email: string,
  at: string,
): { dataDir: string; db: Database.Database } {
  const dataDir = mkdtempSync(join(tmpdir(), `token-service-v${version}-`));
  const db = new Database(join(dataDir, 'token-service.sqlite'));
  for (const migration of MIGRATIONS.slice(0, version)) db.exec(migration);
  db.pragma(`user_version = ${version}`);
  db.prepare('INSERT INTO users VALUES (?, ?, ?, ?, ?)').run('u1', email, null, 'x', at);
  return { dataDir, db };
}
