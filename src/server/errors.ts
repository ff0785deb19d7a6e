/**
 * Every error leaves the service as `{statusCode, code, error, message}`: a stable
 * code for programs and a sentence for people (the Capawesome CLI prints `message`).
 */
import { STATUS_CODES } from 'node:http';
import type { ApiErrorCode } from '../shared/error-codes.js';
import { NO_CONTROL_CHARACTERS, type ErrorBody } from '../shared/api-schemas.js';
import { formatWait } from './human-time.js';

export type ServiceErrorCode = ApiErrorCode;

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ServiceErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** 429 with `Retry-After`; `what` says which limit, e.g. "Too many sign-ups from this address." */
export function tooManyRequests(retryAfterSeconds: number, what: string): ApiError {
  return new ApiError(
    429,
    'too_many_requests',
    `${what} Try again in ${formatWait(retryAfterSeconds)}.`,
    { 'Retry-After': String(retryAfterSeconds) },
  );
}

export function errorBody(statusCode: number, code: ServiceErrorCode, message: string): ErrorBody {
  return { statusCode, code, error: STATUS_CODES[statusCode] ?? 'Error', message };
}

export interface AjvError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

/** Turns the first schema violation into a sentence naming the field. */
export function describeValidationError(
  context: string | undefined,
  errors: readonly AjvError[],
): string {
  const error = errors[0];
  if (!error) return 'The request is not valid.';
  const path = error.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const where = context === 'querystring' ? 'query parameter' : 'field';
  const field = path
    ? `The ${where} "${path}"`
    : context === 'body'
      ? 'The request body'
      : 'The request';
  const p = error.params;
  switch (error.keyword) {
    case 'required':
      return `The ${where} "${String(p.missingProperty)}" is required.`;
    case 'additionalProperties':
      return `The ${where} "${String(p.additionalProperty)}" is not recognised.`;
    case 'maxLength':
      return `${field} must be at most ${String(p.limit)} characters.`;
    case 'minLength':
      return `${field} must be at least ${String(p.limit)} characters.`;
    case 'type':
      return path
        ? `${field} must be ${article(String(p.type))}.`
        : `${field} must be a JSON ${String(p.type)}.`;
    case 'format':
      return p.format === 'date-time'
        ? `${field} must be a date and time such as 2027-01-31T12:00:00Z.`
        : `${field} must be a valid ${p.format === 'email' ? 'email address' : String(p.format)}.`;
    case 'pattern':
      return p.pattern === NO_CONTROL_CHARACTERS
        ? `${field} must not contain control characters (such as NUL or a line break).`
        : `${field} is not in the expected format.`;
    case 'anyOf':
      return `${field} has the wrong type.`;
    default:
      return `${field} ${error.message ?? 'is not valid'}.`;
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** 409 `too_many_tokens`: the account's live-token limit, and the way out. */
export function tooManyTokens(limit: number, rotationWithGrace = false): ApiError {
  const has = `Your account already has ${limit.toLocaleString('en-US')} live API tokens, the most it can have`;
  return new ApiError(
    409,
    'too_many_tokens',
    rotationWithGrace
      ? `${has}, and a rotation with a grace period keeps the old token working beside its replacement until the grace ends. Rotate without a grace period, or revoke tokens you no longer use, then try again.`
      : `${has}. Revoke tokens you no longer use (Token Desk's Needs attention view lists the unused ones), then try again.`,
  );
}

/**
 * 409 `destination_conflict`: a place the unique index cannot keep beside another of the
 * token's (on PostgreSQL it knows host and target by their md5 digests, which two
 * different places can share). Nothing was recorded.
 */
export function placeConflict(): ApiError {
  return new ApiError(
    409,
    'destination_conflict',
    'This place cannot be recorded for this token: the service cannot tell it apart from another place already recorded for it (their host and target have the same digest). Nothing was recorded. Forget the other place, or use another secret or variable name for this one.',
  );
}
