/**
 * nginx from Debian as a TLS-terminating reverse proxy in front of the token service, as
 * docs/operations.md deploys it: started on loopback with a configuration written for the
 * run, in its own directory (pid, logs, temp files), and stopped with the test.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find(
  (path) => spawnSync(path, ['-v']).status === 0,
);

/** Why nginx cannot run here, or null when it can. */
export const nginxMissing: string | null = NGINX
  ? null
  : 'nginx is not installed (Debian package nginx; `npm test` installs it)';

export interface Nginx {
  /** https://127.0.0.1:<port>, where nginx listens. */
  port: number;
  /** What nginx wrote to its error log so far. */
  errors(): string;
  stop(): Promise<void>;
}

/** A port free now on 127.0.0.1 (nginx cannot be told to pick one). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts nginx terminating TLS for `serverName` with the given certificate, passing every
 * request to `upstream` as the documented deployment does: the client's Host, and its
 * address appended to X-Forwarded-For (`$proxy_add_x_forwarded_for`).
 */
export async function startNginx(options: {
  serverName: string;
  certFile: string;
  keyFile: string;
  upstream: string;
}): Promise<Nginx> {
  if (!NGINX) throw new Error(nginxMissing!);
  const dir = mkdtempSync(join(tmpdir(), 'token-desk-nginx-'));
  // Its workers run as nobody when started as root; they only need the temp paths.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const upstream = new URL(options.upstream);
  const user = process.getuid?.() === 0 ? 'user root;' : '';
  const config = `
${user}
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port} ssl;
    server_name ${options.serverName};
    ssl_certificate ${options.certFile};
    ssl_certificate_key ${options.keyFile};
    ssl_protocols TLSv1.2 TLSv1.3;
    location / {
      proxy_pass http://${upstream.host};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
    }
  }
}
`;
  const configFile = join(dir, 'nginx.conf');
  writeFileSync(configFile, config);
  const child = spawn(NGINX, ['-p', dir, '-c', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const errors = () => {
    try {
      return readFileSync(join(dir, 'error.log'), 'utf8');
    } catch {
      return '';
    }
  };

  // Ready once it accepts connections on its port.
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`nginx did not start:\n${output.join('')}\n${errors()}`);
    const up = await new Promise<boolean>((resolve) => {
      const probe = connect(port, '127.0.0.1');
      probe.once('connect', () => {
        probe.destroy();
        resolve(true);
      });
      probe.once('error', () => resolve(false));
    });
    if (up) break;
    if (Date.now() > deadline) throw new Error(`nginx did not listen on ${port}:\n${errors()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  return {
    port,
    errors,
    async stop() {
      if (child.exitCode === null) child.kill('SIGQUIT');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
