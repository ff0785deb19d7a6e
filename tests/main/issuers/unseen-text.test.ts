/**
 * Every vendor's names go through one pattern of what may not reach the window as it
 * is. Characters that draw as nothing after a letter (variation selectors, Mongolian
 * free variation selectors, U+2065, the specials) once passed the Cloudflare and
 * GitLab cleaners, so `Acme\uFE0F Corp` read as `Acme Corp` in the create form.
 */
import { describe, expect, it } from 'vitest';
import { displayable } from '../../../src/main/issuers/cloudflare/cloudflare-answers.js';
import { shownName } from '../../../src/main/issuers/github/tracked-token-view.js';
import { cleanVendorText } from '../../../src/main/issuers/gitlab/vendor-text.js';
import { cleanTokenName } from '../../../src/main/issuers/npm/npm-tokens.js';

const UNSEEN = [
  '\uFE0F', // variation selector 16
  '\uFE00', // variation selector 1
  '\u180B', // Mongolian free variation selector 1
  '\u180F', // Mongolian free variation selector 4
  '\u2065', // reserved default-ignorable
  '\u{E0100}', // variation selector 17
  '\u{E01EF}', // variation selector 256
  '\uFFF0', // a special
  '\u200B', // zero width space
  '\u202E', // right-to-left override
  '\u3164', // Hangul filler
];

const CLEANERS: Array<[string, (raw: string) => string | null]> = [
  ['Cloudflare', (raw) => displayable(raw)],
  ['GitLab', (raw) => cleanVendorText(raw)],
  ['npm', (raw) => cleanTokenName(raw)],
  ['GitHub', (raw) => shownName(raw)],
];

describe.each(CLEANERS)('%s names', (_vendor, clean) => {
  it.each(UNSEEN.map((character) => [character.codePointAt(0)!.toString(16)]))(
    'U+%s between two words never reads as the plain name',
    (hex) => {
      const shown = clean(`Acme${String.fromCodePoint(parseInt(hex, 16))}Corp`);
      expect(shown).not.toBe('AcmeCorp');
      // Nothing invisible is left in what is shown.
      expect(shown).not.toMatch(/[\p{Cf}\p{Default_Ignorable_Code_Point}]/u);
    },
  );

  it('keeps a plain name as it is', () => {
    expect(clean('deploy ci-release 2026')).toBe('deploy ci-release 2026');
  });
});
