/**
 * Stands in for Electron, and only for Electron: it builds the main process's
 * services exactly as main does (real keytar, settings on `conf` in a directory of
 * its own, an in-memory clipboard instead of the OS one), serves the built renderer
 * over http on 127.0.0.1, and gives the page a bridge implementing the same
 * contract over fetch, calling the very handlers main registers
 * (invokeChannel → desk handlers). Requests without the per-run key are refused.
 *
 *   node out/harness/tests/e2e/harness.js   (or `npm run harness`, which first makes sure a service answers)
 *
 * Prints one JSON line: {"url": "http://127.0.0.1:PORT/#key=…", "port": PORT}.
 */
import Conf from 'conf';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { composeDesk } from '../../src/main/compose.js';
import { loadKeytar } from '../../src/main/services/keychain-loader.js';
import { invokeChannel } from '../../src/main/ipc/invoke-channel.js';
import { BRIDGE_GLOBAL, CHANNELS, methodName } from '../../src/shared/ipc-channels.js';
import { MemoryClipboard } from '../main/fakes.js';

const ROOT = resolve(process.env.TOKEN_DESK_RENDERER_DIR ?? 'out/renderer');
const MAX_BODY = 64 * 1024;

const bridgeScript = (channels: Array<[string, string]>) => `(() => {
  // Key from the URL fragment (never sent to the server as part of a URL), kept for reloads.
  const match = /key=([0-9a-f]+)/.exec(location.hash);
  if (match) {
    sessionStorage.setItem('harness-key', match[1]);
    history.replaceState(null, '', location.pathname);
  }
  const key = sessionStorage.getItem('harness-key');
  const invoke = async (channel, payload) => {
    const response = await fetch('/__harness/invoke/' + encodeURIComponent(channel), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-harness-key': key || '' },
      body: JSON.stringify(payload === undefined ? null : payload),
    });
    return response.json();
  };
  const bridge = {};
  for (const [channel, method] of ${JSON.stringify(channels)}) bridge[method] = (payload) => invoke(channel, payload);
  Object.defineProperty(window, ${JSON.stringify(BRIDGE_GLOBAL)}, { value: Object.freeze(bridge) });
})();`;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

async function main(): Promise<void> {
  const settingsDir =
    process.env.TOKEN_DESK_SETTINGS_DIR ?? mkdtempSync(join(tmpdir(), 'token-desk-harness-'));
  const store = new Conf({
    cwd: settingsDir,
    configName: 'settings',
    projectName: 'token-desk',
    clearInvalidConfig: true,
  });
  const clipboard = new MemoryClipboard(); // the OS clipboard's stand-in; tests read it at /__harness/clipboard
  const { keychain, problem: keychainProblem } = await loadKeytar();
  if (keychainProblem) console.warn(`harness: no keychain: ${keychainProblem}`);
  const { handlers, settings } = composeDesk({ keychain, keychainProblem, store, clipboard });
  if (process.env.TOKEN_DESK_SERVICE_URL)
    settings.update({ serviceUrl: process.env.TOKEN_DESK_SERVICE_URL });

  const key = randomBytes(24).toString('hex');
  const keyBuffer = Buffer.from(key);
  const hasKey = (request: IncomingMessage) => {
    const given = Buffer.from(String(request.headers['x-harness-key'] ?? ''));
    return given.length === keyBuffer.length && timingSafeEqual(given, keyBuffer);
  };
  const bridge = bridgeScript(CHANNELS.map((channel) => [channel, methodName(channel)]));
  const log = {
    error: (message: string, detail: unknown) => console.error(`harness: ${message}`, detail),
  };

  const send = (response: ServerResponse, status: number, type: string, body: string | Buffer) => {
    response.writeHead(status, {
      'content-type': type,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    response.end(body);
  };

  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      if (
        url.pathname.startsWith('/__harness/invoke/') ||
        url.pathname === '/__harness/clipboard'
      ) {
        if (!hasKey(request))
          return send(
            response,
            403,
            'application/json',
            JSON.stringify({ error: 'missing or wrong harness key' }),
          );
        if (url.pathname === '/__harness/clipboard') {
          return send(
            response,
            200,
            'application/json',
            JSON.stringify({ text: clipboard.text, concealed: clipboard.concealed }),
          );
        }
        if (
          request.method !== 'POST' ||
          !String(request.headers['content-type']).startsWith('application/json')
        ) {
          return send(
            response,
            415,
            'application/json',
            JSON.stringify({ error: 'POST application/json only' }),
          );
        }
        let payload: unknown;
        try {
          payload = JSON.parse(await readBody(request));
        } catch {
          return send(response, 400, 'application/json', JSON.stringify({ error: 'bad JSON' }));
        }
        const channel = decodeURIComponent(url.pathname.slice('/__harness/invoke/'.length));
        const result = await invokeChannel(handlers, channel, payload, log);
        return send(response, 200, 'application/json', JSON.stringify(result));
      }
      if (url.pathname === '/__harness/bridge.js')
        return send(response, 200, CONTENT_TYPES['.js']!, bridge);

      const relative =
        url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
      const file = normalize(join(ROOT, relative));
      if (!file.startsWith(ROOT + sep)) return send(response, 404, 'text/plain', 'not found');
      let content: Buffer;
      try {
        content = readFileSync(file);
      } catch {
        return send(response, 404, 'text/plain', 'not found');
      }
      if (relative === 'index.html') {
        // The page is the built one; two changes stand in for Electron: the bridge
        // script (instead of the preload) and connect-src 'self' so it can reach us.
        const html = content
          .toString('utf8')
          .replace("connect-src 'none'", "connect-src 'self'")
          .replace('<head>', '<head>\n    <script src="/__harness/bridge.js"></script>');
        return send(response, 200, CONTENT_TYPES['.html']!, html);
      }
      return send(
        response,
        200,
        CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
        content,
      );
    })().catch((error: unknown) => {
      log.error('request failed', error);
      if (!response.headersSent) send(response, 500, 'text/plain', 'harness error');
    });
  });

  const port = Number(process.env.HARNESS_PORT ?? 0);
  await new Promise<void>((ready) => server.listen(port, '127.0.0.1', ready));
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  console.log(
    JSON.stringify({
      url: `http://127.0.0.1:${actualPort}/#key=${key}`,
      port: actualPort,
      settingsDir,
    }),
  );

  const shutdown = () => {
    void handlers
      .dispose()
      .finally(() => {
        server.close();
        server.closeAllConnections();
      })
      .finally(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

void main();
