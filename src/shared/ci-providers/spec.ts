/**
 * What Token Desk knows about one CI secret store (GitHub Actions, GitLab CI/CD),
 * as data and pure rules shared by the service, main and the renderer: its target
 * schemas and field rules, its secret-name rule, its settings pages and its words.
 * The registry lists the specs; the unions and validators are derived from them.
 */
import type { TObject } from 'typebox';

/** A rule for one target field, with the sentence a refusal quotes. */
export interface FieldRule {
  readonly pattern: RegExp;
  readonly rule: string;
}

/** How a spec reads a target's fields; every refusal names the field and the rule. */
export interface TargetReader {
  /** A field checked against the spec's rule; `visibleOnly` also refuses invisible characters. */
  field(key: string, visibleOnly?: boolean): string;
  /** A required string, refused only if it looks like a credential. */
  string(key: string): string;
  refuse(message: string): never;
}

export interface CiProviderSpec<Id extends string, Target extends { kind: string }> {
  readonly id: Id;
  /** The provider's name as people know it. */
  readonly displayName: string;
  /** The public instance's API address: a place there does not name its host. */
  readonly publicHost: string;
  /** API addresses to give as examples when a host cannot be read. */
  readonly hostExamples: readonly string[];
  /** Web addresses to give as examples when a person types an unreadable host. */
  readonly webHostExamples: readonly string[];
  /** The target schemas, in the order the DestinationTarget union lists them. */
  readonly targetSchemas: readonly TObject[];
  /** The fields of each target kind, in the order a checked target has them. */
  readonly targetFields: { readonly [Kind in Target['kind']]: readonly string[] };
  readonly fieldRules: Readonly<Record<string, FieldRule>>;
  /** What the provider calls a secret's name, for a form label. */
  readonly nameLabel: string;
  /** Reads a target of one of this provider's kinds, field by field. */
  readTarget(kind: Target['kind'], read: TargetReader): Target;
  /** The provider's own rule for a secret or variable name; null when valid. */
  checkName(name: string): string | null;
  /** The name as the provider stores it. */
  canonicalName(name: string): string;
  /** Where a person changes this secret or variable by hand. */
  settingsUrl(host: string, target: Target): string;
  /** A short label for a target, e.g. `ada/app · production`. */
  describeTarget(target: Target): string;
}

/** `a`, `a or b`, `a, b or c`. */
export function orList(items: readonly string[]): string {
  return items.length <= 1
    ? (items[0] ?? '')
    : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

export function encodeSegment(segment: string): string {
  return encodeURIComponent(segment);
}
