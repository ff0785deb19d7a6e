/**
 * A real npm registry for a test file: Verdaccio 6.8.0 on 127.0.0.1, storage and
 * htpasswd in a temporary directory, sign-up allowed, no uplinks (nothing leaves this
 * computer). It implements npm's token API (create with the password, list, delete; a
 * deleted token is refused at once), ignores granular fields and has no 2FA or web
 * login. Started as a child process the way tests/support/processes.ts starts ours,
 * ready when it prints its address; one registry per test file.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface Verdaccio {
  /** With a trailing slash, as npm's config writes it. */
  url: string;
  dir: string;
  output: string[];
  /** Makes `name` a user with `password` (npm adduser's PUT), returns its login token. */
  addUser(name: string, password: string): Promise<string>;
  stop(): Promise<void>;
}

const BIN = resolve('node_modules/verdaccio/bin/verdaccio');

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

export async function startVerdaccio(): Promise<Verdaccio> {
  const dir = await mkdtemp(join(tmpdir(), 'token-desk-verdaccio-'));
  const config = join(dir, 'config.yaml');
  await writeFile(
    config,
    [
      `storage: ${JSON.stringify(join(dir, 'storage'))}`,
      'auth:',
      '  htpasswd:',
      `    file: ${JSON.stringify(join(dir, 'htpasswd'))}`,
      '    max_users: 100',
      'uplinks: {}',
      'packages:',
      "  '**':",
      '    access: $authenticated',
      '    publish: $authenticated',
      'log: { type: stdout, format: json, level: warn }',
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [BIN, '--config', config, '--listen', `127.0.0.1:${port}`],
    {
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const url = await new Promise<string>((done, fail) => {
    let text = '';
    const timer = setTimeout(() => fail(new Error(`Verdaccio did not start:\n${text}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      text += chunk.toString();
      const found = /http address - (http:\/\/127\.0\.0\.1:\d+\/)/.exec(text);
      if (found) {
        clearTimeout(timer);
        done(found[1]!);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => fail(new Error(`Verdaccio exited:\n${text}`)));
  });
  return {
    url,
    dir,
    output,
    async addUser(name, password) {
      const response = await fetch(`${url}-/user/org.couchdb.user:${encodeURIComponent(name)}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          _id: `org.couchdb.user:${name}`,
          name,
          password,
          type: 'user',
          roles: [],
          date: new Date().toISOString(),
        }),
      });
      const body = (await response.json()) as { token?: string };
      if (response.status !== 201 || !body.token)
        throw new Error(`Verdaccio did not create ${name}: ${response.status}`);
      return body.token;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
