/**
 * A provider's HTTP failure as a ProviderError: one mapping of statuses to codes for
 * every provider, in its own words (what it calls a refused token, where it hides
 * what a token cannot see, which statuses mean "not valid here", how it says when
 * to retry).
 */
import { ProviderError, rateLimited, type ProviderName } from './provider-error.js';

/** What a failed request left: status 0 when no answer came (refused, reset, timed out). */
export interface HttpFailure {
  status: number;
  /** A response header, or undefined when absent. */
  header(name: string): string | undefined;
  /** The provider's own explanation from the body, already cut to length, if any. */
  message: string | null;
}

export interface FailureWords {
  provider: ProviderName;
  /** How the refusal of a token is named, e.g. "bad credentials". */
  refusedToken: string;
  /** After "could not find what Token Desk needed to …: ". */
  notFoundAdvice: string;
  /** Statuses meaning the request is not valid there (a name, a scope). */
  invalidStatuses: readonly number[];
  /** The header with the epoch second a rate limit resets at. */
  resetHeader: string;
  isRateLimited(failure: HttpFailure): boolean;
}

export function describeHttpFailure(
  words: FailureWords,
  failure: HttpFailure,
  what: string,
  now: number,
  /** What a 403 means is missing, e.g. a token permission. */
  needs: string,
): ProviderError {
  const { provider, notFoundAdvice } = words;
  const { status } = failure;
  if (status === 0) {
    return new ProviderError(
      'provider_unreachable',
      `Token Desk could not reach ${provider} to ${what}. Check the host and your connection.`,
    );
  }
  if (words.isRateLimited(failure)) {
    const retryAfter = Number(failure.header('retry-after'));
    const reset = Number(failure.header(words.resetHeader));
    const retryAt = Number.isFinite(retryAfter)
      ? now + retryAfter * 1000
      : Number.isFinite(reset)
        ? reset * 1000
        : null;
    return rateLimited(provider, what, retryAt, now);
  }
  if (words.invalidStatuses.includes(status)) {
    return new ProviderError(
      'provider_invalid_name',
      `${provider} refused the request to ${what}: ${failure.message ?? 'it is not valid there'}.`,
    );
  }
  switch (status) {
    case 401:
      return new ProviderError(
        'provider_bad_credential',
        `${provider} refused the access token (${words.refusedToken}): it may be mistyped, expired or revoked. Add the account again with a current token.`,
      );
    case 403:
      return new ProviderError(
        'provider_missing_permission',
        `${provider} did not allow Token Desk to ${what}. This needs ${needs}.`,
      );
    case 404:
      return new ProviderError(
        'provider_not_found',
        `${provider} could not find what Token Desk needed to ${what}: ${notFoundAdvice}`,
      );
    default:
      return new ProviderError(
        status >= 500 ? 'provider_unreachable' : 'provider_invalid_response',
        `${provider} answered ${status} when Token Desk tried to ${what}. Try again later.`,
      );
  }
}
