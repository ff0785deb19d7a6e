/**
 * Lengths every layer agrees on: the service's schemas, main's checks of what the
 * page sends and of what it stores, and the page's forms. Written once, here.
 */
/** RFC 5321's longest address. */
export const EMAIL_MAX_LENGTH = 254;
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 1024;
/** A service URL, a provider's host, any URL a record keeps. */
export const URL_MAX_LENGTH = 2048;
/** A GitHub or GitLab personal access token as typed. */
export const PROVIDER_TOKEN_MAX_LENGTH = 1024;
/** Printable ASCII without spaces: what a provider's personal access token looks like. */
export const PROVIDER_TOKEN_PATTERN = `^[\\x21-\\x7e]{1,${PROVIDER_TOKEN_MAX_LENGTH}}$`;
/** Bulk revoke: 1 to 100 distinct token ids. */
export const MAX_BULK_REVOKE = 100;
