import { execFileSync } from 'node:child_process';

/** Builds what the specs run: the renderer (and main/preload), the token service and the harness. */
export default function globalSetup(): void {
  const run = (args: string[]) => execFileSync(process.execPath, args, { stdio: 'inherit' });
  run(['node_modules/electron-vite/bin/electron-vite.js', 'build']);
  run(['node_modules/typescript/bin/tsc', '-p', 'tsconfig.server.json']);
  run(['node_modules/typescript/bin/tsc', '-p', 'tsconfig.harness.json']);
}
