/**
 * Everything a vendor story in the window needs, for one spec file: a desk (the real
 * token service and harness, an account signed in), a real npm registry (Verdaccio on
 * loopback, with a user made for the run), the local GitHub (Enterprise paths, with
 * GitHub's token endpoints), the local GitLab (CI variables and its token API) and the
 * local Cloudflare. Around them, what the stories ask of the world outside the window:
 * answer main's prompt (queued, or typed in the real prompt page as a person would),
 * whether a value works at its vendor right now, what a GitHub secret or GitLab
 * variable holds, and whether any secret the run saw is at rest anywhere but the
 * keychain.
 */
import { expect, type BrowserContext, type Page } from '@playwright/test';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { KEYCHAIN_SERVICE, PROVIDER_KEYCHAIN_SERVICE } from '../../src/main/connections/vault.js';
import { methodName } from '../../src/shared/ipc-channels.js';
import type { FakeGitHub } from '../support/ci-providers/github/fake-github.js';
import { startFakeGitLab, type FakeGitLab } from '../support/ci-providers/gitlab/fake-gitlab.js';
import {
  PERMISSION_GROUPS,
  startFakeCloudflare,
  type FakeCloudflare,
} from '../support/issuers/cloudflare/fake-cloudflare.js';
import {
  startGitHubWithTokens,
  type GitHubTokenStandIn,
  type GitHubWithTokens,
} from '../support/issuers/github/github-token-stand-in.js';
import { startVerdaccio, type Verdaccio } from '../support/issuers/npm/verdaccio.js';
import { startDesk, type Desk } from './desk-fixture.js';
import { pageStorage } from './in-page.mjs';
import { findCredentials } from '../support/keychain-scan.js';

/** GitLab's Maintainer role: may make project access tokens and write CI variables. */
const MAINTAINER = 40;

/** The one person of the run, at every vendor. */
export const LOGIN = 'ada';
export const REPOSITORY = 'ada/app';
export const PROJECT = 'acme/app';
/** Never the desk's own password: a match in a scan must say which one leaked. */
export const NPM_PASSWORD = 'npm vendor-e2e Pa55word';
const GL_TOKEN = 'glpat-vendorE2eAda0000000001';
const CLOUDFLARE_EMAIL = 'ada@example.test';

export type Vendor = 'npm' | 'gitlab' | 'cloudflare' | 'github';

/** A bridge call's answer, as main sends it to the page. */
export type BridgeResult<T> =
  { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

export interface PendingPrompt {
  url: string;
  title: string;
}

export interface VendorDesk {
  desk: Desk;
  registry: Verdaccio;
  github: FakeGitHub;
  /** GitHub's token endpoints on the same fake: tokens to track, Regenerate, GET /user. */
  githubTokens: GitHubTokenStandIn;
  gitlab: FakeGitLab;
  cloudflare: FakeCloudflare;
  /** What the person types or pastes to connect each vendor. */
  accounts: {
    npm: { registry: string; login: string; password: string };
    github: { host: string; token: string };
    gitlab: { host: string; token: string };
    cloudflare: { apiBase: string; token: string };
  };

  /** Remembers values for the scan at rest (every secret the stories see). */
  remember(...values: string[]): void;
  /** Remembers token values the desk handed out once: not even the keychain may keep them. */
  issued(...values: string[]): void;
  /** Every secret remembered so far. */
  secrets(): string[];

  /** Queues the answer to main's next prompt: values by field id, or null for Cancel. */
  answerNextPrompt(values: Record<string, string> | null): Promise<void>;
  /** The prompt main shows now, if any. */
  pendingPrompt(): Promise<PendingPrompt | null>;
  /**
   * Waits for main's prompt titled `title`, opens the real prompt page as a window of
   * its own, types `values` into the fields with those labels and presses `submit`.
   */
  typeInPrompt(
    context: BrowserContext,
    title: string,
    values: Record<string, string>,
    submit: string,
  ): Promise<void>;

  /**
   * The HTTP status the vendor answers a request made with `value` now. Verdaccio
   * answers an unknown bearer as anonymous (200, no user): `accepts` says whether the
   * value works; this is for "refused with 401/403".
   */
  statusAt(vendor: Vendor, value: string): Promise<number>;
  /** Whether the vendor takes `value` as the person's credential now (npm: whoami names them). */
  accepts(vendor: Vendor, value: string): Promise<boolean>;
  /** The value of a GitHub Actions secret of the repository (decrypted by the fake). */
  githubSecret(name: string, repository?: string): string | undefined;
  /** The value of a GitLab project's CI/CD variable. */
  gitlabVariable(key: string, project?: string): string | undefined;

  /** A bridge call from the page, as the window makes it; throws with main's words if refused. */
  invoke<T>(page: Page, channel: string, payload: unknown): Promise<T>;
  /** A bridge call from the page, its refusal returned rather than thrown. */
  tryInvoke<T>(page: Page, channel: string, payload: unknown): Promise<BridgeResult<T>>;

  /**
   * Where any remembered secret, or any credential main holds in the keychain, is found
   * outside the keychain: the settings folder, the token service's data folder, the
   * harness's output and the page's storage; and any value handed out (`issued`) in the
   * keychain too. One line per find, never the value.
   */
  secretsAtRest(page: Page): Promise<string[]>;
  stop(): Promise<void>;
}

/** Every file under `dir`, each read whole as text (binary bytes only garble, never hide, text). */
function filesUnder(dir: string): Array<{ path: string; text: string }> {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory()
      ? filesUnder(path)
      : [{ path, text: readFileSync(path).toString('latin1') }];
  });
}

/** A keychain entry's secret: the entry itself, or a stored session's token. */
function heldSecret(entry: string): string {
  try {
    const parsed = JSON.parse(entry) as { token?: unknown } | null;
    if (parsed && typeof parsed.token === 'string') return parsed.token;
  } catch {
    // Not JSON: the entry is the credential itself.
  }
  return entry;
}

async function answerOf(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { headers });
  const text = await response.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    // Not JSON: only the status says anything.
  }
  return { status: response.status, body };
}

export async function startVendorDesk(label: string): Promise<VendorDesk> {
  const started = await Promise.allSettled([
    startDesk(label),
    startVerdaccio(),
    startGitHubWithTokens({ enterprise: true }),
    startFakeGitLab(),
    startFakeCloudflare(),
  ] as const);
  const [deskStart, registryStart, githubStart, gitlabStart, cloudflareStart] = started;
  const stops = [
    deskStart.status === 'fulfilled' ? () => deskStart.value.stop() : null,
    registryStart.status === 'fulfilled' ? () => registryStart.value.stop() : null,
    githubStart.status === 'fulfilled' ? () => githubStart.value.close() : null,
    gitlabStart.status === 'fulfilled' ? () => gitlabStart.value.close() : null,
    cloudflareStart.status === 'fulfilled' ? () => cloudflareStart.value.close() : null,
  ].filter((stop): stop is () => Promise<void> => stop !== null);
  const stopAll = async () => {
    await Promise.allSettled(stops.map((stop) => stop()));
  };
  if (
    deskStart.status === 'rejected' ||
    registryStart.status === 'rejected' ||
    githubStart.status === 'rejected' ||
    gitlabStart.status === 'rejected' ||
    cloudflareStart.status === 'rejected'
  ) {
    await stopAll();
    const failed = started.find((result) => result.status === 'rejected');
    throw (failed as PromiseRejectedResult).reason;
  }
  const desk = deskStart.value;
  const registry = registryStart.value;
  const withTokens: GitHubWithTokens = githubStart.value;
  const gitlab = gitlabStart.value;
  const cloudflare = cloudflareStart.value;
  const { github, tokens: githubTokens } = withTokens;

  const seen = new Set<string>();
  const handedOut = new Set<string>();
  const remember = (...values: string[]) => {
    for (const value of values) if (value) seen.add(value);
  };
  try {
    // npm: a user on the registry, signed in with the password in main's prompt.
    remember(NPM_PASSWORD, await registry.addUser(LOGIN, NPM_PASSWORD));
    // GitHub: one classic token that both stores Actions secrets (the fake's account)
    // and is a token GitHub knows (GET /user says whose it is).
    const githubToken = githubTokens.addToken({ login: LOGIN, scopes: ['repo'] });
    github.addAccount(githubToken, LOGIN, ['repo']);
    github.addRepository(LOGIN, 'app', { admins: [LOGIN] });
    // GitLab: a personal token with `api`, Maintainer of the project.
    gitlab.addUser(GL_TOKEN, LOGIN);
    gitlab.addProject(PROJECT, { [LOGIN]: MAINTAINER });
    // Cloudflare: a token that may make tokens (and say whose it is).
    const cloudflareUser = cloudflare.addUser(CLOUDFLARE_EMAIL, [
      PERMISSION_GROUPS.apiTokensWrite.id,
      PERMISSION_GROUPS.userDetailsRead.id,
    ]);
    remember(githubToken, GL_TOKEN, cloudflareUser.value);

    const accounts: VendorDesk['accounts'] = {
      npm: { registry: registry.url, login: LOGIN, password: NPM_PASSWORD },
      github: { host: new URL(github.apiBaseUrl).origin, token: githubToken },
      gitlab: { host: gitlab.url, token: GL_TOKEN },
      cloudflare: { apiBase: cloudflare.apiBase, token: cloudflareUser.value },
    };

    const control = (path: string, init: RequestInit = {}) =>
      fetch(`${desk.harness.origin}${path}`, {
        ...init,
        headers: {
          'x-harness-control-key': desk.controlKey,
          'content-type': 'application/json',
        },
      });

    const vendorAnswer = (vendor: Vendor, value: string) => {
      switch (vendor) {
        // `npm whoami`: the registry's answer to the token as a bearer.
        case 'npm':
          return answerOf(`${registry.url}-/whoami`, { authorization: `Bearer ${value}` });
        case 'gitlab':
          return answerOf(`${gitlab.url}/api/v4/personal_access_tokens/self`, {
            'private-token': value,
          });
        case 'cloudflare':
          return answerOf(`${cloudflare.apiBase}/user/tokens/verify`, {
            authorization: `Bearer ${value}`,
          });
        case 'github':
          return answerOf(`${github.apiBaseUrl}/user`, {
            authorization: `token ${value}`,
            accept: 'application/vnd.github+json',
          });
      }
    };

    const pendingPrompt = async (): Promise<PendingPrompt | null> => {
      const response = await control('/__harness/prompts/pending');
      expect(response.status).toBe(200);
      return ((await response.json()) as { pending: PendingPrompt | null }).pending;
    };

    const tryInvoke = async <T>(page: Page, channel: string, payload: unknown) =>
      (await page.evaluate(
        ([method, body]) =>
          (globalThis as unknown as Record<string, Record<string, (p: unknown) => unknown>>)
            .tokenDesk![method]!(body),
        [methodName(channel), payload] as const,
      )) as BridgeResult<T>;

    return {
      desk,
      registry,
      github,
      githubTokens,
      gitlab,
      cloudflare,
      accounts,
      remember,
      issued(...values) {
        remember(...values);
        for (const value of values) if (value) handedOut.add(value);
      },
      secrets: () => [...seen],

      async answerNextPrompt(values) {
        const response = await control('/__harness/prompt/next', {
          method: 'POST',
          body: JSON.stringify({ values }),
        });
        expect(response.status).toBe(200);
      },
      pendingPrompt,
      async typeInPrompt(context, title, values, submit) {
        let pending: PendingPrompt | null = null;
        await expect
          .poll(async () => (pending = await pendingPrompt())?.title ?? null, {
            message: `main's prompt "${title}"`,
          })
          .toBe(title);
        const prompt = await context.newPage();
        try {
          await prompt.goto(`${desk.harness.origin}${pending!.url}`);
          const form = prompt.getByRole('form', { name: title });
          await expect(form).toBeVisible();
          for (const [fieldLabel, value] of Object.entries(values))
            await form.getByLabel(fieldLabel, { exact: true }).fill(value);
          await form.getByRole('button', { name: submit, exact: true }).click();
          await expect(prompt.getByRole('heading', { name: 'Sent' })).toBeVisible();
        } finally {
          await prompt.close();
        }
      },

      async statusAt(vendor, value) {
        return (await vendorAnswer(vendor, value)).status;
      },
      async accepts(vendor, value) {
        const { status, body } = await vendorAnswer(vendor, value);
        if (status !== 200) return false;
        // As `npm whoami` decides: the registry names the user the token belongs to.
        if (vendor === 'npm') return (body as { username?: unknown } | null)?.username === LOGIN;
        return true;
      },
      githubSecret: (name, repository = REPOSITORY) => github.secret(repository, name),
      gitlabVariable: (key, project = PROJECT) => gitlab.variable('project', project, key)?.value,

      tryInvoke,
      async invoke<T>(page: Page, channel: string, payload: unknown) {
        const result = await tryInvoke<T>(page, channel, payload);
        if (!result.ok)
          throw new Error(`main refused ${channel}: ${result.error.code}: ${result.error.message}`);
        return result.value;
      },

      async secretsAtRest(page) {
        const entries = [
          ...(await findCredentials(PROVIDER_KEYCHAIN_SERVICE)),
          ...(await findCredentials(KEYCHAIN_SERVICE)),
        ];
        const held = entries.map((entry) => heldSecret(entry.password));
        const needles = [...new Set([...seen, ...held])].filter((value) => value.length >= 8);
        const places = [
          ...filesUnder(desk.settingsDir),
          // The token service keeps where each vendor token was sent: never its value.
          ...filesUnder(join(dirname(desk.settingsDir), 'service')),
          { path: 'the harness output', text: desk.harness.output.join('') },
          { path: "the page's storage", text: await page.evaluate(pageStorage) },
        ];
        const found: string[] = [];
        // Connections' credentials belong in the keychain; a token handed out does not.
        const keychain = entries.map((entry) => entry.password).join('\n');
        for (const value of handedOut)
          if (keychain.includes(value))
            found.push(`${value.slice(0, 4)}… (${value.length} characters) in the keychain`);
        for (const needle of needles)
          for (const place of places)
            if (place.text.includes(needle))
              found.push(`${needle.slice(0, 4)}… (${needle.length} characters) in ${place.path}`);
        return found;
      },

      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
