/**
 * One notion of a link to a vendor, whatever it is used for: a Token Desk account
 * (our service: it issues tokens) and a GitHub or GitLab account (it stores CI
 * secrets; once an issuer is registered for its kind, it issues tokens too). Its
 * roles come from the registries, never from a list of its own: a kind in
 * issuers/registry.ts issues tokens, a kind in the CI provider specs stores secrets.
 * The credential is in the vault (vault.ts); nothing here is secret.
 */
import { PROVIDERS } from '../../shared/ci-providers/registry.js';
import type { TokenIssuerRef } from '../../shared/ipc-contract.js';
import type { Vendor } from '../../shared/vendors.js';
import { vendorName } from './vendor-names.js';
import { ISSUERS, isIssuerKind, type IssuerKind } from '../issuers/registry.js';
import type { TokenIssuer } from '../issuers/token-issuer.js';
import type { TokenPlaces } from '../issuers/token-places.js';
import type { RecordOwner } from '../local-store.js';

export type ConnectionKind = IssuerKind | Vendor;

export interface ConnectionRoles {
  issuesTokens: boolean;
  storesSecrets: boolean;
}

export interface Connection {
  id: string;
  kind: ConnectionKind;
  /** The service URL (Token Desk), API base (GitHub) or instance URL (GitLab). */
  host: string;
  /** The email (Token Desk), login (GitHub) or username (GitLab). */
  login: string;
  name: string | null;
  roles: ConnectionRoles;
  /** The Token Desk account it belongs to (a Token Desk connection belongs to itself). */
  owner: RecordOwner;
}

/** An issuer opened for one connection, how its tokens say where they came from, and where they were sent. */
export interface ConnectedIssuer {
  issuer: TokenIssuer;
  ref: TokenIssuerRef;
  places: TokenPlaces;
  connection: Connection;
}

/** How a kind is named on screen: the issuer's or the CI provider's display name. */
export function kindName(kind: ConnectionKind): string {
  return isIssuerKind(kind) ? ISSUERS[kind].displayName : vendorName(kind);
}

/** `tokenless`: connected without an access token, so it stores no CI secrets. */
export function rolesOf(kind: ConnectionKind, tokenless = false): ConnectionRoles {
  return {
    issuesTokens: isIssuerKind(kind),
    storesSecrets: !tokenless && (PROVIDERS as readonly string[]).includes(kind),
  };
}
