import { buildForTests } from '../../scripts/build-for-tests.mjs';

/** Some tests run the built service as a real process (`npm run server` runs the same file). */
export default function setup(): void {
  buildForTests(['service']);
}
