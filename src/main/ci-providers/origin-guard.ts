/**
 * Every provider request stays under the account's API address: a provider's answer
 * can steer the next request (a next-page URL), and a request that left would carry
 * the access token with it.
 */

/** A request Token Desk refused to make: it would have left the account's API base. */
export class ForeignHostRefused extends Error {
  constructor(readonly target: URL) {
    super(`refused a request to ${target.origin}`);
    this.name = 'ForeignHostRefused';
  }
}

/** Whether `url` is under the API base (same scheme, host and port, and below its path). */
export function withinApiBase(url: URL, base: URL): boolean {
  return (
    url.origin === base.origin &&
    url.username === '' &&
    url.password === '' &&
    url.pathname.startsWith(base.pathname)
  );
}
