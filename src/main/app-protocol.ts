/**
 * The renderer is served from `app://token-desk/` (VS Code's `vscode-file://`
 * idea) rather than `file://`: the page gets an origin of its own that IPC trust
 * can be bound to, module scripts load, and every response carries the CSP as a
 * header. Only files inside the renderer build are ever read.
 */
import { readFile, realpath } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve } from 'node:path';
import { CONTENT_SECURITY_POLICY } from './window-options.js';

export const APP_SCHEME = 'app';
export const APP_HOST = 'token-desk';
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * For `protocol.registerSchemesAsPrivileged`: a standard scheme (real origin,
 * relative URLs), secure (a secure context, like https), fetch allowed for the
 * page's own module scripts. Not `corsEnabled`, so no other origin may read our
 * files, and never `bypassCSP`. Unverified in a real Electron here (see ENVIRONMENT.md).
 */
export const APP_SCHEME_PRIVILEGES = {
  standard: true,
  secure: true,
  supportFetchAPI: true,
  codeCache: true,
} as const;

/** The kinds of file a renderer build holds; anything else is not served. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
};

export type AppRequestTarget =
  | { ok: true; filePath: string; contentType: string }
  | { ok: false; status: 400 | 404 | 405 | 500; reason: string };

const refused = (status: 400 | 404, reason: string): AppRequestTarget => ({
  ok: false,
  status,
  reason,
});

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/**
 * Which file an `app://` URL may read, decided from the URL alone. Dot segments
 * are already gone after URL parsing (Chromium does the same); what could only
 * become a separator, a dot segment or a drive after decoding is refused.
 */
export function resolveAppRequest(requestUrl: string, rendererRoot: string): AppRequestTarget {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return refused(400, 'not a URL');
  }
  if (
    url.protocol !== `${APP_SCHEME}:` ||
    url.hostname !== APP_HOST ||
    url.port !== '' ||
    url.username !== '' ||
    url.password !== ''
  ) {
    return refused(404, 'not this app');
  }
  const raw = url.pathname === '/' ? ['index.html'] : url.pathname.split('/').slice(1);
  const segments: string[] = [];
  for (const part of raw) {
    let segment: string;
    try {
      segment = decodeURIComponent(part);
    } catch {
      return refused(400, 'malformed escape');
    }
    if (segment === '' || segment.startsWith('.') || /[/\\:%\0]/.test(segment)) {
      return refused(400, 'unsafe path segment');
    }
    segments.push(segment);
  }
  const root = resolve(rendererRoot);
  const filePath = resolve(root, ...segments);
  if (!isInside(root, filePath)) return refused(400, 'outside the renderer build');
  const contentType = CONTENT_TYPES[extname(filePath).toLowerCase()];
  if (!contentType) return refused(404, 'not a file the app serves');
  return { ok: true, filePath, contentType };
}

function securityHeaders(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    // The one policy constant, as a header: frame-ancestors only works this way.
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
  };
}

function failure(status: number, reason: string): Response {
  return new Response(`${status} ${reason}`, {
    status,
    headers: securityHeaders('text/plain; charset=utf-8'),
  });
}

export interface AppProtocolLog {
  error(message: string, detail: unknown): void;
}

const MISSING = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

/** The `protocol.handle('app', …)` handler over one renderer build directory. */
export function appProtocolHandler(
  rendererRoot: string,
  log: AppProtocolLog = { error: () => {} },
): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return failure(405, 'method not allowed');
    }
    const target = resolveAppRequest(request.url, rendererRoot);
    if (!target.ok) return failure(target.status, target.reason);
    try {
      // A link inside the build must not lead outside it.
      const [root, real] = await Promise.all([realpath(rendererRoot), realpath(target.filePath)]);
      if (!isInside(root, real)) return failure(404, 'not found');
      const body = await readFile(real);
      return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
        status: 200,
        headers: securityHeaders(target.contentType),
      });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'string' && MISSING.has(code)) return failure(404, 'not found');
      log.error(`cannot serve ${request.url}`, error);
      return failure(500, 'cannot read the file');
    }
  };
}
