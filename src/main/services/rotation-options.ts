/**
 * What the page asked of a rotation beyond the token (a new expiry, how the old value
 * ends), checked against what the token's issuer offers (shared/issuers/rotation-choices)
 * before the vendor hears of it: the page is untrusted, and a vendor that rotates at
 * once must never be asked twice, so a wrong choice is refused here, in words, rather
 * than by the vendor half-way through.
 */
import {
  ISO_INSTANT,
  rotationChoices,
  type RotationStyleChoice,
} from '../../shared/issuers/rotation-choices.js';
import { DeskError } from '../desk-error.js';
import { rollKeepsExpiry, type RotateOptions, type TokenIssuer } from '../issuers/token-issuer.js';
import { ISSUERS, isIssuerKind } from '../issuers/registry.js';

const DAY_MS = 86_400_000;

const issuerName = (kind: string): string =>
  isIssuerKind(kind) ? ISSUERS[kind].displayName : kind;

/** A rotation's choices as the page sent them (absent: the issuer's own default). */
export interface RotationRequest {
  expiresAt?: string | null;
  style?: RotationStyleChoice;
}

/** A payload's rotation choices, only those the page sent. */
export function requestOf({ expiresAt, style }: RotationRequest): RotationRequest {
  return {
    ...(expiresAt === undefined ? {} : { expiresAt }),
    ...(style === undefined ? {} : { style }),
  };
}

/** The vendor's part of RotateOptions: the choices that passed, nothing else. */
export type VendorRotateOptions = Pick<RotateOptions, 'expiresAt' | 'style'>;

/** The request, checked for `issuer`; throws `invalid_rotation` or `invalid_expiry` in words. */
export function checkRotationRequest(
  issuer: Pick<TokenIssuer, 'kind' | 'capabilities'>,
  request: RotationRequest,
  now: number,
): VendorRotateOptions {
  const choices = rotationChoices(issuer.kind);
  const name = issuerName(issuer.kind);
  const options: VendorRotateOptions = {};
  if (request.style !== undefined) {
    if (!choices.styles.includes(request.style))
      throw new DeskError(
        'invalid_rotation',
        issuer.kind === 'token-desk'
          ? 'Token Desk’s own tokens keep the old secret for the grace period set in Settings; there is no other way to choose.'
          : `${name} decides by itself how a rotation ends the old value, so there is nothing to choose. Nothing was rotated.`,
      );
    options.style = request.style;
  }
  if (request.expiresAt !== undefined) {
    if (!choices.expiry)
      throw new DeskError(
        'invalid_rotation',
        issuer.kind === 'token-desk'
          ? 'A rotation of a Token Desk token keeps its lifetime; the old secret lasts for the grace period. To choose another expiry, create a new token. Nothing was rotated.'
          : issuer.kind === 'github'
            ? 'GitHub sets the new expiry when you regenerate the token there; Token Desk reads it from GitHub. Nothing was rotated.'
            : `${name} keeps the token’s expiry when it rotates it, so a new one cannot be chosen here. Nothing was rotated.`,
      );
    options.expiresAt = checkExpiry(request.expiresAt, issuer, name, now);
  }
  if (options.style === 'at-once' && options.expiresAt !== undefined) throw rollKeepsExpiry(name);
  return options;
}

function checkExpiry(
  expiresAt: string | null,
  { capabilities }: Pick<TokenIssuer, 'capabilities'>,
  name: string,
  now: number,
): string | null {
  if (expiresAt === null) {
    if (capabilities.expiryRequired)
      throw new DeskError(
        'invalid_expiry',
        `${name} tokens must expire: choose when the new one does. Nothing was rotated.`,
      );
    // "Never" is past any longest lifetime (GitLab's 365 days); leaving the expiry out
    // keeps the token's own lifetime, which the issuer caps. Where the longest depends on
    // the token (npm: only write tokens), the issuer refuses it for those it bounds.
    if ((capabilities.maxExpiryDays ?? null) !== null && !capabilities.maxExpiryDaysPerToken)
      throw new DeskError(
        'invalid_expiry',
        `${name} tokens last at most ${capabilities.maxExpiryDays} days here: choose when the new one expires, or keep its lifetime. Nothing was rotated.`,
      );
    return null;
  }
  const at = ISO_INSTANT.test(expiresAt) ? Date.parse(expiresAt) : NaN;
  if (!Number.isFinite(at))
    throw new DeskError(
      'invalid_expiry',
      'The new expiry is not a date and time Token Desk can read. Nothing was rotated.',
    );
  if (at <= now)
    throw new DeskError(
      'invalid_expiry',
      'The new expiry has already passed: choose a day in the future. Nothing was rotated.',
    );
  const maxDays = capabilities.maxExpiryDaysPerToken ? null : (capabilities.maxExpiryDays ?? null);
  if (maxDays !== null && at > now + maxDays * DAY_MS)
    throw new DeskError(
      'invalid_expiry',
      `${name} tokens may last at most ${maxDays} days: choose an earlier expiry. Nothing was rotated.`,
    );
  return new Date(at).toISOString();
}
