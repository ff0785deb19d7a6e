// Builds what the tests run, once: the app (main, preload, renderer) with electron-vite,
// the token service (out/service) and the e2e harness. Vitest's and Playwright's global
// setups call this unless TOKEN_DESK_TESTS_BUILT says `npm run test:all` already did.
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

const STEPS = {
  app: ['node_modules/electron-vite/bin/electron-vite.js', 'build'],
  service: ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.server.json'],
  harness: ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.harness.json'],
};

/** Builds the named parts (all by default), in order, unless the caller's run already did. */
export function buildForTests(parts = Object.keys(STEPS)) {
  if (process.env.TOKEN_DESK_TESTS_BUILT) return;
  for (const part of parts) execFileSync(process.execPath, STEPS[part], { stdio: 'inherit' });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  delete process.env.TOKEN_DESK_TESTS_BUILT;
  buildForTests();
}
