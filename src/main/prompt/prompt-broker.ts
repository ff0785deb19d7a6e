/**
 * One prompt at a time, whoever shows it (a window of main's in the app, a page the
 * harness serves). Each prompt gets a fresh nonce; the page must present it with
 * every call, so a stale window's, or a stranger's, request or submission matches
 * nothing. A second prompt while one is open is refused in words rather than queued:
 * the app's page starts the work that asks, and a page that started it again and
 * again must not stack up windows. Values are answered once and not kept.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import {
  PROMPT_NONCE_PATTERN,
  type PromptSubmitResult,
  type PromptView,
} from '../../shared/prompt-contract.js';
import { DeskError } from '../desk-error.js';
import type { PromptRequest } from '../ports.js';
import { promptView, readPromptAnswer } from './prompt-answer.js';

type Answer = Record<string, string> | null;

interface OpenPrompt {
  nonce: Buffer;
  view: PromptView;
  settle(answer: Answer): void;
}

export interface OpenedPrompt {
  nonce: string;
  view: PromptView;
  /** The values, or null when cancelled (closed, Esc, Cancel, or `cancelOpen`). */
  answer: Promise<Answer>;
}

export const PROMPT_BUSY_MESSAGE =
  'Token Desk is already asking for something in another window. Answer or cancel it, then try again.';

const STALE: PromptSubmitResult = {
  ok: false,
  message: 'This prompt is no longer open. Close it and start again from Token Desk.',
};

export class PromptBroker {
  private open: OpenPrompt | null = null;

  constructor(private readonly newNonce: () => Buffer = () => randomBytes(24)) {}

  /** Starts a prompt; refused with `prompt_busy` while another is open. */
  start(request: PromptRequest): OpenedPrompt {
    const view = promptView(request);
    if (this.open) throw new DeskError('prompt_busy', PROMPT_BUSY_MESSAGE);
    const nonce = this.newNonce();
    let settle!: (answer: Answer) => void;
    const answer = new Promise<Answer>((resolve) => (settle = resolve));
    const open: OpenPrompt = {
      nonce,
      view,
      settle: (value) => {
        if (this.open === open) this.open = null;
        settle(value);
      },
    };
    this.open = open;
    return { nonce: nonce.toString('hex'), view, answer };
  }

  /** Whether a prompt is open, and its nonce (for the one that shows it). */
  get openNonce(): string | null {
    return this.open?.nonce.toString('hex') ?? null;
  }

  /** The prompt a page holding `nonce` should show; null for any other nonce. */
  view(nonce: unknown): PromptView | null {
    return this.matching(nonce)?.view ?? null;
  }

  /**
   * A page's submission: accepted and answered when the nonce is the open prompt's and
   * the values answer it exactly; otherwise refused, and the prompt stays as it was.
   */
  submit(nonce: unknown, values: unknown): PromptSubmitResult {
    const open = this.matching(nonce);
    if (!open) return STALE;
    const read = readPromptAnswer(open.view, values);
    if (!read.ok) return read;
    open.settle(read.values);
    return { ok: true };
  }

  /** The page's Cancel (or Esc); false when the nonce is not the open prompt's. */
  cancel(nonce: unknown): boolean {
    const open = this.matching(nonce);
    open?.settle(null);
    return open !== null;
  }

  /** Cancels the open prompt whatever its nonce: its window closed, or main is quitting. */
  cancelOpen(): void {
    this.open?.settle(null);
  }

  private matching(nonce: unknown): OpenPrompt | null {
    const open = this.open;
    if (!open || typeof nonce !== 'string' || !PROMPT_NONCE_PATTERN.test(nonce)) return null;
    const given = Buffer.from(nonce, 'hex');
    return given.length === open.nonce.length && timingSafeEqual(given, open.nonce) ? open : null;
  }
}
