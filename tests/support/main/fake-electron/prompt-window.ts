/**
 * An in-process stand-in for the BrowserWindow main's prompt opens (src/main/prompt/
 * prompt-window.ts), for its unit tests: it records the options, keeps the handlers
 * registered on its own webContents' `ipc`, and lets a test send IPC as the window's
 * main frame, a subframe, another page, or with the frame at another URL. The real
 * BrowserWindow is checked against the same interface where index.ts creates it.
 */
import { EventEmitter } from 'node:events';
import type { PromptWindow } from '../../../../src/main/prompt/prompt-window.js';
import type { IpcSenderEvent } from '../../../../src/main/ipc/trusted-sender.js';

type Listener = (event: IpcSenderEvent, ...args: unknown[]) => unknown;

let nextId = 500;

export type PromptSender = 'main-frame' | 'subframe' | 'other-web-contents' | 'no-frame';

class FakePromptWebContents extends EventEmitter {
  readonly id = nextId++;
  readonly mainFrame = { processId: nextId++, routingId: 1, url: '', parent: null };
  readonly handlers = new Map<string, Listener>();
  readonly ipc = {
    handle: (channel: string, listener: Listener) => {
      if (this.handlers.has(channel))
        throw new Error(`Attempted to register a second handler for '${channel}'`);
      this.handlers.set(channel, listener);
    },
    removeHandler: (channel: string) => {
      this.handlers.delete(channel);
    },
  };
}

export class FakePromptWindow extends EventEmitter implements PromptWindow {
  static readonly created: FakePromptWindow[] = [];
  readonly webContents = new FakePromptWebContents();
  visible = false;
  destroyed = false;
  contentSize: [number, number] | null = null;
  loadedUrl: string | null = null;
  /** What loadURL does: resolve (the page loaded) or reject (it did not). */
  loadOutcome: 'loads' | 'fails' = 'loads';

  constructor(readonly options: Record<string, unknown>) {
    super();
    FakePromptWindow.created.push(this);
  }

  async loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    if (this.loadOutcome === 'fails') throw new Error(`ERR_FAILED (-2) loading '${url}'`);
    this.webContents.mainFrame.url = url;
    this.emit('ready-to-show');
  }

  show(): void {
    this.visible = true;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('closed');
  }

  /** The person closes the window (title bar, Alt+F4). */
  close(): void {
    this.destroy();
  }

  setContentSize(width: number, height: number): void {
    this.contentSize = [width, height];
  }

  /** Sends IPC as Electron would deliver it to this window's handlers; undefined when none listens. */
  async invoke(channel: string, from: PromptSender, ...args: unknown[]): Promise<unknown> {
    const listener = this.webContents.handlers.get(channel);
    if (!listener) return undefined;
    const frame = this.webContents.mainFrame;
    const event: IpcSenderEvent = {
      sender: {
        id: from === 'other-web-contents' ? this.webContents.id + 1000 : this.webContents.id,
      },
      senderFrame:
        from === 'no-frame'
          ? null
          : from === 'subframe'
            ? { ...frame, parent: frame, routingId: 2 }
            : { ...frame },
    };
    return listener(event, ...args);
  }
}
