/** Builds the named parts (all by default), unless `npm run test:all` already did. */
export function buildForTests(parts?: Array<'app' | 'service' | 'harness'>): void;
