/**
 * Main's own prompt (a password, a one-time code, a token's new value), as its page
 * and its preload see it. The prompt page is not the app's page: it has a window and
 * a preload of its own, and this narrow API is all it gets. No Node or DOM here.
 */

/** Where the prompt's preload (or the harness's stand-in) puts the API on the page. */
export const PROMPT_GLOBAL = 'tokenDeskPrompt';

/** The prompt window's IPC channels; main listens on that window's webContents only. */
export const PROMPT_CHANNELS = {
  request: 'prompt:request',
  submit: 'prompt:submit',
  cancel: 'prompt:cancel',
} as const;

/** The command-line switch that hands a prompt window its nonce (Electron's additionalArguments). */
export const PROMPT_NONCE_SWITCH = '--token-desk-prompt=';

/** A nonce is 24 random bytes as hex. */
export const PROMPT_NONCE_PATTERN = /^[0-9a-f]{48}$/;

export type PromptFieldKind = 'password' | 'one-time-code' | 'secret' | 'text';

/** What the page shows: the request, with nothing else of main's. */
export interface PromptView {
  title: string;
  message: string;
  fields: Array<{
    id: string;
    label: string;
    kind: PromptFieldKind;
    hint?: string;
    optional?: boolean;
  }>;
  submitLabel: string;
}

/** A submission's answer: accepted (the window closes), or refused with a sentence to show. */
export type PromptSubmitResult = { ok: true } | { ok: false; message: string };

/** The page's whole API. */
export interface PromptBridge {
  /** The prompt to show; null once it was answered, cancelled or replaced. */
  request(): Promise<PromptView | null>;
  submit(values: Record<string, string>): Promise<PromptSubmitResult>;
  cancel(): Promise<void>;
}

/** The longest value each kind of field takes (a GitHub fine-grained token is 93 characters). */
export const PROMPT_VALUE_MAX_LENGTH: Readonly<Record<PromptFieldKind, number>> = {
  password: 1024,
  'one-time-code': 16,
  secret: 4096,
  text: 512,
};
