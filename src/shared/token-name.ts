/**
 * The rules for a token's name, shared by the service (which enforces them) and the
 * app (which checks them inline before anything is sent).
 */
export const TOKEN_NAME_MAX_LENGTH = 100;

// Control characters, line/paragraph separators and bidi overrides: they make a name
// render differently from what it is (the "Trojan Source" family of tricks).
const FORBIDDEN_CHARACTERS = /[\p{Cc}\p{Zl}\p{Zp}\u202A-\u202E\u2066-\u2069]/u;

export type NameCheck = { ok: true; name: string } | { ok: false; message: string };

/** Trims `raw` and checks it is 1–100 characters (code points) with no control characters. */
export function normalizeName(raw: string, label = 'Name'): NameCheck {
  const name = raw.trim();
  if (name.length === 0) return { ok: false, message: `${label} is required.` };
  const length = [...name].length;
  if (length > TOKEN_NAME_MAX_LENGTH) {
    return {
      ok: false,
      message: `${label} must be at most ${TOKEN_NAME_MAX_LENGTH} characters (it has ${length}).`,
    };
  }
  if (FORBIDDEN_CHARACTERS.test(name)) {
    return { ok: false, message: `${label} must not contain control characters or line breaks.` };
  }
  return { ok: true, name };
}
