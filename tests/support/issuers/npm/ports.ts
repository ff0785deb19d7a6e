/**
 * Main's ports as the npm issuer's tests give them: a prompt that answers from a queue
 * and records every question (or cancels), a browser that records what it was asked to
 * open (and can "approve" on the stand-in as a person would), and an IssuerContext
 * around a connection's credential.
 */
import type { IssuerConnection, IssuerContext } from '../../../../src/main/issuers/registry.js';
import type {
  ExternalLinksPort,
  PromptPort,
  PromptRequest,
  Timers,
} from '../../../../src/main/ports.js';
import type { ApiClient } from '../../../../src/main/services/api-client.js';
import type { SessionService } from '../../../../src/main/services/session-service.js';

export class RecordingPrompt implements PromptPort {
  readonly asked: PromptRequest[] = [];
  private readonly answers: (Record<string, string> | null)[] = [];

  /** Queues the next answer; null is Cancel. */
  answer(values: Record<string, string> | null): this {
    this.answers.push(values);
    return this;
  }

  async ask(request: PromptRequest): Promise<Record<string, string> | null> {
    this.asked.push(request);
    if (this.answers.length === 0) throw new Error(`unexpected prompt: ${request.title}`);
    return this.answers.shift()!;
  }

  get pending(): number {
    return this.answers.length;
  }
}

export class RecordingBrowser implements ExternalLinksPort {
  readonly opened: string[] = [];
  constructor(private readonly onOpen: (url: string) => void | Promise<void> = () => {}) {}
  async open(url: string): Promise<void> {
    this.opened.push(url);
    await this.onOpen(url);
  }
}

/** Real timers, but every wait shortened to `scale` of its length (polls honour Retry-After). */
export function fastTimers(scale = 0.01): Timers {
  return {
    setTimeout: (callback, ms) => setTimeout(callback, Math.ceil(ms * scale)),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
}

/** A clock that moves by `ms` every time a wait is scheduled on `timers` (a virtual poll clock). */
export function virtualClock(start = Date.now()) {
  let now = start;
  const timers: Timers = {
    setTimeout: (callback, ms) => {
      now += ms;
      return setTimeout(callback, 0);
    },
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
  return { now: () => now, timers };
}

export function npmConnection(registry: string, login = 'ada'): IssuerConnection {
  return {
    id: 'c-npm',
    owner: { serviceUrl: 'http://127.0.0.1:4780', email: 'ada@example.test' },
    host: registry,
    login,
  };
}

export function npmContext(
  credential: string,
  ports: Partial<Pick<IssuerContext, 'prompt' | 'externalLinks' | 'timers' | 'now' | 'fetch'>> = {},
): IssuerContext {
  return {
    api: {} as ApiClient,
    sessions: {} as SessionService,
    fetch: ports.fetch ?? fetch,
    prompt: ports.prompt ?? null,
    externalLinks: ports.externalLinks ?? null,
    timers: ports.timers ?? fastTimers(),
    now: ports.now ?? Date.now,
    credential: async () => credential,
    trustHost: async () => {},
    saveCredential: () =>
      Promise.reject(new Error('npm never replaces its connection’s credential')),
  };
}
