/**
 * The boot test's side of the stand-in Electron: builds the app into a private
 * folder, starts its built main under plain Node with the loader hooks, and
 * drives it over the fork IPC channel.
 */
import { fork, execFileSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type {
  ChildMessage,
  ControlRequest,
  FakeState,
  FetchResult,
  SessionProbe,
  WebContentsProbe,
} from './protocol.js';

const repo = resolve(import.meta.dirname, '../../../..');
const registerHooks = join(import.meta.dirname, 'register.mjs');

/**
 * An app folder outside the shared out/ (other people rebuild that while tests run):
 * the build, a package.json for `"type": "module"`, and the repository's node_modules.
 */
function appFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'token-desk-boot-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/**
 * The app's build in a private folder; returns the folder. When the run built out/ just
 * before (TOKEN_DESK_TESTS_BUILT, as `npm test` sets it) that build is copied: the same
 * `electron-vite build`, and building again costs half a minute of both cores beside the
 * other tests. Otherwise `electron-vite build` writes it there.
 */
export function buildApp(): string {
  const dir = appFolder();
  if (process.env.TOKEN_DESK_TESTS_BUILT) {
    for (const part of ['main', 'preload', 'renderer'])
      cpSync(join(repo, 'out', part), join(dir, 'out', part), { recursive: true });
    return dir;
  }
  execFileSync(
    process.execPath,
    [
      join(repo, 'node_modules/electron-vite/bin/electron-vite.js'),
      'build',
      '--outDir',
      join(dir, 'out'),
      '--logLevel',
      'error',
    ],
    { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return dir;
}

/** The same build without out/renderer, as after a build that never finished. */
export function copyWithoutRenderer(built: string): string {
  const dir = appFolder();
  mkdirSync(join(dir, 'out'));
  for (const part of ['main', 'preload']) {
    cpSync(join(built, 'out', part), join(dir, 'out', part), { recursive: true });
  }
  return dir;
}

export interface BootOptions {
  userData: string;
  env?: Record<string, string>;
}

export interface BootedApp {
  child: ChildProcess;
  output: string[];
  journal: Array<{ api: string; detail?: unknown }>;
  /** The exit code and the stand-in's final state, once the process has ended. */
  exited: Promise<{ code: number | null; state: FakeState | null }>;
  request(message: { op: 'snapshot' }): Promise<FakeState>;
  request(message: {
    op: 'probe-web-contents';
    target: 'our-window' | 'other';
  }): Promise<WebContentsProbe>;
  request(message: { op: 'probe-session' }): Promise<SessionProbe>;
  request(message: { op: 'fetch-app'; url: string; method?: string }): Promise<FetchResult>;
  request(message: ControlRequest): Promise<unknown>;
  /** Resolves when the stand-in journals `api` (or rejects if the process ends first). */
  waitFor(api: string): Promise<unknown>;
  kill(): Promise<void>;
}

/** The test's environment without what would change the app's behaviour unless a test sets it. */
function inherited(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (/^(ELECTRON_|TOKEN_DESK_|FAKE_ELECTRON_)/.test(name)) delete env[name];
  }
  return env;
}

export function bootApp(appDir: string, { userData, env = {} }: BootOptions): BootedApp {
  const child = fork(join(appDir, 'out/main/index.js'), [], {
    cwd: appDir,
    execArgv: ['--import', registerHooks],
    env: {
      ...inherited(),
      ...env,
      FAKE_ELECTRON_USER_DATA: userData,
      FAKE_ELECTRON_TRANSPILED: join(appDir, 'transpiled'),
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));

  const journal: Array<{ api: string; detail?: unknown }> = [];
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  const waiters: Array<{ api: string; resolve(value: unknown): void }> = [];
  let finalState: FakeState | null = null;
  let nextId = 1;

  child.on('message', (raw) => {
    const message = raw as ChildMessage;
    if (message.type === 'reply') {
      const waiting = pending.get(message.id);
      pending.delete(message.id);
      if (message.ok) waiting?.resolve(message.value);
      else waiting?.reject(new Error(message.error));
    } else if (message.type === 'journal') {
      journal.push({ api: message.api, detail: message.detail });
      for (const waiter of waiters.filter((w) => w.api === message.api)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(message.detail);
      }
    } else {
      finalState = message.state;
    }
  });

  const exited = new Promise<{ code: number | null; state: FakeState | null }>((done) =>
    child.once('exit', (code) => {
      const gone = new Error(`the app exited (${code}) before answering:\n${output.join('')}`);
      for (const waiting of pending.values()) waiting.reject(gone);
      done({ code, state: finalState });
    }),
  );
  let ended = false;
  void exited.then(() => (ended = true));

  const request = (message: ControlRequest): Promise<unknown> =>
    new Promise((resolve, reject) => {
      if (ended) return reject(new Error(`the app has exited:\n${output.join('')}`));
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ ...message, id });
    });

  const waitFor = (api: string): Promise<unknown> => {
    const seen = journal.find((entry) => entry.api === api);
    if (seen) return Promise.resolve(seen.detail);
    return Promise.race([
      new Promise((resolve) => waiters.push({ api, resolve })),
      exited.then(({ code }) => {
        throw new Error(`the app exited (${code}) before ${api}:\n${output.join('')}`);
      }),
    ]);
  };

  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };

  return { child, output, journal, exited, request, waitFor, kill } as BootedApp;
}
