/** The GitLab issuer opened on the local GitLab, as main would open it for a connection. */
import type { IssuerContext } from '../../../../src/main/issuers/registry.js';
import {
  openGitLabIssuer,
  type GitLabIssuerHooks,
} from '../../../../src/main/issuers/gitlab/gitlab-issuer.js';
import type { Fetch } from '../../../../src/main/ports.js';
import type { FakeGitLab } from '../../../support/ci-providers/gitlab/fake-gitlab.js';

export const ADA_TOKEN = 'glpat-adaConnection00000001';

export function issuerFor(
  gitlab: FakeGitLab,
  options: { credential?: () => string; fetch?: Fetch; hooks?: GitLabIssuerHooks } = {},
) {
  const credential = options.credential ?? (() => ADA_TOKEN);
  const context: IssuerContext = {
    api: undefined as never,
    sessions: undefined as never,
    fetch: options.fetch ?? fetch,
    prompt: null,
    externalLinks: null,
    timers: { setTimeout: () => 0, clearTimeout: () => undefined },
    now: Date.now,
    credential: () => Promise.resolve(credential()),
    trustHost: () => Promise.resolve(),
    saveCredential: () => Promise.reject(new Error('the GitLab hooks keep a rotated credential')),
  };
  return openGitLabIssuer(
    {
      id: 'c-gitlab-ada',
      owner: { serviceUrl: 'http://127.0.0.1:4780', email: 'ada@example.test' },
      host: gitlab.url,
      login: 'ada',
    },
    context,
    options.hooks,
  );
}

export function inDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString();
}

export function day(days: number): string {
  return inDays(days).slice(0, 10);
}

/** A fetch whose request is given up after `ms`, as the outbound layer's timeout would. */
export function fetchGivingUpAfter(ms: number): Fetch {
  return (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(ms) });
}
