/**
 * Main's bulk revoke, the events channel (filters, cursor pages) and export
 * through the save-dialog port, against the real token service over HTTP, the real
 * keychain (inside scripts/with-keyring.sh) and settings on `conf`. The save dialog
 * is a recording fake (Electron's cannot run here); the file is really written.
 */
import Conf from 'conf';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeDesk } from '../../src/main/compose.js';
import { invokeChannel } from '../../src/main/ipc/invoke-channel.js';
import { CSV_COLUMNS, csvField } from '../../src/main/services/event-export.js';
import type { AccountEvent } from '../../src/shared/events.js';
import { removeDir, startService, type RunningService } from '../support/server/service-harness.js';
import { MemoryClipboard } from '../../src/harness/stand-ins.js';
import { connectionOf } from '../support/main/fakes.js';
import { testKeychain } from '../support/main/test-keychain.js';
import { RecordingSaveDialog } from '../../src/harness/stand-ins.js';
import { generateSecret } from '../../src/server/auth/secrets.js';
import { realTimers, type SaveDialogPort, type Keychain } from '../../src/main/ports.js';

const keychain: Keychain = testKeychain();
const PASSWORD = 'activity password 1';

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

let counter = 0;
const uniqueEmail = (label: string) => `${label}-${Date.now()}-${++counter}@example.test`;

async function signedIn(saveDialog?: SaveDialogPort) {
  const composed = composeDesk({
    keychain,
    store: new Conf({
      cwd: tempDir('activity'),
      configName: 'settings',
      projectName: 'token-desk',
    }),
    clipboard: new MemoryClipboard(),
    timers: realTimers,
    now: () => service.clock.now(),
    ...(saveDialog ? { saveDialog } : {}),
  });
  const desk = composed.handlers;
  const email = uniqueEmail('activity');
  await desk['accounts:add']({
    mode: 'sign-up',
    serviceUrl: service.baseUrl,
    email,
    password: PASSWORD,
  });
  return { desk, email };
}

const HOSTILE_NAMES = [
  '=HYPERLINK("http://evil.example","click")',
  "+cmd|' /C calc'!A0",
  '-2+3+cmd|x',
  '@SUM(1+1)*cmd|x',
  'plain, with "quotes"',
];
const HOSTILE_AGENT = "=cmd|' /C calc'!A0";

/** Minimal RFC 4180 reader for the assertions: quoted fields, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else field += c;
  }
  expect(field).toBe('');
  expect(row).toEqual([]);
  return rows;
}

describe('bulk revoke through tokens:revoke-many', () => {
  it('revokes what is yours and live in one step, naming each outcome', async () => {
    const { desk } = await signedIn();
    const a = await desk['tokens:create']({
      connectionId: await connectionOf(desk),
      name: 'bulk-a',
      expiresAt: null,
    });
    const b = await desk['tokens:create']({
      connectionId: await connectionOf(desk),
      name: 'bulk-b',
      expiresAt: null,
    });
    const keep = await desk['tokens:create']({
      connectionId: await connectionOf(desk),
      name: 'bulk-keep',
      expiresAt: null,
    });
    const other = await signedIn();
    const theirs = await other.desk['tokens:create']({
      connectionId: await connectionOf(other.desk),
      name: 'theirs',
      expiresAt: null,
    });
    const missing = '00000000-0000-4000-8000-000000000000';

    const report = await desk['tokens:revoke-many']({
      connectionId: await connectionOf(desk),
      ids: [a.token.id, b.token.id, theirs.token.id, missing],
    });

    expect(report.revoked).toEqual([
      { id: a.token.id, name: 'bulk-a' },
      { id: b.token.id, name: 'bulk-b' },
    ]);
    expect(report.notFound).toEqual([
      { id: theirs.token.id, name: null },
      { id: missing, name: null },
    ]);
    for (const secret of [a.secret, b.secret])
      expect((await service.request('GET', '/v1/users/me', { token: secret })).status).toBe(401);
    for (const secret of [keep.secret, theirs.secret])
      expect((await service.request('GET', '/v1/users/me', { token: secret })).status).toBe(200);
    expect(
      (await desk['tokens:list']({ connectionId: await connectionOf(desk) })).map((t) => t.name),
    ).toEqual(['bulk-keep']);

    // Again: already revoked is "not found", with the name it had in the list (none now).
    const again = await desk['tokens:revoke-many']({
      connectionId: await connectionOf(desk),
      ids: [a.token.id, keep.token.id],
    });
    expect(again).toEqual({
      revoked: [{ id: keep.token.id, name: 'bulk-keep' }],
      notFound: [{ id: a.token.id, name: null }],
    });
  });
});

describe('events through events:list', () => {
  it('pages with the cursor, newest first, and filters by token and kind', async () => {
    const { desk } = await signedIn();
    const created = [];
    for (let i = 0; i < 7; i += 1) {
      service.clock.advance(1000);
      created.push(
        await desk['tokens:create']({
          connectionId: await connectionOf(desk),
          name: `evt-${i}`,
          expiresAt: null,
        }),
      );
    }
    await desk['tokens:revoke']({
      connectionId: await connectionOf(desk),
      id: created[0]!.token.id,
    });

    const all = await desk['events:list']({ limit: 200 });
    expect(all.nextCursor).toBeNull();
    const paged: AccountEvent[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await desk['events:list']({ limit: 3, ...(cursor ? { cursor } : {}) });
      expect(page.events.length).toBeLessThanOrEqual(3);
      paged.push(...page.events);
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(Math.ceil(all.events.length / 3));
    expect(paged.map((e) => e.id)).toEqual(all.events.map((e) => e.id));
    const times = paged.map((e) => Date.parse(e.at));
    expect([...times].sort((x, y) => y - x)).toEqual(times);
    expect(all.events.filter((e) => e.kind === 'token.created')).toHaveLength(7);

    const first = await desk['events:list']({ tokenId: created[0]!.token.id });
    expect(first.events.map((e) => e.kind)).toEqual(['token.revoked', 'token.created']);
    const revoked = await desk['events:list']({ kinds: ['token.revoked'] });
    expect(revoked.events.map((e) => e.tokenName)).toEqual(['evt-0']);
    const both = await desk['events:list']({ kinds: ['token.revoked', 'session.signed_in'] });
    expect(new Set(both.events.map((e) => e.kind))).toEqual(
      new Set(['token.revoked', 'session.signed_in']),
    );
    const none = await desk['events:list']({
      since: new Date(service.clock.now() + 60_000).toISOString(),
    });
    expect(none.events).toEqual([]);
    // Never a secret in the trail.
    const text = JSON.stringify(all);
    for (const issued of created) expect(text).not.toContain(issued.secret);
    expect(text).not.toMatch(/ses_[0-9A-Za-z]{20}/);
  });

  it('is per account: the active one', async () => {
    const { desk, email } = await signedIn();
    await desk['tokens:create']({
      connectionId: await connectionOf(desk),
      name: 'mine-only',
      expiresAt: null,
    });
    const other = uniqueEmail('other');
    await desk['accounts:add']({
      mode: 'sign-up',
      serviceUrl: service.baseUrl,
      email: other,
      password: PASSWORD,
    });
    const names = (await desk['events:list']({})).events.map((e) => e.tokenName);
    expect(names).not.toContain('mine-only');
    await desk['accounts:switch']({ serviceUrl: service.baseUrl, email });
    expect((await desk['events:list']({})).events.map((e) => e.tokenName)).toContain('mine-only');
  });

  it('refuses dates that are not dates, or from after to, before asking the service', async () => {
    const { desk } = await signedIn();
    await expect(desk['events:list']({ since: '2026-13-45' })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    await expect(
      desk['events:list']({ since: '2026-06-02', until: '2026-06-01' }),
    ).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('after') });
  });
});

describe('export through events:export and the save dialog', () => {
  it('CSV: a header, RFC 4180 quoting, every matching page, and no formula gets through', async () => {
    const dialog = new RecordingSaveDialog(tempDir('export'));
    const { desk, email } = await signedIn(dialog);
    const issued = [];
    for (const name of HOSTILE_NAMES)
      issued.push(
        await desk['tokens:create']({
          connectionId: await connectionOf(desk),
          name,
          expiresAt: null,
        }),
      );
    // Used by a client whose User-Agent is a formula: recorded as token.first_used.
    await service.request('GET', '/v1/users/me', {
      token: issued[0]!.secret,
      headers: { 'user-agent': HOSTILE_AGENT },
    });
    // More than one export page (200 events): 100 created and 100 revoked.
    const bulk = [];
    for (let i = 0; i < 100; i += 1) {
      service.clock.advance(10);
      bulk.push(
        await desk['tokens:create']({
          connectionId: await connectionOf(desk),
          name: `bulk-${i}`,
          expiresAt: null,
        }),
      );
    }
    await desk['tokens:revoke-many']({
      connectionId: await connectionOf(desk),
      ids: bulk.map((r) => r.token.id),
    });
    const expected = await allEvents(desk, {});
    expect(expected.length).toBeGreaterThan(200);

    const result = await desk['events:export']({ format: 'csv', filter: {} });

    expect(dialog.requests).toEqual([
      {
        title: 'Export events as CSV',
        defaultFileName: `token-desk-events-${new Date(service.clock.now()).toISOString().slice(0, 10)}.csv`,
        format: 'csv',
      },
    ]);
    expect(result).toEqual({ saved: true, fileName: 'export-1.csv', count: expected.length });
    const text = readFileSync(join(dialog.dir, 'export-1.csv'), 'utf8');
    expect(text.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(expected.length + 1);
    const column = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    expect(rows.slice(1).map((row) => row[column('id')])).toEqual(expected.map((e) => e.id));
    // No cell starts a formula.
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    const createdNames = rows
      .filter((row) => row[column('kind')] === 'token.created')
      .map((row) => row[column('tokenName')]);
    for (const name of HOSTILE_NAMES) {
      const neutral = /^[=+\-@]/.test(name) ? `'${name}` : name;
      expect(createdNames).toContain(neutral);
    }
    expect(text).toContain('"\'=HYPERLINK(""http://evil.example"",""click"")"');
    const agents = rows.map((row) => row[column('userAgent')]);
    expect(agents).toContain(`'${HOSTILE_AGENT}`);
    expect(text).not.toContain(issued[0]!.secret);
    expect(email).toBeTruthy();
  });

  it('JSON: every matching event, the filter and the account; cancel writes nothing', async () => {
    const dialog = new RecordingSaveDialog(tempDir('export-json'));
    const { desk, email } = await signedIn(dialog);
    const a = await desk['tokens:create']({
      connectionId: await connectionOf(desk),
      name: 'json-a',
      expiresAt: null,
    });
    await desk['tokens:create']({
      connectionId: await connectionOf(desk),
      name: 'json-b',
      expiresAt: null,
    });
    await desk['tokens:revoke']({ connectionId: await connectionOf(desk), id: a.token.id });
    const filter = { tokenId: a.token.id };

    const result = await desk['events:export']({ format: 'json', filter });

    expect(result).toMatchObject({ saved: true, fileName: 'export-1.json', count: 2 });
    const saved = JSON.parse(readFileSync(join(dialog.dir, 'export-1.json'), 'utf8'));
    expect(saved).toEqual({
      account: { serviceUrl: service.baseUrl, email },
      filter,
      exportedAt: new Date(service.clock.now()).toISOString(),
      count: 2,
      events: (await desk['events:list'](filter)).events,
    });
    expect(saved.events.map((e: AccountEvent) => e.kind)).toEqual([
      'token.revoked',
      'token.created',
    ]);
    expect(JSON.stringify(saved)).not.toContain(a.secret);

    dialog.answer = null;
    expect(await desk['events:export']({ format: 'csv', filter: {} })).toEqual({
      saved: false,
      fileName: null,
      count: 0,
    });
    expect(readdirSync(dialog.dir)).toEqual(['export-1.json']);
  });

  it('says so in words when there is no save dialog or the file cannot be written', async () => {
    const { desk } = await signedIn();
    await expect(desk['events:export']({ format: 'csv', filter: {} })).rejects.toMatchObject({
      code: 'export_unavailable',
    });
    const dialog = new RecordingSaveDialog(tempDir('export-bad'));
    dialog.answer = join(dialog.dir, 'no-such-folder', 'events.csv');
    const second = await signedIn(dialog);
    await expect(second.desk['events:export']({ format: 'csv', filter: {} })).rejects.toMatchObject(
      {
        code: 'export_failed',
        message: expect.stringContaining('events.csv'),
      },
    );
    expect(existsSync(dialog.answer)).toBe(false);
  });
});

describe('csvField', () => {
  it('neutralises every formula start, including tab and carriage return, and quotes per RFC 4180', () => {
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-1')).toBe("'-1");
    expect(csvField('@x')).toBe("'@x");
    expect(csvField('\t=1')).toBe("'\t=1");
    expect(csvField('\r=1')).toBe('"\'\r=1"');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('a=b')).toBe('a=b');
    expect(csvField(null)).toBe('');
  });
});

describe('hostile payloads on the new channels', () => {
  it('are refused before any handler runs', async () => {
    const dialog = new RecordingSaveDialog(tempDir('export-hostile'));
    const { desk } = await signedIn(dialog);
    const log = { error: () => {} };
    const id = '00000000-0000-4000-8000-000000000000';
    const hostile: Array<[string, unknown]> = [
      ['tokens:revoke-many', null],
      ['tokens:revoke-many', { ids: [id] }],
      ['tokens:revoke-many', { connectionId: id, ids: [] }],
      ['tokens:revoke-many', { connectionId: id, ids: [id, id] }],
      [
        'tokens:revoke-many',
        { connectionId: id, ids: Array.from({ length: 101 }, (_, i) => `id-${i}`) },
      ],
      ['tokens:revoke-many', { connectionId: id, ids: [generateSecret('api_token')] }],
      ['tokens:revoke-many', { connectionId: id, ids: ['../../sessions/x'] }],
      ['tokens:revoke-many', { connectionId: id, ids: [id], all: true }],
      ['events:list', null],
      ['events:list', { kinds: ['token.stolen'] }],
      ['events:list', { kinds: [] }],
      ['events:list', { kinds: 'token.created' }],
      ['events:list', { tokenId: 'ses_abc' }],
      ['events:list', { since: 'yesterday' }],
      ['events:list', { until: '2026-06-01T00:00:00Z&kind=x' }],
      ['events:list', { cursor: 'abc&limit=100000' }],
      ['events:list', { cursor: 'x'.repeat(201) }],
      ['events:list', { limit: 0 }],
      ['events:list', { limit: 201 }],
      ['events:list', { limit: 1.5 }],
      ['events:list', { accountEmail: 'someone@else' }],
      ['events:export', { format: 'csv' }],
      ['events:export', { format: 'xlsx', filter: {} }],
      ['events:export', { format: 'csv', filter: {}, path: '/tmp/evil.csv' }],
      ['events:export', { format: 'csv', filter: { path: '/etc/passwd' } }],
      ['events:export', { format: 'json', filter: { cursor: 'abc' } }],
    ];
    for (const [channel, payload] of hostile) {
      const result = await invokeChannel(desk, channel, payload, log);
      expect(result, `${channel} ${JSON.stringify(payload)?.slice(0, 80)}`).toMatchObject({
        ok: false,
        error: { code: 'invalid_payload' },
      });
    }
    expect(dialog.requests).toEqual([]);
  });
});

async function allEvents(
  desk: ReturnType<typeof composeDesk>['handlers'],
  filter: object,
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
