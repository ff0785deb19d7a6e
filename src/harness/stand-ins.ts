/**
 * What the harness gives main instead of Electron's ports, which cannot run outside
 * Electron: an in-memory clipboard, and a save dialog, notifier, browser and native
 * questions that record what main asked and answer as told. Main's tests use the same.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type {
  ClipboardPort,
  ConfirmPort,
  ConfirmQuestion,
  DesktopNotification,
  ExternalLinksPort,
  NotifierPort,
  OpenDialogPort,
  SaveDialogPort,
} from '../main/ports.js';

/** Stands in for Electron's clipboard, which cannot run here. */
export class MemoryClipboard implements ClipboardPort {
  text = '';
  concealed = false;
  async readText() {
    return this.text;
  }
  async writeText(text: string) {
    this.text = text;
    this.concealed = false;
  }
  async writeSecret(text: string) {
    this.text = text;
    this.concealed = true;
  }
  clear() {
    this.text = '';
    this.concealed = false;
  }
}

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

/** Answers every open dialog with `answer` (set by the test; null, as Cancel, until then). */
export class RecordingOpenDialog implements OpenDialogPort {
  readonly requests: Array<Parameters<OpenDialogPort['askOpenPath']>[0]> = [];
  answer: string | null = null;

  async askOpenPath(request: Parameters<OpenDialogPort['askOpenPath']>[0]) {
    this.requests.push(request);
    return this.answer;
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
