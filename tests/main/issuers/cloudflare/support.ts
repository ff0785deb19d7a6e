/** The Cloudflare issuer opened as main opens it: main's real outbound layer, a stand-in behind it. */
import {
  openCloudflareIssuer,
  type CloudflareIssuerOptions,
} from '../../../../src/main/issuers/cloudflare/cloudflare-issuer.js';
import type { IssuerContext } from '../../../../src/main/issuers/registry.js';
import { createOutbound } from '../../../../src/main/net/outbound.js';
import { realTimers } from '../../../../src/main/ports.js';

/** No proxy from the test machine's environment: the stand-in is on 127.0.0.1. */
export const outbound = createOutbound({ env: {} });

export function issuerFor(
  host: string,
  credential: string | (() => string),
  options: CloudflareIssuerOptions = {},
) {
  const context: IssuerContext = {
    api: undefined as never,
    sessions: undefined as never,
    fetch: outbound,
    prompt: null,
    externalLinks: null,
    timers: realTimers,
    now: Date.now,
    credential: async () => (typeof credential === 'string' ? credential : credential()),
    trustHost: async () => {},
    saveCredential: () =>
      Promise.reject(new Error('Cloudflare never replaces its connection’s token')),
  };
  return openCloudflareIssuer(
    {
      id: 'c-cloudflare',
      owner: { serviceUrl: 'http://127.0.0.1:1', email: 'ada@example.test' },
      host,
      login: 'ada@example.test',
    },
    context,
    options,
  );
}

/** Every piece of 8 characters or more of `secret`, so a cut-off echo is found too. */
export function containsPieceOf(text: string, secret: string): boolean {
  for (let start = 0; start + 8 <= secret.length; start++)
    if (text.includes(secret.slice(start, start + 8))) return true;
  return false;
}
