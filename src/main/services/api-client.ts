/**
 * The app's client for the token service. Runs in main only (the renderer never
 * sees a session token). Every failure becomes an `ApiClientError` with a stable
 * code and a sentence a person can act on.
 */
import { CUT_OFF, TOO_LARGE, readBounded } from '../net/read-bounded.js';
import type {
  ApiToken,
  BulkRevokeResult,
  ErrorBody,
  IssuedApiToken,
  Session,
  TokenUsage,
  User,
} from '../../shared/api-schemas.js';
import { Type } from 'typebox';
import { Compile } from 'typebox/compile';
import {
  Destination,
  MAX_DESTINATIONS_PER_TOKEN,
  type DestinationInput,
} from '../../shared/ci-destinations.js';
import type { EventKind, EventPage } from '../../shared/events.js';
import { normalizeServiceUrl } from '../../shared/service-url.js';
import {
  MAX_TRACKED_TOKENS_PER_USER,
  TrackedToken,
  type TrackedTokenChange,
  type TrackedTokenFilter,
  type TrackedTokenInput,
} from '../../shared/tracked-tokens.js';
import type { RotatedToken } from '../issuers/token-issuer.js';
import { OutboundError } from '../net/outbound-error.js';
import type { Fetch } from '../ports.js';

/** What GET /v1/users/me/events filters on; main has checked every field already. */
export interface EventsQueryInput {
  tokenId?: string;
  kinds?: readonly EventKind[];
  since?: string;
  until?: string;
  cursor?: string;
  limit?: number;
}

export const REQUEST_TIMEOUT_MS = 10_000;
/**
 * The largest answer main reads from a token service, per kind: a list of 10,000
 * tokens with 100-character names is about 5 MB, an events page of 200 about 0.3 MB,
 * anything else a few KB. A larger body is not one of ours, and a hostile or broken
 * service can neither make main hold an unbounded one nor parse one for seconds.
 */
export const RESPONSE_LIMITS = {
  tokenList: 8 * 1024 * 1024,
  eventsPage: 2 * 1024 * 1024,
  other: 1024 * 1024,
} as const;
/** An error sentence longer than this is cut before it reaches the window. */
const MAX_MESSAGE_LENGTH = 2000;

export class ApiClientError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ApiClientError';
  }
}

interface RequestOptions {
  token?: string;
  body?: unknown;
  /** RESPONSE_LIMITS.other unless the answer may be larger. */
  maxBytes?: number;
}

function destinationsPath(tokenId: string): string {
  return `/v1/users/me/tokens/${encodeURIComponent(tokenId)}/destinations`;
}

function trackedPath(id: string): string {
  return `/v1/users/me/tracked-tokens/${encodeURIComponent(id)}`;
}

// Tracked-token answers are read with the shared schemas (and the service's own limits)
// before anything in main uses them: a record is what another computer wrote.
const trackedTokenCheck = Compile(TrackedToken);
const trackedListCheck = Compile(
  Type.Array(
    Type.Object({
      ...TrackedToken.properties,
      places: Type.Array(Destination, { maxItems: MAX_DESTINATIONS_PER_TOKEN }),
    }),
    { maxItems: MAX_TRACKED_TOKENS_PER_USER },
  ),
);
const destinationCheck = Compile(Destination);

function isErrorBody(value: unknown): value is ErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ErrorBody).code === 'string' &&
    typeof (value as ErrorBody).message === 'string'
  );
}

export class ApiClient {
  constructor(private readonly deps: { fetch: Fetch; timeoutMs?: number }) {}

  signUp(
    baseUrl: string,
    input: { email: string; password: string; name?: string },
  ): Promise<User> {
    return this.request(baseUrl, 'POST', '/v1/users', { body: input });
  }

  signIn(baseUrl: string, input: { email: string; password: string }): Promise<Session> {
    return this.request(baseUrl, 'POST', '/v1/sessions', { body: input });
  }

  signOut(baseUrl: string, token: string, sessionId: string): Promise<void> {
    return this.request(baseUrl, 'DELETE', `/v1/sessions/${encodeURIComponent(sessionId)}`, {
      token,
    });
  }

  me(baseUrl: string, token: string): Promise<User> {
    return this.request(baseUrl, 'GET', '/v1/users/me', { token });
  }

  /** One token with its usage (addresses); 404 token_not_found once it is revoked. */
  getToken(baseUrl: string, token: string, id: string): Promise<TokenUsage> {
    return this.request(baseUrl, 'GET', `/v1/users/me/tokens/${encodeURIComponent(id)}`, {
      token,
    });
  }

  listTokens(baseUrl: string, token: string): Promise<ApiToken[]> {
    return this.request(baseUrl, 'GET', '/v1/users/me/tokens', {
      token,
      maxBytes: RESPONSE_LIMITS.tokenList,
    });
  }

  createToken(
    baseUrl: string,
    token: string,
    input: { name: string; expiresAt: string | null },
  ): Promise<IssuedApiToken> {
    return this.request(baseUrl, 'POST', '/v1/users/me/tokens', { token, body: input });
  }

  revokeToken(baseUrl: string, token: string, id: string): Promise<void> {
    return this.request(baseUrl, 'DELETE', `/v1/users/me/tokens/${encodeURIComponent(id)}`, {
      token,
    });
  }

  /** Without a grace period the old token is revoked at once; with one it lasts until graceEndsAt. */
  rotateToken(
    baseUrl: string,
    token: string,
    id: string,
    gracePeriodSeconds?: number,
  ): Promise<RotatedToken> {
    return this.request(baseUrl, 'POST', `/v1/users/me/tokens/${encodeURIComponent(id)}/rotate`, {
      token,
      ...(gracePeriodSeconds === undefined ? {} : { body: { gracePeriodSeconds } }),
    });
  }

  /** One page of the account's audit trail, newest first. */
  listEvents(baseUrl: string, token: string, query: EventsQueryInput): Promise<EventPage> {
    const params = new URLSearchParams();
    if (query.tokenId !== undefined) params.set('tokenId', query.tokenId);
    if (query.kinds !== undefined && query.kinds.length > 0)
      params.set('kind', query.kinds.join(','));
    if (query.since !== undefined) params.set('since', query.since);
    if (query.until !== undefined) params.set('until', query.until);
    if (query.cursor !== undefined) params.set('cursor', query.cursor);
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    const search = params.toString();
    return this.request(baseUrl, 'GET', `/v1/users/me/events${search ? `?${search}` : ''}`, {
      token,
      maxBytes: RESPONSE_LIMITS.eventsPage,
    });
  }

  /** Revokes up to 100 tokens in one transaction: which were revoked, which were not found. */
  revokeTokens(baseUrl: string, token: string, ids: readonly string[]): Promise<BulkRevokeResult> {
    return this.request(baseUrl, 'POST', '/v1/users/me/tokens/revoke', {
      token,
      body: { ids },
    });
  }

  listDestinations(baseUrl: string, token: string, tokenId: string): Promise<Destination[]> {
    return this.request(baseUrl, 'GET', destinationsPath(tokenId), { token });
  }

  /** Records a push (an upsert: the same provider, host, target and name updates lastPushedAt). */
  addDestination(
    baseUrl: string,
    token: string,
    tokenId: string,
    input: DestinationInput,
  ): Promise<Destination> {
    return this.request(baseUrl, 'POST', destinationsPath(tokenId), { token, body: input });
  }

  removeDestination(
    baseUrl: string,
    token: string,
    tokenId: string,
    destinationId: string,
  ): Promise<void> {
    return this.request(
      baseUrl,
      'DELETE',
      `${destinationsPath(tokenId)}/${encodeURIComponent(destinationId)}`,
      { token },
    );
  }

  /** The account's tracked vendor tokens with their places, oldest first (filters optional). */
  async listTrackedTokens(
    baseUrl: string,
    token: string,
    filter: TrackedTokenFilter = {},
  ): Promise<TrackedToken[]> {
    const params = new URLSearchParams();
    if (filter.vendor !== undefined) params.set('vendor', filter.vendor);
    if (filter.host !== undefined) params.set('host', filter.host);
    const search = params.toString();
    const answer = await this.request<unknown>(
      baseUrl,
      'GET',
      `/v1/users/me/tracked-tokens${search ? `?${search}` : ''}`,
      // Up to 1,000 tokens with 5,000 places between them: past the 1 MB of a small answer.
      { token, maxBytes: RESPONSE_LIMITS.tokenList },
    );
    if (!trackedListCheck.Check(answer))
      throw badTrackedAnswer(baseUrl, 'the list of tracked tokens');
    return answer;
  }

  /** Tracks a vendor token by its vendor id (an upsert: the same one again updates it). */
  async trackToken(
    baseUrl: string,
    token: string,
    input: TrackedTokenInput,
  ): Promise<TrackedToken> {
    const answer = await this.request<unknown>(baseUrl, 'PUT', '/v1/users/me/tracked-tokens', {
      token,
      body: input,
    });
    if (!trackedTokenCheck.Check(answer)) throw badTrackedAnswer(baseUrl, 'a tracked token');
    return answer;
  }

  /** A rotation's new vendor id (the places follow), a new name or expiry. */
  async updateTrackedToken(
    baseUrl: string,
    token: string,
    id: string,
    change: TrackedTokenChange,
  ): Promise<TrackedToken> {
    const answer = await this.request<unknown>(baseUrl, 'PATCH', trackedPath(id), {
      token,
      body: change,
    });
    if (!trackedTokenCheck.Check(answer)) throw badTrackedAnswer(baseUrl, 'a tracked token');
    return answer;
  }

  /** Forgets a tracked token and its places (nothing changes at the vendor). */
  forgetTrackedToken(baseUrl: string, token: string, id: string): Promise<void> {
    return this.request(baseUrl, 'DELETE', trackedPath(id), { token });
  }

  /** Records a push of a tracked token (an upsert, as addDestination). */
  async addTrackedDestination(
    baseUrl: string,
    token: string,
    id: string,
    input: DestinationInput,
  ): Promise<Destination> {
    const answer = await this.request<unknown>(baseUrl, 'POST', `${trackedPath(id)}/destinations`, {
      token,
      body: input,
    });
    if (!destinationCheck.Check(answer)) throw badTrackedAnswer(baseUrl, 'a recorded place');
    return answer;
  }

  removeTrackedDestination(
    baseUrl: string,
    token: string,
    id: string,
    destinationId: string,
  ): Promise<void> {
    return this.request(
      baseUrl,
      'DELETE',
      `${trackedPath(id)}/destinations/${encodeURIComponent(destinationId)}`,
      { token },
    );
  }

  private async request<T>(
    baseUrl: string,
    method: string,
    path: string,
    options: RequestOptions,
  ): Promise<T> {
    // Every caller checks the URL already; this is the one door credentials leave by.
    const url = normalizeServiceUrl(baseUrl);
    if (!url.ok || url.url !== baseUrl) {
      throw new ApiClientError(
        'insecure_url',
        url.ok
          ? `The service URL ${baseUrl} is not in the form Token Desk checked. Sign in again.`
          : url.message,
      );
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const timeoutMs = this.deps.timeoutMs ?? REQUEST_TIMEOUT_MS;
    let response: Response;
    try {
      response = await this.deps.fetch(baseUrl + path, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
    } catch (error) {
      if (error instanceof OutboundError) throw new ApiClientError(error.code, error.message);
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      throw new ApiClientError(
        'unreachable',
        timedOut
          ? `The token service at ${baseUrl} did not answer within ${timeoutMs / 1000} seconds.`
          : options.token
            ? // A signed-in account keeps the address it signed in with: the URL in
              // Settings only fills the next sign-in form, so pointing there would mislead.
              `Can't reach the token service at ${baseUrl}. Check that it is running. This account uses that address (the account menu shows it); to use another one, sign in with it.`
            : `Can't reach the token service at ${baseUrl}. Check that it is running and that the service URL is right.`,
      );
    }
    const maxBytes = options.maxBytes ?? RESPONSE_LIMITS.other;
    const text = await readBounded(response, maxBytes);
    if (text === TOO_LARGE) {
      throw new ApiClientError(
        'bad_response',
        `The service at ${baseUrl} answered more than ${maxBytes / 1024 / 1024} MB, which no Token Desk answer of this kind is. Is this the right URL?`,
        response.status,
      );
    }
    if (text === CUT_OFF) {
      // Half an answer is no answer: never taken for a success (or as nothing to list).
      throw new ApiClientError(
        'unreachable',
        `The token service at ${baseUrl} stopped in the middle of its answer. Try again.`,
      );
    }
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (response.ok) return body as T;
    if (isErrorBody(body)) {
      const sessionGone = response.status === 401 && options.token?.startsWith('ses_');
      if (sessionGone) {
        throw new ApiClientError(
          'session_expired',
          'Your session has expired or was signed out. Sign in again.',
          401,
        );
      }
      throw new ApiClientError(
        body.code.slice(0, 100),
        body.message.slice(0, MAX_MESSAGE_LENGTH),
        response.status,
      );
    }
    throw new ApiClientError(
      'bad_response',
      `The service at ${baseUrl} answered HTTP ${response.status} in a form Token Desk does not understand. Is this the right URL?`,
      response.status,
    );
  }
}

/** Nothing of the answer goes into the message: it is exactly what is not trusted. */
function badTrackedAnswer(baseUrl: string, what: string): ApiClientError {
  return new ApiClientError(
    'bad_response',
    `The service at ${baseUrl} answered ${what} in a form Token Desk does not understand, so none of it was used.`,
  );
}
