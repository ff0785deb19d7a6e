/**
 * The characters a vendor's text (a token name, a project path, an account name) may
 * not bring into the window as they are: control and format characters (zero-width,
 * bidi overrides and isolates, tags), line and paragraph separators, private use, lone
 * surrogates, and every default-ignorable code point — the fillers and variation
 * selectors that draw as nothing after a letter (U+180B–U+180F, U+FE00–U+FE0F,
 * U+E0100–U+E01EF, U+2065, U+FFF0–U+FFF8 among them). A token named `Acme\uFE0F Corp`
 * must not read as `Acme Corp`. One pattern for every vendor, so none falls behind.
 * No Node or DOM: main's issuers share it.
 */

/** Runs of such characters, each replaced by one visible mark (or a space) by the caller. */
export const UNSEEN_RUNS =
  /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cs}\p{Default_Ignorable_Code_Point}]+/gu;
