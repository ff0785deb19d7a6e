/**
 * What a create form may offer for one connection, asked of main before the form is
 * filled: the GitLab projects and groups the person may make tokens for, Cloudflare's
 * permission groups with the accounts and zones the connection's token can see. Every
 * name here came from the vendor and was cleaned in main (hidden and reordering
 * characters made visible, lengths cut); `notes` say in sentences what was left out.
 */
import { Type } from 'typebox';
import { ConnectionId } from './tokens.js';
import { channel } from './fields.js';

/** A GitLab project (Maintainer or more) or group (Owner) a token can be made for. */
export interface GitLabNamespaceChoice {
  kind: 'project' | 'group';
  id: number;
  /** `group/project` as GitLab names it. */
  path: string;
}

export interface CloudflarePermissionChoice {
  id: string;
  name: string;
  /** What it applies to (`com.cloudflare.api.account.zone`, …). */
  scopes: string[];
}

export interface CloudflareAccountChoice {
  id: string;
  name: string;
}

export interface CloudflareZoneChoice {
  id: string;
  name: string;
  /** The account the zone belongs to; null when Cloudflare did not say. */
  accountId: string | null;
}

/** What the form may offer, as the issuer read it from its vendor. */
export type VendorChoices =
  | { kind: 'gitlab'; namespaces: GitLabNamespaceChoice[]; notes: string[] }
  | {
      kind: 'cloudflare';
      permissionGroups: CloudflarePermissionChoice[];
      accounts: CloudflareAccountChoice[];
      zones: CloudflareZoneChoice[];
      /** The user the connection's token belongs to (for "Yourself"); null for an account's token. */
      userId: string | null;
      notes: string[];
    }
  /** Nothing to choose beyond name and expiry (our service, npm, GitHub). */
  | { kind: 'none'; notes: string[] };

/** The source's own limits on a new token, from its capabilities. */
export interface CreateLimits {
  /** False for a source that only tracks tokens made elsewhere (GitHub). */
  create: boolean;
  /** The longest a new token may last, in days; null: no limit. */
  maxExpiryDays: number | null;
  expiryRequired: boolean;
}

export type CreateChoices = VendorChoices & { limits: CreateLimits };

const CreateChoicesPayload = Type.Object(
  { connectionId: ConnectionId },
  { additionalProperties: false },
);

export const CREATE_CHOICE_CHANNELS = {
  'tokens:create-choices': channel<typeof CreateChoicesPayload, CreateChoices>(
    CreateChoicesPayload,
  ),
} as const;
