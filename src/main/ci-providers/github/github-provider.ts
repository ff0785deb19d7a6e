/**
 * GitHub Actions secrets as a CI secret store: repositories, their environments
 * and organizations, over the GitHubSecrets API client.
 */
import type { DestinationTarget } from '../../../shared/ci-destinations.js';
import type { TargetChoice } from '../../../shared/ipc-contract.js';
import { DeskError } from '../../desk-error.js';
import type { Fetch } from '../../ports.js';
import { ProviderError } from '../provider-error.js';
import {
  isValidTarget,
  wrongProvider,
  type CiProvider,
  type PushOptions,
  type PushOutcome,
  type TargetList,
} from '../secret-store.js';
import { GitHubSecrets, type GitHubTarget } from './github-secrets.js';

function asGitHub(target: DestinationTarget): GitHubTarget {
  if (target.kind === 'repository' || target.kind === 'environment') return target;
  if (target.kind === 'organization') return target;
  throw wrongProvider('github', target);
}

/** Only choices that are valid targets by the shared rules reach the renderer. */
function validChoice(choice: TargetChoice): boolean {
  return isValidTarget(
    choice.kind === 'repository'
      ? { kind: choice.kind, owner: choice.owner, repo: choice.repo }
      : choice.kind === 'organization'
        ? { kind: choice.kind, org: choice.org, visibility: 'private' }
        : choice,
  );
}

export class GitHubProvider implements CiProvider {
  readonly provider = 'github' as const;
  private readonly client: GitHubSecrets;

  constructor(apiBaseUrl: string, token: string, fetch?: Fetch) {
    this.client = new GitHubSecrets({ apiBaseUrl, token, fetch });
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
        if (!isValidTarget(repository))
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
