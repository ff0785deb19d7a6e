/** Which texts are shaped like a credential: every vendor's token, not everyday CI words. */
import { describe, expect, it } from 'vitest';
import { looksLikeCredential, redactSecrets } from '../../src/shared/credential-patterns.js';

const NPM = `npm_${'a1B2c3D4e5'.repeat(3)}abcdef`;
const CLOUDFLARE = `cfut_${'Z9y8X7w6V5'.repeat(4)}`;

describe('credential shapes', () => {
  it('knows npm and Cloudflare tokens beside GitHub, GitLab and ours', () => {
    for (const value of [
      NPM,
      CLOUDFLARE,
      `cfat_${'q'.repeat(40)}`,
      'ghp_0123456789abcdef',
      'glpat-0123456789abcdef',
      'ca_0123456789',
    ])
      expect(looksLikeCredential(`the token is ${value}.`), value).toBe(true);
  });

  it('leaves everyday CI names alone', () => {
    for (const word of [
      'NPM_TOKEN',
      'npm_publish',
      'CF_API_TOKEN',
      'cfut_short',
      'npm_config_registry',
    ])
      expect(looksLikeCredential(word), word).toBe(false);
  });

  it('cuts an echoed vendor token out of text', () => {
    expect(redactSecrets(`refused ${NPM} and ${CLOUDFLARE}`, [])).toBe(
      'refused [redacted] and [redacted]',
    );
  });
});
