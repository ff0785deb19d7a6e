/**
 * A company network on loopback: a real forward proxy (proxy-chain) on 127.0.0.1,
 * and sites named `*.corp.test` that exist only behind it. A CONNECT to one of
 * those names is handed to that site's TLS server inside this process; the TLS
 * servers listen on no port, and no resolver knows the names, so nothing reaches a
 * site except through the proxy. A CONNECT to any other name is refused (502),
 * so a test can never touch the real network through it.
 */
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { Server as ProxyServer, RequestError } from 'proxy-chain';
import type { KeyAndCertificate } from './corp-pki.js';

export interface ProxyAuth {
  username: string;
  password: string;
}

export interface CorpProxy {
  /** http://127.0.0.1:PORT, without credentials. */
  url: string;
  /** Every CONNECT the proxy accepted and tunnelled, as host:port. */
  tunnels: string[];
  /** Every CONNECT it answered with 407. */
  refusedForAuth: number;
  close(): Promise<void>;
}

/**
 * Starts the proxy. `sites` maps a host name to the TLS server that answers for
 * it; with `auth`, every request needs those Basic credentials (else 407).
 */
export async function startCorpProxy(options: {
  sites: ReadonlyMap<string, HttpsServer>;
  auth?: ProxyAuth;
}): Promise<CorpProxy> {
  const tunnels: string[] = [];
  const state = { refusedForAuth: 0 };
  const server = new ProxyServer({
    port: 0,
    host: '127.0.0.1',
    prepareRequestFunction: ({ username, password, hostname, port, isHttp }) => {
      if (
        options.auth &&
        (username !== options.auth.username || password !== options.auth.password)
      ) {
        state.refusedForAuth++;
        return { requestAuthentication: true, failMsg: 'Proxy credentials required.' };
      }
      const site = options.sites.get(hostname.toLowerCase());
      if (isHttp || !site) {
        throw new RequestError(`${hostname} is not on this test network`, 502);
      }
      tunnels.push(`${hostname}:${port}`);
      return { customConnectServer: site };
    },
  });
  await server.listen();
  return {
    url: `http://127.0.0.1:${server.port}`,
    tunnels,
    get refusedForAuth() {
      return state.refusedForAuth;
    },
    close: () => server.close(true),
  };
}

/**
 * A TLS-terminating front for a plain-http server on loopback (the token service,
 * the GitHub stand-in), as a company's reverse proxy would be: it passes the
 * request on unchanged, Host included. It listens on no port: the proxy hands it
 * each tunnelled connection.
 */
export function tlsFront(identity: KeyAndCertificate, upstream: string): HttpsServer {
  const target = new URL(upstream);
  return createHttpsServer(
    { key: identity.key, cert: identity.cert },
    (incoming: IncomingMessage, outgoing: ServerResponse) => {
      const forwarded = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: incoming.method,
          path: incoming.url,
          headers: incoming.headers,
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forwarded.on('error', () => outgoing.writeHead(502).end());
      incoming.pipe(forwarded);
    },
  );
}

/** A TLS site that answers every request itself (for the certificate failures). */
export function tlsSite(identity: KeyAndCertificate): HttpsServer {
  return createHttpsServer({ key: identity.key, cert: identity.cert }, (_incoming, outgoing) => {
    outgoing.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
}
