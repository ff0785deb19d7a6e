/**
 * Password hashing with scrypt (memory-hard). The stored string carries its own
 * parameters, so the cost can be raised later without invalidating old hashes.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** OWASP's recommended minimum for scrypt: N=2^17, r=8, p=1 (128 MiB per hash). */
export const DEFAULT_SCRYPT_COST = 2 ** 17;
const BLOCK_SIZE = 8;
const PARALLELIZATION = 1;
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  const N = options.N ?? DEFAULT_SCRYPT_COST;
  const r = options.r ?? BLOCK_SIZE;
  // scrypt needs 128 * N * r bytes; leave headroom above Node's 32 MiB default.
  const maxmem = 128 * N * r * 2;
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_LENGTH, { ...options, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function hashPassword(password: string, cost = DEFAULT_SCRYPT_COST): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, { N: cost, r: BLOCK_SIZE, p: PARALLELIZATION });
  return [
    'scrypt',
    cost,
    BLOCK_SIZE,
    PARALLELIZATION,
    salt.toString('base64'),
    key.toString('base64'),
  ].join('$');
}

/**
 * A stored-hash string in the real format with a random key no password derives to.
 * Verifying against it costs exactly one real hash, so an unknown email takes as long
 * as a wrong password without hashing anything up front.
 */
export function decoyHash(cost = DEFAULT_SCRYPT_COST): string {
  return [
    'scrypt',
    cost,
    BLOCK_SIZE,
    PARALLELIZATION,
    randomBytes(16).toString('base64'),
    randomBytes(KEY_LENGTH).toString('base64'),
  ].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await derive(password, Buffer.from(salt, 'base64'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
