/**
 * One face for every CI secret store (GitHub Actions secrets, GitLab CI/CD
 * variables), so the services above (accounts, sending, rotation) do not branch on
 * the provider. Each provider implements it in its own folder; registry.ts lists
 * them. A target of another provider is refused before anything is sent.
 */
import { Compile } from 'typebox/compile';
import {
  DestinationTarget,
  type Provider,
  providerOfTarget,
  providerSpec,
} from '../../shared/ci-destinations.js';
import type { TargetChoice } from '../../shared/ipc-contract.js';
import { DeskError } from '../desk-error.js';

/** What a push did at the provider. */
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

/** A CI secret store, opened with one account's credential on one host. */
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

export function providerName(provider: Provider): string {
  return providerSpec(provider).displayName;
}

export function wrongProvider(provider: Provider, target: DestinationTarget): DeskError {
  const other = providerName(providerOfTarget(target));
  const chosen = providerName(provider);
  return new DeskError(
    'wrong_provider',
    `That target belongs to ${other}, but the account chosen is a ${chosen} account. Choose a ${other} account for it.`,
  );
}

const targetCheck = Compile(DestinationTarget);

/** Whether a value is a valid target by the shared rules. */
export function isValidTarget(value: unknown): value is DestinationTarget {
  return targetCheck.Check(value);
}
