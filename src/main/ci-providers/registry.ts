/**
 * Main's side of each CI provider: how to open its secret store and how its hosts
 * are written. The Record over Provider makes a provider added to the shared
 * registry (src/shared/ci-providers) fail to compile until it has a line here.
 */
import { providerSpec, type Provider } from '../../shared/ci-destinations.js';
import { orList } from '../../shared/ci-providers/spec.js';
import { SERVICE_URL_MESSAGES, normalizeServiceUrl } from '../../shared/service-url.js';
import { DeskError } from '../desk-error.js';
import type { Fetch } from '../ports.js';
import { GitHubProvider } from './github/github-provider.js';
import { githubApiBaseUrl } from './github/github-secrets.js';
import { GitLabProvider } from './gitlab/gitlab-provider.js';
import { gitlabHost } from './gitlab/gitlab-variables.js';
import type { CiProvider, OpenProvider } from './secret-store.js';

interface SecretStoreEntry {
  /** The host as main stores and calls it, from what a person typed (already checked). */
  apiHost(checkedUrl: string): string;
  open(host: string, token: string, fetch?: Fetch): CiProvider;
}

const SECRET_STORES: Record<Provider, SecretStoreEntry> = {
  github: {
    apiHost: githubApiBaseUrl,
    open: (host, token, fetch) => new GitHubProvider(host, token, fetch),
  },
  gitlab: {
    apiHost: gitlabHost,
    open: (host, token, fetch) => new GitLabProvider(host, token, fetch),
  },
};

/** Every provider's requests through `fetch` (the outbound layer, in the app). */
export function openProviderWith(fetch: Fetch): OpenProvider {
  return (provider, host, token) => SECRET_STORES[provider].open(host, token, fetch);
}

/** Over Node's own fetch: for tests that call a provider directly. */
export const openProvider: OpenProvider = (provider, host, token) =>
  SECRET_STORES[provider].open(host, token);

/**
 * The host as main stores and calls it: GitHub's API base URL (github.com →
 * api.github.com, GHES → …/api/v3), GitLab's instance URL. The same safety rules as
 * the service URL (no credentials, query or odd characters; http only to loopback),
 * because a personal access token is sent there.
 */
export function normalizeProviderHost(provider: Provider, raw: string): string {
  const { displayName: name, webHostExamples } = providerSpec(provider);
  const checked = normalizeServiceUrl(raw);
  if (!checked.ok) {
    const message =
      checked.message === SERVICE_URL_MESSAGES.httpsNeeded
        ? `Use https:// for ${name}: over http:// your access token would cross the network unencrypted. http:// is allowed only for this computer (localhost, 127.0.0.1, [::1]).`
        : checked.message === SERVICE_URL_MESSAGES.unparsable
          ? `Enter the ${name} address, for example ${orList(webHostExamples)}.`
          : checked.message.replace('The service URL', `The ${name} address`);
    throw new DeskError('invalid_input', message);
  }
  return SECRET_STORES[provider].apiHost(checked.url);
}
