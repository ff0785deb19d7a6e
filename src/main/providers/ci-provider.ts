/**
 * One face for GitHub Actions secrets and GitLab CI/CD variables, so the services
 * above (accounts, sending, rotation) do not branch on the provider. A target of
 * the other provider is refused here, before anything is sent.
 */
import { Compile } from 'typebox/compile';
import {
  DestinationTarget,
  type Provider,
  providerOfTarget,
} from '../../shared/ci-destinations.js';
import type { TargetChoice } from '../../shared/ipc-contract.js';
import { SERVICE_URL_MESSAGES, normalizeServiceUrl } from '../../shared/service-url.js';
import { DeskError } from '../desk-error.js';
import { GitHubSecrets, githubApiBaseUrl, type GitHubTarget } from './github-secrets.js';
import { GitLabVariables, gitlabHost, type GitLabTarget } from './gitlab-variables.js';
import { ProviderError } from './provider-error.js';

export type PushOutcome = 'created' | 'updated';

export interface PushOptions {
  /** GitLab: masked unless the user says otherwise. */
  masked?: boolean;
  protected?: boolean;
  /** GitHub organization secrets with visibility "selected". */
  selectedRepositoryIds?: number[];
  /**
   * A rotation updating a place it pushed to before: keep that place's own settings
   * as the provider holds them now (GitLab's masked/protected flags, a GitHub
   * organization secret's visibility and repositories).
   */
  keepExistingSettings?: boolean;
}

export type TargetList =
  | { list: 'repositories' | 'organizations' | 'groups' }
  | { list: 'environments'; owner: string; repo: string }
  | { list: 'projects'; search?: string };

export interface CiProvider {
  readonly provider: Provider;
  whoami(): Promise<string>;
  targets(request: TargetList): Promise<TargetChoice[]>;
  exists(target: DestinationTarget, name: string): Promise<boolean>;
  push(
    target: DestinationTarget,
    name: string,
    value: string,
    options: PushOptions,
  ): Promise<PushOutcome>;
}

export type OpenProvider = (provider: Provider, host: string, token: string) => CiProvider;

const PROVIDER_NAMES: Record<Provider, string> = { github: 'GitHub', gitlab: 'GitLab' };
const targetCheck = Compile(DestinationTarget);

export function providerName(provider: Provider): string {
  return PROVIDER_NAMES[provider];
}

/**
 * The host as main stores and calls it: GitHub's API base URL (github.com →
 * api.github.com, GHES → …/api/v3), GitLab's instance URL. The same safety rules as
 * the service URL (no credentials, query or odd characters; http only to loopback),
 * because a personal access token is sent there.
 */
export function normalizeProviderHost(provider: Provider, raw: string): string {
  const name = PROVIDER_NAMES[provider];
  const checked = normalizeServiceUrl(raw);
  if (!checked.ok) {
    const message =
      checked.message === SERVICE_URL_MESSAGES.httpsNeeded
        ? `Use https:// for ${name}: over http:// your access token would cross the network unencrypted. http:// is allowed only for this computer (localhost, 127.0.0.1, [::1]).`
        : checked.message === SERVICE_URL_MESSAGES.unparsable
          ? `Enter the ${name} address, for example ${provider === 'github' ? 'https://github.com or https://ghe.example.com' : 'https://gitlab.com or https://gitlab.example.com'}.`
          : checked.message.replace('The service URL', `The ${name} address`);
    throw new DeskError('invalid_input', message);
  }
  return provider === 'github' ? githubApiBaseUrl(checked.url) : gitlabHost(checked.url);
}

export function wrongProvider(provider: Provider, target: DestinationTarget): DeskError {
  const other = providerOfTarget(target);
  return new DeskError(
    'wrong_provider',
    `That target belongs to ${PROVIDER_NAMES[other]}, but the account chosen is a ${PROVIDER_NAMES[provider]} account. Choose a ${PROVIDER_NAMES[other]} account for it.`,
  );
}

function asGitHub(target: DestinationTarget): GitHubTarget {
  if (target.kind === 'repository' || target.kind === 'environment') return target;
  if (target.kind === 'organization') return target;
  throw wrongProvider('github', target);
}

function asGitLab(target: DestinationTarget): GitLabTarget {
  if (target.kind !== 'project' && target.kind !== 'group') throw wrongProvider('gitlab', target);
  return target;
}

/** Only choices that are valid targets by the shared rules reach the renderer. */
function validChoice(choice: TargetChoice): boolean {
  const asTarget =
    choice.kind === 'repository'
      ? { kind: choice.kind, owner: choice.owner, repo: choice.repo }
      : choice.kind === 'organization'
        ? { kind: choice.kind, org: choice.org, visibility: 'private' }
        : choice.kind === 'environment'
          ? choice
          : { kind: choice.kind, path: choice.path, environmentScope: '*' };
  return targetCheck.Check(asTarget);
}

class GitHubProvider implements CiProvider {
  readonly provider = 'github' as const;
  private readonly client: GitHubSecrets;

  constructor(apiBaseUrl: string, token: string) {
    this.client = new GitHubSecrets({ apiBaseUrl, token });
  }

  async whoami(): Promise<string> {
    return (await this.client.whoami()).login;
  }

  async targets(request: TargetList): Promise<TargetChoice[]> {
    let choices: TargetChoice[];
    switch (request.list) {
      case 'repositories':
        // Writing Actions secrets needs admin on the repository.
        choices = (await this.client.listRepositories())
          .filter((repository) => repository.canWriteSecrets)
          .map(({ id, owner, repo, private: isPrivate }) => ({
            kind: 'repository',
            // GitHub's id: organization secrets with visibility "selected" name repositories by it.
            id,
            owner,
            repo,
            private: isPrivate,
          }));
        break;
      case 'environments': {
        const repository = { kind: 'repository', owner: request.owner, repo: request.repo };
        if (!targetCheck.Check(repository))
          throw new DeskError('invalid_input', 'Choose a GitHub repository from the list first.');
        choices = (await this.client.listEnvironments(request.owner, request.repo)).map(
          (environment) => ({
            kind: 'environment',
            owner: request.owner,
            repo: request.repo,
            environment,
          }),
        );
        break;
      }
      case 'organizations':
        choices = (await this.client.listOrganizations()).map((org) => ({
          kind: 'organization',
          org,
        }));
        break;
      default:
        throw new DeskError(
          'wrong_provider',
          'GitHub has repositories, environments and organizations; projects and groups are GitLab’s.',
        );
    }
    return choices.filter(validChoice);
  }

  exists(target: DestinationTarget, name: string): Promise<boolean> {
    return this.client.secretExists(asGitHub(target), name);
  }

  async push(
    target: DestinationTarget,
    name: string,
    value: string,
    options: PushOptions,
  ): Promise<PushOutcome> {
    const github = asGitHub(target);
    if (github.kind !== 'organization') return this.client.pushSecret(github, name, value);
    if (options.keepExistingSettings) {
      // An admin may have narrowed (or widened) the secret on GitHub since it was
      // recorded: GitHub's current visibility wins, the recorded one only recreates
      // a secret that is gone.
      const current = await this.client.orgSecretAccess(github.org, name);
      if (current) return this.client.pushSecret({ ...github, ...current }, name, value);
      if (github.visibility === 'selected') {
        throw new ProviderError(
          'provider_not_found',
          `The secret ${name} no longer exists in the GitHub organization ${github.org}. It was shared with selected repositories, which Token Desk does not keep, so it was not recreated: send the token to it again and choose the repositories, or remove this place.`,
        );
      }
      return this.client.pushSecret(
        { kind: 'organization', org: github.org, visibility: github.visibility },
        name,
        value,
      );
    }
    if (github.visibility !== 'selected')
      return this.client.pushSecret(
        { kind: 'organization', org: github.org, visibility: github.visibility },
        name,
        value,
      );
    if (!options.selectedRepositoryIds?.length) {
      throw new ProviderError(
        'provider_invalid_name',
        'Choose at least one repository for an organization secret with selected visibility.',
      );
    }
    return this.client.pushSecret(
      { ...github, selectedRepositoryIds: options.selectedRepositoryIds },
      name,
      value,
    );
  }
}

class GitLabProvider implements CiProvider {
  readonly provider = 'gitlab' as const;
  private readonly client: GitLabVariables;

  constructor(host: string, token: string) {
    this.client = new GitLabVariables({ host, token });
  }

  async whoami(): Promise<string> {
    return (await this.client.whoami()).username;
  }

  async targets(request: TargetList): Promise<TargetChoice[]> {
    let choices: TargetChoice[];
    switch (request.list) {
      case 'projects':
        choices = (await this.client.listProjects(request.search || undefined)).map(({ path }) => ({
          kind: 'project',
          path,
        }));
        break;
      case 'groups':
        choices = (await this.client.listGroups()).map(({ path }) => ({ kind: 'group', path }));
        break;
      default:
        throw new DeskError(
          'wrong_provider',
          'GitLab has projects and groups; repositories, environments and organizations are GitHub’s.',
        );
    }
    return choices.filter(validChoice);
  }

  exists(target: DestinationTarget, name: string): Promise<boolean> {
    return this.client.variableExists(asGitLab(target), name);
  }

  async push(
    target: DestinationTarget,
    name: string,
    value: string,
    options: PushOptions,
  ): Promise<PushOutcome> {
    const gitlab = asGitLab(target);
    const existing = options.keepExistingSettings
      ? await this.client.variableFlags(gitlab, name)
      : null;
    const flags = existing ?? {
      masked: options.masked ?? true,
      protected: options.protected ?? false,
    };
    return this.client.pushVariable(gitlab, name, value, flags);
  }
}

export const openProvider: OpenProvider = (provider, host, token) =>
  provider === 'github' ? new GitHubProvider(host, token) : new GitLabProvider(host, token);
