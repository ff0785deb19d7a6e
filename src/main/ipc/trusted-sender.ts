/**
 * VS Code's rule: an IPC message is refused unless it comes from the main frame
 * of our own window, showing our own page. URLs are parsed, never compared loosely.
 */
export interface SenderFrame {
  url: string;
  /** null for a top-level (main) frame. */
  parent: unknown;
}

/** `appUrl` is the renderer's entry: `file:///…/out/renderer/index.html` or the dev server's URL. */
export function isTrustedSender(frame: SenderFrame | null | undefined, appUrl: string): boolean {
  if (!frame || frame.parent !== null) return false;
  let sender: URL;
  let expected: URL;
  try {
    sender = new URL(frame.url);
    expected = new URL(appUrl);
  } catch {
    return false;
  }
  if (sender.protocol !== expected.protocol) return false;
  if (expected.protocol === 'file:')
    return sender.host === '' && sender.pathname === expected.pathname;
  return sender.origin === expected.origin;
}
