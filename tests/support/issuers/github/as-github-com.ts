/**
 * Main's outbound layer with github.com's API (https://api.github.com) answered by a
 * local stand-in, and every other origin sent as main would send it. GitHub's
 * credential-revocation API exists on github.com only, and main treats any other
 * GitHub host as Enterprise Server, so tests of github.com's behaviour go through this.
 */
import { createOutbound } from '../../../../src/main/net/outbound.js';
import type { Fetch } from '../../../../src/main/ports.js';

export function asGitHubCom(standInBase: string): Fetch {
  const outbound = createOutbound({ env: {} });
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.origin !== 'https://api.github.com') return outbound(input, init);
    const local = `${standInBase}${url.pathname}${url.search}`;
    return outbound(input instanceof Request ? new Request(local, input) : local, init);
  };
}
