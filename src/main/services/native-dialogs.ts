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

export interface ConfirmPort {
  /** True only when the person chose `confirmLabel`. */
  confirm(question: ConfirmQuestion): Promise<boolean>;
}
