/**
 * Every way a Cloudflare call can fail, as a DeskError: a stable code and a sentence
 * naming Cloudflare, the connection's host and what Token Desk was doing, with the
 * connection's token and any value the call carried cut out (Cloudflare's error
 * messages are untrusted and could echo what they were sent).
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'cloudflare';
import { redactSecrets } from '../../../shared/credential-patterns.js';
import { DeskError } from '../../desk-error.js';
import { findOutboundError } from '../../net/outbound-error.js';
import { MAX_ANSWER_BYTES, CloudflareTransportRefusal } from './cloudflare-transport.js';

export const CLOUDFLARE_TIMEOUT_MS = 15_000;

export interface FailureContext {
  /** After "while trying to …", e.g. "list your API tokens". */
  what: string;
  /** The API host as a person recognises it, e.g. api.cloudflare.com. */
  host: string;
  /** Whether a 404 means the token asked for is gone. */
  token?: boolean;
  /** What a 403 means is missing. */
  needs: string;
  now: number;
  /** The connection's token and any value this call carried or received. */
  secrets: readonly string[];
}

/** Whether Cloudflare may have acted although no answer came back (a roll, a create). */
export function outcomeUnknown(error: unknown): boolean {
  const refusal = findRefusal(error);
  if (refusal) return refusal.reason !== 'foreign-host' && refusal.reason !== 'redirect';
  if (error instanceof APIConnectionError) return true;
  return error instanceof APIError && typeof error.status === 'number' && error.status >= 500;
}

export function describeCloudflareFailure(error: unknown, context: FailureContext): DeskError {
  const [code, sentence] = words(error, context);
  return new DeskError(code, redactSecrets(sentence, context.secrets));
}

function words(
  error: unknown,
  { what, host, token, needs, now }: FailureContext,
): [string, string] {
  if (error instanceof DeskError) return [error.code, error.message];
  const refusal = findRefusal(error);
  if (refusal) return refusalWords(refusal, what, host);
  if (error instanceof APIConnectionTimeoutError)
    return [
      'issuer_unreachable',
      `Cloudflare at ${host} did not answer within ${CLOUDFLARE_TIMEOUT_MS / 1000} seconds when Token Desk tried to ${what}. Try again.`,
    ];
  if (error instanceof APIError && typeof error.status === 'number')
    return statusWords(error, what, host, token === true, needs, now);
  if (error instanceof APIConnectionError || error instanceof TypeError) {
    const outbound = findOutboundError(error);
    return [
      'issuer_unreachable',
      outbound
        ? `${outbound.message} (Token Desk was trying to ${what} on Cloudflare.)`
        : `Token Desk could not reach Cloudflare at ${host} to ${what}. Check the connection's API address and your network.`,
    ];
  }
  throw error;
}

function refusalWords(
  refusal: CloudflareTransportRefusal,
  what: string,
  host: string,
): [string, string] {
  switch (refusal.reason) {
    case 'foreign-host':
      return [
        'issuer_foreign_host',
        `Token Desk was about to send a request for Cloudflare to ${refusal.detail}, outside this connection's API address (${host}), while trying to ${what}. It refused and sent nothing there, not your token either.`,
      ];
    case 'redirect':
      return [
        'issuer_invalid_response',
        `Cloudflare at ${host} answered with a redirect to ${refusal.detail} when Token Desk tried to ${what}. Token Desk does not follow redirects (one could carry your token to another host), so it stopped. Check the connection's API address.`,
      ];
    case 'too-large':
      return [
        'issuer_invalid_response',
        `Cloudflare at ${host} answered more than ${MAX_ANSWER_BYTES / 1024 / 1024} MB when Token Desk tried to ${what}, which no answer of this kind is, so it stopped reading. Check the connection's API address.`,
      ];
    case 'cut-off':
      return [
        'issuer_unreachable',
        `Cloudflare at ${host} stopped in the middle of its answer when Token Desk tried to ${what}. Try again.`,
      ];
    case 'not-envelope':
      return [
        'issuer_invalid_response',
        `Cloudflare at ${host} answered in a form Token Desk does not understand (not a successful Cloudflare API answer) when it tried to ${what}, so it stopped. Check the connection's API address.`,
      ];
  }
}

function statusWords(
  error: APIError,
  what: string,
  host: string,
  token: boolean,
  needs: string,
  now: number,
): [string, string] {
  const status = error.status as number;
  const said = cloudflareMessage(error);
  const because = said ? ` (Cloudflare said: “${said}”)` : '';
  if (status === 401 || error.errors.some((entry) => entry?.code === 1000))
    return [
      'issuer_bad_credential',
      `Cloudflare at ${host} refused the connection's API token${because}: it may be mistyped, expired, rolled or deleted. Connect the Cloudflare account again with a current token.`,
    ];
  if (status === 403)
    return [
      'issuer_missing_permission',
      `Cloudflare did not allow Token Desk to ${what}${because}. This needs ${needs}.`,
    ];
  if (status === 404)
    return token
      ? [
          'token_not_found',
          `Cloudflare has no such token (it may have been deleted) so Token Desk could not ${what}.`,
        ]
      : [
          'issuer_not_found',
          `Cloudflare at ${host} could not find what Token Desk needed to ${what}${because}. Check the connection's API address and account.`,
        ];
  if (status === 429) {
    const seconds = Number(error.headers?.get('retry-after'));
    const when = Number.isFinite(seconds)
      ? `Try again after ${new Date(now + seconds * 1000).toISOString().slice(11, 19)} UTC.`
      : 'Try again in a few minutes.';
    return [
      'issuer_rate_limited',
      `Cloudflare is rate-limiting this account, so Token Desk could not ${what}. ${when}`,
    ];
  }
  if (status === 400 || status === 409 || status === 422)
    return ['issuer_refused', `Cloudflare refused to ${what}${because}.`];
  return [
    status >= 500 ? 'issuer_unreachable' : 'issuer_invalid_response',
    `Cloudflare at ${host} answered ${status} when Token Desk tried to ${what}. Try again later.`,
  ];
}

/** The first of Cloudflare's `errors[].message`, short and printable. */
function cloudflareMessage(error: APIError): string | null {
  const message = error.errors.find((entry) => typeof entry?.message === 'string')?.message;
  if (typeof message !== 'string') return null;
  return message
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, ' ')
    .trim()
    .slice(0, 200);
}

/** The transport's refusal, which the SDK wraps as an APIConnectionError's cause. */
function findRefusal(error: unknown): CloudflareTransportRefusal | null {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    if (current instanceof CloudflareTransportRefusal) return current;
    current = current.cause;
  }
  return null;
}
