import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  checksumOf,
  digestSecret,
  displayPrefix,
  encodeBase62,
  generateSecret,
  parseSecret,
} from '../../src/server/auth/secrets.js';
import {
  DEFAULT_SCRYPT_COST,
  hashPassword,
  verifyPassword,
} from '../../src/server/auth/passwords.js';

describe('token format', () => {
  it('is ca_ + 30 base62 + 6 base62 of the CRC32 of the random part', () => {
    const secret = generateSecret('api_token');
    expect(secret).toMatch(/^ca_[0-9A-Za-z]{36}$/);
    const random = secret.slice(3, 33);
    expect(secret.slice(33)).toBe(encodeBase62(crc32(random), 6));
    expect(parseSecret(secret)).toBe('api_token');
  });

  it('writes base62 most significant digit first, zero-padded', () => {
    expect(encodeBase62(0, 6)).toBe('000000');
    expect(encodeBase62(61, 6)).toBe('00000z');
    expect(encodeBase62(62, 6)).toBe('000010');
    expect(encodeBase62(0xffffffff, 6)).toBe('4gfFC3');
    // A known vector: CRC32("123456789") = 0xCBF43926.
    expect(checksumOf('123456789')).toBe(encodeBase62(0xcbf43926, 6));
    // Cross-checked with Python's zlib.crc32 and an independent base62 encoder.
    expect(checksumOf('123456789')).toBe('3jZRME');
  });

  it('gives session tokens their own prefix', () => {
    const secret = generateSecret('session');
    expect(secret).toMatch(/^ses_[0-9A-Za-z]{36}$/);
    expect(parseSecret(secret)).toBe('session');
  });

  it('refuses any single-character typo, truncation or wrong prefix', () => {
    const secret = generateSecret('api_token');
    for (let i = 3; i < secret.length; i++) {
      const replacement = secret[i] === 'x' ? 'y' : 'x';
      expect(parseSecret(secret.slice(0, i) + replacement + secret.slice(i + 1))).toBeNull();
    }
    expect(parseSecret(secret.slice(0, -1))).toBeNull();
    expect(parseSecret(`${secret}0`)).toBeNull();
    expect(parseSecret(`cb_${secret.slice(3)}`)).toBeNull();
    expect(parseSecret(` ${secret}`)).toBeNull();
    expect(parseSecret('')).toBeNull();
  });

  it('does not repeat across 10,000 draws and uses the whole alphabet', () => {
    const seen = new Set<string>();
    const characters = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const secret = generateSecret('api_token');
      seen.add(secret);
      for (const c of secret.slice(3, 33)) characters.add(c);
    }
    expect(seen.size).toBe(10_000);
    expect(characters.size).toBe(62);
  });

  it('shows only a short non-secret prefix and stores a SHA-256 digest', () => {
    const secret = generateSecret('api_token');
    expect(displayPrefix(secret)).toBe(secret.slice(0, 7));
    expect(digestSecret(secret)).toHaveLength(32);
    expect(digestSecret(secret).toString('hex')).not.toContain(secret);
  });
});

describe('password hashing', () => {
  it('verifies the right password and refuses a wrong one at the production cost', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(stored.startsWith(`scrypt$${DEFAULT_SCRYPT_COST}$8$1$`)).toBe(true);
    expect(stored).not.toContain('correct horse battery');
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterz', stored)).toBe(false);
  });

  it('salts every hash and refuses malformed stored values', async () => {
    const a = await hashPassword('same password', 2 ** 10);
    const b = await hashPassword('same password', 2 ** 10);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same password', 'plaintext')).toBe(false);
    expect(await verifyPassword('same password', 'scrypt$1024$8$1$$')).toBe(false);
  });
});
