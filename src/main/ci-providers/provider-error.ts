/** A CI provider's failure, in words a user can act on, with a stable code. */
import type { CI_PROVIDER_SPECS } from '../../shared/ci-destinations.js';
import { redactSecrets } from '../../shared/credential-patterns.js';
import { DeskError } from '../desk-error.js';

export type ProviderErrorCode =
  | 'provider_bad_credential'
  | 'provider_missing_permission'
  | 'provider_not_found'
  | 'provider_invalid_name'
  | 'provider_rate_limited'
  | 'provider_unreachable'
  | 'provider_invalid_response'
  /** The provider's answer pointed at another origin; nothing was sent there. */
  | 'provider_foreign_host';

export class ProviderError extends Error {
  constructor(
    readonly code: ProviderErrorCode,
    message: string,
    /** When a rate-limited caller may try again (ms since the epoch), if the provider said. */
    readonly retryAt: number | null = null,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

/** A provider's name as its spec gives it, e.g. GitHub. */
export type ProviderName = (typeof CI_PROVIDER_SPECS)[number]['displayName'];

/** A rate limit in words: when to retry, from the provider's reset time if it gave one. */
export function rateLimited(
  provider: ProviderName,
  what: string,
  retryAt: number | null,
  now: number,
): ProviderError {
  const when =
    retryAt === null
      ? 'Try again in a few minutes.'
      : `Try again after ${new Date(retryAt).toISOString().slice(11, 19)} UTC (in ${Math.max(1, Math.ceil((retryAt - now) / 60_000))} min).`;
  return new ProviderError(
    'provider_rate_limited',
    `${provider} is rate-limiting this account, so Token Desk could not ${what}. ${when}`,
    retryAt,
  );
}

/** A field of a provider's answer that must be a short non-empty string. */
export function requireString(provider: ProviderName, value: unknown, field: string): string {
  if (typeof value === 'string' && value.length > 0 && value.length <= 1000) return value;
  throw invalidField(provider, field);
}

/** A field of a provider's answer that must be an integer id. */
export function requireId(provider: ProviderName, value: unknown, field: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  throw invalidField(provider, field);
}

function invalidField(provider: ProviderName, field: string): ProviderError {
  return new ProviderError(
    'provider_invalid_response',
    `${provider} answered without a valid "${field}", so Token Desk stopped.`,
  );
}

/**
 * A failure on its way to the renderer, settings or a log: a DeskError with the
 * same code and sentence, with `secrets` (whole or in pieces of 8 characters or
 * more) and anything credential-shaped cut out: a provider's error body is
 * untrusted, could echo what it was sent, and may have been cut to length in the
 * middle of a secret. Anything else is a bug: rethrown.
 */
export function inWords(error: unknown, secrets: readonly string[]): DeskError {
  if (!(error instanceof Error) || !('code' in error) || typeof error.code !== 'string')
    throw error;
  return new DeskError(error.code, redactSecrets(error.message, secrets));
}
