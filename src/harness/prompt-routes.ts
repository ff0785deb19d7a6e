/**
 * The harness's routes for main's prompt. With the control key (a spec's, never the
 * page's): the pending prompt's address, a queued answer, and a trigger that asks
 * main's prompt port as an issuer would and records only each answer's field ids and
 * lengths. With the prompt's nonce (the prompt page's): its request, submit, cancel.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PromptRequest } from '../main/ports.js';
import { BadRequest, readBody } from './http.js';
import type { HarnessPrompt } from './prompt-stand-in.js';

/** What a triggered prompt came to: field ids and lengths, never a value. */
export type PromptOutcome =
  | { title: string; outcome: 'pending' }
  | { title: string; outcome: 'answered'; lengths: Record<string, number> }
  | { title: string; outcome: 'cancelled' }
  | { title: string; outcome: 'refused'; code: string; message: string };

interface PromptRouteTools {
  prompt: HarnessPrompt;
  hasControlKey(request: IncomingMessage): boolean;
  json(response: ServerResponse, status: number, body: unknown): void;
  onlyMethods(request: IncomingMessage, allowed: string[]): void;
}

async function jsonBody(request: IncomingMessage, shape: string): Promise<unknown> {
  try {
    return JSON.parse(await readBody(request)) as unknown;
  } catch (error) {
    if (error instanceof BadRequest) throw error;
    throw new BadRequest(400, 'bad_json', `Send ${shape} as JSON.`);
  }
}

export function promptRoutes({ prompt, hasControlKey, json, onlyMethods }: PromptRouteTools) {
  const outcomes: PromptOutcome[] = [];

  /** Handles the request if it is one of these routes; false when it is not. */
  return async function handle(
    path: string,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<boolean> {
    if (path.startsWith('/__harness/prompt-page/')) {
      const action = path.slice('/__harness/prompt-page/'.length);
      const nonce = request.headers['x-prompt-nonce'];
      if (action === 'request') {
        onlyMethods(request, ['GET']);
        json(response, 200, { view: prompt.broker.view(nonce) });
        return true;
      }
      if (action === 'submit') {
        onlyMethods(request, ['POST']);
        const body = await jsonBody(request, '{"values": {…}}');
        const values = (body as { values?: unknown } | null)?.values;
        json(response, 200, prompt.broker.submit(nonce, values));
        return true;
      }
      if (action === 'cancel') {
        onlyMethods(request, ['POST']);
        json(response, 200, { cancelled: prompt.broker.cancel(nonce) });
        return true;
      }
      throw new BadRequest(404, 'not_found', 'The prompt page has no such call.');
    }
    const controlled = [
      '/__harness/prompts/pending',
      '/__harness/prompt/next',
      '/__harness/prompt/ask',
      '/__harness/prompt/outcomes',
    ];
    if (!controlled.includes(path)) return false;
    if (!hasControlKey(request))
      throw new BadRequest(
        403,
        'harness_control_key',
        'Main’s prompt is driven with the control key (x-harness-control-key), which the page does not have.',
      );
    if (path === '/__harness/prompts/pending') {
      onlyMethods(request, ['GET']);
      const nonce = prompt.broker.openNonce;
      json(response, 200, {
        pending: nonce ? { url: `/prompt.html#prompt=${nonce}`, title: prompt.asked.at(-1) } : null,
      });
      return true;
    }
    if (path === '/__harness/prompt/outcomes') {
      onlyMethods(request, ['GET']);
      json(response, 200, outcomes);
      return true;
    }
    onlyMethods(request, ['POST']);
    const body = await jsonBody(request, 'an object');
    if (path === '/__harness/prompt/next') {
      const values = (body as { values?: unknown } | null)?.values;
      if (values !== null && (typeof values !== 'object' || Array.isArray(values)))
        throw new BadRequest(400, 'bad_values', 'Send {"values": {…}} (or null for Cancel).');
      prompt.queued.push(values as Record<string, unknown> | null);
      json(response, 200, { queued: prompt.queued.length });
      return true;
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new BadRequest(400, 'bad_request', 'Send the prompt to ask as a JSON object.');
    // An issuer's ask, for specs: main's own checks decide what may be asked.
    const asked = body as PromptRequest;
    const index = outcomes.length;
    const title = typeof asked?.title === 'string' ? asked.title : '';
    outcomes.push({ title, outcome: 'pending' });
    prompt.ask(asked).then(
      (values) => {
        outcomes[index] = values
          ? {
              title,
              outcome: 'answered',
              lengths: Object.fromEntries(
                Object.entries(values).map(([id, value]) => [id, value.length]),
              ),
            }
          : { title, outcome: 'cancelled' };
      },
      (error: unknown) => {
        const { code = 'harness_error', message = String(error) } = error as {
          code?: string;
          message?: string;
        };
        outcomes[index] = { title, outcome: 'refused', code, message };
      },
    );
    json(response, 202, { index });
    return true;
  };
}
