/**
 * Connecting an npm account: signing in as `npm login` does, and checking a credential.
 *
 * signInToNpm follows npm-profile's `login`: npm's web login first (`POST /-/v1/login`
 * → `{loginUrl, doneUrl}`: open loginUrl in the browser, poll doneUrl until it answers
 * 200 with the token); a registry that does not offer it (4xx or 500, npm's
 * "WebLoginNotSupported") gets the couch login instead (`PUT
 * /-/user/org.couchdb.user:<name>` with the password; on 409, npm-profile's
 * `loginCouch` reads the user document and PUTs it to `/-rev/<rev>` with Basic
 * authentication), with a one-time code when the registry asks (otplease). The
 * password is asked in main's own prompt and goes only to the registry; the token
 * that comes back is the connection's credential (main keeps it in the keychain).
 *
 * npmjs.com's login tokens are sessions of two hours since December 2025: a connection
 * made this way must sign in again after that (verifyNpmConnection then says so).
 */
import { Type } from 'typebox';
import { Compile } from 'typebox/compile';
import { DeskError } from '../../desk-error.js';
import type { ExternalLinksPort, Fetch, PromptPort, Timers } from '../../ports.js';
import { NpmRegistry, normalizeNpmRegistry } from './npm-registry.js';
import {
  approveInBrowser,
  openableUrl,
  withSecondFactor,
  type SecondFactorPorts,
} from './two-factor.js';

export interface NpmSignInPorts {
  prompt: PromptPort | null;
  fetch: Fetch;
  externalLinks: ExternalLinksPort | null;
  timers: Timers;
  now?: () => number;
  /** Cancels a browser sign-in in progress. */
  signal?: AbortSignal;
  webApprovalLimitMs?: number;
}

const WhoAmI = Type.Object({ username: Type.String({ minLength: 1, maxLength: 214 }) });
const whoamiCheck = Compile(WhoAmI);
// npm user names: lower case, URL-safe, at most 214 characters (Verdaccio allows more; this is what we send).
const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._~-]{0,213}$/;

function registryOf(raw: string, fetch: Fetch): NpmRegistry {
  const normalized = normalizeNpmRegistry(raw);
  if (!normalized.ok) throw new DeskError('npm_bad_registry', normalized.message);
  return new NpmRegistry(normalized.url, fetch);
}

/**
 * Who `credential` belongs to at `registry` (`GET /-/whoami`), and the registry as the
 * issuer will use it. Called when the person connects the account and to check it later.
 */
export async function verifyNpmConnection(
  registry: string,
  credential: string,
  { fetch }: { fetch: Fetch },
): Promise<{ login: string; registry: string }> {
  const npm = registryOf(registry, fetch);
  const secrets = [credential];
  const what = 'check who this npm credential belongs to';
  const answer = await npm.call(
    { method: 'GET', target: '-/whoami', auth: { kind: 'bearer', token: credential }, what },
    secrets,
  );
  if (answer.status === 401 || answer.status === 403)
    throw npm.error(
      'npm_bad_credential',
      `${npm.who} no longer accepts this connection's credential (it may have expired: npm's sign-ins last two hours). Sign in to npm again in Settings.`,
      secrets,
    );
  if (answer.status !== 200) throw npm.failure(answer, what, secrets);
  // A registry that does not know the token may still answer 200, as for someone not
  // signed in (Verdaccio: `{}`, its anonymous user having no name): that is a refused
  // token, not a strange answer. Any other shape stays a strange answer.
  const body = answer.body as Record<string, unknown> | null;
  const keys =
    typeof body === 'object' && body !== null && !Array.isArray(body) ? Object.keys(body) : null;
  if (
    keys !== null &&
    (keys.length === 0 || (keys.length === 1 && keys[0] === 'username' && body!.username === null))
  )
    throw npm.error(
      'npm_bad_credential',
      `${npm.who} does not accept this token: it answered as for someone not signed in. Check that the token was made on this registry and has not been deleted.`,
      secrets,
    );
  if (!whoamiCheck.Check(answer.body) || !USER_NAME.test(answer.body.username))
    throw npm.badShape(what, 'no user name', secrets);
  return { login: answer.body.username, registry: npm.registry };
}

/** Signs in to `registry` as npm login does; the password never leaves main except to the registry. */
export async function signInToNpm(
  registry: string,
  ports: NpmSignInPorts,
): Promise<{ token: string; username: string; registry: string }> {
  const npm = registryOf(registry, ports.fetch);
  const secondFactor: SecondFactorPorts = {
    prompt: ports.prompt,
    externalLinks: ports.externalLinks,
    timers: ports.timers,
    now: ports.now ?? Date.now,
    signal: ports.signal,
    webApprovalLimitMs: ports.webApprovalLimitMs,
  };
  const token = (await webLogin(npm, secondFactor)) ?? (await couchLogin(npm, secondFactor));
  if (ports.signal?.aborted) return signOutStopped(npm, token);
  const { login } = await verifyNpmConnection(npm.registry, token, { fetch: ports.fetch });
  // Stopped while the registry said whose it is: the session is not kept either.
  if (ports.signal?.aborted) return signOutStopped(npm, token);
  return { token, username: login, registry: npm.registry };
}

/**
 * A sign-in stopped after the registry had made its session token: nothing keeps it, so
 * it is signed out again as npm logout does (`DELETE /-/user/token/{token}` with it as
 * the bearer), and the person is told whether that worked. Never dropped unsaid.
 */
async function signOutStopped(npm: NpmRegistry, token: string): Promise<never> {
  let signedOut = false;
  try {
    const answer = await npm.call(
      {
        method: 'DELETE',
        target: `-/user/token/${encodeURIComponent(token)}`,
        auth: { kind: 'bearer', token },
        what: 'sign out the stopped sign-in',
      },
      [token],
    );
    signedOut = answer.status >= 200 && answer.status < 300;
  } catch {
    // Said below: the session is left to end by itself.
  }
  throw new DeskError(
    'npm_cancelled',
    signedOut
      ? `Stopped: ${npm.who} had already signed you in, so Token Desk signed that session out again. Nothing was kept.`
      : `Stopped: ${npm.who} had already signed you in, and Token Desk could not sign that session out again. Nothing was kept; the session ends by itself (after two hours on registry.npmjs.org), or sign out of it at ${npm.label}.`,
  );
}

/** npm's web login, or null when the registry does not offer it. */
async function webLogin(npm: NpmRegistry, ports: SecondFactorPorts): Promise<string | null> {
  const what = 'sign in to npm in your browser';
  const answer = await npm.call(
    { method: 'POST', target: '-/v1/login', auth: null, body: {}, what },
    [],
  );
  // npm-profile webAuth: 4xx or 500 means "not supported here", and npm falls back.
  if ((answer.status >= 400 && answer.status <= 499) || answer.status === 500) return null;
  if (answer.status !== 200) throw npm.failure(answer, what, []);
  const body = (answer.body && typeof answer.body === 'object' ? answer.body : {}) as Record<
    string,
    unknown
  >;
  if (
    typeof body.loginUrl !== 'string' ||
    typeof body.doneUrl !== 'string' ||
    !/^https?:/.test(body.loginUrl)
  )
    throw npm.badShape(what, 'no loginUrl and doneUrl', []);
  if (!openableUrl(body.loginUrl))
    throw npm.error(
      'npm_bad_response',
      `${npm.who} asked Token Desk to open an address that is neither https nor on this computer to sign in. Token Desk did not open it.`,
      [],
    );
  return approveInBrowser(
    npm,
    ports,
    { authUrl: body.loginUrl, doneUrl: body.doneUrl },
    'sign in',
    [],
    null,
  );
}

async function couchLogin(npm: NpmRegistry, ports: SecondFactorPorts): Promise<string> {
  if (!ports.prompt)
    throw new DeskError(
      'npm_prompt_unavailable',
      'Signing in to npm needs your user name and password, and Token Desk has no way to ask for them here.',
    );
  const typed = await ports.prompt.ask({
    title: 'Sign in to npm',
    message: `Token Desk signs in to ${npm.label} as npm login does, to list, create and delete your npm tokens. Your password goes only to ${npm.label}, once; Token Desk keeps the sign-in token npm answers with, in your keychain, never the password.`,
    fields: [
      { id: 'username', label: 'npm user name', kind: 'text' },
      { id: 'password', label: 'Password', kind: 'password' },
    ],
    submitLabel: 'Sign in',
  });
  if (typed === null) throw new DeskError('npm_cancelled', 'Cancelled: nothing was sent to npm.');
  // Stopped from the window while the prompt was open: the password goes nowhere.
  if (ports.signal?.aborted)
    throw new DeskError(
      'npm_cancelled',
      'Cancelled: the sign-in was stopped, and nothing was sent to npm.',
    );
  const username = (typed.username ?? '').trim();
  const password = typed.password ?? '';
  if (!USER_NAME.test(username))
    throw new DeskError(
      'invalid_request',
      'Type your npm user name: letters, digits and . _ ~ - only.',
    );
  if (password.length === 0) throw new DeskError('invalid_request', 'Type your npm password.');
  const secrets = [password];
  const what = `sign in to npm as ${username}`;
  const path = `-/user/org.couchdb.user:${encodeURIComponent(username)}`;
  const document = {
    _id: `org.couchdb.user:${username}`,
    name: username,
    password,
    type: 'user',
    roles: [] as string[],
    date: new Date(ports.now()).toISOString(),
  };
  const answer = await withSecondFactor(
    npm,
    ports,
    what,
    secrets,
    async (otp) => {
      const first = await npm.call(
        { method: 'PUT', target: path, auth: null, body: document, otp, what },
        secrets,
      );
      if (first.status !== 409) return first;
      // The user exists: npm-profile reads its document, then PUTs it to its revision
      // with the name and password as Basic authentication.
      const current = await npm.call(
        { method: 'GET', target: `${path}?write=true`, auth: null, what },
        secrets,
      );
      const merged: Record<string, unknown> = { ...document };
      if (current.status === 200 && current.body && typeof current.body === 'object') {
        for (const [key, value] of Object.entries(current.body as Record<string, unknown>)) {
          if (key === '__proto__') continue;
          if (merged[key] === undefined || key === 'roles') merged[key] = value;
        }
      }
      const revision = typeof merged._rev === 'string' ? merged._rev : String(merged._rev);
      return npm.call(
        {
          method: 'PUT',
          target: `${path}/-rev/${encodeURIComponent(revision)}`,
          auth: { kind: 'basic', username, password },
          body: merged,
          otp,
          what,
        },
        secrets,
      );
    },
    null,
  );
  if (answer.status === 400)
    throw npm.error('npm_bad_credential', `${npm.who} has no user called “${username}”.`, secrets);
  if (answer.status !== 200 && answer.status !== 201) {
    if (answer.status === 401 || answer.status === 403)
      throw npm.error(
        'npm_bad_credential',
        `${npm.who} did not accept that user name and password.`,
        secrets,
      );
    throw npm.failure(answer, what, secrets);
  }
  const token = (answer.body as { token?: unknown } | null)?.token;
  if (typeof token !== 'string' || token.length < 8 || token.length > 4096)
    throw npm.error(
      'npm_incomplete',
      `${npm.who} accepted the sign-in but sent no token, so Token Desk cannot act for you there. Try again.`,
      secrets,
    );
  return token;
}
