/**
 * A CI provider's request that got no HTTP answer (proxy, certificate, name, refused
 * connection), as the ProviderError the provider clients throw: the outbound
 * layer's sentence already names the host and the proxy, and what Token Desk was
 * doing is added. The code stays provider_unreachable, the one the window knows.
 */
import { ProviderError, type ProviderName } from '../ci-providers/provider-error.js';
import type { OutboundError } from './outbound-error.js';

export function outboundFailure(
  provider: ProviderName,
  error: OutboundError,
  what: string,
): ProviderError {
  return new ProviderError(
    'provider_unreachable',
    `${error.message} (Token Desk was trying to ${what} on ${provider}.)`,
  );
}
