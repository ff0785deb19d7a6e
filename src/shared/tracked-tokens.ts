/**
 * Other vendors' tokens (npm, GitLab, Cloudflare, GitHub) as the token service keeps them
 * for an account, so that where each one is used follows the person to another computer:
 * which vendor and host issued it, the vendor's id for it, its name, its expiry when
 * known, and the CI places it was pushed to. Never the token itself: every field is
 * checked here, by the service (validation, OpenAPI) and by main, and anything shaped
 * like a credential is refused. No Node or DOM.
 */
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { Destination } from './ci-destinations.js';
import { looksLikeCredential } from './credential-patterns.js';
import { URL_MAX_LENGTH } from './limits.js';
import { SERVICE_URL_MESSAGES, normalizeServiceUrl } from './service-url.js';
import { orList } from './ci-providers/spec.js';
import { normalizeName } from './token-name.js';

/** The vendors whose tokens can be tracked; a closed list (the database checks it too). */
export const TRACKED_VENDORS = ['npm', 'gitlab', 'cloudflare', 'github'] as const;
export type TrackedVendor = (typeof TRACKED_VENDORS)[number];

/** The most tracked tokens one account may keep. */
export const MAX_TRACKED_TOKENS_PER_USER = 1000;
/**
 * The most places all of an account's tracked tokens may be recorded in together. The
 * list answers every token with its places at once: at 50 places for each of 1,000
 * tokens (about 230 bytes a place) it would pass the 8 MB main reads, at 5,000 it is
 * about 1.2 MB.
 */
export const MAX_TRACKED_PLACES_PER_USER = 5000;
/** As main's TOKEN_ID_PATTERN allows: npm's token keys run to 256 characters. */
export const TRACKED_EXTERNAL_ID_MAX_LENGTH = 256;
export const TRACKED_NAME_MAX_LENGTH = 200;

/** Printable ASCII without spaces: what every vendor's token ids are made of. */
const EXTERNAL_ID_PATTERN = `^[\\x21-\\x7e]{1,${TRACKED_EXTERNAL_ID_MAX_LENGTH}}$`;
const EXTERNAL_ID = new RegExp(EXTERNAL_ID_PATTERN);

/** One literal per vendor, typed as the union of the vendors. */
export const TrackedVendorSchema = Type.Unsafe<TrackedVendor>(
  Type.Union(TRACKED_VENDORS.map((vendor) => Type.Literal(vendor))),
);

const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601 timestamp (UTC)' });
const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);

const fields = {
  externalId: Type.String({
    minLength: 1,
    maxLength: TRACKED_EXTERNAL_ID_MAX_LENGTH,
    pattern: EXTERNAL_ID_PATTERN,
    description: "The vendor's id for the token (never the token): printable ASCII, no spaces",
  }),
  name: Type.String({
    maxLength: 1000,
    description: `Trimmed; 1–${TRACKED_NAME_MAX_LENGTH} characters, none invisible or control`,
  }),
  expiresAt: Type.Optional(
    Type.Union([Timestamp, Type.Null()], {
      description: 'When the vendor says the token expires; null when it does not or is unknown',
    }),
  ),
  expiryCheckedAt: Type.Optional(
    Type.Union([Timestamp, Type.Null()], {
      description: 'When the app last read the expiry from the vendor',
    }),
  ),
};

/** PUT …/tracked-tokens: an upsert by (vendor, host, externalId). */
export const TrackedTokenInput = Type.Object(
  {
    vendor: TrackedVendorSchema,
    host: Type.String({
      maxLength: URL_MAX_LENGTH,
      description:
        "The vendor's origin, such as https://registry.npmjs.org (https; http only on this computer; no path)",
    }),
    ...fields,
  },
  { additionalProperties: false },
);
export type TrackedTokenInput = Static<typeof TrackedTokenInput>;

/** PATCH …/tracked-tokens/{id}: at least one field. */
export const TrackedTokenChange = Type.Object(
  {
    externalId: Type.Optional(fields.externalId),
    name: Type.Optional(fields.name),
    expiresAt: fields.expiresAt,
    expiryCheckedAt: fields.expiryCheckedAt,
  },
  { additionalProperties: false, minProperties: 1 },
);
export type TrackedTokenChange = Static<typeof TrackedTokenChange>;

export const TrackedToken = Type.Object({
  id: Type.String({ description: 'Opaque identifier' }),
  vendor: TrackedVendorSchema,
  host: Type.String(),
  externalId: Type.String(),
  name: Type.String(),
  expiresAt: NullableTimestamp,
  expiryCheckedAt: NullableTimestamp,
  createdAt: Timestamp,
  updatedAt: Timestamp,
  places: Type.Array(Destination, { description: 'Where the token was pushed, oldest first' }),
});
export type TrackedToken = Static<typeof TrackedToken>;

/** GET …/tracked-tokens: both filters optional. */
export const TrackedTokensQuery = Type.Object(
  {
    vendor: Type.Optional(Type.String({ maxLength: 100 })),
    host: Type.Optional(Type.String({ maxLength: URL_MAX_LENGTH })),
  },
  { additionalProperties: false },
);
export type TrackedTokensQuery = Static<typeof TrackedTokensQuery>;

export interface TrackedTokenFilter {
  vendor?: TrackedVendor;
  host?: string;
}

// Vendor credentials that credential-patterns.ts does not know (yet): npm's `npm_` and
// Cloudflare's scannable `cfk_`/`cfut_`/`cfat_`, each 36 or 40 characters and a checksum
// after the prefix. A long run is asked for, so a name such as "npm_publish" stays a name.
const VENDOR_CREDENTIAL = /\b(?:npm|cfk|cfut|cfat)_[0-9A-Za-z]{30,}/i;

/** Whether `text` holds something shaped like a token of ours, a CI provider's or a vendor's. */
export function looksLikeVendorCredential(text: string): boolean {
  return looksLikeCredential(text) || VENDOR_CREDENTIAL.test(text);
}

const HOST_PROBLEMS: Record<keyof typeof SERVICE_URL_MESSAGES, string> = {
  unparsable:
    "must be the vendor's address, such as https://registry.npmjs.org, https://gitlab.com, https://api.cloudflare.com or https://api.github.com.",
  whitespace: 'must not contain spaces, line breaks or control characters.',
  scheme: 'must start with https:// (http:// only for a vendor on this computer).',
  credentials: 'must not contain a user name or password: credentials stay in your keychain.',
  queryOrFragment: 'must not contain a query or fragment.',
  host: 'must have a host name of letters, digits, dots and hyphens, or an IP address.',
  path: 'must be an address without a path, such as https://gitlab.example.com.',
  httpsNeeded:
    'must use https://: http:// is allowed only for a vendor on this computer (localhost, 127.0.0.1, [::1]).',
};

class Refusal {
  constructor(readonly message: string) {}
}
const refuse = (message: string): never => {
  throw new Refusal(message);
};

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const quoted = (items: readonly string[]) => items.map((item) => `"${item}"`);

const NEVER_A_SECRET = 'A tracked token records which token is used where, never the token itself.';

function unknownFields(value: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      refuse(
        `The field "${key}" is not recognised: a tracked token has only ${allowed.join(', ')}. ${NEVER_A_SECRET}`,
      );
    }
  }
}

function requiredString(value: Record<string, unknown>, key: string): string {
  if (!Object.hasOwn(value, key)) refuse(`The field "${key}" is required.`);
  const raw = value[key];
  if (typeof raw !== 'string') return refuse(`The field "${key}" must be a string.`);
  if (looksLikeVendorCredential(raw)) {
    refuse(
      `The field "${key}" looks like a token or access key (npm_…, glpat-…, ghp_…, cfut_…, ca_…). ${NEVER_A_SECRET}`,
    );
  }
  return raw;
}

/** A vendor as the list and the database spell it; `label` names the field in a refusal. */
function checkVendor(raw: unknown, label: string): TrackedVendor {
  if (typeof raw !== 'string' || !(TRACKED_VENDORS as readonly string[]).includes(raw)) {
    return refuse(`${label} must be ${orList(quoted(TRACKED_VENDORS))}.`);
  }
  return raw as TrackedVendor;
}

/**
 * The vendor's origin as stored: https (http only to loopback), lower-case, default
 * port and trailing slash dropped; a path, query, fragment or credentials refused.
 */
function checkHostValue(host: string, label: string): string {
  if (host.length > URL_MAX_LENGTH) {
    refuse(`${label} must be at most ${URL_MAX_LENGTH} characters.`);
  }
  // normalizeServiceUrl trims what a person typed; a stored host must not need it.
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f-\u009f]/.test(host)) refuse(`${label} ${HOST_PROBLEMS.whitespace}`);
  const result = normalizeServiceUrl(host);
  if (!result.ok) {
    const problem = (
      Object.keys(SERVICE_URL_MESSAGES) as (keyof typeof SERVICE_URL_MESSAGES)[]
    ).find((key) => SERVICE_URL_MESSAGES[key] === result.message);
    return refuse(`${label} ${HOST_PROBLEMS[problem ?? 'unparsable']}`);
  }
  // normalizeServiceUrl keeps a path; a vendor is one origin.
  if (result.url !== new URL(result.url).origin) refuse(`${label} ${HOST_PROBLEMS.path}`);
  // A name in another script is stored in punycode (xn--…), often three times longer.
  if (result.url.length > URL_MAX_LENGTH) {
    refuse(
      `${label} must be at most ${URL_MAX_LENGTH} characters as stored (a host name in another script is stored in punycode, xn--…, which is longer).`,
    );
  }
  return result.url;
}

function checkExternalId(value: Record<string, unknown>): string {
  const externalId = requiredString(value, 'externalId');
  if (!EXTERNAL_ID.test(externalId)) {
    refuse(
      `The field "externalId" must be the vendor's id for the token: 1 to ${TRACKED_EXTERNAL_ID_MAX_LENGTH} printable ASCII characters, without spaces.`,
    );
  }
  return externalId;
}

function checkName(value: Record<string, unknown>): string {
  const raw = requiredString(value, 'name');
  const name = normalizeName(raw, 'The field "name"', TRACKED_NAME_MAX_LENGTH);
  if (!name.ok) return refuse(name.message);
  return name.name;
}

const STRICT_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;
// Timestamps are stored as fixed-width text that sorts as time: four-digit years only.
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** An optional nullable timestamp, canonical (UTC, milliseconds); undefined when absent. */
function optionalTimestamp(
  value: Record<string, unknown>,
  key: 'expiresAt' | 'expiryCheckedAt',
): string | null | undefined {
  if (!Object.hasOwn(value, key)) return undefined;
  const raw = value[key];
  if (raw === null) return null;
  const bad = () =>
    refuse(`The field "${key}" must be a date and time such as 2027-01-31T12:00:00Z, or null.`);
  if (typeof raw !== 'string' || raw.length > 40) return bad();
  const parts = STRICT_TIMESTAMP.exec(raw);
  if (!parts) return bad();
  const [year, month, day, hour, minute, second] = parts
    .slice(1, 7)
    .map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  // Date.parse rolls 2027-02-30 over to March: the calendar date must survive a round trip.
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (
    calendar.getUTCMonth() !== month - 1 ||
    calendar.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  )
    return bad();
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) return bad();
  if (ms < EARLIEST || ms > LATEST) {
    return refuse(`The field "${key}" must be between 1970 and 9999.`);
  }
  return new Date(ms).toISOString();
}

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

function checked<T>(work: () => T): Checked<T> {
  try {
    return { ok: true, value: work() };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, message: error.message };
    throw error;
  }
}

const INPUT_FIELDS = ['vendor', 'host', 'externalId', 'name', 'expiresAt', 'expiryCheckedAt'];
const CHANGE_FIELDS = ['externalId', 'name', 'expiresAt', 'expiryCheckedAt'];

/**
 * A PUT body as a person (or a buggy client) may send it, field by field, in canonical
 * form: the host as an origin, the name trimmed, timestamps in UTC with milliseconds. An
 * absent expiresAt or expiryCheckedAt stays absent (an update keeps the stored one).
 */
export function checkTrackedTokenInput(value: unknown): Checked<TrackedTokenInput> {
  return checked(() => {
    if (!isPlainObject(value)) {
      return refuse(
        'A tracked token must be a JSON object with vendor, host, externalId and name.',
      );
    }
    unknownFields(value, INPUT_FIELDS);
    if (!Object.hasOwn(value, 'vendor')) refuse('The field "vendor" is required.');
    const vendor = checkVendor(value.vendor, 'The field "vendor"');
    const host = checkHostValue(requiredString(value, 'host'), 'The field "host"');
    const externalId = checkExternalId(value);
    const name = checkName(value);
    const expiresAt = optionalTimestamp(value, 'expiresAt');
    const expiryCheckedAt = optionalTimestamp(value, 'expiryCheckedAt');
    const input: TrackedTokenInput = {
      vendor,
      host,
      externalId,
      name,
      ...(expiresAt === undefined ? {} : { expiresAt }),
      ...(expiryCheckedAt === undefined ? {} : { expiryCheckedAt }),
    };
    // The schema is what OpenAPI publishes and main checks against: never accept more.
    if (!Value.Check(TrackedTokenInput, input)) refuse('This tracked token is not valid.');
    return input;
  });
}

/** A PATCH body: at least one of externalId, name, expiresAt, expiryCheckedAt. */
export function checkTrackedTokenChange(value: unknown): Checked<TrackedTokenChange> {
  return checked(() => {
    if (!isPlainObject(value)) {
      return refuse(
        'A change must be a JSON object with at least one of externalId, name, expiresAt and expiryCheckedAt.',
      );
    }
    for (const key of ['vendor', 'host']) {
      if (Object.hasOwn(value, key)) {
        refuse(
          `The field "${key}" cannot change: a token at another vendor or host is another token. Track it with PUT instead.`,
        );
      }
    }
    unknownFields(value, CHANGE_FIELDS);
    if (Object.keys(value).length === 0) {
      refuse(
        'Nothing to change: send at least one of externalId, name, expiresAt and expiryCheckedAt.',
      );
    }
    const change: TrackedTokenChange = {};
    if (Object.hasOwn(value, 'externalId')) change.externalId = checkExternalId(value);
    if (Object.hasOwn(value, 'name')) change.name = checkName(value);
    const expiresAt = optionalTimestamp(value, 'expiresAt');
    if (expiresAt !== undefined) change.expiresAt = expiresAt;
    const expiryCheckedAt = optionalTimestamp(value, 'expiryCheckedAt');
    if (expiryCheckedAt !== undefined) change.expiryCheckedAt = expiryCheckedAt;
    if (!Value.Check(TrackedTokenChange, change)) refuse('This change is not valid.');
    return change;
  });
}

/** The list's query: a known vendor, a host checked and normalised as stored. */
export function checkTrackedTokenFilter(query: {
  vendor?: unknown;
  host?: unknown;
}): Checked<TrackedTokenFilter> {
  return checked(() => {
    const filter: TrackedTokenFilter = {};
    if (query.vendor !== undefined) {
      filter.vendor = checkVendor(query.vendor, 'The query parameter "vendor"');
    }
    if (query.host !== undefined) {
      if (typeof query.host !== 'string') refuse('The query parameter "host" must be given once.');
      const host = query.host as string;
      if (looksLikeVendorCredential(host)) {
        refuse(`The query parameter "host" looks like it holds a token. ${NEVER_A_SECRET}`);
      }
      filter.host = checkHostValue(host, 'The query parameter "host"');
    }
    return filter;
  });
}
