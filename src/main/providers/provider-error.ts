/** A CI provider's failure, in words a user can act on, with a stable code. */
export type ProviderErrorCode =
  | 'provider_bad_credential'
  | 'provider_missing_permission'
  | 'provider_not_found'
  | 'provider_invalid_name'
  | 'provider_rate_limited'
  | 'provider_unreachable'
  | 'provider_invalid_response';

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
