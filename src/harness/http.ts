/** What the harness's HTTP server shares: content types, its refusals, body and path reading. */
import type { IncomingMessage } from 'node:http';

const MAX_BODY = 64 * 1024;

export const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** A request the harness refuses: its status and a sentence, sent as JSON. */
export class BadRequest extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/**
 * Reads a JSON body of at most MAX_BODY bytes. A larger one is refused with 413 and
 * not buffered; Node then reads and discards the rest, so the client gets the answer
 * instead of a connection reset.
 */
export function readBody(request: IncomingMessage): Promise<string> {
  const tooLarge = () =>
    new BadRequest(413, 'body_too_large', `The request body must be at most ${MAX_BODY} bytes.`);
  const declared = Number(request.headers['content-length']);
  if (declared > MAX_BODY) return Promise.reject(tooLarge());
  return new Promise((resolveBody, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) return void chunks.push(chunk);
      request.off('data', onData);
      chunks.length = 0;
      reject(tooLarge());
    };
    request.on('data', onData);
    request.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

export function decodePath(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new BadRequest(400, 'malformed_url', 'The URL is malformed (check its %-escapes).');
  }
}
