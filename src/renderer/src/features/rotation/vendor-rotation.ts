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
): ExpiryPreset[] {
  if (!source || !rotationChoices(token.issuer.kind).expiry) return [];
  const longest = source.capabilities.maxExpiryDays ?? 365;
  const presets: ExpiryPreset[] = PRESET_DAYS.filter((days) => days <= longest).map((days) => ({
    days,
    label: days === 365 ? '1 year' : `${days} days`,
  }));
  if (!source.capabilities.expiryRequired)
    presets.unshift({ days: null, label: 'Same lifetime as now' });
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
export const styleChoices = (token: DeskToken): readonly RotationStyleChoice[] =>
  rotationChoices(token.issuer.kind).styles;

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
  return {
    ...(preset && preset.days !== null
      ? { expiresAt: new Date(now + preset.days * DAY_MS).toISOString() }
      : {}),
    ...(style ? { style } : {}),
  };
}

/** A style's radio label. */
export function styleLabel(style: RotationStyleChoice): string {
  return style === 'at-once'
    ? 'Roll the value now (the old one stops at once)'
    : 'Make a new token, then delete the old one';
}
