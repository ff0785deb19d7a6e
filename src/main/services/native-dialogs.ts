/**
 * Questions main asks the person itself, in a native dialog the page cannot draw,
 * answer or dismiss (Electron's dialog.showMessageBox in the app, a recording fake
 * in tests). Used where a compromised page could otherwise decide for the person:
 * trusting a new GitHub or GitLab host, keeping credentials after a sign-out.
 */
export interface ConfirmQuestion {
  title: string;
  message: string;
  detail: string;
  /** The button that says yes; the other is "Cancel", which is also what Esc and closing mean. */
  confirmLabel: string;
  cancelLabel?: string;
}

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

export interface ConfirmPort {
  /** True only when the person chose `confirmLabel`. */
  confirm(question: ConfirmQuestion): Promise<boolean>;
}
