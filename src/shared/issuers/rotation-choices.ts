/**
 * What a person may choose when rotating a token, per issuer: a new expiry (npm,
 * GitLab and Cloudflare's new token are made with the one asked for; Cloudflare's roll
 * keeps the token's expiry, so an expiry goes with making a new token only), how the
 * old value ends (Cloudflare can make a new token and delete the old one, or roll the
 * value at once),
 * or nothing (our service keeps the old secret for a grace period instead; GitHub's
 * rotation is made on github.com, which sets the expiry; GitLab decides by the kind of
 * token). Main refuses any other choice before the vendor is asked; the window offers
 * exactly these.
 */
import { Type } from 'typebox';
import type { IssuerKindName, RotationStyle } from './token-facts.js';

/** The two ways a vendor that offers both can end the old value. */
export const ROTATION_STYLES = ['create-then-delete', 'at-once'] as const;
export type RotationStyleChoice = Extract<RotationStyle, (typeof ROTATION_STYLES)[number]>;

/** A rotation channel's `style` field. */
export const RotationStyleSchema = Type.Union([
  Type.Literal('create-then-delete'),
  Type.Literal('at-once'),
]);

export interface RotationChoices {
  /** A new expiry may be asked for the replacement (bounded by the source's maxExpiryDays). */
  expiry: boolean;
  /** How the old value ends, when there is a choice (the first is the default). */
  styles: readonly RotationStyleChoice[];
}

const NONE: RotationChoices = { expiry: false, styles: [] };

const CHOICES: Record<IssuerKindName, RotationChoices> = {
  'token-desk': NONE,
  npm: { expiry: true, styles: [] },
  gitlab: { expiry: true, styles: [] },
  cloudflare: { expiry: true, styles: ROTATION_STYLES },
  github: NONE,
};

/** An issuer main knows no choices for (a newer kind) gets none. */
export const rotationChoices = (kind: string): RotationChoices =>
  (CHOICES as Record<string, RotationChoices | undefined>)[kind] ?? NONE;

/** An expiry as the window sends it: an ISO 8601 date and time with its offset, nothing looser. */
export const ISO_INSTANT =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;
