/** How every vendor account is named on screen and which of its hosts needs no question. */
import { PUBLIC_PROVIDER_HOSTS, visibleProviderHost } from '../../shared/ci-destinations.js';
import {
  PUBLIC_VENDOR_HOSTS,
  VENDOR_NAMES,
  isCiProvider,
  type IssuingVendor,
  type Vendor,
} from '../../shared/vendors.js';
import { SERVICE_URL_MESSAGES, normalizeServiceUrl } from '../../shared/service-url.js';
import { providerName } from '../ci-providers/secret-store.js';
import { DeskError } from '../desk-error.js';

export function vendorName(vendor: Vendor): string {
  return isCiProvider(vendor) ? providerName(vendor) : VENDOR_NAMES[vendor];
}

/** github.com, gitlab.com, the public npm registry, Cloudflare's API: used without a question. */
export function publicHostOf(vendor: Vendor): string {
  return isCiProvider(vendor) ? PUBLIC_PROVIDER_HOSTS[vendor] : PUBLIC_VENDOR_HOSTS[vendor];
}

/** The host to show beside an account: null for the vendor's public one. */
export function visibleVendorHost(vendor: Vendor, host: string): string | null {
  if (isCiProvider(vendor)) return visibleProviderHost(vendor, host);
  if (host === PUBLIC_VENDOR_HOSTS[vendor]) return null;
  try {
    return new URL(host).host;
  } catch {
    return host;
  }
}

/**
 * A registry's or API's address as the person typed it: https (http only to this
 * computer), no user name or password, no query; its path is kept (a private registry
 * often lives under one), without a trailing slash.
 */
export function normalizeVendorHost(vendor: IssuingVendor, raw: string): string {
  const name = VENDOR_NAMES[vendor];
  const typed = raw.trim() === '' ? PUBLIC_VENDOR_HOSTS[vendor] : raw.trim();
  const checked = normalizeServiceUrl(typed);
  if (!checked.ok) {
    const message =
      checked.message === SERVICE_URL_MESSAGES.httpsNeeded
        ? `Use https:// for ${name}: over http:// your credentials would cross the network unencrypted. http:// is allowed only for this computer (localhost, 127.0.0.1, [::1]).`
        : checked.message === SERVICE_URL_MESSAGES.unparsable
          ? `Enter the ${name} address, for example ${PUBLIC_VENDOR_HOSTS[vendor]}.`
          : checked.message.replace('The service URL', `The ${name} address`);
    throw new DeskError('invalid_input', message);
  }
  return checked.url;
}
