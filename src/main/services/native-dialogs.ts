/**
 * A value from outside (an email a service answered, a provider's login) as one plain
 * line: no control, invisible or direction-changing characters, no line breaks, at
 * most `max` characters, so it cannot add sentences of its own to a question.
 */
export function plainText(value: string, max = 80): string {
  const flat = value
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
