/** A revealed secret's copy and forgetting, and the usage snippets. */
import { Type } from 'typebox';
import { RevealId, channel } from './fields.js';

export interface CopyResult {
  clearsInSeconds: number;
}

const RevealPayload = Type.Object({ revealId: RevealId }, { additionalProperties: false });

const SnippetPayload = Type.Object(
  { kind: Type.Union([Type.Literal('cli'), Type.Literal('curl'), Type.Literal('github')]) },
  { additionalProperties: false },
);

export const SECRET_CHANNELS = {
  'secret:copy': channel<typeof RevealPayload, CopyResult>(RevealPayload),
  'secret:forget': channel<typeof RevealPayload, null>(RevealPayload),
  'snippet:copy': channel<typeof SnippetPayload, null>(SnippetPayload),
} as const;
