/**
 * events:export streams. Each page from the service goes to a temporary file
 * next to the chosen one (created owner-only and exclusively) before the next page is
 * asked for, and only a complete export is renamed over the chosen path; a failure
 * half-way (the service gone, the disk refusing) leaves the chosen path as it was and
 * says so.
 *
 * Real parts: the token service over HTTP on 127.0.0.1 (its events written straight
 * into its storage through its own EventStore, as the service records them), a small
 * forwarding proxy in front of it that can hold or break one events page, real files.
 * The disk error is real too: the export runs in a child process whose file size limit
 * (prlimit RLIMIT_FSIZE) makes the kernel refuse a write half-way with EFBIG.
 */
import Conf from 'conf';
import { execFile } from 'node:child_process';
import {
  chmodSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeDesk } from '../../src/main/compose.js';
import { CSV_COLUMNS, csvField } from '../../src/main/services/event-export.js';
import { realTimers } from '../../src/main/ports.js';
import { EventStore } from '../../src/server/features/events/store.js';
import { openStorage } from '../../src/server/storage/open-storage.js';
import type { AccountEvent } from '../../src/shared/events.js';
import {
  removeDir,
  startService,
  storageFor,
  type RunningService,
} from '../support/server/service-harness.js';
import { MemoryClipboard } from '../../src/harness/stand-ins.js';
import { RecordingSaveDialog } from '../../src/harness/stand-ins.js';
import { memoryKeychain } from '../support/main/test-keychain.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const PASSWORD = 'export stream password';
const HOSTILE_NAME = '=HYPERLINK("http://evil.example","click")';

let service: RunningService;
const dirs: string[] = [];
const tempDir = (label: string) => {
  const dir = mkdtempSync(join(tmpdir(), `token-desk-${label}-`));
  dirs.push(dir);
  return dir;
};

beforeAll(async () => {
  service = await startService({ signUpLimit: { maxFailures: 1000, windowMs: 60_000 } });
});
afterAll(async () => {
  await service.stop();
  removeDir(service.dataDir);
  for (const dir of dirs) removeDir(dir);
});

/**
 * Forwards everything to the real service; events requests go through `onEvents`, which
 * may hold one (await something) or answer it itself. Counts events requests.
 */
async function startProxy(
  onEvents: (n: number, request: IncomingMessage, response: ServerResponse) => Promise<boolean>,
) {
  let eventsRequests = 0;
  const forward = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const headers: Record<string, string> = {};
    for (const name of ['authorization', 'content-type', 'accept', 'user-agent']) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const answer = await fetch(service.baseUrl + request.url, {
      method: request.method ?? 'GET',
      headers,
      ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
    });
    response.writeHead(answer.status, {
      'content-type': answer.headers.get('content-type') ?? 'application/json',
    });
    response.end(Buffer.from(await answer.arrayBuffer()));
  };
  const server = createServer((request, response) => {
    void (async () => {
      if (request.url?.startsWith('/v1/users/me/events')) {
        eventsRequests += 1;
        if (await onEvents(eventsRequests, request, response)) return;
      }
      await forward(request, response);
    })().catch(() => response.destroy());
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the proxy did not bind');
  return {
    url: `http://127.0.0.1:${address.port}`,
    resetCount: () => void (eventsRequests = 0),
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

let counter = 0;
const uniqueEmail = (label: string) => `${label}-${Date.now()}-${++counter}@example.test`;

/** An account with `count` events recorded by the service's own store (plus its sign-in). */
async function accountWithEvents(count: number) {
  const email = uniqueEmail('stream');
  expect(
    (await service.request('POST', '/v1/users', { body: { email, password: PASSWORD } })).status,
  ).toBe(201);
  const signedIn = await service.request<{ user: { id: string } }>('POST', '/v1/sessions', {
    body: { email, password: PASSWORD },
  });
  const db = await openStorage(storageFor(service.dataDir));
  try {
    const store = new EventStore(db);
    const now = service.clock.now();
    await db.transaction(async (tx) => {
      for (let i = 0; i < count; i += 1) {
        await store.record(
          {
            userId: signedIn.body.user.id,
            kind: 'token.refused',
            at: now - (i + 1) * 1000,
            tokenId: null,
            tokenName: i % 2 === 0 ? HOSTILE_NAME : `pipeline-${i}, "quoted"`,
            actor: { kind: 'service', id: null },
            origin: { ip: '203.0.113.7', userAgent: `-agent ${i}` },
            details: { reason: 'revoked' },
          },
          tx,
        );
      }
    });
  } finally {
    await db.close();
  }
  return email;
}

function deskFor(dialog: RecordingSaveDialog) {
  return composeDesk({
    keychain: memoryKeychain(),
    store: new Conf({
      cwd: tempDir('settings'),
      configName: 'settings',
      projectName: 'token-desk',
    }),
    clipboard: new MemoryClipboard(),
    timers: realTimers,
    now: () => service.clock.now(),
    saveDialog: dialog,
  }).handlers;
}

async function signedInDesk(serviceUrl: string, email: string, dialog: RecordingSaveDialog) {
  const desk = deskFor(dialog);
  await desk['accounts:add']({ mode: 'sign-in', serviceUrl, email, password: PASSWORD });
  return desk;
}

async function everyEvent(
  desk: ReturnType<typeof deskFor>,
  filter: object = {},
): Promise<AccountEvent[]> {
  const events: AccountEvent[] = [];
  let cursor: string | undefined;
  do {
    const page = await desk['events:list']({
      ...filter,
      limit: 200,
      ...(cursor ? { cursor } : {}),
    });
    events.push(...page.events);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return events;
}

/** The CSV main must write for these events, built here from the column list. */
function expectedCsv(events: readonly AccountEvent[]): string {
  const row = (e: AccountEvent) =>
    [
      e.at,
      e.kind,
      e.tokenName,
      e.tokenId,
      e.actor.kind,
      e.actor.id,
      e.ip,
      e.userAgent,
      e.sessionId,
      Object.keys(e.details).length === 0 ? null : JSON.stringify(e.details),
      e.id,
    ]
      .map(csvField)
      .join(',');
  return [CSV_COLUMNS.join(','), ...events.map(row)].map((line) => `${line}\r\n`).join('');
}

const mode = (path: string) => statSync(path).mode & 0o777;

describe('events:export writes page by page', () => {
  it('has each page in an owner-only temporary file before it asks for the next, and renames it over the chosen file only when complete', async () => {
    const email = await accountWithEvents(450);
    let release = () => {};
    let heldAt: (names: string[]) => void = () => {};
    const held = new Promise<string[]>((done) => (heldAt = done));
    let holdAt = 0;
    const proxy = await startProxy(async (n) => {
      if (n !== holdAt) return false;
      heldAt(readdirSync(dialog.dir));
      await new Promise<void>((done) => (release = done));
      return false;
    });
    const dialog = new RecordingSaveDialog(tempDir('stream'));
    const chosen = join(dialog.dir, 'events.csv');
    writeFileSync(chosen, 'the previous export\n');
    chmodSync(chosen, 0o644);
    dialog.answer = chosen;
    try {
      const desk = await signedInDesk(proxy.url, email, dialog);
      const all = await everyEvent(desk);
      expect(all.length).toBeGreaterThan(400);
      proxy.resetCount();
      holdAt = 3;

      // A permissive umask: the file must be owner-only whatever the process's umask is.
      const umask = process.umask(0);
      let exporting: Promise<unknown>;
      try {
        exporting = desk['events:export']({ format: 'csv', filter: {} });
        // Awaited below; a failed assertion meanwhile must not leave it unhandled.
        exporting.catch(() => undefined);
        const names = await held;
        const temporary = names.filter((name) => name !== 'events.csv');
        expect(temporary).toHaveLength(1);
        const partial = join(dialog.dir, temporary[0]!);
        // Hidden, next to the chosen file, not guessable from its name alone.
        expect(temporary[0]).toMatch(/^\.events\.csv\.[0-9a-f]{16,}\.tmp$/);
        expect(mode(partial)).toBe(0o600);
        // The first two pages (200 each) are on disk; the third is still on the wire.
        expect(readFileSync(partial, 'utf8')).toBe(expectedCsv(all.slice(0, 400)));
        expect(readFileSync(chosen, 'utf8')).toBe('the previous export\n');
      } finally {
        process.umask(umask);
        release();
      }

      expect(await exporting).toEqual({ saved: true, fileName: 'events.csv', count: all.length });
      expect(readdirSync(dialog.dir)).toEqual(['events.csv']);
      expect(mode(chosen)).toBe(0o600);
      expect(readFileSync(chosen, 'utf8')).toBe(expectedCsv(all));
    } finally {
      await proxy.close();
    }
  });

  it('JSON: the same document as before, the events array written a page at a time, the count after it', async () => {
    const email = await accountWithEvents(250);
    const proxy = await startProxy(async () => false);
    const dialog = new RecordingSaveDialog(tempDir('stream-json'));
    try {
      const desk = await signedInDesk(proxy.url, email, dialog);
      const filter = { kinds: ['token.refused' as const] };
      const events = await everyEvent(desk, filter);
      expect(events).toHaveLength(250);

      const result = await desk['events:export']({ format: 'json', filter });

      expect(result).toEqual({ saved: true, fileName: 'export-1.json', count: 250 });
      const text = readFileSync(join(dialog.dir, 'export-1.json'), 'utf8');
      const context = {
        account: { serviceUrl: proxy.url, email },
        filter,
        exportedAt: new Date(service.clock.now()).toISOString(),
      };
      expect(text).toBe(`${JSON.stringify({ ...context, events, count: 250 }, null, 2)}\n`);

      // Nothing matches: still a complete document with an empty array.
      const none = { since: new Date(service.clock.now() + 60_000).toISOString() };
      expect(await desk['events:export']({ format: 'json', filter: none })).toEqual({
        saved: true,
        fileName: 'export-2.json',
        count: 0,
      });
      expect(readFileSync(join(dialog.dir, 'export-2.json'), 'utf8')).toBe(
        `${JSON.stringify({ ...context, filter: none, events: [], count: 0 }, null, 2)}\n`,
      );
      expect(await desk['events:export']({ format: 'csv', filter: none })).toEqual({
        saved: true,
        fileName: 'export-3.csv',
        count: 0,
      });
      expect(readFileSync(join(dialog.dir, 'export-3.csv'), 'utf8')).toBe(expectedCsv([]));
    } finally {
      await proxy.close();
    }
  });
});

describe('an export that fails half-way', () => {
  it('when the service goes away: the chosen file is as it was, no partial file is left, and it says so', async () => {
    const email = await accountWithEvents(450);
    let breakAt = 0;
    const proxy = await startProxy(async (n, _request, response) => {
      if (n !== breakAt) return false;
      response.socket?.destroy();
      return true;
    });
    const dialog = new RecordingSaveDialog(tempDir('stream-down'));
    try {
      const desk = await signedInDesk(proxy.url, email, dialog);
      const chosen = join(dialog.dir, 'events.json');
      writeFileSync(chosen, 'keep me\n');
      dialog.answer = chosen;
      breakAt = 3;
      proxy.resetCount();

      const failed = desk['events:export']({ format: 'json', filter: {} });

      await expect(failed).rejects.toMatchObject({
        code: 'unreachable',
        message: expect.stringMatching(
          /Can't reach the token service.*Nothing was saved: events\.json is as it was\./s,
        ),
      });
      expect(readdirSync(dialog.dir)).toEqual(['events.json']);
      expect(readFileSync(chosen, 'utf8')).toBe('keep me\n');

      // No file there before: none after.
      dialog.answer = join(dialog.dir, 'new.csv');
      proxy.resetCount();
      breakAt = 2;
      await expect(desk['events:export']({ format: 'csv', filter: {} })).rejects.toMatchObject({
        code: 'unreachable',
        message: expect.stringContaining('Nothing was saved to new.csv.'),
      });
      expect(readdirSync(dialog.dir)).toEqual(['events.json']);
    } finally {
      await proxy.close();
    }
  });

  it('when the disk refuses a write (EFBIG under a file size limit): the chosen file is as it was, and it says so', async () => {
    const email = await accountWithEvents(450);
    const dir = tempDir('stream-disk');
    const chosen = join(dir, 'events.csv');
    writeFileSync(chosen, 'the previous export\n');
    const child = join(dir, 'export-child.ts');
    const src = (path: string) => JSON.stringify(resolve(HERE, path));
    // The child builds main as the app does and exports once; it prints the bridge result.
    writeFileSync(
      child,
      `import { composeDesk } from ${src('../../src/main/compose.ts')};
import { invokeChannel } from ${src('../../src/main/ipc/invoke-channel.ts')};
import { MemoryClipboard } from ${src('../../src/harness/stand-ins.ts')};
const settings = new Map<string, unknown>();
const desk = composeDesk({
  keychain: null,
  store: {
    get: (key: string) => settings.get(key),
    set: (key: string, value: unknown) => void settings.set(key, value),
    delete: (key: string) => void settings.delete(key),
  },
  clipboard: new MemoryClipboard(),
  saveDialog: { askSavePath: async () => ${JSON.stringify(chosen)} },
}).handlers;
void (async () => {
  await desk['accounts:add']({ mode: 'sign-in', serviceUrl: ${JSON.stringify(service.baseUrl)}, email: ${JSON.stringify(email)}, password: ${JSON.stringify(PASSWORD)} });
  const result = await invokeChannel(desk, 'events:export', { format: 'csv', filter: {} }, { error: () => {} });
  process.stdout.write(JSON.stringify(result));
})();
`,
    );
    const jiti = join(
      dirname(createRequire(import.meta.url).resolve('jiti/package.json')),
      'lib/jiti-cli.mjs',
    );
    // 32 KiB: a few dozen rows; the export is about ten times that.
    const { stdout } = await promisify(execFile)(
      'prlimit',
      ['--fsize=32768', process.execPath, jiti, child],
      { env: { ...process.env, JITI_FS_CACHE: 'false' }, timeout: 60_000 },
    );

    const result = JSON.parse(stdout) as { ok: boolean; error?: { code: string; message: string } };
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'export_failed',
        message: expect.stringMatching(
          /could not write events\.csv \(EFBIG\).*Nothing was saved: events\.csv is as it was\./s,
        ),
      },
    });
    expect(readdirSync(dir).sort()).toEqual(['events.csv', 'export-child.ts']);
    expect(readFileSync(chosen, 'utf8')).toBe('the previous export\n');
  }, 90_000);
});
