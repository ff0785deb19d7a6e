/**
 * GitHub Actions secrets are sent encrypted to the target's public key as a
 * libsodium sealed box (crypto_box_seal), base64 in and out, as GitHub's REST docs
 * ("About encrypting secrets") describe.
 */
import sodium from 'libsodium-wrappers';
import { ProviderError } from '../provider-error.js';

export async function sealForGitHub(secret: string, publicKeyBase64: string): Promise<string> {
  await sodium.ready;
  let publicKey: Uint8Array;
  try {
    publicKey = sodium.from_base64(publicKeyBase64, sodium.base64_variants.ORIGINAL);
  } catch {
    throw invalidKey();
  }
  if (publicKey.length !== sodium.crypto_box_PUBLICKEYBYTES) throw invalidKey();
  const sealed = sodium.crypto_box_seal(sodium.from_string(secret), publicKey);
  return sodium.to_base64(sealed, sodium.base64_variants.ORIGINAL);
}

function invalidKey(): ProviderError {
  return new ProviderError(
    'provider_invalid_response',
    'GitHub answered with a public key that is not a 32-byte base64 key, so nothing was sent.',
  );
}
