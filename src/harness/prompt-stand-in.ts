/**
 * Main's prompt in the harness: the real prompt page (out/renderer/prompt.html) opened
 * as a page of its own, which a spec finds at GET /__harness/prompts/pending (with the
 * control key) and drives like a person would. The page reaches main over fetch with
 * the prompt's nonce, through the same PromptBroker the Electron window uses: the same
 * one-at-a-time rule and the same checks on what comes back. Specs that do not care
 * about the page queue an answer instead (POST /__harness/prompt/next).
 */
import { PROMPT_GLOBAL } from '../shared/prompt-contract.js';
import { DeskError } from '../main/desk-error.js';
import type { PromptPort, PromptRequest } from '../main/ports.js';
import { PromptBroker } from '../main/prompt/prompt-broker.js';

export class HarnessPrompt implements PromptPort {
  readonly broker = new PromptBroker();
  /** Answers for the next prompts, in order: values by field id, or null for Cancel. */
  readonly queued: Array<Record<string, unknown> | null> = [];
  /** The titles main asked with, in order (never what was typed). */
  readonly asked: string[] = [];

  async ask(request: PromptRequest): Promise<Record<string, string> | null> {
    const opened = this.broker.start(request);
    this.asked.push(opened.view.title);
    if (this.queued.length > 0) {
      const next = this.queued.shift()!;
      if (next === null) {
        this.broker.cancel(opened.nonce);
      } else {
        const result = this.broker.submit(opened.nonce, next);
        if (!result.ok) {
          this.broker.cancel(opened.nonce);
          throw new DeskError(
            'prompt_unavailable',
            `The harness's queued answer did not fit the prompt: ${result.message}`,
          );
        }
      }
    } else {
      console.warn(
        `harness: main asks "${opened.view.title}"; a spec opens it from /__harness/prompts/pending`,
      );
    }
    return opened.answer;
  }
}

/**
 * The script the harness serves in place of the prompt's preload: the same three
 * calls, over fetch, with the nonce from the URL fragment (kept in this tab only).
 */
export const promptBridgeScript = `(() => {
  const match = /prompt=([0-9a-f]{48})/.exec(location.hash);
  if (match) {
    sessionStorage.setItem('harness-prompt', match[1]);
    history.replaceState(null, '', location.pathname);
  }
  const nonce = sessionStorage.getItem('harness-prompt') || '';
  const call = async (action, body) => {
    const response = await fetch('/__harness/prompt-page/' + action, {
      method: action === 'request' ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', 'x-prompt-nonce': nonce },
      body: action === 'request' ? undefined : JSON.stringify(body ?? null),
    });
    if (!response.ok) throw new Error('the harness refused the prompt call');
    return response.json();
  };
  const bridge = {
    request: async () => (await call('request')).view,
    submit: (values) => call('submit', { values }),
    cancel: async () => { await call('cancel'); },
  };
  Object.defineProperty(window, ${JSON.stringify(PROMPT_GLOBAL)}, { value: Object.freeze(bridge) });
})();`;
