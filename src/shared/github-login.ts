/**
 * A GitHub login: letters, digits and hyphens, and an underscore for managed (EMU)
 * accounts' `_shortcode`; never a dot (record ids are `kind.login.random`). The one
 * pattern main's checks, the IPC schema and the page's form share (no imports, so the
 * page's bundle takes nothing else with it).
 */
export const GITHUB_LOGIN_SOURCE = '[A-Za-z0-9][A-Za-z0-9_-]{0,99}';
export const GITHUB_LOGIN = new RegExp(`^${GITHUB_LOGIN_SOURCE}$`);
