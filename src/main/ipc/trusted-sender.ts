/**
 * VS Code's rule, bound to our one window: an IPC message is refused unless it
 * comes from our window's webContents, from that window's main frame, while the
 * frame shows a page of our own origin. URLs are parsed, never compared loosely.
 */

/** What the check reads from Electron's `WebFrameMain`. */
export interface SenderFrame {
  url: string;
  /** null for a top-level (main) frame. */
  parent: unknown;
  processId: number;
  routingId: number;
}

/** What the check reads from Electron's `IpcMainInvokeEvent`. */
export interface IpcSenderEvent {
  sender: { id: number };
  senderFrame: SenderFrame | null;
}

/** Our window as it is at the moment a message arrives. */
export interface OurWindow {
  webContentsId: number;
  mainFrame: { processId: number; routingId: number };
  /** The page we load: `app://token-desk/index.html`, or the dev server's URL. */
  pageUrl: string;
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * Same scheme, host and port, and no credentials. Compared field by field because
 * Node gives a custom scheme's URL an opaque origin (`"null"`), which would make
 * every app:// page "the same origin" as every other.
 */
function sameOrigin(sender: URL, page: URL): boolean {
  return (
    sender.protocol === page.protocol &&
    sender.hostname === page.hostname &&
    sender.port === page.port &&
    sender.username === '' &&
    sender.password === '' &&
    sender.hostname !== ''
  );
}

export function isTrustedSender(event: IpcSenderEvent, ours: OurWindow | null): boolean {
  // Read the frame at once: Electron nulls it if the frame navigates or goes away.
  const frame = event.senderFrame;
  if (!ours || !frame) return false;
  if (event.sender.id !== ours.webContentsId) return false;
  if (frame.parent !== null) return false;
  if (
    frame.processId !== ours.mainFrame.processId ||
    frame.routingId !== ours.mainFrame.routingId
  ) {
    return false;
  }
  const sender = parse(frame.url);
  const page = parse(ours.pageUrl);
  // Every file:// page shares one origin with every local file: never ours.
  if (!sender || !page || page.protocol === 'file:') return false;
  return sameOrigin(sender, page);
}
