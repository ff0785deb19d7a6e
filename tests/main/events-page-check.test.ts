/**
 * Main checks every events page the service answers before anything of it goes
 * on, to the window (events:list) or into an export file. A small HTTP server on
 * 127.0.0.1 stands in front of the real token service: it forwards sign-in and the rest,
 * and answers events requests with pages the test writes (an extra field, wrong types, a
 * huge string, a `__proto__` key, too many events). Each is refused with `bad_response`
 * in words, and none of its text reaches the caller.
 */
import Conf from 'conf';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeDesk } from '../../src/main/compose.js';
import { invokeChannel } from '../../src/main/ipc/invoke-channel.js';
import { EventStore } from '../../src/server/features/events/store.js';
import { openStorage } from '../../src/server/storage/open-storage.js';
import type { AccountEvent, EventPage } from '../../src/shared/events.js';
import {
  removeDir,
  startService,
  storageFor,
  type RunningService,
} from '../support/server/service-harness.js';
import { MemoryClipboard } from '../../src/harness/stand-ins.js';
import { RecordingSaveDialog } from '../../src/harness/stand-ins.js';
import { memoryKeychain } from '../support/main/test-keychain.js';
import { realTimers } from '../../src/main/ports.js';

const PASSWORD = 'events page check password';
/** Put into every hostile page; it must never come back out. */
const MARKER = 'HOSTILE-MARKER-7f3a';
const log = { error: () => {} };

let service: RunningService;
const dirs: string[] = [];
const tempDir = (label: string) => {
  const dir = mkdtempSync(join(tmpdir(), `token-desk-${label}-`));
  dirs.push(dir);
  return dir;
};

/** What the stand-in answers to the next events request: forward it, or this body. */
let answerEvents: (n: number) => string | null = () => null;
let eventsRequests = 0;
let proxyUrl = '';
let proxy: ReturnType<typeof createServer>;

async function forward(request: IncomingMessage, response: ServerResponse) {
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
}

beforeAll(async () => {
  service = await startService({ signUpLimit: { maxFailures: 1000, windowMs: 60_000 } });
  proxy = createServer((request, response) => {
    void (async () => {
      if (request.url?.startsWith('/v1/users/me/events')) {
        eventsRequests += 1;
        const body = answerEvents(eventsRequests);
        if (body !== null) {
          response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
          response.end(body);
          return;
        }
      }
      await forward(request, response);
    })().catch(() => response.destroy());
  });
  await new Promise<void>((done) => proxy.listen(0, '127.0.0.1', done));
  const address = proxy.address();
  if (!address || typeof address === 'string') throw new Error('the stand-in did not bind');
  proxyUrl = `http://127.0.0.1:${address.port}`;
});
afterAll(async () => {
  proxy.closeAllConnections();
  await new Promise<void>((done) => proxy.close(() => done()));
  await service.stop();
  removeDir(service.dataDir);
  for (const dir of dirs) removeDir(dir);
});

let counter = 0;

/** A signed-in desk (through the stand-in) on an account with `count` recorded events. */
async function signedIn(count: number, dialog?: RecordingSaveDialog) {
  const email = `page-check-${Date.now()}-${++counter}@example.test`;
  await service.request('POST', '/v1/users', { body: { email, password: PASSWORD } });
  const session = await service.request<{ token: string; user: { id: string } }>(
    'POST',
    '/v1/sessions',
    { body: { email, password: PASSWORD } },
  );
  const db = await openStorage(storageFor(service.dataDir));
  try {
    const store = new EventStore(db);
    await db.transaction(async (tx) => {
      for (let i = 0; i < count; i += 1) {
        await store.record(
          {
            userId: session.body.user.id,
            kind: 'token.refused',
            at: service.clock.now() - (i + 1) * 1000,
            tokenId: null,
            tokenName: `pipeline-${i}`,
            actor: { kind: 'service', id: null },
            origin: { ip: '203.0.113.9', userAgent: 'capawesome-cli/3.1.0' },
            details: { reason: 'revoked' },
          },
          tx,
        );
      }
    });
  } finally {
    await db.close();
  }
  const desk = composeDesk({
    keychain: memoryKeychain(),
    store: new Conf({
      cwd: tempDir('settings'),
      configName: 'settings',
      projectName: 'token-desk',
    }),
    clipboard: new MemoryClipboard(),
    timers: realTimers,
    now: () => service.clock.now(),
    ...(dialog ? { saveDialog: dialog } : {}),
  }).handlers;
  await desk['accounts:add']({
    mode: 'sign-in',
    serviceUrl: proxyUrl,
    email,
    password: PASSWORD,
  });
  // A genuine page as the service writes it, to make hostile ones from.
  const genuine = await service.request<EventPage>('GET', '/v1/users/me/events?limit=5', {
    token: session.body.token,
  });
  return { desk, genuine: genuine.body };
}

type Page = { events: Array<Record<string, unknown>>; nextCursor: unknown } & Record<
  string,
  unknown
>;
const copy = (page: EventPage): Page => JSON.parse(JSON.stringify(page)) as Page;
const event = (page: Page) => page.events[0]!;

/** Each hostile answer: a name, and the body's text made from a genuine page. */
const HOSTILE: Array<[string, (page: EventPage) => string]> = [
  ['an extra field on an event', (p) => json(p, (c) => void (event(c).note = MARKER))],
  ['an extra field on the page', (p) => json(p, (c) => void (c.debug = { MARKER }))],
  ['an extra field in the actor', (p) => json(p, (c) => void (actor(c).email = MARKER))],
  ['a number for a date', (p) => json(p, (c) => void (event(c).at = 1_780_000_000_000))],
  ['a date that is not one', (p) => json(p, (c) => void (event(c).at = MARKER))],
  ['an unknown kind', (p) => json(p, (c) => void (event(c).kind = MARKER))],
  ['an unknown actor kind', (p) => json(p, (c) => void (actor(c).kind = MARKER))],
  ['a number for a name', (p) => json(p, (c) => void (event(c).tokenName = 42))],
  ['an object for an address', (p) => json(p, (c) => void (event(c).ip = { MARKER }))],
  ['events that are not a list', (p) => json(p, (c) => void (c.events = { MARKER } as never))],
  ['an event that is a string', (p) => json(p, (c) => void (c.events[0] = MARKER as never))],
  ['a missing field', (p) => json(p, (c) => void delete event(c).userAgent)],
  ['a number for the cursor', (p) => json(p, (c) => void (c.nextCursor = 5))],
  ['a cursor with a query in it', (p) => json(p, (c) => void (c.nextCursor = `a&${MARKER}=1`))],
  ['a cursor of 300 characters', (p) => json(p, (c) => void (c.nextCursor = 'c'.repeat(300)))],
  ['details that are a list', (p) => json(p, (c) => void (event(c).details = [MARKER]))],
  ['nested details', (p) => json(p, (c) => void (event(c).details = { reason: { MARKER } }))],
  ['a detail key that is not a name', (p) => json(p, (c) => void (details(c)['a b'] = MARKER))],
  [
    'a huge token name (4 MB)',
    (p) => json(p, (c) => void (event(c).tokenName = MARKER + 'x'.repeat(4_000_000))),
  ],
  [
    'a User-Agent longer than the service ever writes',
    (p) => json(p, (c) => void (event(c).userAgent = MARKER + 'u'.repeat(300))),
  ],
  [
    'a huge detail value',
    (p) => json(p, (c) => void (details(c).reason = MARKER + 'r'.repeat(100_000))),
  ],
  [
    'a __proto__ key on an event',
    (p) => withKey(p, 'event', `"__proto__":{"polluted":"${MARKER}"}`),
  ],
  [
    'a __proto__ key in the details',
    (p) => withKey(p, 'details', `"__proto__":{"polluted":"${MARKER}"}`),
  ],
  ['a __proto__ key on the page', (p) => withKey(p, 'page', `"__proto__":"${MARKER}"`)],
  ['a constructor key on the actor', (p) => withKey(p, 'actor', `"constructor":"${MARKER}"`)],
  [
    'more events than asked for',
    (p) => json(p, (c) => void (c.events = Array.from({ length: 51 }, () => c.events[0]!))),
  ],
  ['null', () => 'null'],
  ['a list', () => `["${MARKER}"]`],
  ['a string', () => `"${MARKER}"`],
];

function actor(page: Page) {
  return event(page).actor as Record<string, unknown>;
}
function details(page: Page) {
  return event(page).details as Record<string, unknown>;
}
function json(page: EventPage, change: (page: Page) => void): string {
  const hostile = copy(page);
  change(hostile);
  return JSON.stringify(hostile);
}
/** Raw text, since an own `__proto__` key cannot be written through an object literal. */
function withKey(page: EventPage, where: 'page' | 'event' | 'actor' | 'details', key: string) {
  const text = JSON.stringify(page);
  const at = { page: '{', event: '"events":[{', actor: '"actor":{', details: '"details":{' }[where];
  const i = text.indexOf(at) + at.length;
  return `${text.slice(0, i)}${key}${text[i] === '}' ? '' : ','}${text.slice(i)}`;
}

describe('events:list checks the page before it reaches the window', () => {
  it('passes a genuine page on unchanged', async () => {
    const { desk, genuine } = await signedIn(3);
    answerEvents = () => null;
    const result = await invokeChannel(desk, 'events:list', { limit: 5 }, log);
    expect(result).toEqual({ ok: true, value: genuine });
  });

  it.each(HOSTILE)('refuses %s, and nothing of it reaches the caller', async (_name, hostile) => {
    const { desk, genuine } = await signedIn(3);
    const body = hostile(genuine);
    // The hostile text parses: it is the shape that is wrong, not the JSON.
    JSON.parse(body);
    answerEvents = () => body;

    const result = await invokeChannel(desk, 'events:list', {}, log);

    expect(result).toEqual({
      ok: false,
      error: {
        code: 'bad_response',
        // Past 2 MB the client stops reading before the page is even parsed.
        message: expect.stringMatching(
          /answered a page of events in a form Token Desk does not understand|answered more than 2 MB/,
        ),
      },
    });
    expect(JSON.stringify(result)).not.toContain(MARKER);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    answerEvents = () => null;
  });

  it('refuses more events than the limit asked for', async () => {
    const { desk, genuine } = await signedIn(3);
    const one = genuine.events[0]!;
    answerEvents = () =>
      JSON.stringify({ events: Array.from({ length: 6 }, () => one), nextCursor: null });
    await expect(desk['events:list']({ limit: 5 })).rejects.toMatchObject({
      code: 'bad_response',
    });
    answerEvents = () =>
      JSON.stringify({ events: Array.from({ length: 5 }, () => one), nextCursor: null });
    expect((await desk['events:list']({ limit: 5 })).events).toHaveLength(5);
    answerEvents = () => null;
  });
});

describe('events:export checks every page it reads', () => {
  it('stops at a bad second page, keeps the chosen file as it was, and leaves nothing else', async () => {
    const dialog = new RecordingSaveDialog(tempDir('page-check-export'));
    const { desk } = await signedIn(250, dialog);
    const chosen = join(dialog.dir, 'events.csv');
    writeFileSync(chosen, 'an earlier export\n');
    dialog.answer = chosen;
    eventsRequests = 0;
    let firstPage: AccountEvent[] = [];
    answerEvents = (n) => {
      if (n !== 2) return null;
      const hostile = firstPage.slice(0, 3).map((e) => ({ ...e, tokenName: MARKER, extra: 1 }));
      return JSON.stringify({ events: hostile, nextCursor: null });
    };
    // The first page really comes from the service: remember it to build the second.
    const listed = await desk['events:list']({ limit: 200 });
    firstPage = listed.events;
    expect(listed.nextCursor).not.toBeNull();
    eventsRequests = 0;

    const result = await invokeChannel(desk, 'events:export', { format: 'csv', filter: {} }, log);

    expect(result).toEqual({
      ok: false,
      error: {
        code: 'bad_response',
        message: expect.stringContaining('Nothing was saved: events.csv is as it was.'),
      },
    });
    expect(eventsRequests).toBe(2);
    expect(JSON.stringify(result)).not.toContain(MARKER);
    expect(readdirSync(dialog.dir)).toEqual(['events.csv']);
    expect(readFileSync(chosen, 'utf8')).toBe('an earlier export\n');
    answerEvents = () => null;
  });

  it('refuses a page of more than 200 events', async () => {
    const dialog = new RecordingSaveDialog(tempDir('page-check-export-size'));
    const { desk, genuine } = await signedIn(3, dialog);
    const one = genuine.events[0]!;
    answerEvents = () =>
      JSON.stringify({ events: Array.from({ length: 201 }, () => one), nextCursor: null });
    await expect(desk['events:export']({ format: 'json', filter: {} })).rejects.toMatchObject({
      code: 'bad_response',
      message: expect.stringContaining('Nothing was saved to export-1.json.'),
    });
    expect(readdirSync(dialog.dir)).toEqual([]);
    answerEvents = () => null;
  });
});
