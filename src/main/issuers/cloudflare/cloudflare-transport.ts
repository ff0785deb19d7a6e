/**
 * The fetch the Cloudflare SDK runs over: main's outbound layer (proxy, trusted
 * authorities), with what the SDK does not do itself.
 *
 * - No request leaves the connection's API base (the SDK builds every URL from it;
 *   this keeps it so before the bearer token is attached to anything).
 * - No redirect is followed: one could carry the token to another host. A 3xx is
 *   refused, in words.
 * - The SDK reads whole bodies (`response.json()` / `.text()`), so the body is read
 *   here first, at most `maxBytes`, and handed on from memory.
 * - A 2xx answer must be Cloudflare's envelope with `success: true`; the SDK would
 *   otherwise hand `undefined` on as a result.
 * - Only the headers the SDK means to send leave: `CLOUDFLARE_CUSTOM_HEADERS` in the
 *   environment adds any header it names to every request, and X-Auth-Key/X-Auth-Email
 *   would carry a global API key beside the connection's token.
 */
import type { Fetch } from '../../ports.js';
import { withinApiBase } from '../../ci-providers/origin-guard.js';

/** One page of 50 tokens is about 100 KB; the permission groups list under 1 MB. */
export const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

export type RefusalReason = 'foreign-host' | 'redirect' | 'too-large' | 'cut-off' | 'not-envelope';

/** Something the transport refused or could not read; the issuer says it in words. */
export class CloudflareTransportRefusal extends Error {
  constructor(
    readonly reason: RefusalReason,
    /** An origin (foreign host, redirect target) or a status; never a credential. */
    readonly detail: string,
  ) {
    super(`Cloudflare transport refused: ${reason}`);
    this.name = 'CloudflareTransportRefusal';
  }
}

const SENT_HEADERS = new Set([
  'authorization',
  'accept',
  'content-type',
  'user-agent',
  'api-version',
]);

export function cloudflareFetch(send: Fetch, apiBase: URL, maxBytes = MAX_ANSWER_BYTES): Fetch {
  return async (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (!withinApiBase(url, apiBase))
      throw new CloudflareTransportRefusal('foreign-host', url.origin);
    const headers = new Headers();
    new Headers(init.headers).forEach((value, name) => {
      if (SENT_HEADERS.has(name) || name.startsWith('x-stainless-')) headers.set(name, value);
    });
    const response = await send(url, { ...init, headers, redirect: 'manual' });
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => {});
      throw new CloudflareTransportRefusal('redirect', locationOrigin(response, url));
    }
    const text = await readBounded(response, maxBytes);
    const kept = new Headers({
      'content-type': response.headers.get('content-type') ?? 'application/json',
    });
    const retryAfter = response.headers.get('retry-after');
    if (retryAfter !== null) kept.set('retry-after', retryAfter);
    if (response.ok) {
      if (!isSuccessEnvelope(text))
        throw new CloudflareTransportRefusal('not-envelope', String(response.status));
      kept.set('content-type', 'application/json');
    }
    return new Response(text, { status: response.status, headers: kept });
  };
}

function locationOrigin(response: Response, from: URL): string {
  try {
    return new URL(response.headers.get('location') ?? '', from).origin;
  } catch {
    return 'an address it did not give';
  }
}

function isSuccessEnvelope(text: string): boolean {
  try {
    const body = JSON.parse(text) as unknown;
    return (
      typeof body === 'object' &&
      body !== null &&
      !Array.isArray(body) &&
      (body as { success?: unknown }).success === true
    );
  } catch {
    return false;
  }
}

/** The body as text, refusing it once it passes `limit` bytes (the rest is never read). */
async function readBounded(response: Response, limit: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel().catch(() => {});
    throw new CloudflareTransportRefusal('too-large', String(response.status));
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let chunk: Awaited<ReturnType<typeof reader.read>>;
    try {
      chunk = await reader.read();
    } catch (error) {
      // The SDK's own timeout aborts the read: let it see its abort and say so.
      if (error instanceof Error && error.name === 'AbortError') throw error;
      throw new CloudflareTransportRefusal('cut-off', String(response.status));
    }
    if (chunk.done) break;
    size += chunk.value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new CloudflareTransportRefusal('too-large', String(response.status));
    }
    chunks.push(chunk.value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
