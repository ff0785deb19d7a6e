/**
 * npm's second factor, handled as npm's own client does (npm/cli lib/utils/auth.js
 * `otplease`, npm-profile `webAuthOpener` / `webAuthCheckLogin`):
 *
 * - a request answered 401 with `www-authenticate: OTP` (or "one-time pass" in the
 *   body: npm-registry-fetch's heuristic) needs a one-time code: with `authUrl` and
 *   `doneUrl` in the body, the person approves in the browser (open authUrl, poll
 *   doneUrl: 202 + Retry-After until approved, then 200 with `{token}`), else they
 *   type the code from their authenticator; either way the request is sent once more
 *   with `npm-otp`;
 * - npm's web login (`POST /-/v1/login` → `{loginUrl, doneUrl}`) polls the same way
 *   and ends with the session token itself.
 *
 * Main asks for the code in its own prompt; Token Desk opens only an https address
 * (http only on this computer) and polls only under the registry. The poll has a
 * time limit and a cancel (an AbortSignal), and never runs in a tight loop.
 */
import type { ExternalLinksPort, PromptPort, Timers } from '../../ports.js';
import { isLoopbackServiceUrl } from '../../../shared/service-url.js';
import type { NpmAnswer, NpmRegistry } from './npm-registry.js';

/** How long a person has to approve in the browser. */
export const WEB_APPROVAL_LIMIT_MS = 5 * 60_000;
/** Between two polls when the registry does not say (npm polls at once; we do not hammer). */
const DEFAULT_POLL_MS = 2_000;
/** The longest wait between two polls, whatever Retry-After says. */
const MAX_POLL_MS = 30_000;

export interface SecondFactorPorts {
  prompt: PromptPort | null;
  externalLinks: ExternalLinksPort | null;
  timers: Timers;
  now: () => number;
  /** Cancels a browser approval in progress. */
  signal?: AbortSignal;
  /** Overrides WEB_APPROVAL_LIMIT_MS (tests). */
  webApprovalLimitMs?: number;
}

/** What a 401 asked for: a typed code, or a browser approval. */
export type SecondFactor = { kind: 'otp' } | { kind: 'web'; authUrl: string; doneUrl: string };

/** Whether `answer` asks for a second factor, and which (npm-registry-fetch check-response.js). */
export function secondFactorAsked(answer: NpmAnswer): SecondFactor | null {
  if (answer.status !== 401) return null;
  const challenge = (answer.headers.get('www-authenticate') ?? '')
    .split(/,\s*/)
    .map((part) => part.trim().toLowerCase());
  const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? '');
  if (!challenge.includes('otp') && !/one-time pass/.test(text)) return null;
  const body =
    answer.body && typeof answer.body === 'object' ? (answer.body as Record<string, unknown>) : {};
  if (typeof body.authUrl === 'string' && typeof body.doneUrl === 'string')
    return { kind: 'web', authUrl: body.authUrl, doneUrl: body.doneUrl };
  return { kind: 'otp' };
}

/** An address main may hand to the browser: https, or http on this computer; nothing else. */
export function openableUrl(raw: string): URL | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.username || url.password) return null;
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopbackServiceUrl(url.href)) return url;
  return null;
}

/**
 * Sends `attempt` once; if the registry asks for a second factor, gets it (a prompt,
 * or the browser) and sends it once more with the code. A second refusal is a
 * sentence, never a third attempt: a wrong code tells the person, it does not loop.
 */
export async function withSecondFactor(
  registry: NpmRegistry,
  ports: SecondFactorPorts,
  what: string,
  secrets: string[],
  attempt: (otp: string | undefined) => Promise<NpmAnswer>,
  /** Sent with each poll of a browser approval (the connection's credential), if any. */
  pollAuth: { kind: 'bearer'; token: string } | null,
): Promise<NpmAnswer> {
  const first = await attempt(undefined);
  const asked = secondFactorAsked(first);
  if (!asked) return first;
  // A sign-in stopped from the window asks nothing more and sends nothing more.
  stopIfAborted(registry, ports, what, secrets);
  let otp: string;
  if (asked.kind === 'web') {
    otp = await approveInBrowser(registry, ports, asked, what, secrets, pollAuth);
  } else {
    otp = await askForCode(registry, ports.prompt, what, secrets);
  }
  secrets.push(otp);
  stopIfAborted(registry, ports, what, secrets);
  const second = await attempt(otp);
  if (secondFactorAsked(second)) {
    throw registry.error(
      'npm_otp_refused',
      asked.kind === 'otp'
        ? `${registry.who} did not accept the one-time code, so it did not ${what}. Nothing was changed; try again with a fresh code from your authenticator.`
        : `${registry.who} asked for two-factor authentication again after the browser approval, so it did not ${what}. Nothing was changed; try again.`,
      secrets,
    );
  }
  return second;
}

function stopIfAborted(
  registry: NpmRegistry,
  ports: SecondFactorPorts,
  what: string,
  secrets: readonly string[],
): void {
  if (ports.signal?.aborted)
    throw registry.error(
      'npm_cancelled',
      `Cancelled: it was stopped, so Token Desk sent nothing more to npm and did not ${what}.`,
      secrets,
    );
}

async function askForCode(
  registry: NpmRegistry,
  prompt: PromptPort | null,
  what: string,
  secrets: readonly string[],
): Promise<string> {
  if (!prompt)
    throw registry.error(
      'npm_prompt_unavailable',
      `${registry.who} asks for a one-time code to ${what}, and Token Desk has no way to ask you for one here.`,
      secrets,
    );
  const answer = await prompt.ask({
    title: 'npm one-time code',
    message: `${registry.who} asks for a one-time code from your authenticator app to ${what}. Token Desk sends it only to ${registry.label}, once, and does not keep it.`,
    fields: [
      {
        id: 'otp',
        label: 'One-time code',
        kind: 'one-time-code',
        hint: 'The 6-digit code your authenticator app shows for npm.',
      },
    ],
    submitLabel: 'Continue',
  });
  const code = answer?.otp?.trim() ?? '';
  if (answer === null)
    throw registry.error(
      'npm_cancelled',
      `Cancelled: no one-time code was sent, so Token Desk did not ${what}. Nothing was changed.`,
      secrets,
    );
  if (!/^[A-Za-z0-9]{4,64}$/.test(code))
    throw registry.error(
      'npm_otp_refused',
      `That is not a one-time code (it should be the digits your authenticator shows). Nothing was sent; try again.`,
      secrets,
    );
  return code;
}

/**
 * Opens the registry's approval page and polls `doneUrl` until it answers 200 with a
 * token: the one-time code for the retried request (otplease), or a web login's session
 * token. The URLs come from the registry and are checked before anything is opened or
 * sent.
 */
export async function approveInBrowser(
  registry: NpmRegistry,
  ports: SecondFactorPorts,
  asked: { authUrl: string; doneUrl: string },
  what: string,
  secrets: readonly string[],
  pollAuth: { kind: 'bearer'; token: string } | null,
): Promise<string> {
  const authUrl = openableUrl(asked.authUrl);
  if (!authUrl) {
    throw registry.error(
      'npm_bad_response',
      `${registry.who} asked Token Desk to open an address that is neither https nor on this computer to ${what}. Token Desk did not open it; nothing was changed.`,
      secrets,
    );
  }
  let doneUrl: URL;
  try {
    doneUrl = new URL(asked.doneUrl, registry.registry);
  } catch {
    throw registry.badShape(what, 'its doneUrl is not an address', secrets);
  }
  if (
    doneUrl.origin !== new URL(registry.registry).origin ||
    doneUrl.username ||
    doneUrl.password
  ) {
    throw registry.error(
      'npm_foreign_host',
      `${registry.who} asked Token Desk to wait for the approval at ${doneUrl.origin}, not at ${registry.label}. Token Desk polls only the registry itself, so it stopped; nothing was opened or changed.`,
      secrets,
    );
  }
  if (!ports.externalLinks)
    throw registry.error(
      'npm_prompt_unavailable',
      `${registry.who} asks you to approve in your browser to ${what}, and Token Desk cannot open a browser here.`,
      secrets,
    );
  const limit = ports.webApprovalLimitMs ?? WEB_APPROVAL_LIMIT_MS;
  const deadline = ports.now() + limit;
  await ports.externalLinks.open(authUrl.href);
  for (;;) {
    if (ports.signal?.aborted)
      throw registry.error(
        'npm_cancelled',
        `Cancelled: Token Desk stopped waiting for the browser approval, so it did not ${what}.`,
        secrets,
      );
    const answer = await registry.call(
      {
        method: 'GET',
        target: doneUrl,
        auth: pollAuth,
        what: `wait for your approval to ${what}`,
        signal: ports.signal,
      },
      secrets,
    );
    if (answer.status === 200) {
      const token = (answer.body as { token?: unknown } | null)?.token;
      if (typeof token !== 'string' || token.length === 0 || token.length > 4096)
        throw registry.badShape(what, 'the approval finished without a token', secrets);
      return token;
    }
    if (answer.status !== 202) throw registry.failure(answer, what, secrets);
    const retryAfter = Number(answer.headers.get('retry-after'));
    const wait = Math.min(
      MAX_POLL_MS,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : DEFAULT_POLL_MS,
    );
    if (ports.now() + wait >= deadline) {
      throw registry.error(
        'npm_approval_timeout',
        `The browser approval was not finished within ${Math.round(limit / 60_000)} minutes, so Token Desk stopped waiting and did not ${what}. Nothing was changed; try again and approve in the page npm opened.`,
        secrets,
      );
    }
    await sleep(ports, wait);
  }
}

function sleep(ports: SecondFactorPorts, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const handle = ports.timers.setTimeout(done, ms);
    function done() {
      ports.signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort() {
      ports.timers.clearTimeout(handle);
      resolve();
    }
    ports.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
