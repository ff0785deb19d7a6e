/**
 * One npm registry over HTTP, the way npm's own client talks to it
 * (npm-registry-fetch): JSON bodies, `authorization: Bearer …` (or Basic for the
 * couch login), `npm-otp` for a one-time code, and a 401 carrying
 * `www-authenticate: OTP` (or "one-time pass" in the body) when a second factor is
 * needed (npm-registry-fetch lib/check-response.js).
 *
 * Every answer is untrusted: bodies are read up to a limit, a redirect is an error
 * in words (it could carry the credential or the password elsewhere) and never
 * followed, a URL the registry hands back must stay under the registry, and every
 * sentence has the credential, the password and the one-time code cut out before it
 * leaves this file.
 */
import { CUT_OFF, TOO_LARGE, readBounded } from '../../net/read-bounded.js';
import { redactSecrets } from '../../../shared/credential-patterns.js';
import { isLoopbackServiceUrl } from '../../../shared/service-url.js';
import { DeskError } from '../../desk-error.js';
import { findOutboundError } from '../../net/outbound-error.js';
import type { Fetch } from '../../ports.js';

export const NPM_PUBLIC_REGISTRY = 'https://registry.npmjs.org/';

/** Per request, like the other vendor clients. */
export const NPM_TIMEOUT_MS = 15_000;

/** One answer of any kind but a token list page: a token, whoami, a login. */
export const NPM_MAX_ANSWER_BYTES = 1024 * 1024;

// npm's granular tokens (npm_ and 36 characters) and the long base64 tokens other
// registries (Verdaccio) hand out: cut from anything shown, even when the registry
// echoes a value the caller did not know it held.
const NPM_TOKEN_SHAPED = /npm_[A-Za-z0-9]{4,}/g;

export type NpmAuth =
  { kind: 'bearer'; token: string } | { kind: 'basic'; username: string; password: string } | null;

export interface NpmCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** A path under the registry (no leading slash), or a URL the registry gave. */
  target: string | URL;
  auth: NpmAuth;
  body?: unknown;
  otp?: string;
  /** What Token Desk was doing, after "to": "list your npm tokens". */
  what: string;
  maxBytes?: number;
  signal?: AbortSignal;
}

export interface NpmAnswer {
  status: number;
  headers: Headers;
  /** Parsed JSON, or the text (cut to 500 characters) when it was not JSON; null when empty. */
  body: unknown;
}

/** The registry's address as Token Desk keeps it: https (or http on this computer), ending in `/`. */
export function normalizeNpmRegistry(
  raw: string,
): { ok: true; url: string } | { ok: false; message: string } {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return {
      ok: false,
      message: 'The registry must be a URL such as https://registry.npmjs.org/.',
    };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { ok: false, message: 'The registry must be an https:// URL.' };
  if (url.username || url.password)
    return {
      ok: false,
      message:
        'Leave the user name and password out of the registry URL: Token Desk asks for them.',
    };
  if (url.search || url.hash)
    return { ok: false, message: 'The registry URL must not have a ? query or a # part.' };
  if (url.protocol === 'http:' && !isLoopbackServiceUrl(url.href))
    return {
      ok: false,
      message:
        'A registry on another computer must use https://, so your password and tokens are encrypted on the way.',
    };
  const path = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  return { ok: true, url: `${url.origin}${path}` };
}

/** Whether `url` lies under `registry` (same origin, below its path, no user info). */
export function withinRegistry(url: URL, registry: string): boolean {
  const base = new URL(registry);
  return (
    url.origin === base.origin &&
    url.username === '' &&
    url.password === '' &&
    url.pathname.startsWith(base.pathname)
  );
}

/** The registry named in sentences: its host, and its path when it has one. */
export function registryLabel(registry: string): string {
  const url = new URL(registry);
  return url.pathname === '/' ? url.host : `${url.host}${url.pathname.replace(/\/$/, '')}`;
}

/** `text` with every given secret (and anything shaped like an npm token) cut out. */
export function scrub(text: string, secrets: readonly string[]): string {
  return redactSecrets(
    text,
    secrets.filter((secret) => secret.length > 0),
  ).replace(NPM_TOKEN_SHAPED, '[redacted]');
}

export class NpmRegistry {
  readonly label: string;

  constructor(
    /** Normalized (normalizeNpmRegistry). */
    readonly registry: string,
    private readonly send: Fetch,
  ) {
    this.label = registryLabel(registry);
  }

  /** `npm at registry.npmjs.org` — the vendor and the host, as every sentence names them. */
  get who(): string {
    return `npm at ${this.label}`;
  }

  error(code: string, sentence: string, secrets: readonly string[]): DeskError {
    return new DeskError(code, scrub(sentence, secrets));
  }

  /**
   * One request and its answer, whatever the status; throws (in words) only when no
   * usable answer came: unreachable, timed out, a redirect, too large or cut off.
   */
  async call(call: NpmCall, secrets: readonly string[]): Promise<NpmAnswer> {
    const url = typeof call.target === 'string' ? new URL(call.target, this.registry) : call.target;
    // Paths are ours and URLs come from the registry's answers: either way the
    // credential goes nowhere but under the registry.
    if (!withinRegistry(url, this.registry)) {
      throw this.error(
        'npm_foreign_host',
        `${this.who} pointed Token Desk at ${url.origin} to ${call.what}; Token Desk sends your npm credential only to ${this.label}, so it stopped.`,
        secrets,
      );
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (call.auth?.kind === 'bearer') headers.authorization = `Bearer ${call.auth.token}`;
    if (call.auth?.kind === 'basic')
      headers.authorization = `Basic ${Buffer.from(`${call.auth.username}:${call.auth.password}`, 'utf8').toString('base64')}`;
    if (call.otp) headers['npm-otp'] = call.otp;
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    const timeout = AbortSignal.timeout(NPM_TIMEOUT_MS);
    let response: Response;
    try {
      response = await this.send(url, {
        method: call.method,
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        redirect: 'manual',
        signal: call.signal ? AbortSignal.any([timeout, call.signal]) : timeout,
      });
    } catch (error) {
      if (call.signal?.aborted)
        throw this.error(
          'npm_cancelled',
          `Cancelled: Token Desk stopped before it could ${call.what}.`,
          secrets,
        );
      const outbound = findOutboundError(error);
      if (outbound)
        throw this.error(
          'npm_unreachable',
          `${outbound.message} (Token Desk was trying to ${call.what} on ${this.who}.)`,
          secrets,
        );
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      throw this.error(
        'npm_unreachable',
        timedOut
          ? `${this.who} did not answer within ${NPM_TIMEOUT_MS / 1000} seconds when Token Desk tried to ${call.what}. Try again later.`
          : `Token Desk could not reach ${this.who} to ${call.what}. Check the registry URL and your connection.`,
        secrets,
      );
    }
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => {});
      const location = response.headers.get('location');
      let where = 'another address';
      try {
        if (location) where = new URL(location, url).origin;
      } catch {
        // an unparsable Location is still a redirect
      }
      throw this.error(
        'npm_redirected',
        `${this.who} answered with a redirect to ${where} when Token Desk tried to ${call.what}. Token Desk does not follow redirects with your npm credential; check the registry URL (it should be the address npm itself uses).`,
        secrets,
      );
    }
    const maxBytes = call.maxBytes ?? NPM_MAX_ANSWER_BYTES;
    const text = await readBounded(response, maxBytes);
    if (text === TOO_LARGE) {
      throw this.error(
        'npm_bad_response',
        `${this.who} answered more than ${maxBytes / 1024 / 1024} MB when Token Desk tried to ${call.what}, which no npm answer of this kind is. Check the registry URL.`,
        secrets,
      );
    }
    if (text === CUT_OFF) {
      throw this.error(
        'npm_unreachable',
        `${this.who} stopped in the middle of its answer when Token Desk tried to ${call.what}. Try again.`,
        secrets,
      );
    }
    let body: unknown = null;
    if (text) {
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        body = text.slice(0, 500);
      }
    }
    return { status: response.status, headers: response.headers, body };
  }

  /** The registry's own explanation from an error body, short and scrubbed, or null. */
  explanation(answer: NpmAnswer, secrets: readonly string[]): string | null {
    const body = answer.body;
    let text: string | null = null;
    if (typeof body === 'string') text = body;
    else if (body && typeof body === 'object') {
      const record = body as Record<string, unknown>;
      for (const field of ['error', 'message', 'reason']) {
        if (typeof record[field] === 'string') {
          text = record[field];
          break;
        }
      }
    }
    if (!text) return null;
    const clean = text
      .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 200);
    return clean ? scrub(clean, secrets) : null;
  }

  /** A failed answer (not a second-factor request: see two-factor.ts) as a sentence. */
  failure(answer: NpmAnswer, what: string, secrets: readonly string[]): DeskError {
    const said = this.explanation(answer, secrets);
    const because = said ? ` It said: “${said}”.` : '';
    switch (answer.status) {
      case 401:
        return this.error(
          'npm_bad_credential',
          `${this.who} refused the request to ${what}: the password or the signed-in credential was not accepted.${because}`,
          secrets,
        );
      case 403:
        return this.error(
          'npm_forbidden',
          `${this.who} did not allow Token Desk to ${what}.${because} Sign in to npm again in Settings if the connection's credential has expired.`,
          secrets,
        );
      case 404:
        return this.error(
          'npm_not_found',
          `${this.who} has nothing at the address Token Desk used to ${what}.${because} Is the registry URL right?`,
          secrets,
        );
      case 429: {
        const seconds = Number(answer.headers.get('retry-after'));
        const when =
          Number.isFinite(seconds) && seconds > 0
            ? `in ${Math.ceil(seconds / 60)} min`
            : 'in a few minutes';
        return this.error(
          'npm_rate_limited',
          `${this.who} is limiting requests from this account, so Token Desk could not ${what}. Try again ${when}.`,
          secrets,
        );
      }
      default:
        return this.error(
          answer.status >= 500 ? 'npm_unreachable' : 'npm_refused',
          `${this.who} answered ${answer.status} when Token Desk tried to ${what}.${because}${answer.status >= 500 ? ' Try again later.' : ''}`,
          secrets,
        );
    }
  }

  badShape(what: string, detail: string, secrets: readonly string[]): DeskError {
    return this.error(
      'npm_bad_response',
      `${this.who} answered in a form Token Desk does not understand when it tried to ${what} (${detail}). Check the registry URL.`,
      secrets,
    );
  }
}
