/**
 * Recording stand-ins for the ports main asks Electron for (save dialog, notifier, external links, native questions),
 * which cannot run here. The e2e harness can use the same ones.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type {
  ConfirmPort,
  ConfirmQuestion,
  DesktopNotification,
  ExternalLinksPort,
  NotifierPort,
  SaveDialogPort,
  Timers,
} from '../../src/main/ports.js';

/** Answers every save dialog with the next `export-N.<format>` in `dir`, or `answer` when set. */
export class RecordingSaveDialog implements SaveDialogPort {
  readonly requests: Array<Parameters<SaveDialogPort['askSavePath']>[0]> = [];
  /** undefined: the next file in `dir`; null: the user cancels; a string: that path. */
  answer: string | null | undefined = undefined;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  async askSavePath(request: Parameters<SaveDialogPort['askSavePath']>[0]) {
    this.requests.push(request);
    if (this.answer !== undefined) return this.answer;
    return join(this.dir, `export-${this.requests.length}.${request.format}`);
  }
}

/** Records every notification main would have shown; `click(i)` clicks one. */
export class RecordingNotifier implements NotifierPort {
  readonly shown: DesktopNotification[] = [];
  show(notification: DesktopNotification): void {
    this.shown.push(notification);
  }
  titles(): string[] {
    return this.shown.map((n) => n.title);
  }
}

/** Records every page main would have opened in the user's browser. */
export class RecordingExternalLinks implements ExternalLinksPort {
  readonly opened: string[] = [];
  async open(url: string): Promise<void> {
    this.opened.push(url);
  }
}

/** Timers that run only when the test says so, and say how far ahead they were set. */
export class ManualTimers implements Timers {
  private next = 1;
  readonly pending = new Map<number, { callback: () => void; ms: number }>();
  setTimeout(callback: () => void, ms: number): unknown {
    const handle = this.next++;
    this.pending.set(handle, { callback, ms });
    return handle;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  /** Runs every pending timer once (those set while running wait for the next call). */
  runPending(): void {
    const due = [...this.pending.entries()];
    for (const [handle, { callback }] of due) {
      this.pending.delete(handle);
      callback();
    }
  }
}

/** Answers main's native questions (`answers` in order, then `fallback`) and records each. */
export class RecordingConfirm implements ConfirmPort {
  readonly asked: ConfirmQuestion[] = [];
  readonly answers: boolean[] = [];
  constructor(public fallback = true) {}
  async confirm(question: ConfirmQuestion): Promise<boolean> {
    this.asked.push(question);
    return this.answers.shift() ?? this.fallback;
  }
}
