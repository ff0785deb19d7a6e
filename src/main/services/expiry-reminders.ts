/**
 * Expiry reminders, decided in main: a desktop notification when a token is 7 days
 * and 1 day from expiring, and when it has expired; once per token per threshold
 * and per account, remembered in the local store (not a secret) so a restart does not
 * repeat them. Checked at start and hourly, for every signed-in account, unless
 * Settings turned reminders off. Clicking one makes its account active and asks the
 * page to open that token. The notifier is a port: Electron's Notification in the
 * app, a recording fake in tests and the harness.
 */
import { DAY_MS } from '../../shared/time.js';
import type { IssuerToken } from '../issuers/token-issuer.js';
import type { RendererEvents } from '../ipc/renderer-events.js';
import type { Log, NotifierPort, Timers } from '../ports.js';
import type { ActiveSession, SessionService } from './session-service.js';
import type { ConnectedIssuer } from '../connections/connection.js';
import type { LocalStore, RecordOwner, ShownReminderRecord } from '../local-store.js';
import type { SettingsService } from './settings.js';

export type ReminderThreshold = ShownReminderRecord['threshold'];

export const REMINDER_CHECK_INTERVAL_MS = 60 * 60 * 1000;
/** Most urgent first: a token found already expired is not also told it has 7 days. */
const THRESHOLDS: ReadonlyArray<{ threshold: ReminderThreshold; before: number }> = [
  { threshold: 'expired', before: 0 },
  { threshold: '1d', before: DAY_MS },
  { threshold: '7d', before: 7 * DAY_MS },
];

/** The most urgent threshold a token has crossed at `now`, or null. */
export function thresholdAt(expiresAt: string | null, now: number): ReminderThreshold | null {
  if (expiresAt === null) return null;
  const left = Date.parse(expiresAt) - now;
  return THRESHOLDS.find(({ before }) => left <= before)?.threshold ?? null;
}

function utc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function words(token: IssuerToken, threshold: ReminderThreshold, account: ActiveSession) {
  const when = utc(new Date(token.expiresAt!).toISOString());
  // Another vendor's token says whose it is; ours say which Token Desk account.
  const where = token.facts
    ? `${token.facts.source.label}, for ${account.email}`
    : `${account.email} on ${account.serviceUrl}`;
  const kind = token.facts ? `${token.facts.source.label.split(' · ')[0]} token` : 'Token';
  if (threshold === 'expired')
    return {
      title: `${kind} “${token.name}” has expired`,
      body: `It stopped working at ${when} (${where}). Replace it where it is used.`,
    };
  return {
    title: `${kind} “${token.name}” expires ${threshold === '1d' ? 'within a day' : 'within 7 days'}`,
    body: `It stops working at ${when} (${where}). Rotate it before it breaks a pipeline.`,
  };
}

export class ExpiryReminders {
  private timer: unknown = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly deps: {
      /** Every issuer of an account's tokens (its own service's and its vendors'), each bound to its connection. */
      issuersOf: (owner: RecordOwner) => ConnectedIssuer[];
      sessions: SessionService;
      settings: SettingsService;
      shown: LocalStore['shownReminders'];
      notifier: NotifierPort;
      rendererEvents: RendererEvents;
      timers: Timers;
      now: () => number;
      log: Log;
    },
  ) {}

  /** Checks now and then every hour; resolves once the first check is done. */
  start(): Promise<void> {
    this.stop();
    const tick = () => {
      this.timer = this.deps.timers.setTimeout(() => {
        void this.check().finally(tick);
      }, REMINDER_CHECK_INTERVAL_MS);
    };
    return this.check().finally(tick);
  }

  stop(): void {
    if (this.timer !== null) this.deps.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  /** One check of every signed-in account; never two at once. */
  check(): Promise<void> {
    this.running ??= this.checkAll().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async checkAll(): Promise<void> {
    if (!this.deps.settings.get().expiryReminders) return;
    await this.deps.sessions.restore();
    for (const account of await this.deps.sessions.signedInAccounts()) {
      try {
        await this.checkAccount(account);
      } catch (error) {
        // Unreachable or signed out: the next hourly check tries again; the list says why.
        this.deps.log.error(`expiry reminders skipped for ${account.email}`, error);
      }
    }
  }

  private async checkAccount(account: ActiveSession): Promise<void> {
    const ref = { serviceUrl: account.serviceUrl, email: account.email };
    const tokens: IssuerToken[] = [];
    /** Each token's connection: a click opens it by both, as the list keys it. */
    const connectionOf = new Map<IssuerToken, string>();
    let complete = true;
    for (const { issuer, ref: source } of this.deps.issuersOf(ref)) {
      try {
        const listed = await issuer.list();
        for (const token of listed) connectionOf.set(token, source.connectionId);
        tokens.push(...listed);
      } catch (error) {
        // One vendor unreachable: the others still remind; its tokens wait for the next check.
        complete = false;
        this.deps.log.error(
          `expiry reminders skipped ${issuer.kind} tokens of ${account.email}`,
          error,
        );
      }
    }
    const now = this.deps.now();
    const mine = (r: ShownReminderRecord) =>
      r.serviceUrl === ref.serviceUrl && r.email === ref.email;
    const all = this.deps.shown.read();
    const listed = new Set(tokens.map((token) => token.id));
    // Records of tokens no longer listed (revoked) go, so the list stays as small as the account.
    const others = all.filter((r) => !mine(r));
    // A source that did not answer may still hold its tokens: their records stay.
    const kept = all.filter((r) => mine(r) && (!complete || listed.has(r.tokenId)));
    const shown = new Set(kept.map((r) => `${r.tokenId} ${r.threshold}`));
    const due: Array<{ token: IssuerToken; threshold: ReminderThreshold }> = [];
    for (const token of tokens) {
      // A token replaced by a rotation ends with its grace period, not its expiry.
      if (token.replacedById !== null) continue;
      const threshold = thresholdAt(token.expiresAt, now);
      if (threshold === null || shown.has(`${token.id} ${threshold}`)) continue;
      due.push({ token, threshold });
      // Crossing one threshold settles the less urgent ones too.
      const index = THRESHOLDS.findIndex((t) => t.threshold === threshold);
      for (const { threshold: settled } of THRESHOLDS.slice(index)) {
        if (shown.has(`${token.id} ${settled}`)) continue;
        shown.add(`${token.id} ${settled}`);
        kept.push({ ...ref, tokenId: token.id, threshold: settled });
      }
    }
    // Remembered before showing: a crash in between loses a reminder rather than repeating it.
    this.deps.shown.write([...others, ...kept]);
    for (const { token, threshold } of due) {
      this.deps.notifier.show({
        ...words(token, threshold, account),
        onClick: () => void this.open(ref, connectionOf.get(token)!, token.id),
      });
    }
  }

  private async open(
    ref: { serviceUrl: string; email: string },
    connectionId: string,
    tokenId: string,
  ): Promise<void> {
    try {
      await this.deps.sessions.switchTo(ref);
      this.deps.rendererEvents.emit('ui:open-token', { account: ref, connectionId, tokenId });
    } catch (error) {
      this.deps.log.error('could not open the token of a reminder', error);
    }
  }
}
