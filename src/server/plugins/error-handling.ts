/**
 * How every error is answered: an ApiError as it is, a schema violation as a sentence
 * naming the field, Fastify's own 4xx errors in our codes and plainer words, a database
 * outage as 503/507 with `Retry-After`, anything else as a logged 500; and the
 * `ErrorBody` schema the routes' error responses refer to.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyServerOptions } from 'fastify';
import { ErrorBody } from '../../shared/api-schemas.js';
import type { ApiErrorCode } from '../../shared/error-codes.js';
import { ApiError, describeValidationError, errorBody, type AjvError } from '../errors.js';
import { DatabaseUnavailableError } from '../storage/availability.js';

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

/** Seconds a client should wait before trying again, by what failed. */
const RETRY_AFTER_SECONDS = { outage: 5, disk: 60 } as const;

const AFTER_AN_OUTAGE =
  'Try again in a few seconds (the Capawesome CLI retries this on its own); if it persists, tell whoever runs the service.';

/**
 * The answer to a request the database could not serve: 503 (507 for a full disk) with
 * `Retry-After`, and whether the change may have been made. A read has no outcome to doubt.
 */
function databaseRefusal(error: DatabaseUnavailableError, method: string): ApiError {
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

/**
 * Errors raised by the router before any handler (bad percent-encoding, an over-long
 * path segment) get the same body shape as everything else: Fastify's `frameworkErrors`.
 */
export const frameworkErrors: FastifyServerOptions['frameworkErrors'] = (
  error,
  _request,
  reply,
) => {
  const status = error.statusCode ?? 400;
  const message =
    status === 414
      ? 'A path segment in the URL is too long.'
      : 'The URL is malformed (check its percent-encoding).';
  // The framework types this reply for a route it has not matched; it is a plain reply.
  void (reply as unknown as FastifyReply)
    .code(status)
    .send(errorBody(status, 'invalid_request', message));
};

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

  app.addSchema(ErrorBody);
}
