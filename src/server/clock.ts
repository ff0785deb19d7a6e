/** Injected so tests can move time (token expiry, rate-limit windows) without sleeping. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
