import sodium from 'libsodium-wrappers';
import { beforeAll, describe, expect, it } from 'vitest';
import { sealForGitHub } from '../../../../src/main/ci-providers/github/sealed-box.js';
import { generateSecret } from '../../../../src/server/auth/secrets.js';

const b64 = (bytes: Uint8Array) => sodium.to_base64(bytes, sodium.base64_variants.ORIGINAL);

describe('sealing a secret for GitHub (crypto_box_seal)', () => {
  beforeAll(() => sodium.ready);

  it("opens with libsodium's own crypto_box_seal_open to exactly the secret", async () => {
    const keys = sodium.crypto_box_keypair();
    const secret = generateSecret('api_token');
    const sealed = await sealForGitHub(secret, b64(keys.publicKey));
    const opened = sodium.crypto_box_seal_open(
      sodium.from_base64(sealed, sodium.base64_variants.ORIGINAL),
      keys.publicKey,
      keys.privateKey,
    );
    expect(sodium.to_string(opened)).toBe(secret);
    expect(sealed).not.toContain(secret);
  });

  it('does not open with another key pair', async () => {
    const keys = sodium.crypto_box_keypair();
    const other = sodium.crypto_box_keypair();
    const sealed = await sealForGitHub('ca_secret', b64(keys.publicKey));
    expect(() =>
      sodium.crypto_box_seal_open(
        sodium.from_base64(sealed, sodium.base64_variants.ORIGINAL),
        other.publicKey,
        other.privateKey,
      ),
    ).toThrow();
  });

  it('refuses a public key that is not 32 bytes of base64, sending nothing', async () => {
    for (const bad of ['', 'not base64 !', b64(new Uint8Array(31)), b64(new Uint8Array(33))]) {
      await expect(sealForGitHub('ca_secret', bad)).rejects.toMatchObject({
        code: 'provider_invalid_response',
      });
    }
  });
});
