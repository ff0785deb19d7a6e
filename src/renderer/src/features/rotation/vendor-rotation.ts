/**
 * What the rotate dialog offers for another vendor's token, and what it sends: a new
 * expiry where the vendor takes one (presets within the source's longest), how the old
 * value ends where the vendor lets the person choose, and GitHub's guided rotation.
 * Pure, so the choices are tested without a window.
 */
import type { DeskToken, InventorySource } from '../../../../shared/ipc-contract';
import {
  rotationChoices,
  type RotationStyleChoice,
} from '../../../../shared/issuers/rotation-choices';
import type { RotationStyle } from '../../../../shared/issuers/token-facts';

const DAY_MS = 86_400_000;
const PRESET_DAYS = [7, 30, 60, 90, 180, 365] as const;

/** What a rotation asks beyond the token; absent fields are the vendor's own default. */
export interface RotationChoice {
  expiresAt?: string;
  style?: RotationStyleChoice;
}

/** One "New expiry" radio: days from now, or null for the lifetime the token has now. */
export interface ExpiryPreset {
  days: number | null;
  label: string;
}

/** The radios as the person left them: an expiry preset and a style, where the vendor offers them. */
export interface RotationPick {
  preset: ExpiryPreset | null;
  style: RotationStyleChoice | null;
}

/** Rotate… for a live token, or Replace… for an expired one (the same rotation, other words). */
export type RotateMode = 'rotate' | 'replace';

/** Which dialog a token's Rotate… opens. */
export type RotateDialogKind = 'ours' | 'vendor' | 'guided';

export function rotateDialogKind(token: DeskToken): RotateDialogKind {
  if (token.facts.rotation === 'grace') return 'ours';
  return token.facts.rotation === 'guided' ? 'guided' : 'vendor';
}

/**
 * The expiry radios for a source: the presets within its longest lifetime, and, where
 * an expiry is not required, "Same lifetime as now" first (the vendor's own rule).
 * None when the vendor takes no expiry on rotation or the source is unknown.
 */
export function expiryPresets(
  token: DeskToken,
  source: InventorySource | undefined,
  mode: RotateMode = 'rotate',
): ExpiryPreset[] {
  if (!source || !rotationChoices(token.issuer.kind).expiry) return [];
  // Cloudflare keeps a date, not a lifetime: an expired token's date is past, so a
  // replacement needs a new one.
  const dated = token.issuer.kind === 'cloudflare';
  const longest = source.capabilities.maxExpiryDays ?? 365;
  const presets: ExpiryPreset[] = PRESET_DAYS.filter((days) => days <= longest).map((days) => ({
    days,
    label: days === 365 ? '1 year' : `${days} days`,
  }));
  if (!source.capabilities.expiryRequired && !(dated && mode === 'replace'))
    presets.unshift({
      days: null,
      // An expired token's lifetime is over: the vendor gives the new one as long, from today.
      label: dated
        ? 'Same expiry as now'
        : mode === 'replace'
          ? 'Same lifetime as before, from today'
          : 'Same lifetime as now',
    });
  return presets;
}

/** The preset chosen when the dialog opens: the token's lifetime, or 90 days where one must be chosen. */
export function defaultPreset(presets: readonly ExpiryPreset[]): ExpiryPreset | null {
  return (
    presets.find((preset) => preset.days === null) ??
    presets.find((preset) => preset.days === 90) ??
    presets.at(-1) ??
    null
  );
}

/** The ways the old value may end for this token (the vendor's default first); empty: no choice. */
export const styleChoices = (
  token: DeskToken,
  mode: RotateMode = 'rotate',
): readonly RotationStyleChoice[] =>
  // A roll keeps an expired token's past expiry: a replacement is a new token.
  mode === 'replace' && token.issuer.kind === 'cloudflare'
    ? ['create-then-delete']
    : rotationChoices(token.issuer.kind).styles;

/** What a rotation does to the old value with this choice, for the warning said before confirming. */
export function effectiveStyle(token: DeskToken, style: RotationStyleChoice | null): RotationStyle {
  return style ?? token.facts.rotation;
}

/** What the dialog sends: only what the person chose. */
export function rotationChoice(
  preset: ExpiryPreset | null,
  style: RotationStyleChoice | null,
  now: number,
): RotationChoice {
  // A roll keeps the token's expiry: none is sent with one.
  return {
    ...(preset && preset.days !== null && style !== 'at-once'
      ? { expiresAt: new Date(now + preset.days * DAY_MS).toISOString() }
      : {}),
    ...(style ? { style } : {}),
  };
}

/** The radios when the dialog opens: the default expiry, the vendor's default style. */
export function initialPick(
  token: DeskToken,
  source: InventorySource | undefined,
  mode: RotateMode = 'rotate',
): RotationPick {
  return {
    preset: defaultPreset(expiryPresets(token, source, mode)),
    style: styleChoices(token, mode)[0] ?? null,
  };
}

/**
 * Why an expired token's vendor cannot give it a working replacement from Token Desk,
 * in words, or null where it can: GitLab refuses to rotate an expired personal token.
 * (A Cloudflare token is replaced by a new one with a new expiry: a roll would keep
 * the past one.)
 */
export function replaceRefusal(token: DeskToken): string | null {
  if (token.issuer.kind === 'gitlab' && token.facts.rotation === 'at-once')
    return `GitLab does not rotate an expired personal access token, so Token Desk cannot replace “${token.name}”. Create a new token on GitLab, then revoke this one.`;
  return null;
}

/** A style's radio label. */
export function styleLabel(style: RotationStyleChoice): string {
  return style === 'at-once'
    ? 'Roll the value now (the old one stops at once)'
    : 'Make a new token, then delete the old one';
}
