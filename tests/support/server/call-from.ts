/**
 * One HTTP(S) request from a chosen local address, which fetch cannot choose: loopback
 * stands in for a network (clients on 127.0.0.2, .3, proxies on 127.0.0.1), so the tests
 * can tell the client's address from a proxy's.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface Reply {
  status: number;
  body: any;
}

export interface CallOptions {
  /** The local address to connect from (default 127.0.0.1). */
  from?: string;
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** For https: the CA to trust (PEM) and the name to ask for (SNI and the certificate's). */
  tls?: { ca: string; servername: string };
}

/** `url` is where to connect; a `host` header in `options.headers` may name another host. */
export function callFrom(
  url: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Reply> {
  const target = new URL(url);
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: Number(target.port),
        method,
        path,
        headers,
        localAddress: options.from ?? '127.0.0.1',
        agent: false,
        ...options.tls,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
