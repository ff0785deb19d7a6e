/**
 * The rules for a token's name, shared by the service (which enforces them) and the
 * app (which checks them inline before anything is sent).
 */
export const TOKEN_NAME_MAX_LENGTH = 100;

// Control characters, line and paragraph separators: they break the line a name is shown on.
const CONTROL = /[\p{Cc}\p{Zl}\p{Zp}]/u;

// Characters a person cannot see, or that change how the text around them is drawn: every
// format character (Cf: zero-width spaces and joiners, U+00AD, U+061C, U+2060–U+2064, U+FEFF,
// bidi overrides and isolates, tag characters), the whole tag block U+E0000–U+E007F, and the
// default-ignorable letters that render as nothing (U+034F, the Hangul fillers, U+17B4/5).
// With them `ci-\u200bgithub` would sit beside `ci-github` looking identical ("Trojan Source").
// Variation selectors (U+FE00–FE0F) are left alone: emoji need them and they hide nothing.
// The combining ones stand outside the class, where a linter cannot mistake them for a
// sequence.
const INVISIBLE =
  /[\p{Cf}\u{E0000}-\u{E007F}\u115F\u1160\u3164\uFFA0\uFFF0-\uFFF8]|\u034F|\u17B4|\u17B5/u;

// An unpaired UTF-16 surrogate (JSON's "\ud800") is not a character at all: SQLite would
// store it as three U+FFFD. U+FFFD itself means the text was already damaged on the way
// (invalid UTF-8 becomes U+FFFD when the body is decoded).
const BROKEN = /[\p{Cs}\uFFFD]/u;

export type NameCheck = { ok: true; name: string } | { ok: false; message: string };

/** `U+200B`, the way Unicode charts name a code point. */
function codePointLabel(character: string): string {
  const value = character.codePointAt(0) ?? 0;
  return `U+${value.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Position (1-based, in characters as a person counts them) of the first match. */
function where(name: string, pattern: RegExp): { label: string; position: number } | null {
  let position = 0;
  for (const character of name) {
    position++;
    if (pattern.test(character)) return { label: codePointLabel(character), position };
  }
  return null;
}

/**
 * Trims `raw` and checks it is 1–`maxLength` characters (code points; a token's name:
 * 100) with nothing invisible, direction-changing, broken or control in it.
 */
export function normalizeName(
  raw: string,
  label = 'Name',
  maxLength = TOKEN_NAME_MAX_LENGTH,
): NameCheck {
  const name = raw.trim();
  if (name.length === 0) return { ok: false, message: `${label} is required.` };
  const length = [...name].length;
  if (length > maxLength) {
    return {
      ok: false,
      message: `${label} must be at most ${maxLength} characters (it has ${length}).`,
    };
  }
  if (CONTROL.test(name)) {
    return { ok: false, message: `${label} must not contain control characters or line breaks.` };
  }
  if (BROKEN.test(name)) {
    const found = where(name, BROKEN);
    return {
      ok: false,
      message: `${label} contains a damaged character (${found?.label ?? 'unknown'} at position ${found?.position ?? 0}). Type the name again.`,
    };
  }
  if (INVISIBLE.test(name)) {
    const found = where(name, INVISIBLE);
    return {
      ok: false,
      message: `${label} must not contain invisible or text-direction characters (${found?.label ?? 'unknown'} at position ${found?.position ?? 0}): they make one name look like another.`,
    };
  }
  return { ok: true, name };
}
