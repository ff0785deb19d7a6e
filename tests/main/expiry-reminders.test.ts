/**
 * Expiry reminders, decided in main: against the real token service with
 * its injected clock (which main reads too), the real keychain inside
 * scripts/with-keyring.sh, settings on `conf`, a recording notifier (Electron's
 * Notification cannot run here) and timers the test runs by hand.
 */
import Conf from 'conf';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeDesk } from '../../src/main/compose.js';
import { REMINDER_CHECK_INTERVAL_MS } from '../../src/main/services/expiry-reminders.js';
import type { OpenTokenEvent } from '../../src/shared/ipc-channels.js';
import { removeDir, startService, type RunningService } from '../support/server/service-harness.js';
import { MemoryClipboard } from '../../src/harness/stand-ins.js';
import { connectionOf } from '../support/main/fakes.js';
import { testKeychain } from '../support/main/test-keychain.js';
import { RecordingNotifier } from '../../src/harness/stand-ins.js';
import { ManualTimers } from '../support/main/fakes.js';
import { generateSecret } from '../../src/server/auth/secrets.js';
import type { Keychain } from '../../src/main/ports.js';

const keychain: Keychain = testKeychain();
const PASSWORD = 'reminder password 1';
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

let service: RunningService;
const dirs: string[] = [];
beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service.stop();
  removeDir(service.dataDir);
  for (const dir of dirs) removeDir(dir);
});

let counter = 0;
const uniqueEmail = (label: string) => `${label}-${Date.now()}-${++counter}@example.test`;
const inFromNow = (ms: number) => new Date(service.clock.now() + ms).toISOString();

/** One settings directory; each `launch()` is a start of the app on it. */
function profile() {
  const dir = mkdtempSync(join(tmpdir(), 'token-desk-reminders-'));
  dirs.push(dir);
  const launch = () => {
    const notifier = new RecordingNotifier();
    const timers = new ManualTimers();
    const opened: OpenTokenEvent[] = [];
    const composed = composeDesk({
      keychain,
      store: new Conf({ cwd: dir, configName: 'settings', projectName: 'token-desk' }),
      clipboard: new MemoryClipboard(),
      timers,
      notifier,
      now: () => service.clock.now(),
      log: { error: () => {} },
    });
    composed.rendererEvents.subscribe((event, payload) => {
      if (event === 'ui:open-token') opened.push(payload as OpenTokenEvent);
    });
    const reminders = composed.reminders!;
    /** The hourly timer fires and its check finishes. */
    const hourPasses = async () => {
      service.clock.advance(HOUR);
      timers.runPending();
      await reminders.check();
    };
    return {
      ...composed,
      desk: composed.handlers,
      notifier,
      timers,
      opened,
      reminders,
      hourPasses,
    };
  };
  return { dir, launch };
}

describe('expiry reminders', () => {
  it('at 7 days, 1 day and expiry, once per token per threshold, and not again after a restart', async () => {
    const { dir, launch } = profile();
    const first = launch();
    const email = uniqueEmail('remind');
    await first.desk['accounts:add']({
      mode: 'sign-up',
      serviceUrl: service.baseUrl,
      email,
      password: PASSWORD,
    });
    const later = await first.desk['tokens:create']({
      connectionId: await connectionOf(first.desk),
      name: 'later',
      expiresAt: inFromNow(10 * DAY),
    });
    const soon = await first.desk['tokens:create']({
      connectionId: await connectionOf(first.desk),
      name: 'soon',
      expiresAt: inFromNow(3 * DAY),
    });
    await first.desk['tokens:create']({
      connectionId: await connectionOf(first.desk),
      name: 'tomorrow',
      expiresAt: inFromNow(20 * HOUR),
    });
    await first.desk['tokens:create']({
      connectionId: await connectionOf(first.desk),
      name: 'forever',
      expiresAt: null,
    });
    const before = await first.desk['tokens:create']({
      connectionId: await connectionOf(first.desk),
      name: 'never-reminded',
      expiresAt: inFromNow(2 * DAY),
    });
    await first.desk['tokens:revoke']({
      connectionId: await connectionOf(first.desk),
      id: before.token.id,
    });

    await first.reminders.start();

    // 'tomorrow' is within a day already: one reminder, not a 7-day one as well.
    expect(first.notifier.titles().sort()).toEqual([
      'Token “soon” expires within 7 days',
      'Token “tomorrow” expires within a day',
    ]);
    const soonReminder = first.notifier.shown.find((n) => n.title.includes('soon'))!;
    expect(soonReminder.body).toContain(email);
    expect(soonReminder.body).toContain(
      `${soon.token.expiresAt!.slice(0, 10)} ${soon.token.expiresAt!.slice(11, 16)} UTC`,
    );
    // Checked hourly with the injected timers (the other pending ones are reveals' 15 minutes).
    const hourly = (timers: ManualTimers) =>
      [...timers.pending.values()].filter((t) => t.ms === REMINDER_CHECK_INTERVAL_MS);
    expect(hourly(first.timers)).toHaveLength(1);
    await first.hourPasses();
    expect(first.notifier.shown).toHaveLength(2);

    // Three days on: 'later' is inside 7 days, 'soon' and 'tomorrow' have expired.
    service.clock.advance(3 * DAY);
    await first.hourPasses();
    expect(first.notifier.titles().slice(2).sort()).toEqual([
      'Token “later” expires within 7 days',
      'Token “soon” has expired',
      'Token “tomorrow” has expired',
    ]);
    await first.hourPasses();
    expect(first.notifier.shown).toHaveLength(5);
    await first.desk.dispose();
    expect(hourly(first.timers)).toEqual([]);

    // A restart on the same settings: nothing is shown again.
    const second = launch();
    await second.reminders.start();
    expect(second.notifier.shown).toEqual([]);

    // 'later' reaches its last day, then expires: one reminder each.
    service.clock.advance(6 * DAY - 3 * HOUR);
    await second.hourPasses();
    expect(second.notifier.titles()).toEqual(['Token “later” expires within a day']);
    service.clock.advance(DAY);
    await second.hourPasses();
    await second.hourPasses();
    expect(second.notifier.titles()).toEqual([
      'Token “later” expires within a day',
      'Token “later” has expired',
    ]);
    const third = launch();
    await third.reminders.start();
    expect(third.notifier.shown).toEqual([]);

    // Remembered in settings, per account and token, never a secret.
    const settingsFile = readFileSync(join(dir, 'settings.json'), 'utf8');
    const remembered = JSON.parse(settingsFile).shownReminders as Array<{ tokenId: string }>;
    expect(remembered.filter((r) => r.tokenId === later.token.id)).toHaveLength(3);
    expect(remembered.some((r) => r.tokenId === before.token.id)).toBe(false);
    for (const secret of [later.secret, soon.secret]) expect(settingsFile).not.toContain(secret);
    expect(settingsFile).not.toMatch(/ses_/);
  });

  it('clicking one makes its account active and asks the page to open that token', async () => {
    const { launch } = profile();
    const app = launch();
    const a = { serviceUrl: service.baseUrl, email: uniqueEmail('click-a') };
    const b = { serviceUrl: service.baseUrl, email: uniqueEmail('click-b') };
    await app.desk['accounts:add']({ mode: 'sign-up', ...a, password: PASSWORD });
    const token = await app.desk['tokens:create']({
      connectionId: await connectionOf(app.desk),
      name: 'a-expiring',
      expiresAt: inFromNow(5 * DAY),
    });
    await app.desk['accounts:add']({ mode: 'sign-up', ...b, password: PASSWORD });
    await app.desk['tokens:create']({
      connectionId: await connectionOf(app.desk),
      name: 'b-expiring',
      expiresAt: inFromNow(6 * DAY),
    });

    await app.reminders.start();

    // Per account: each account's own tokens, each saying whose it is.
    expect(app.notifier.titles().sort()).toEqual([
      'Token “a-expiring” expires within 7 days',
      'Token “b-expiring” expires within 7 days',
    ]);
    const reminder = app.notifier.shown.find((n) => n.title.includes('a-expiring'))!;
    expect(reminder.body).toContain(a.email);
    expect((await app.desk['session:get'](null)).account?.email).toBe(b.email);

    reminder.onClick();
    await vi_waitFor(() => app.opened.length === 1);

    // The token by its connection and its id: another source may hold the same id.
    expect(app.opened).toEqual([
      { account: a, connectionId: token.token.issuer.connectionId, tokenId: token.token.id },
    ]);
    expect((await app.desk['session:get'](null)).account?.email).toBe(a.email);
  });

  it('shows nothing while Settings has them off, and resumes when they are on again', async () => {
    const { launch } = profile();
    const app = launch();
    await app.desk['accounts:add']({
      mode: 'sign-up',
      serviceUrl: service.baseUrl,
      email: uniqueEmail('off'),
      password: PASSWORD,
    });
    await app.desk['tokens:create']({
      connectionId: await connectionOf(app.desk),
      name: 'quiet',
      expiresAt: inFromNow(2 * DAY),
    });
    expect((await app.desk['settings:update']({ expiryReminders: false })).expiryReminders).toBe(
      false,
    );

    await app.reminders.start();
    await app.hourPasses();
    service.clock.advance(2 * DAY);
    await app.hourPasses();
    const restarted = launch();
    await restarted.reminders.start();
    expect([...app.notifier.shown, ...restarted.notifier.shown]).toEqual([]);
    expect(restarted.local.shownReminders.read()).toEqual([]);

    await restarted.desk['settings:update']({ expiryReminders: true });
    await restarted.hourPasses();
    expect(restarted.notifier.titles()).toEqual(['Token “quiet” has expired']);
  });
});

describe('the ui:open-token event', () => {
  it('leaves main only with a payload that passes its check', () => {
    const { launch } = profile();
    const app = launch();
    const good = {
      account: { serviceUrl: service.baseUrl, email: 'ada@example.test' },
      connectionId: '9b1f2f4e-0c3a-4d55-9d0e-6a7f1b2c3d4e',
      tokenId: '4ec2c920-78bc-4ab9-8f64-f4081d9708d4',
    };
    for (const bad of [
      { ...good, tokenId: generateSecret('api_token') },
      { ...good, secret: 'x' },
      { account: { ...good.account, token: 'ses_x' }, tokenId: good.tokenId },
      { account: good.account },
      // Without its connection, or with one that is not an id, a token cannot be told
      // from another source's token of the same id.
      { account: good.account, tokenId: good.tokenId },
      { ...good, connectionId: '' },
      { ...good, connectionId: '../x' },
      { ...good, connectionId: generateSecret('api_token') },
      { ...good, tokenId: 'a/b' },
    ])
      expect(() => app.rendererEvents.emit('ui:open-token', bad as OpenTokenEvent)).toThrow(
        'fails its check',
      );
    expect(app.opened).toEqual([]);
    app.rendererEvents.emit('ui:open-token', good);
    // A vendor's id as the token list has it (a tracked GitHub token's has dots).
    const github = { ...good, tokenId: 'classic.ada.4ec2c920-78bc-4ab9-8f64-f4081d9708d4' };
    app.rendererEvents.emit('ui:open-token', github);
    expect(app.opened).toEqual([good, github]);
  });
});

/** Waits for a click's asynchronous work (switching account) without timing anything. */
async function vi_waitFor(done: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !done(); i += 1) await new Promise((r) => setImmediate(r));
  expect(done()).toBe(true);
}
