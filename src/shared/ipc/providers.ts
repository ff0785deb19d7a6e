/** The GitHub and GitLab accounts main holds a credential for, and their targets. */
import { Type } from 'typebox';
import { DestinationTarget, ProviderSchema, type Provider } from '../ci-destinations.js';
import { PROVIDER_TOKEN_PATTERN, URL_MAX_LENGTH } from '../limits.js';
import { Id, NoPayload, channel } from './fields.js';

/** A provider personal access token as typed: printable ASCII, no spaces. */
const ProviderToken = Type.String({ pattern: PROVIDER_TOKEN_PATTERN });

/** A GitHub or GitLab account main holds a credential for; the credential itself never leaves main. */
export interface ProviderAccountInfo {
  id: string;
  provider: Provider;
  /** GitHub: the API base URL (https://api.github.com or GHES's …/api/v3). GitLab: the instance URL. */
  host: string;
  login: string;
}

export interface ProviderAccountList {
  accounts: ProviderAccountInfo[];
  /** False without a keychain: credentials are kept for this run only. */
  remembered: boolean;
}

/** One entry of the searchable target list; the renderer adds visibility or environment scope. */
export type TargetChoice =
  /** `id` is GitHub's: an organization secret shared with selected repositories names them by it. */
  | { kind: 'repository'; id: number; owner: string; repo: string; private: boolean }
  | { kind: 'environment'; owner: string; repo: string; environment: string }
  | { kind: 'organization'; org: string }
  | { kind: 'project'; path: string }
  | { kind: 'group'; path: string };

export const AccountId = Id;

const AddProviderAccountPayload = Type.Object(
  {
    provider: ProviderSchema,
    host: Type.String({ minLength: 1, maxLength: URL_MAX_LENGTH }),
    token: ProviderToken,
    /** Optional: a target to check the credential can manage secrets at. */
    target: Type.Optional(DestinationTarget),
  },
  { additionalProperties: false },
);

const AccountPayload = Type.Object({ accountId: AccountId }, { additionalProperties: false });

const TargetsPayload = Type.Union([
  Type.Object(
    {
      accountId: AccountId,
      list: Type.Union([
        Type.Literal('repositories'),
        Type.Literal('organizations'),
        Type.Literal('groups'),
      ]),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      accountId: AccountId,
      list: Type.Literal('environments'),
      owner: Type.String({ minLength: 1, maxLength: 100 }),
      repo: Type.String({ minLength: 1, maxLength: 100 }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      accountId: AccountId,
      list: Type.Literal('projects'),
      search: Type.Optional(Type.String({ maxLength: 255 })),
    },
    { additionalProperties: false },
  ),
]);

export const PROVIDER_CHANNELS = {
  'providers:list': channel<typeof NoPayload, ProviderAccountList>(NoPayload),
  'providers:add': channel<typeof AddProviderAccountPayload, ProviderAccountInfo>(
    AddProviderAccountPayload,
  ),
  'providers:remove': channel<typeof AccountPayload, null>(AccountPayload),
  'providers:targets': channel<typeof TargetsPayload, TargetChoice[]>(TargetsPayload),
} as const;
