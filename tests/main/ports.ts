/**
 * Recording stand-ins for the ports main asks Electron for (save dialog, notifier),
 * which cannot run here. The e2e harness can use the same ones.
 */
import { join } from 'node:path';
import type { SaveDialogPort } from '../../src/main/services/activity-service.js';

/** Answers every save dialog with the next `export-N.<format>` in `dir`, or `answer` when set. */
export class RecordingSaveDialog implements SaveDialogPort {
  readonly requests: Array<Parameters<SaveDialogPort['askSavePath']>[0]> = [];
  /** undefined: the next file in `dir`; null: the user cancels; a string: that path. */
  answer: string | null | undefined = undefined;

  constructor(readonly dir: string) {}

  async askSavePath(request: Parameters<SaveDialogPort['askSavePath']>[0]) {
    this.requests.push(request);
    if (this.answer !== undefined) return this.answer;
    return join(this.dir, `export-${this.requests.length}.${request.format}`);
  }
}
