/**
 * scripts/with-keyring.sh runs under npm, which puts every node_modules/.bin first on
 * PATH, often as root: what the script runs itself must come from the system, and the
 * command it wraps must get the caller's PATH back.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const fakes = mkdtempSync(join(tmpdir(), 'token-desk-fake-bin-'));
const marker = join(fakes, 'ran');
afterAll(() => rmSync(fakes, { recursive: true, force: true }));

it('never runs a dbus, keyring or coreutils program found first on the caller’s PATH', () => {
  for (const name of [
    'dbus-run-session',
    'gnome-keyring-daemon',
    'dbus-send',
    'mktemp',
    'grep',
    'seq',
    'sleep',
    'rm',
  ]) {
    const fake = join(fakes, name);
    writeFileSync(fake, `#!/bin/sh\necho ${name} >> '${marker}'\nexit 1\n`);
    chmodSync(fake, 0o755);
  }
  const output = execFileSync(
    'bash',
    ['scripts/with-keyring.sh', process.execPath, '-e', 'console.log(process.env.PATH)'],
    {
      encoding: 'utf8',
      env: {
        ...process.env,
        PATH: `${fakes}:${process.env.PATH}`,
        TOKEN_DESK_IN_KEYRING: '',
        TOKEN_DESK_CALLER_PATH: '',
      },
      timeout: 60_000,
    },
  );
  expect(existsSync(marker)).toBe(false);
  // The wrapped command gets the caller's PATH, fakes and all: it is the caller's to run.
  expect(output.trim().split('\n').at(-1)).toBe(`${fakes}:${process.env.PATH}`);
});
