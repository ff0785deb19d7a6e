/**
 * The main window's options, kept apart from the glue so a test can check every
 * security setting without starting Electron.
 */
export interface WindowBoundsOption {
  x?: number;
  y?: number;
  width: number;
  height: number;
}

export interface WindowBuild {
  /** A packaged app gets no DevTools at all, not just none in the menu. */
  isPackaged: boolean;
}

export function mainWindowOptions(
  preloadPath: string,
  bounds: WindowBoundsOption | null,
  { isPackaged }: WindowBuild,
) {
  return {
    ...(bounds ?? { width: 1100, height: 720 }),
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Token Desk',
    backgroundColor: '#1b1d23',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: !isPackaged,
    },
  } as const;
}

/** The policy the page carries in its meta tag (src/renderer/index.html). */
const PAGE_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
];
export const META_CONTENT_SECURITY_POLICY = PAGE_POLICY.join('; ');

/** Applied as a response header to everything the window loads; frame-ancestors only works as a header. */
export const CONTENT_SECURITY_POLICY = [...PAGE_POLICY, "frame-ancestors 'none'"].join('; ');

/**
 * Response headers with our policy in place of any the response carried (header
 * names are case-insensitive, so every spelling of the old one goes).
 */
export function withContentSecurityPolicy(
  headers: Record<string, string[]> | undefined,
): Record<string, string[]> {
  const kept = Object.entries(headers ?? {}).filter(
    ([name]) => name.toLowerCase() !== 'content-security-policy',
  );
  return { ...Object.fromEntries(kept), 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] };
}
