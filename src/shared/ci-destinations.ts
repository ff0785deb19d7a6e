/**
 * Where a token was sent: a secret or variable in a CI provider's secret store (the
 * providers and their rules are in ci-providers/, one spec each). The service
 * records these per token (never a secret); the app pushes to them and links to
 * their settings pages. Every field is data a person typed, so each has a schema
 * and a rule, shared by the service (validation, OpenAPI), main and the renderer
 * (inline checks). No Node or DOM.
 */
import { URL_MAX_LENGTH } from './limits.js';
import { Type, type Static } from 'typebox';
import { looksLikeCredential } from './credential-patterns.js';
import { Value } from 'typebox/value';
import {
  CI_PROVIDER_SPECS,
  DestinationTarget,
  PROVIDERS,
  ProviderSchema,
  providerOfTarget,
  providerSpec,
  specOfKind,
  targetKindsOf,
  type AnyProviderSpec,
  type Provider,
} from './ci-providers/registry.js';
import { orList } from './ci-providers/spec.js';
import { SERVICE_URL_MESSAGES, normalizeServiceUrl } from './service-url.js';

export {
  CI_PROVIDER_SPECS,
  DestinationTarget,
  PROVIDERS,
  ProviderSchema,
  providerOfTarget,
  providerSpec,
  type Provider,
};
export {
  GitHubEnvironmentTarget,
  GitHubOrganizationTarget,
  GitHubRepositoryTarget,
} from './ci-providers/github.js';
export { GitLabTargetSchema } from './ci-providers/gitlab.js';

/** The most places one token may be recorded in. */
export const MAX_DESTINATIONS_PER_TOKEN = 50;
/** Rotation may keep the old token valid this long at most while the new one is pushed. */
export const MAX_GRACE_PERIOD_SECONDS = 7 * 24 * 60 * 60;
/** The name most pipelines read, as the seed page and our snippets do. */
export const DEFAULT_SECRET_NAME = 'CAPAWESOME_TOKEN';
/** An https URL (or http to loopback, checked in code), no credentials, at most URL_MAX_LENGTH characters. */
const HOST_URL = '^https?://[^\\s/?#@]+(?:/[^\\s?#]*)?$';

/** What the app records after a push (POST …/destinations), never a secret. */
export const DestinationInput = Type.Object(
  {
    provider: ProviderSchema,
    host: Type.String({ pattern: HOST_URL, maxLength: URL_MAX_LENGTH }),
    target: DestinationTarget,
    name: Type.String({ minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9_]+$' }),
  },
  { additionalProperties: false },
);
export type DestinationInput = Static<typeof DestinationInput>;

const Timestamp = Type.String({ format: 'date-time' });

export const Destination = Type.Object({
  id: Type.String(),
  provider: ProviderSchema,
  host: Type.String(),
  target: DestinationTarget,
  name: Type.String(),
  firstPushedAt: Timestamp,
  lastPushedAt: Timestamp,
});
export type Destination = Static<typeof Destination>;

/**
 * A secret or variable name, checked the way its provider checks it; null when
 * valid (each provider's rule is in its spec).
 */
export function checkDestinationName(provider: Provider, name: string): string | null {
  if (name.length === 0) return 'Enter a name.';
  if (name.length > 255) return 'A name must be at most 255 characters.';
  return providerSpec(provider).checkName(name);
}

/** Where a person changes this secret or variable by hand, on the provider's site. */
export function destinationSettingsUrl(destination: {
  provider: Provider;
  host: string;
  target: DestinationTarget;
}): string {
  if (providerOfTarget(destination.target) !== destination.provider)
    throw new Error('This target does not belong to this provider.');
  return providerSpec(destination.provider).settingsUrl(destination.host, destination.target);
}

/** A short label for a target, e.g. `ada/app`, `ada/app · production`, `acme (org)`. */
export function describeDestinationTarget(target: DestinationTarget): string {
  return providerSpec(providerOfTarget(target)).describeTarget(target);
}

/** The public hosts every user knows; a place anywhere else names its host. */
export const PUBLIC_PROVIDER_HOSTS = Object.fromEntries(
  CI_PROVIDER_SPECS.map((spec) => [spec.id, spec.publicHost]),
) as Record<Provider, string>;

/**
 * The host a person should see for a place or account: null on github.com and
 * gitlab.com, else the host (with its port) of GitHub Enterprise or a self-managed
 * GitLab, so a place on a look-alike server never reads like the real one.
 */
export function visibleProviderHost(provider: Provider, host: string): string | null {
  if (host === PUBLIC_PROVIDER_HOSTS[provider]) return null;
  try {
    return new URL(host).host;
  } catch {
    return host;
  }
}

/** `CAPAWESOME_TOKEN in ada/app`, or `… in ada/app on ghe.corp.example` off github.com/gitlab.com. */
export function describePlace(place: {
  provider: Provider;
  host: string;
  target: DestinationTarget;
  name: string;
}): string {
  const host = visibleProviderHost(place.provider, place.host);
  const label = `${place.name} in ${describeDestinationTarget(place.target)}${host === null ? '' : ` on ${host}`}`;
  // An environment or group path from a provider may hold direction-changing or
  // invisible characters that would make one label read as another: shown as U+FFFD.
  return label.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '\uFFFD');
}

export type DestinationCheck =
  { ok: true; destination: DestinationInput } | { ok: false; message: string };

const MAX_HOST_LENGTH = URL_MAX_LENGTH;
const TOP_FIELDS = ['provider', 'host', 'target', 'name'] as const;
// A Token Desk secret or a provider credential anywhere in a destination is a client
// bug leaking it into a record that is stored and listed: refuse it, checksum or not.
const SECRET_LIKE = { test: (text: string) => looksLikeCredential(text) };
// Characters a person cannot see or that reorder text, and damaged ones (as in
// token-name.ts): an environment shown as "production" must be "production".
const INVISIBLE_OR_BROKEN =
  /[\p{Cf}\p{Cs}\p{Zl}\p{Zp}\uFFFD\u{E0000}-\u{E007F}\u115F\u1160\u3164\uFFA0]|\u034F|\u17B4|\u17B5/u;

const HOST_PROBLEMS: Record<keyof typeof SERVICE_URL_MESSAGES, string> = {
  unparsable: `must be the provider's API address, such as ${orList(CI_PROVIDER_SPECS.flatMap((spec) => spec.hostExamples))}.`,
  whitespace: 'must not contain spaces, line breaks or control characters.',
  scheme: 'must start with https:// (http:// only for a provider on this computer).',
  credentials:
    'must not contain a user name or password: provider credentials stay in your keychain.',
  queryOrFragment: 'must not contain a query or fragment.',
  host: 'must have a host name of letters, digits, dots and hyphens, or an IP address.',
  path: 'must have a path of letters, digits and . _ ~ / - only.',
  httpsNeeded:
    'must use https://: http:// is allowed only for a provider on this computer (localhost, 127.0.0.1, [::1]).',
};

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

class Refusal {
  constructor(readonly message: string) {}
}
const refuse = (message: string): never => {
  throw new Refusal(message);
};

function unknownFields(
  value: Record<string, unknown>,
  allowed: readonly string[],
  prefix: string,
  what: string,
): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      refuse(
        `The field "${prefix}${key}" is not recognised: ${what} has only ${allowed.join(', ')}. A destination records where a token was sent, never a secret.`,
      );
    }
  }
}

function requiredString(value: Record<string, unknown>, key: string, prefix = ''): string {
  const field = `${prefix}${key}`;
  if (!Object.hasOwn(value, key)) refuse(`The field "${field}" is required.`);
  const raw = value[key];
  if (typeof raw !== 'string') return refuse(`The field "${field}" must be a string.`);
  if (SECRET_LIKE.test(raw)) {
    refuse(
      `The field "${field}" looks like a secret or access token (ca_…, ses_…, ghp_…, glpat-…). A destination records where a token was sent, never a credential.`,
    );
  }
  return raw;
}

function targetField(
  spec: AnyProviderSpec,
  target: Record<string, unknown>,
  key: string,
  visibleOnly = false,
): string {
  const fieldRule = spec.fieldRules[key];
  if (!fieldRule) throw new Error(`The ${spec.displayName} spec has no rule for "${key}".`);
  const value = requiredString(target, key, 'target.');
  const { pattern, rule } = fieldRule;
  if (visibleOnly && INVISIBLE_OR_BROKEN.test(value)) {
    refuse(
      `The field "target.${key}" must not contain invisible, text-direction or damaged characters: they make one name look like another.`,
    );
  }
  if (value.length > 1000 || !pattern.test(value)) {
    refuse(`The field "target.${key}" must be ${rule}.`);
  }
  return value;
}

function checkHost(body: Record<string, unknown>): string {
  const host = requiredString(body, 'host');
  if (host.length > MAX_HOST_LENGTH) {
    refuse(`The field "host" must be at most ${MAX_HOST_LENGTH} characters.`);
  }
  // normalizeServiceUrl trims what a person typed; a stored host must not need it.
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f-\u009f]/.test(host))
    refuse(`The field "host" ${HOST_PROBLEMS.whitespace}`);
  const result = normalizeServiceUrl(host);
  if (!result.ok) {
    const problem = (
      Object.keys(SERVICE_URL_MESSAGES) as (keyof typeof SERVICE_URL_MESSAGES)[]
    ).find((key) => SERVICE_URL_MESSAGES[key] === result.message);
    refuse(`The field "host" ${HOST_PROBLEMS[problem ?? 'unparsable']}`);
  }
  const url = (result as { ok: true; url: string }).url;
  // A name in another script is stored in punycode (xn--…), often three times longer.
  if (url.length > MAX_HOST_LENGTH) {
    refuse(
      `The field "host" must be at most ${MAX_HOST_LENGTH} characters as stored (a host name in another script is stored in punycode, xn--…, which is longer).`,
    );
  }
  return url;
}

const quoted = (items: readonly string[]) => items.map((item) => `"${item}"`);

function checkTarget(provider: Provider, body: Record<string, unknown>): DestinationTarget {
  if (!Object.hasOwn(body, 'target')) refuse('The field "target" is required.');
  const target = body.target;
  if (!isPlainObject(target)) {
    const kinds = CI_PROVIDER_SPECS.map(
      (spec) => `${orList(targetKindsOf(spec))} on ${spec.displayName}`,
    );
    return refuse(`The field "target" must be an object: a ${kinds.join(', a ')}.`);
  }
  const kind = target.kind;
  const owner = typeof kind === 'string' ? specOfKind(kind) : undefined;
  if (owner === undefined) {
    const kinds = CI_PROVIDER_SPECS.map(
      (spec) => `${orList(quoted(targetKindsOf(spec)))} (${spec.displayName})`,
    );
    return refuse(`The field "target.kind" must be ${kinds.join(', or ')}.`);
  }
  const typed = kind as DestinationTarget['kind'];
  const spec = providerSpec(provider);
  if (owner !== spec) {
    refuse(
      `A ${spec.displayName} destination needs a ${spec.displayName} target (${orList(targetKindsOf(spec))}); "${typed}" is a ${owner.displayName} target.`,
    );
  }
  unknownFields(target, spec.targetFields[typed] ?? [], 'target.', `a ${typed} target`);
  return spec.readTarget(typed, {
    field: (key, visibleOnly) => targetField(spec, target, key, visibleOnly),
    string: (key) => requiredString(target, key, 'target.'),
    refuse,
  });
}

/**
 * Checks a destination as a person (or a buggy client) may send it, field by field,
 * and returns it in canonical form: the host as `normalizeServiceUrl` writes it (https,
 * or http to loopback only; no credentials, query or trailing slash), target keys in a
 * fixed order, and the name as its provider stores it (a GitHub secret name in upper
 * case: GitHub's names are not case-sensitive and it stores them so). The message names the field and the rule.
 */
export function checkDestinationInput(value: unknown): DestinationCheck {
  try {
    if (!isPlainObject(value)) {
      return refuse('A destination must be a JSON object with provider, host, target and name.');
    }
    unknownFields(value, TOP_FIELDS, '', 'a destination');
    if (!Object.hasOwn(value, 'provider')) refuse('The field "provider" is required.');
    const provider = value.provider;
    if (typeof provider !== 'string' || !(PROVIDERS as readonly string[]).includes(provider)) {
      return refuse(`The field "provider" must be ${orList(quoted(PROVIDERS))}.`);
    }
    const id = provider as Provider;
    const host = checkHost(value);
    const target = checkTarget(id, value);
    const name = requiredString(value, 'name');
    const problem = checkDestinationName(id, name);
    if (problem) refuse(problem);
    const destination: DestinationInput = {
      provider: id,
      host,
      target,
      name: providerSpec(id).canonicalName(name),
    };
    // The schema is what OpenAPI publishes and main checks against: never accept more.
    if (!Value.Check(DestinationInput, destination)) {
      refuse('This destination is not valid.');
    }
    return { ok: true, destination };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, message: error.message };
    throw error;
  }
}
