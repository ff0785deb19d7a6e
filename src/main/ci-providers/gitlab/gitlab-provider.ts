/** GitLab CI/CD variables as a CI secret store: projects and groups, over GitLabVariables. */
import type { DestinationTarget } from '../../../shared/ci-destinations.js';
import type { TargetChoice } from '../../../shared/ipc-contract.js';
import { DeskError } from '../../desk-error.js';
import type { Fetch } from '../../ports.js';
import {
  isValidTarget,
  wrongProvider,
  type CiProvider,
  type PushOptions,
  type PushOutcome,
  type TargetList,
} from '../secret-store.js';
import { GitLabVariables, type GitLabTarget } from './gitlab-variables.js';

function asGitLab(target: DestinationTarget): GitLabTarget {
  if (target.kind !== 'project' && target.kind !== 'group') throw wrongProvider('gitlab', target);
  return target;
}

/** Only choices that are valid targets by the shared rules reach the renderer. */
function validChoice(choice: TargetChoice): boolean {
  return (
    (choice.kind === 'project' || choice.kind === 'group') &&
    isValidTarget({ kind: choice.kind, path: choice.path, environmentScope: '*' })
  );
}

export class GitLabProvider implements CiProvider {
  readonly provider = 'gitlab' as const;
  private readonly client: GitLabVariables;

  constructor(host: string, token: string, fetch?: Fetch) {
    this.client = new GitLabVariables({ host, token, fetch });
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
