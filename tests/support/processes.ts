/**
 * Starts the built token service and the e2e harness as child processes, as
 * `npm run server` and `npm run harness` do, and keeps everything they print.
 * Used by the service-process tests, the e2e specs and the renderer benchmark.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface Running {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far, in order. */
  output: string[];
  /** The exit code once the process has ended. */
  exited: Promise<number | null>;
  /** SIGTERM (if still running), then wait for the exit. */
  stop(): Promise<void>;
}

function launch(
  args: string[],
  env: Record<string, string>,
  ready: (text: string) => string | null,
) {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  let text = '';
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const found = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${args.join(' ')} did not start:\n${text}`)),
      20_000,
    );
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      text += chunk.toString();
      const value = ready(text);
      if (value) {
        clearTimeout(timer);
        resolve(value);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(() => reject(new Error(`${args.join(' ')} exited:\n${text}`)));
  });
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  };
  return { child, output, exited, found, stop };
}

export interface TokenService extends Running {
  url: string;
  port: number;
}

export async function startTokenService(
  dataDir: string,
  port = 0,
  env: Record<string, string> = {},
): Promise<TokenService> {
  const started = launch(
    ['out/service/server/main.js'],
    {
      HOST: '127.0.0.1',
      PORT: String(port),
      TOKEN_DESK_DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      ...env,
    },
    (text) => /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1] ?? null,
  );
  const url = await started.found;
  return { ...started, url, port: Number(new URL(url).port) };
}

export interface Harness extends Running {
  /** The page URL including the per-run key in its fragment. */
  url: string;
  origin: string;
  key: string;
  clipboard(): Promise<{ text: string; concealed: boolean }>;
}

export async function startHarness(
  serviceUrl: string,
  settingsDir: string,
  env: Record<string, string> = {},
): Promise<Harness> {
  const started = launch(
    ['out/harness/src/harness/main.js'],
    { TOKEN_DESK_SERVICE_URL: serviceUrl, TOKEN_DESK_SETTINGS_DIR: settingsDir, ...env },
    (text) => /^\{"url":"([^"]+)"/m.exec(text)?.[1] ?? null,
  );
  const url = await started.found;
  const key = /#key=([0-9a-f]+)/.exec(url)![1]!;
  const origin = new URL(url).origin;
  return {
    ...started,
    url,
    origin,
    key,
    clipboard: async () => {
      const response = await fetch(`${origin}/__harness/clipboard`, {
        headers: { 'x-harness-key': key },
      });
      return (await response.json()) as { text: string; concealed: boolean };
    },
  };
}
