/**
 * Every error leaves the service as `{statusCode, code, error, message}`: a stable
 * code for programs and a sentence for people (the Capawesome CLI prints `message`).
 */
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance } from 'fastify';
import type { ApiErrorCode } from '../shared/error-codes.js';
import { NO_CONTROL_CHARACTERS, type ErrorBody } from '../shared/api-schemas.js';
import { formatWait } from './human-time.js';
import { DatabaseUnavailableError } from './storage/availability.js';

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

/** Fastify's own 4xx errors, translated into our codes and plainer words. */
const FRAMEWORK_ERRORS: Record<string, { code: ApiErrorCode; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: {
    code: 'invalid_json',
    message: 'The request body is not valid JSON, or uses a forbidden key such as "__proto__".',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: 'invalid_json',
    message: 'The request body is empty; send a JSON object.',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'unsupported_media_type',
    message: 'Send the request body as JSON with "Content-Type: application/json".',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    code: 'payload_too_large',
    message: 'The request body is larger than the 64 KB this service accepts.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'invalid_request',
    message: 'The request body does not match its Content-Length header.',
  },
};

interface AjvError {
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

/** Seconds a client should wait before trying again, by what failed. */
const RETRY_AFTER_SECONDS = { outage: 5, disk: 60 } as const;

const AFTER_AN_OUTAGE =
  'Try again in a few seconds (the Capawesome CLI retries this on its own); if it persists, tell whoever runs the service.';

/**
 * The answer to a request the database could not serve: 503 (507 for a full disk) with
 * `Retry-After`, and whether the change may have been made. A read has no outcome to doubt.
 */
export function databaseRefusal(error: DatabaseUnavailableError, method: string): ApiError {
  const write = method !== 'GET' && method !== 'HEAD';
  const outage = { 'Retry-After': String(RETRY_AFTER_SECONDS.outage) };
  const disk = { 'Retry-After': String(RETRY_AFTER_SECONDS.disk) };
  if (write && error.outcome === 'unknown') {
    return new ApiError(
      503,
      'database_outcome_unknown',
      'The connection to the database was lost while this change was being saved, so it may or may not have been made. ' +
        'Check before repeating it: list your tokens (GET /v1/users/me/tokens, or the Token Desk app) and look for it; ' +
        'repeating a creation without checking can create a second token.',
      outage,
    );
  }
  const unchanged = write ? ' Nothing was changed.' : '';
  switch (error.failure) {
    case 'full':
      return new ApiError(
        507,
        'database_full',
        `The token service's disk is full, so it cannot save anything.${unchanged} Try again later; whoever runs the service needs to free space where its data is kept.`,
        disk,
      );
    case 'read_only':
      return new ApiError(
        503,
        'database_read_only',
        `The token service's database cannot be written (its file or directory is read-only, or the database is a read-only replica).${unchanged} Try again later; whoever runs the service needs to make it writable.`,
        disk,
      );
    case 'io_error':
      return new ApiError(
        503,
        'database_unavailable',
        `The token service could not write to its database: the disk refused the write (it may be full, over a file size limit, or failing).${unchanged} Try again later; whoever runs the service needs to check the disk where its data is kept.`,
        disk,
      );
    case 'timeout':
      return new ApiError(
        503,
        'database_unavailable',
        `The token service's database did not answer in time.${unchanged} ${AFTER_AN_OUTAGE}`,
        outage,
      );
    case 'unreachable':
      return new ApiError(
        503,
        'database_unavailable',
        `The token service cannot reach its database right now (it may be restarting).${unchanged} ${AFTER_AN_OUTAGE}`,
        outage,
      );
  }
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((thrown: FastifyError, request, reply) => {
    // Logged once per outage where the database noticed it (app.ts), not per request.
    const error =
      thrown instanceof DatabaseUnavailableError ? databaseRefusal(thrown, request.method) : thrown;
    if (error instanceof ApiError) {
      request.errorCode = error.code;
      return reply
        .code(error.statusCode)
        .headers(error.headers)
        .send(errorBody(error.statusCode, error.code, error.message));
    }
    if (error.validation) {
      const message = describeValidationError(
        error.validationContext,
        error.validation as AjvError[],
      );
      request.errorCode = 'invalid_request';
      return reply.code(400).send(errorBody(400, 'invalid_request', message));
    }
    const known = error.code ? FRAMEWORK_ERRORS[error.code] : undefined;
    const status = error.statusCode ?? 500;
    request.errorCode = known?.code ?? (status < 500 ? 'invalid_request' : 'internal_error');
    if (known) return reply.code(status).send(errorBody(status, known.code, known.message));
    if (status >= 400 && status < 500) {
      // Any other client error Fastify raises (e.g. a prototype-poisoning body).
      return reply.code(status).send(errorBody(status, 'invalid_request', error.message));
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply
      .code(500)
      .send(
        errorBody(
          500,
          'internal_error',
          'The service hit an unexpected error. Try again; if it persists, check the service log.',
        ),
      );
  });

  app.setNotFoundHandler((request, reply) => {
    request.errorCode = 'route_not_found';
    reply
      .code(404)
      .send(
        errorBody(
          404,
          'route_not_found',
          `There is no ${request.method} ${request.url.split('?')[0]} endpoint.`,
        ),
      );
  });
}
