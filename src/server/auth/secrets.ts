/**
 * Bearer secrets: `ca_` API tokens and `ses_` session tokens.
 *
 * Format (GitHub's scheme with Capawesome's prefix): prefix + 30 random base62
 * characters + 6 base62 characters of the CRC32 (IEEE) of the random part, most
 * significant digit first, left-padded with `0`. The checksum lets us refuse a
 * mistyped or truncated secret without touching the database, and lets secret
 * scanners recognise leaked tokens. At rest only the SHA-256 digest is kept.
 */
import { hash, randomInt } from 'node:crypto';
import { crc32 } from 'node:zlib';

export const API_TOKEN_PREFIX = 'ca_';
export const SESSION_TOKEN_PREFIX = 'ses_';
export type SecretKind = 'api_token' | 'session';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_LENGTH = 30;
const CHECKSUM_LENGTH = 6;
/** How much of the random part the non-secret display prefix shows. */
const DISPLAY_CHARACTERS = 4;

const SHAPE = /^(ca_|ses_)([0-9A-Za-z]{30})([0-9A-Za-z]{6})$/;

export function encodeBase62(value: number, width: number): string {
  let out = '';
  let rest = value;
  while (rest > 0) {
    out = BASE62[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out.padStart(width, '0');
}

export function checksumOf(randomPart: string): string {
  return encodeBase62(crc32(randomPart), CHECKSUM_LENGTH);
}

/** A new secret of the given kind; ~178 bits of entropy (30 × log2 62). */
export function generateSecret(kind: SecretKind): string {
  let random = '';
  // randomInt draws uniformly (rejection sampling), so no base62 modulo bias.
  for (let i = 0; i < RANDOM_LENGTH; i++) random += BASE62[randomInt(62)];
  return prefixFor(kind) + random + checksumOf(random);
}

function prefixFor(kind: SecretKind): string {
  return kind === 'api_token' ? API_TOKEN_PREFIX : SESSION_TOKEN_PREFIX;
}

/**
 * The kind of a well-formed secret whose checksum matches, or null for anything
 * else. Pure string work: no I/O.
 */
export function parseSecret(candidate: string): SecretKind | null {
  const match = SHAPE.exec(candidate);
  if (!match) return null;
  const [, prefix, random, checksum] = match as unknown as [string, string, string, string];
  if (checksumOf(random) !== checksum) return null;
  return prefix === API_TOKEN_PREFIX ? 'api_token' : 'session';
}

export function digestSecret(secret: string): Buffer {
  return hash('sha256', secret, 'buffer');
}

/** The same digest as text, the credential cache's key (a string keys a Map directly). */
export function digestKey(secret: string): string {
  return hash('sha256', secret, 'base64');
}

/** The non-secret part shown in lists, e.g. `ca_Ab3x`. */
export function displayPrefix(secret: string): string {
  const kindPrefix = secret.startsWith(API_TOKEN_PREFIX) ? API_TOKEN_PREFIX : SESSION_TOKEN_PREFIX;
  return secret.slice(0, kindPrefix.length + DISPLAY_CHARACTERS);
}

export const SECRET_LENGTH = { random: RANDOM_LENGTH, checksum: CHECKSUM_LENGTH } as const;
