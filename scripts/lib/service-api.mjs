// The token service's API as the benchmarks call it: JSON requests, accounts and tokens.

/**
 * One JSON request to the service at `base`; a failed answer throws with its status and body.
 * @param {string} base @param {string} method @param {string} path
 * @param {{ token?: string | null, body?: unknown }} [options]
 */
export async function call(base, method, path, { token, body } = {}) {
  /** @type {Record<string, string>} */
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body) headers['content-type'] = 'application/json';
  const request = () =>
    fetch(base + path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  // A keep-alive socket left idle (through wrk rounds, a long seeding) can be closed by the
  // service just as it is reused ("other side closed", nothing processed): one retry on a
  // fresh socket.
  const response = await request().catch(() => request());
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/**
 * Creates the account `email` and signs in: the session answer ({ token, user, … }).
 * @param {string} base @param {string} email
 */
export async function signUp(base, email, password = 'benchmark password') {
  await call(base, 'POST', '/v1/users', { body: { email, password } });
  return call(base, 'POST', '/v1/sessions', { body: { email, password } });
}

/**
 * Creates `count` tokens with `session`, 50 at a time; `body(i)` is the i-th one's request.
 * @param {string} base @param {string} session @param {number} count
 * @param {(i: number) => Record<string, unknown>} [body]
 * @returns {Promise<Array<{ id: string, name: string, secret: string }>>}
 */
export async function createTokens(
  base,
  session,
  count,
  body = (i) => ({ name: `pipeline-${i}` }),
) {
  const tokens = [];
  for (let created = 0; created < count;) {
    const batch = Math.min(50, count - created);
    tokens.push(
      ...(await Promise.all(
        Array.from({ length: batch }, (_, i) =>
          call(base, 'POST', '/v1/users/me/tokens', { token: session, body: body(created + i) }),
        ),
      )),
    );
    created += batch;
  }
  return tokens;
}
