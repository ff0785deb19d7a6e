/** One day in milliseconds: expiry rules, lifetimes and retention all count in it. */
export const DAY_MS = 24 * 60 * 60 * 1000;
