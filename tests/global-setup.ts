import { execFileSync } from 'node:child_process';

/** Some tests run the built service as a real process (`npm run server` runs the same file). */
export default function setup(): void {
  execFileSync(
    process.execPath,
    ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.server.json'],
    {
      stdio: 'inherit',
    },
  );
}
