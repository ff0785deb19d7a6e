/**
 * The GitHub issuer against the GitHub token stand-in, with a recording prompt and
 * browser: what the page may send, the prompt cancelled or missing (nothing sent),
 * values of another account (nothing changed or revoked), hostile stored names and
 * records; then tracking, guided rotation and revocation as a person does them.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  GitHubIssuer,
  openGitHubIssuer,
} from '../../../../src/main/issuers/github/github-issuer.js';
import {
  githubTokenPage,
  verifyGitHubConnection,
} from '../../../../src/main/issuers/github/github-connection.js';
import { shownName } from '../../../../src/main/issuers/github/tracked-token-view.js';
import {
  InMemoryTrackedTokenStore,
  type TrackedGitHubToken,
  type TrackedTokenStore,
} from '../../../../src/main/issuers/github/tracked-token-store.js';
import type { IssuerConnection, IssuerContext } from '../../../../src/main/issuers/registry.js';
import type { PromptPort, PromptRequest } from '../../../../src/main/ports.js';
import { GitHubContract } from '../../../support/ci-providers/github/github-contract.js';
import {
  githubTokenValue,
  startGitHubWithTokens,
  type GitHubWithTokens,
} from '../../../support/issuers/github/github-token-stand-in.js';

const contract = new GitHubContract();
const NOW = Date.parse('2026-01-15T10:00:00Z');

/** A prompt that answers from a queue and remembers what it was asked. */
class RecordingPrompt implements PromptPort {
  readonly asked: PromptRequest[] = [];
  readonly answers: (Record<string, string> | null)[] = [];
  async ask(request: PromptRequest) {
    this.asked.push(request);
    if (this.answers.length === 0) throw new Error('the test queued no answer');
    return this.answers.shift() ?? null;
  }
}

async function failureOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected a failure');
}

function leaks(text: string, value: string): boolean {
  for (let start = 0; start + 8 <= value.length; start++)
    if (text.includes(value.slice(start, start + 8))) return true;
  return false;
}

function connection(host: string): IssuerConnection {
  return {
    id: 'c1',
    owner: { serviceUrl: 'http://127.0.0.1:1', email: 'ada@example.com' },
    host,
    login: 'ada',
  };
}

describe.each([
  { label: 'github.com', enterprise: false },
  { label: 'GitHub Enterprise Server', enterprise: true },
])('the GitHub issuer on $label', ({ enterprise }) => {
  let stand: GitHubWithTokens;
  let prompt: RecordingPrompt;
  let opened: string[];
  let store: InMemoryTrackedTokenStore;
  let issuer: GitHubIssuer;
  let sentBefore: number;

  const sent = () => stand.tokens.requests.length - sentBefore;
  const context = (overrides: Partial<IssuerContext> = {}) =>
    ({
      fetch,
      prompt,
      externalLinks: { open: async (url: string) => void opened.push(url) },
      now: () => NOW,
      ...overrides,
    }) as IssuerContext;

  beforeAll(async () => {
    stand = await startGitHubWithTokens({ enterprise, contract });
  });
  afterAll(() => stand.close());
  beforeEach(() => {
    prompt = new RecordingPrompt();
    opened = [];
    store = new InMemoryTrackedTokenStore(() => NOW);
    issuer = new GitHubIssuer(connection(stand.github.apiBaseUrl), context(), store);
    sentBefore = stand.tokens.requests.length;
  });
  afterEach(() => {
    expect(stand.tokens.violations).toEqual([]);
    expect(stand.github.violations).toEqual([]);
  });

  async function track(value: string, name = 'ci-deploy') {
    prompt.answers.push({ value });
    return issuer.create({ name, expiresAt: null });
  }

  describe('what the page may send', () => {
    it.each([
      [{ value: 'ghp_x' }, '“value”'],
      [{ expiresAt: '2030-01-01T00:00:00Z' }, '“expiresAt”'],
      [{ kind: 'classic', login: 'ada' }, '“kind”, “login”'],
      [['value'], 'takes no options'],
      ['ghp_x', 'takes no options'],
    ])('refuses options %j by name, before any prompt or request', async (options, words) => {
      const failure = await failureOf(issuer.create({ name: 'x', expiresAt: null, options }));
      expect(failure.code).toBe('invalid_options');
      expect(failure.message).toContain(words);
      expect(prompt.asked).toEqual([]);
      expect(sent()).toBe(0);
    });

    it('refuses an expiry (GitHub sets it) and a name that could pass for another', async () => {
      const expiry = await failureOf(
        issuer.create({ name: 'x', expiresAt: '2030-01-01T00:00:00.000Z' }),
      );
      expect(expiry.code).toBe('invalid_expiry');
      const pasted = githubTokenValue('classic');
      for (const name of [
        'ci-\u200bdeploy',
        'ci\u202Eyolped',
        '',
        'a'.repeat(101),
        'a\nb',
        pasted,
        `deploy ${githubTokenValue('fine-grained')}`,
      ]) {
        expect((await failureOf(issuer.create({ name, expiresAt: null }))).code).toBe(
          'invalid_name',
        );
      }
      const refusal = await failureOf(issuer.create({ name: pasted, expiresAt: null }));
      expect(refusal.message).toContain('looks like a token');
      expect(leaks(refusal.message, pasted)).toBe(false);
      expect(prompt.asked).toEqual([]);
      expect(sent()).toBe(0);
    });
  });

  describe('the prompt', () => {
    it('cancelled: nothing is sent and nothing tracked', async () => {
      prompt.answers.push(null);
      const failure = await failureOf(issuer.create({ name: 'ci-deploy', expiresAt: null }));
      expect(failure.code).toBe('cancelled');
      expect(sent()).toBe(0);
      expect(await store.list()).toEqual([]);
    });

    it('missing (no prompt here): said in words, nothing sent', async () => {
      const without = new GitHubIssuer(
        connection(stand.github.apiBaseUrl),
        context({ prompt: null }),
        store,
      );
      expect((await failureOf(without.create({ name: 'x', expiresAt: null }))).code).toBe(
        'prompt_unavailable',
      );
      const record = await store.add({
        name: 'x',
        kind: 'classic',
        login: 'ada',
        scopes: [],
        expiresAt: null,
        expiryCheckedAt: null,
      });
      expect((await failureOf(without.rotate(record.id))).code).toBe('prompt_unavailable');
      expect((await failureOf(without.revoke(record.id))).code).toBe('prompt_unavailable');
      expect(opened).toEqual([]);
      expect(sent()).toBe(0);
      expect(await store.list()).toHaveLength(1);
    });

    it('a value that is not a personal access token is refused before anything is sent', async () => {
      const failure = await failureOf(track(`gho_${'a'.repeat(36)}`));
      expect(failure.code).toBe('github_not_a_token');
      expect(sent()).toBe(0);
      expect(await store.list()).toEqual([]);
    });

    it('asks in words where the value goes, in a secret field', async () => {
      await track(stand.tokens.addToken({ login: 'ada' }));
      expect(prompt.asked[0]).toMatchObject({
        title: 'Track a GitHub token',
        fields: [{ id: 'value', kind: 'secret' }],
      });
      expect(prompt.asked[0]?.message).toContain('never stores it');
      expect(prompt.asked[0]?.message).toContain(new URL(stand.github.apiBaseUrl).host);
    });
  });

  describe('hostile records and names', () => {
    it('shows stored names without invisible or direction characters, cut to 100', async () => {
      expect(shownName('ci-\u200bdeploy')).toBe('ci- deploy');
      expect(shownName('\u202Eyolped-ic')).toBe('yolped-ic');
      expect(shownName('a\u0000b\u2028c\u{E0041}')).toBe('a b c');
      expect([...shownName('x'.repeat(500))]).toHaveLength(100);
      expect(shownName('\u200b\u200b')).toBe('(unnamed)');
    });

    it('lists a damaged record not at all, and a hostile name cleaned', async () => {
      const records: TrackedGitHubToken[] = [
        {
          id: 'good',
          name: 'ci-\u200Bdeploy\u202E',
          kind: 'classic',
          login: 'ada',
          scopes: ['repo', '<script>'],
          createdAt: '2026-01-01T00:00:00.000Z',
          expiresAt: 'not a date',
          expiryCheckedAt: '2026-01-02T00:00:00.000Z',
        },
        { ...baseRecord(), id: 'bad id with spaces' },
        { ...baseRecord(), id: 'bad-kind', kind: 'oauth' as never },
        { ...baseRecord(), id: 'bad-login', login: 'ada\u202E' },
      ];
      const hostile: TrackedTokenStore = {
        list: async () => records,
        add: async () => {
          throw new Error('unused');
        },
        update: async () => {
          throw new Error('unused');
        },
        remove: async () => false,
      };
      const listing = await new GitHubIssuer(
        connection(stand.github.apiBaseUrl),
        context(),
        hostile,
      ).list();
      expect(listing.map((token) => token.id)).toEqual(['good']);
      expect(listing[0]).toMatchObject({
        name: 'ci- deploy',
        expiresAt: null,
        facts: { scopes: ['Repositories, full control (repo)'] },
      });
    });
  });

  describe('tracking', () => {
    it('records login, kind, expiry and scopes, and hands the value back once', async () => {
      const value = stand.tokens.addToken({
        login: 'ada',
        scopes: ['repo', 'workflow', 'read:org'],
        expiration: '2026-02-01 09:00:00 UTC',
      });
      const issued = await track(`${value}\n`);
      expect(issued.secret).toBe(value);
      expect(issued).toMatchObject({
        name: 'ci-deploy',
        prefix: '',
        expiresAt: '2026-02-01T09:00:00.000Z',
        lastUsedAt: null,
        destinationCount: 0,
        facts: {
          source: { kind: 'github', variant: 'classic' },
          scopes: [
            'Repositories, full control (repo)',
            'Actions workflows (workflow)',
            'Organizations, read (read:org)',
          ],
          rotation: 'guided',
          canRevoke: true,
          unknown: { lastUse: 'GitHub does not tell when a personal access token was used' },
          status: 'active',
        },
      });
      expect(issued.facts?.source.label).toContain('ada');
      const [record] = await store.list();
      expect(JSON.stringify(record)).not.toContain(value);
      expect(record).toMatchObject({
        login: 'ada',
        kind: 'classic',
        expiryCheckedAt: new Date(NOW).toISOString(),
      });
      const listed = await issuer.list();
      expect(listed).toHaveLength(1);
      expect(listed[0]).not.toHaveProperty('secret');
      expect(await issuer.get(issued.id)).toEqual(listed[0]);
    });

    it("every request leaves through the context's fetch (main's outbound layer)", async () => {
      const through: string[] = [];
      const outbound: typeof fetch = (input, init) => {
        through.push(String(input));
        return fetch(input, init);
      };
      const routed = new GitHubIssuer(
        connection(stand.github.apiBaseUrl),
        context({ fetch: outbound }),
        store,
      );
      const value = stand.tokens.addToken({ login: 'ada' });
      prompt.answers.push({ value });
      const tracked = await routed.create({ name: 'ci', expiresAt: null });
      prompt.answers.push({ value: enterprise ? '' : value });
      await routed.revoke(tracked.id);
      expect(through).toHaveLength(sent());
      expect(through.length).toBe(enterprise ? 1 : 3);
    });

    it('an expired token is listed as expired; a malformed expiry as unknown', async () => {
      await track(
        stand.tokens.addToken({ login: 'ada', expiration: '2026-01-01 00:00:00 UTC' }),
        'old',
      );
      await track(
        stand.tokens.addToken({ login: 'ada', expiration: '2026-02-30 00:00:00 UTC' }),
        'odd',
      );
      const [old, odd] = await issuer.list();
      expect(old?.facts?.status).toBe('expired');
      expect(odd).toMatchObject({
        expiresAt: null,
        facts: { status: 'active', unknown: { expiry: 'Unknown until the value is checked' } },
      });
    });

    it('a value GitHub refuses is not tracked, and never in the error', async () => {
      const value = githubTokenValue('fine-grained');
      const failure = await failureOf(track(value));
      expect(failure.code).toBe('github_token_refused');
      expect(leaks(failure.message, value)).toBe(false);
      expect(await store.list()).toEqual([]);
    });

    it('an unknown id is token_not_found', async () => {
      expect((await failureOf(issuer.get('nope'))).code).toBe('token_not_found');
      expect((await failureOf(issuer.rotate('nope'))).code).toBe('token_not_found');
      expect((await failureOf(issuer.revoke('nope'))).code).toBe('token_not_found');
    });
  });

  describe('guided rotation', () => {
    it('opens the token page, takes the new value once, checks the login, records the new expiry', async () => {
      const old = stand.tokens.addToken({ login: 'ada', expiration: '2026-02-01 09:00:00 UTC' });
      const tracked = await track(old);
      const fresh = stand.tokens.regenerate(old, '2026-05-01 09:00:00 UTC');
      prompt.answers.push({ value: fresh, oldValue: '' });
      const rotated = await issuer.rotate(tracked.id, { gracePeriodSeconds: 3600 });
      expect(opened).toEqual([githubTokenPage(stand.github.apiBaseUrl, 'classic')]);
      expect(opened[0]).toMatch(/\/settings\/tokens$/);
      expect(rotated).toMatchObject({
        id: tracked.id,
        secret: fresh,
        expiresAt: '2026-05-01T09:00:00.000Z',
        previous: { id: tracked.id, graceEndsAt: null },
      });
      expect(rotated.previous).not.toHaveProperty('revokeAfterPush');
      const asked = prompt.asked.at(-1);
      expect(asked?.message).toContain('Regenerate token');
      expect(asked?.fields.map((field) => field.id)).toEqual(
        enterprise ? ['value'] : ['value', 'oldValue'],
      );
      expect(stand.tokens.revoked).not.toContain(old);
    });

    it('refuses a new value of another login: nothing changed, nothing revoked', async () => {
      const tracked = await track(stand.tokens.addToken({ login: 'ada' }));
      const before = await store.list();
      const eve = stand.tokens.addToken({ login: 'eve' });
      prompt.answers.push({ value: eve });
      const failure = await failureOf(issuer.rotate(tracked.id));
      expect(failure.code).toBe('github_other_account');
      expect(failure.message).toContain('eve');
      expect(leaks(failure.message, eve)).toBe(false);
      expect(await store.list()).toEqual(before);
    });

    it('cancelled: nothing sent after the page was opened, the record unchanged', async () => {
      const tracked = await track(stand.tokens.addToken({ login: 'ada' }));
      const before = await store.list();
      sentBefore = stand.tokens.requests.length;
      prompt.answers.push(null);
      const failure = await failureOf(issuer.rotate(tracked.id));
      expect(failure.code).toBe('cancelled');
      expect(failure.message).toContain('rotate again');
      expect(sent()).toBe(0);
      expect(await store.list()).toEqual(before);
    });

    it('refuses a new expiry from the page (GitHub sets it)', async () => {
      const tracked = await track(stand.tokens.addToken({ login: 'ada' }));
      const failure = await failureOf(
        issuer.rotate(tracked.id, { expiresAt: '2030-01-01T00:00:00.000Z' }),
      );
      expect(failure.code).toBe('invalid_expiry');
      expect(opened).toEqual([]);
    });

    it('still guides when the browser cannot be opened: the prompt names the page', async () => {
      const tracked = await track(stand.tokens.addToken({ login: 'ada', kind: 'fine-grained' }));
      const noBrowser = new GitHubIssuer(
        connection(stand.github.apiBaseUrl),
        context({
          externalLinks: {
            open: async () => {
              throw new Error('no browser');
            },
          },
        }),
        store,
      );
      prompt.answers.push(null);
      await failureOf(noBrowser.rotate(tracked.id));
      expect(prompt.asked.at(-1)?.message).toContain(
        githubTokenPage(stand.github.apiBaseUrl, 'fine-grained'),
      );
      expect(prompt.asked.at(-1)?.message).toMatch(/^Open /);
    });

    if (!enterprise) {
      it('made a new token instead: revokes the old value through GitHub once it is the same login', async () => {
        const old = stand.tokens.addToken({ login: 'ada' });
        const tracked = await track(old);
        const fresh = stand.tokens.addToken({ login: 'ada' });
        prompt.answers.push({ value: fresh, oldValue: ` ${old} ` });
        await issuer.rotate(tracked.id);
        expect(stand.tokens.isLive(old)).toBe(false);
        expect(stand.tokens.isLive(fresh)).toBe(true);
        expect(stand.tokens.revoked.at(-1)).toBe(old);
      });

      it('never revokes an old value of another login, nor the new value pasted twice', async () => {
        const tracked = await track(stand.tokens.addToken({ login: 'ada' }));
        const fresh = stand.tokens.addToken({ login: 'ada' });
        const eve = stand.tokens.addToken({ login: 'eve' });
        prompt.answers.push({ value: fresh, oldValue: eve });
        const other = await failureOf(issuer.rotate(tracked.id));
        expect(other.code).toBe('github_other_account');
        expect(stand.tokens.isLive(eve)).toBe(true);
        prompt.answers.push({ value: fresh, oldValue: fresh });
        expect((await failureOf(issuer.rotate(tracked.id))).code).toBe('github_same_value');
        expect(stand.tokens.isLive(fresh)).toBe(true);
        expect(stand.tokens.revoked).not.toContain(eve);
      });
    }
  });

  describe('revocation', () => {
    it('cancelled: still tracked, nothing sent', async () => {
      const value = stand.tokens.addToken({ login: 'ada' });
      const tracked = await track(value);
      sentBefore = stand.tokens.requests.length;
      prompt.answers.push(null);
      expect((await failureOf(issuer.revoke(tracked.id))).code).toBe('cancelled');
      expect(sent()).toBe(0);
      expect(await store.list()).toHaveLength(1);
      expect(stand.tokens.isLive(value)).toBe(true);
    });

    it('without a value: stops tracking only, and says the token keeps working', async () => {
      const value = stand.tokens.addToken({ login: 'ada' });
      const tracked = await track(value);
      sentBefore = stand.tokens.requests.length;
      prompt.answers.push({ value: '' });
      await issuer.revoke(tracked.id);
      expect(await store.list()).toEqual([]);
      expect(sent()).toBe(0);
      expect(stand.tokens.isLive(value)).toBe(true);
      expect(prompt.asked.at(-1)?.message).toMatch(
        enterprise ? /no API to revoke/ : /keeps working until you delete it/,
      );
    });

    if (!enterprise) {
      it("with the value: checked as the tracked login's, revoked on GitHub, then forgotten", async () => {
        const value = stand.tokens.addToken({ login: 'ada' });
        const tracked = await track(value);
        prompt.answers.push({ value });
        await issuer.revoke(tracked.id);
        expect(stand.tokens.isLive(value)).toBe(false);
        expect(await store.list()).toEqual([]);
        const revocation = stand.tokens.requests.at(-1);
        expect(revocation).toMatchObject({ path: '/credentials/revoke', authenticated: false });
      });

      it("refuses someone else's value or another kind: nothing revoked, still tracked", async () => {
        const tracked = await track(stand.tokens.addToken({ login: 'ada' }));
        const eve = stand.tokens.addToken({ login: 'eve' });
        prompt.answers.push({ value: eve });
        const other = await failureOf(issuer.revoke(tracked.id));
        expect(other.code).toBe('github_other_account');
        expect(leaks(other.message, eve)).toBe(false);
        const fineGrained = stand.tokens.addToken({ login: 'ada', kind: 'fine-grained' });
        prompt.answers.push({ value: fineGrained });
        expect((await failureOf(issuer.revoke(tracked.id))).code).toBe('github_other_token');
        expect(stand.tokens.isLive(eve)).toBe(true);
        expect(stand.tokens.isLive(fineGrained)).toBe(true);
        expect(stand.tokens.revoked).not.toContain(eve);
        expect(await store.list()).toHaveLength(1);
      });

      it('a value GitHub no longer accepts has nothing left to revoke: forgotten, nothing posted', async () => {
        const value = stand.tokens.addToken({ login: 'ada' });
        const tracked = await track(value);
        stand.tokens.regenerate(value);
        prompt.answers.push({ value });
        await issuer.revoke(tracked.id);
        expect(stand.tokens.requests.at(-1)).toMatchObject({ path: '/user', status: 401 });
        expect(await store.list()).toEqual([]);
      });

      it('a failed revocation keeps the record, in words without the value', async () => {
        const value = stand.tokens.addToken({ login: 'ada' });
        const tracked = await track(value);
        stand.tokens.misbehaveNext('/credentials/revoke', { kind: 'echo', status: 422 });
        prompt.answers.push({ value });
        const failure = await failureOf(issuer.revoke(tracked.id));
        expect(failure.code).toBe('github_revoke_refused');
        expect(leaks(failure.message, value)).toBe(false);
        expect(await store.list()).toHaveLength(1);
      });
    }

    it('revokeMany asks for each and reports what was gone', async () => {
      const first = await track(stand.tokens.addToken({ login: 'ada' }), 'one');
      const second = await track(stand.tokens.addToken({ login: 'ada' }), 'two');
      prompt.answers.push({ value: '' }, { value: '' });
      expect(await issuer.revokeMany([first.id, 'gone', second.id])).toEqual({
        revoked: [first.id, second.id],
        notFound: ['gone'],
      });
    });
  });
});

function baseRecord(): TrackedGitHubToken {
  return {
    id: 'x',
    name: 'x',
    kind: 'classic',
    login: 'ada',
    scopes: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    expiresAt: null,
    expiryCheckedAt: null,
  };
}

describe('the GitHub connection', () => {
  let stand: GitHubWithTokens;
  beforeAll(async () => {
    stand = await startGitHubWithTokens({ contract });
  });
  afterAll(() => stand.close());

  it('needs no credential; with one, GitHub says whose it is and when it expires', async () => {
    expect(
      await verifyGitHubConnection({ host: stand.github.apiBaseUrl, credential: null }, fetch),
    ).toEqual({
      apiBase: stand.github.apiBaseUrl,
      login: null,
      credential: null,
    });
    const value = stand.tokens.addToken({ login: 'ada', expiration: '2026-03-01 12:00:00 UTC' });
    const verified = await verifyGitHubConnection(
      { host: `${stand.github.apiBaseUrl}/`, credential: value },
      fetch,
    );
    expect(verified).toMatchObject({
      login: 'ada',
      credential: { expiresAt: '2026-03-01T12:00:00.000Z' },
    });
    expect(stand.tokens.violations).toEqual([]);
  });

  it.each([
    'http://github.example.com',
    'https://user:pass@github.example.com',
    'https://github.example.com/?next=evil',
    'javascript:alert(1)',
    'not a url',
  ])('refuses the address %s before anything is sent', async (host) => {
    const before = stand.tokens.requests.length;
    const failure = await failureOf(
      verifyGitHubConnection({ host, credential: githubTokenValue('classic') }, fetch),
    );
    expect(failure.code).toBe('invalid_host');
    expect(stand.tokens.requests.length).toBe(before);
    expect(() =>
      openGitHubIssuer(connection(host), {} as IssuerContext, new InMemoryTrackedTokenStore()),
    ).toThrow(/GitHub address|usable address/);
  });

  it('names each GitHub\u2019s token pages', () => {
    expect(githubTokenPage('https://api.github.com', 'classic')).toBe(
      'https://github.com/settings/tokens',
    );
    expect(githubTokenPage('https://api.github.com', 'fine-grained')).toBe(
      'https://github.com/settings/personal-access-tokens',
    );
    expect(githubTokenPage('https://ghe.example.com/api/v3', 'classic')).toBe(
      'https://ghe.example.com/settings/tokens',
    );
  });
});
