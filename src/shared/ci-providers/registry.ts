/**
 * Every CI provider Token Desk can send a token to, one spec each. The provider
 * union, the DestinationTarget union and the checks in ci-destinations.ts are
 * derived from this list: a new provider is a spec file and a line here.
 */
import { Type, type Static, type TLiteral, type TObject } from 'typebox';
import { githubSpec } from './github.js';
import { gitlabSpec } from './gitlab.js';
import type { CiProviderSpec } from './spec.js';

export const CI_PROVIDER_SPECS = [githubSpec, gitlabSpec] as const;

type Specs = typeof CI_PROVIDER_SPECS;
export type Provider = Specs[number]['id'];

/** Every spec's target schemas, in registry order, as one tuple type. */
type TargetSchemas<List extends readonly unknown[]> = List extends readonly [
  infer Head extends { targetSchemas: readonly TObject[] },
  ...infer Rest,
]
  ? [...Head['targetSchemas'], ...TargetSchemas<Rest>]
  : [];

/** Every spec's id as a TypeBox literal, in registry order, as one tuple type. */
type IdLiterals<List extends readonly unknown[]> = List extends readonly [
  infer Head extends { id: string },
  ...infer Rest,
]
  ? [TLiteral<Head['id']>, ...IdLiterals<Rest>]
  : [];

export const PROVIDERS = CI_PROVIDER_SPECS.map((spec) => spec.id) as readonly Provider[];

/** The provider field of a destination or account: one of the registered ids. */
export const ProviderSchema = Type.Union(
  CI_PROVIDER_SPECS.map((spec) => Type.Literal(spec.id)) as IdLiterals<Specs>,
);

export const DestinationTarget = Type.Union(
  CI_PROVIDER_SPECS.flatMap((spec) => [...spec.targetSchemas]) as TargetSchemas<Specs>,
);
export type DestinationTarget = Static<typeof DestinationTarget>;

/** A spec as code that works for any provider sees it. */
export type AnyProviderSpec = Omit<CiProviderSpec<Provider, DestinationTarget>, 'targetFields'> & {
  readonly targetFields: Readonly<Partial<Record<DestinationTarget['kind'], readonly string[]>>>;
};

const SPECS = CI_PROVIDER_SPECS as readonly AnyProviderSpec[];

export function providerSpec(provider: Provider): AnyProviderSpec {
  const spec = SPECS.find((entry) => entry.id === provider);
  if (!spec) throw new Error(`No CI provider is registered as "${provider}".`);
  return spec;
}

/** The spec a target kind belongs to, or undefined for a kind no provider has. */
export function specOfKind(kind: string): AnyProviderSpec | undefined {
  return SPECS.find((spec) => Object.hasOwn(spec.targetFields, kind));
}

/** Which provider a target belongs to, so a GitLab target is never recorded as GitHub's. */
export function providerOfTarget(target: DestinationTarget): Provider {
  const spec = specOfKind(target.kind);
  if (!spec) throw new Error(`No CI provider has targets of kind "${target.kind}".`);
  return spec.id;
}

/** The kinds of target a provider has, in the order its spec lists them. */
export function targetKindsOf(spec: AnyProviderSpec): string[] {
  return Object.keys(spec.targetFields);
}
