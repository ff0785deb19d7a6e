/**
 * The rules a prompt lives by, apart from any window: what main may ask (checked, as
 * a bug in main must not become a blank or misleading prompt), and what an answer
 * from the prompt page may be. The page is untrusted: an answer is refused unless it
 * names exactly the fields asked for, each a string of a sensible length.
 */
import {
  PROMPT_VALUE_MAX_LENGTH,
  type PromptSubmitResult,
  type PromptView,
} from '../../shared/prompt-contract.js';
import { DeskError } from '../desk-error.js';
import type { PromptRequest } from '../ports.js';

const FIELD_ID = /^[a-z][a-z0-9-]{0,31}$/;
const KINDS = new Set(Object.keys(PROMPT_VALUE_MAX_LENGTH));
const MAX_FIELDS = 4;
// Line breaks, NUL and other control characters: never part of a password, code or token.
const CONTROL = /\p{Cc}/u;

function text(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.trim() !== '' && value.length <= max;
}

/** What main asks, checked and copied: the page is shown this and nothing else. */
export function promptView(request: PromptRequest): PromptView {
  const invalid = (why: string) =>
    new DeskError('invalid_prompt', `Token Desk could not ask for this: ${why}.`);
  if (!text(request.title, 120))
    throw invalid('the prompt needs a title of at most 120 characters');
  if (!text(request.message, 1000))
    throw invalid('the prompt needs a message of at most 1,000 characters');
  if (!text(request.submitLabel, 40))
    throw invalid('the prompt needs a submit label of at most 40 characters');
  if (!Array.isArray(request.fields) || request.fields.length > MAX_FIELDS)
    throw invalid(`the prompt asks for at most ${MAX_FIELDS} values`);
  const ids = new Set<string>();
  const fields = request.fields.map((field) => {
    if (!FIELD_ID.test(field.id) || ids.has(field.id))
      throw invalid(`"${String(field.id).slice(0, 40)}" is not a field id of its own`);
    ids.add(field.id);
    if (!KINDS.has(field.kind)) throw invalid(`"${field.id}" has no known kind`);
    if (!text(field.label, 80)) throw invalid(`"${field.id}" needs a label`);
    if (field.hint !== undefined && !text(field.hint, 300))
      throw invalid(`"${field.id}" has a hint that is empty or too long`);
    return {
      id: field.id,
      label: field.label,
      kind: field.kind,
      ...(field.hint === undefined ? {} : { hint: field.hint }),
      ...(field.optional === true ? { optional: true } : {}),
    };
  });
  return {
    title: request.title,
    message: request.message,
    fields,
    submitLabel: request.submitLabel,
  };
}

export type ReadAnswer =
  { ok: true; values: Record<string, string> } | Extract<PromptSubmitResult, { ok: false }>;

const refuse = (message: string): ReadAnswer => ({ ok: false, message });

/**
 * The values the page sent, if they answer `view` exactly: a plain object whose keys
 * are the asked ids (no more, no fewer), each a non-empty string within its kind's
 * length. One-time codes lose the spaces people paste with them.
 */
export function readPromptAnswer(view: PromptView, raw: unknown): ReadAnswer {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return refuse('The answer was not a set of values.');
  const prototype = Object.getPrototypeOf(raw) as unknown;
  if (prototype !== Object.prototype && prototype !== null)
    return refuse('The answer was not a set of values.');
  const asked = new Map(view.fields.map((field) => [field.id, field]));
  const keys = Object.keys(raw);
  if (keys.some((key) => !asked.has(key)))
    return refuse('The answer named a field this prompt did not ask for.');
  const values: Record<string, string> = {};
  for (const field of view.fields) {
    const value = (raw as Record<string, unknown>)[field.id];
    if (typeof value !== 'string') return refuse(`Fill in ${field.label}.`);
    const typed = field.kind === 'one-time-code' ? value.replace(/\s+/g, '') : value;
    if (typed === '' && !field.optional) return refuse(`Fill in ${field.label}.`);
    const max = PROMPT_VALUE_MAX_LENGTH[field.kind];
    if (typed.length > max)
      return refuse(`${field.label} is longer than ${max} characters; check what was pasted.`);
    if (CONTROL.test(typed))
      return refuse(`${field.label} holds a line break or another control character.`);
    if (field.kind === 'one-time-code' && !/^[A-Za-z0-9-]+$/.test(typed))
      return refuse(`${field.label} takes letters and digits only.`);
    values[field.id] = typed;
  }
  return { ok: true, values };
}
