/**
 * Stands in for Electron, and only for Electron: it builds the main process's
 * services exactly as main does (real keytar, settings on `conf` in a directory of
 * its own, an in-memory clipboard instead of the OS one), serves the built renderer
 * over http on 127.0.0.1, and gives the page a bridge implementing the same
 * contract over fetch, calling the very handlers main registers
 * (invokeChannel → desk handlers). Requests without the per-run key are refused.
 *
 *   node out/harness/src/harness/main.js   (or `npm run harness`, which first makes sure a service answers)
 *
 * Prints one JSON line: {"url": "http://127.0.0.1:PORT/#key=…", "port": PORT, "settingsDir": …, "exportDir": …}.
 */
import Conf from 'conf';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { composeDesk } from '../main/compose.js';
import { applicationMenuTemplate } from '../main/menu.js';
import { loadKeytar } from '../main/services/keychain-loader.js';
import { invokeChannel, isChannel } from '../main/ipc/invoke-channel.js';
import {
  CHANNELS,
  RENDERER_EVENTS,
  methodName,
  subscriptionName,
  type RendererEvent,
} from '../shared/ipc-channels.js';
import { MemoryClipboard } from './stand-ins.js';
import {
  RecordingConfirm,
  RecordingExternalLinks,
  RecordingNotifier,
  RecordingOpenDialog,
  RecordingSaveDialog,
} from './stand-ins.js';
import { bridgeScript } from './bridge-script.js';
import { BadRequest, CONTENT_TYPES, decodePath, readBody } from './http.js';
import { menuItemLabelled } from './menu-clicks.js';
import { HarnessPrompt, promptBridgeScript } from './prompt-stand-in.js';
import { promptRoutes } from './prompt-routes.js';

const ROOT = resolve(process.env.TOKEN_DESK_RENDERER_DIR ?? 'out/renderer');

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
  // Stand-ins for Electron's save dialog (answers with the next file in a folder of its
  // own) and Notification (records what would have been shown; tests click them).
  const exportDir =
    process.env.TOKEN_DESK_EXPORT_DIR ?? mkdtempSync(join(tmpdir(), 'token-desk-exports-'));
  const saveDialog = new RecordingSaveDialog(exportDir);
  const notifier = new RecordingNotifier();
  // Stand-in for dialog.showOpenDialog: answers Cancel until a spec names the file the
  // person "picks" (POST /__harness/open-dialog/next with the control key and {path}); the
  // page itself can never name one.
  const openDialog = new RecordingOpenDialog();
  // Stand-in for shell.openExternal: records each page; tests read /__harness/opened-links.
  const externalLinks = new RecordingExternalLinks();
  // Stand-in for dialog.showMessageBox: records main's questions (GET
  // /__harness/questions) and answers no, as Cancel would, unless
  // TOKEN_DESK_HARNESS_ANSWER=yes. The specs queue answers through
  // POST /__harness/questions/next/{yes,no} with TOKEN_DESK_HARNESS_CONTROL_KEY, a key
  // the page never has: the page must not answer main's questions itself.
  const confirm = new RecordingConfirm(process.env.TOKEN_DESK_HARNESS_ANSWER === 'yes');
  const controlKey = Buffer.from(process.env.TOKEN_DESK_HARNESS_CONTROL_KEY ?? '');
  const hasControlKey = (request: IncomingMessage) => {
    const given = Buffer.from(String(request.headers['x-harness-control-key'] ?? ''));
    return (
      controlKey.length >= 16 &&
      given.length === controlKey.length &&
      timingSafeEqual(given, controlKey)
    );
  };
  const askedOnTerminal = confirm.confirm.bind(confirm);
  confirm.confirm = async (question) => {
    const answer = await askedOnTerminal(question);
    console.warn(
      `harness: main asked "${question.message}" and the stand-in answered ${answer ? 'yes' : 'no'}` +
        (answer ? '' : ' (TOKEN_DESK_HARNESS_ANSWER=yes answers yes)'),
    );
    return answer;
  };
  // Main's prompt: the real prompt page, opened by a spec from /__harness/prompts/pending
  // (control key), or a queued answer (POST /__harness/prompt/next).
  const prompt = new HarnessPrompt();
  const { handlers, settings, rendererEvents, reminders } = composeDesk({
    keychain,
    keychainProblem,
    store,
    clipboard,
    saveDialog,
    openDialog,
    notifier,
    externalLinks,
    confirm,
    prompt,
    // HTTPS_PROXY, HTTP_PROXY and NO_PROXY from the harness's own environment, as outside Electron.
    proxyEnvironment: process.env,
  });
  /** The page's open event streams. */
  const eventStreams = new Set<ServerResponse>();
  rendererEvents.subscribe((event, payload) => {
    for (const stream of eventStreams) stream.write(`${JSON.stringify({ event, payload })}\n`);
  });
  // As in Electron: the environment's URL is this run's default, never written to settings.
  settings.overrideForThisRun(
    { serviceUrl: process.env.TOKEN_DESK_SERVICE_URL },
    'TOKEN_DESK_SERVICE_URL',
  );

  const key = randomBytes(24).toString('hex');
  const keyBuffer = Buffer.from(key);
  const hasKey = (request: IncomingMessage) => {
    const given = Buffer.from(String(request.headers['x-harness-key'] ?? ''));
    return given.length === keyBuffer.length && timingSafeEqual(given, keyBuffer);
  };
  const bridge = bridgeScript(
    CHANNELS.map((channel) => [channel, methodName(channel)]),
    (Object.keys(RENDERER_EVENTS) as RendererEvent[]).map((event) => [
      event,
      subscriptionName(event),
    ]),
  );
  const log = {
    error: (message: string, detail: unknown) => console.error(`harness: ${message}`, detail),
  };

  const send = (
    response: ServerResponse,
    status: number,
    type: string,
    body: string | Buffer,
    headers: Record<string, string> = {},
  ) => {
    response.writeHead(status, {
      'content-type': type,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      ...headers,
    });
    response.end(body);
  };
  const json = (response: ServerResponse, status: number, body: unknown) =>
    send(response, status, 'application/json', JSON.stringify(body));
  /** Refusals use the bridge's own failure shape, so the page reads them like any failure. */
  const refuse = (response: ServerResponse, refusal: BadRequest) =>
    send(
      response,
      refusal.status,
      'application/json',
      JSON.stringify({ ok: false, error: { code: refusal.code, message: refusal.message } }),
      refusal.headers,
    );
  const onlyMethods = (request: IncomingMessage, allowed: string[]) => {
    if (!allowed.includes(request.method ?? ''))
      throw new BadRequest(405, 'method_not_allowed', `Use ${allowed.join(' or ')} here.`, {
        allow: allowed.join(', '),
      });
  };

  const handlePromptRoute = promptRoutes({ prompt, hasControlKey, json, onlyMethods });

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://127.0.0.1');
    } catch {
      throw new BadRequest(400, 'malformed_url', 'The URL is malformed.');
    }
    if (await handlePromptRoute(url.pathname, request, response)) return;
    const notificationClick = /^\/__harness\/notifications\/(\d+)\/click$/.exec(url.pathname);
    const nextAnswer = /^\/__harness\/questions\/next\/(yes|no)$/.exec(url.pathname);
    if (url.pathname === '/__harness/open-dialog/next') {
      if (!hasControlKey(request))
        throw new BadRequest(
          403,
          'harness_control_key',
          'The file the open dialog answers with needs the control key (x-harness-control-key), which the page does not have.',
        );
      onlyMethods(request, ['POST']);
      let path: unknown;
      try {
        path = (JSON.parse(await readBody(request)) as { path?: unknown }).path;
      } catch {
        throw new BadRequest(400, 'bad_json', 'Send {"path": "…"} as JSON.');
      }
      if (typeof path !== 'string' && path !== null)
        throw new BadRequest(400, 'bad_path', 'Send {"path": "…"} (or null for Cancel).');
      openDialog.answer = path;
      return json(response, 200, { answer: path });
    }
    const menuClick = /^\/__harness\/menu\/(.+)$/.exec(url.pathname);
    if (menuClick || url.pathname === '/__harness/unchecked-event') {
      // A person's menu click, and (for hostile tests) an event main would never send:
      // neither is the page's to ask for, so both need the control key.
      if (!hasControlKey(request))
        throw new BadRequest(
          403,
          'harness_control_key',
          'Menu clicks and raw events need the control key (x-harness-control-key), which the page does not have.',
        );
      onlyMethods(request, ['POST']);
      // As with no window: nobody to send to. Tests wait for the page's stream instead.
      if (eventStreams.size === 0)
        throw new BadRequest(409, 'no_page', 'No page is listening for events yet.');
      if (menuClick) {
        // The real menu, as Linux builds it, clicked with a window whose page is ours:
        // what its click sends goes through main's check to the page's event stream.
        const item = menuItemLabelled(
          applicationMenuTemplate({ platform: 'linux', isPackaged: true }),
          decodePath(menuClick[1]!),
        );
        if (!item?.click)
          throw new BadRequest(404, 'not_found', 'The menu has no such item to click.');
        const window = {
          webContents: {
            focus: () => {},
            send: (event: RendererEvent, payload: unknown) =>
              rendererEvents.emit(event, payload as never),
          },
        };
        (item.click as unknown as (item: unknown, window: unknown) => void)({}, window);
        return json(response, 200, { clicked: true });
      }
      let body: { event?: unknown; payload?: unknown };
      try {
        body = JSON.parse(await readBody(request)) as typeof body;
      } catch (error) {
        if (error instanceof BadRequest) throw error;
        throw new BadRequest(400, 'bad_json', 'The request body is not valid JSON.');
      }
      if (typeof body?.event !== 'string' || !Object.hasOwn(RENDERER_EVENTS, body.event))
        throw new BadRequest(404, 'unknown_event', 'There is no such event.');
      // Unchecked on purpose: it stands for whatever might reach the page another way.
      for (const stream of eventStreams)
        stream.write(`${JSON.stringify({ event: body.event, payload: body.payload })}\n`);
      return json(response, 200, { sent: eventStreams.size });
    }
    if (nextAnswer) {
      if (!hasControlKey(request))
        throw new BadRequest(
          403,
          'harness_control_key',
          'Answers to main’s questions need the control key (x-harness-control-key), which the page does not have.',
        );
      onlyMethods(request, ['POST']);
      confirm.answers.push(nextAnswer[1] === 'yes');
      return json(response, 200, { queued: confirm.answers.length });
    }
    if (
      url.pathname.startsWith('/__harness/invoke/') ||
      url.pathname === '/__harness/clipboard' ||
      url.pathname === '/__harness/events' ||
      url.pathname === '/__harness/notifications' ||
      url.pathname === '/__harness/opened-links' ||
      url.pathname === '/__harness/questions' ||
      notificationClick
    ) {
      if (!hasKey(request))
        throw new BadRequest(403, 'harness_key', 'Missing or wrong harness key (x-harness-key).');
      if (url.pathname === '/__harness/clipboard') {
        onlyMethods(request, ['GET']);
        return json(response, 200, { text: clipboard.text, concealed: clipboard.concealed });
      }
      if (url.pathname === '/__harness/events') {
        onlyMethods(request, ['GET']);
        response.writeHead(200, {
          'content-type': 'application/x-ndjson',
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
        });
        response.write('\n'); // headers out now, so the page's fetch resolves
        eventStreams.add(response);
        request.on('close', () => eventStreams.delete(response));
        return;
      }
      if (url.pathname === '/__harness/notifications') {
        onlyMethods(request, ['GET']);
        return json(
          response,
          200,
          notifier.shown.map(({ title, body }) => ({ title, body })),
        );
      }
      if (url.pathname === '/__harness/opened-links') {
        onlyMethods(request, ['GET']);
        return json(response, 200, externalLinks.opened);
      }
      if (url.pathname === '/__harness/questions') {
        onlyMethods(request, ['GET']);
        return json(response, 200, confirm.asked);
      }
      if (notificationClick) {
        onlyMethods(request, ['POST']);
        const shown = notifier.shown[Number(notificationClick[1])];
        if (!shown) throw new BadRequest(404, 'not_found', 'There is no such notification.');
        shown.onClick();
        return json(response, 200, { clicked: true });
      }
      onlyMethods(request, ['POST']);
      if (!String(request.headers['content-type']).startsWith('application/json'))
        throw new BadRequest(
          415,
          'unsupported_media_type',
          'Send the payload as application/json.',
        );
      const channel = decodePath(url.pathname.slice('/__harness/invoke/'.length));
      if (!isChannel(channel))
        throw new BadRequest(404, 'unknown_channel', `There is no "${channel}" action.`);
      let payload: unknown;
      try {
        payload = JSON.parse(await readBody(request));
      } catch (error) {
        if (error instanceof BadRequest) throw error;
        throw new BadRequest(400, 'bad_json', 'The request body is not valid JSON.');
      }
      const result = await invokeChannel(handlers, channel, payload, log);
      // A payload that fails the channel's schema is a bad request; a handler's failure
      // (wrong password, service down) is an answer the page shows, as over IPC.
      const status = !result.ok && result.error.code === 'invalid_payload' ? 400 : 200;
      return json(response, status, result);
    }

    onlyMethods(request, ['GET', 'HEAD']);
    if (url.pathname === '/__harness/bridge.js')
      return send(response, 200, CONTENT_TYPES['.js']!, bridge);
    if (url.pathname === '/__harness/prompt-bridge.js')
      return send(response, 200, CONTENT_TYPES['.js']!, promptBridgeScript);
    const relative = url.pathname === '/' ? 'index.html' : decodePath(url.pathname.slice(1));
    const file = normalize(join(ROOT, relative));
    const notFound = new BadRequest(404, 'not_found', `Nothing is served at ${url.pathname}.`);
    if (!file.startsWith(ROOT + sep)) throw notFound;
    let content: Buffer;
    try {
      content = readFileSync(file);
    } catch {
      throw notFound;
    }
    if (relative === 'index.html') {
      // A (re)loaded page has no dialog left to forget its secrets, as when Electron reloads.
      handlers.forgetReveals();
      // The page is the built one; two changes stand in for Electron: the bridge
      // script (instead of the preload) and connect-src 'self' so it can reach us.
      const html = content
        .toString('utf8')
        .replace("connect-src 'none'", "connect-src 'self'")
        .replace('<head>', '<head>\n    <script src="/__harness/bridge.js"></script>');
      return send(response, 200, CONTENT_TYPES['.html']!, html);
    }
    if (relative === 'prompt.html') {
      // Main's prompt page, with the stand-in for its own preload instead of the app's bridge.
      const html = content
        .toString('utf8')
        .replace("connect-src 'none'", "connect-src 'self'")
        .replace('<head>', '<head>\n    <script src="/__harness/prompt-bridge.js"></script>');
      return send(response, 200, CONTENT_TYPES['.html']!, html);
    }
    return send(response, 200, CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', content);
  }

  const server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      if (response.headersSent) return;
      if (error instanceof BadRequest) return refuse(response, error);
      log.error('request failed', error);
      refuse(
        response,
        new BadRequest(500, 'harness_error', 'The harness failed; its output says why.'),
      );
    });
  });

  const port = Number(process.env.HARNESS_PORT ?? 0);
  await new Promise<void>((ready) => server.listen(port, '127.0.0.1', ready));
  // As Electron's glue does once the window shows: check reminders now and hourly. The
  // first check ends before the harness says it is ready, so a test can tell what it showed.
  await reminders?.start().catch((error: unknown) => log.error('reminders failed', error));
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  console.log(
    JSON.stringify({
      url: `http://127.0.0.1:${actualPort}/#key=${key}`,
      port: actualPort,
      settingsDir,
      exportDir,
    }),
  );

  const shutdown = () => {
    reminders?.stop();
    for (const stream of eventStreams) stream.end();
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

main().catch((error: unknown) => {
  console.error(
    `harness: could not start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
