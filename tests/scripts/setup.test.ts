/**
 * scripts/setup.mjs runs as npm's postinstall and pretest, where npm has put every
 * `node_modules/.bin` first on PATH, and often as root (CI, containers). A dependency's
 * bin named apt-get, dpkg-query, sudo or npm must never be what it runs: these tests put
 * such fakes first on PATH (each writes a marker file) and run setup.mjs where it calls
 * each of the real ones, which must be found by absolute path.
 *
 * setup.mjs runs from a copy in a sandbox directory (its own package.json, no keytar), so
 * the real npm it calls installs nothing into this repository, and the real apt-get runs
 * with an APT_CONFIG whose sources, lists and cache are empty temporary directories.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const FAKES = ['apt-get', 'apt', 'dpkg-query', 'dpkg', 'sudo', 'npm', 'npx', 'runuser'];
const APP_PACKAGES = ['libsecret-1-dev', 'pkg-config'];

let sandbox: string;
let fakeBin: string;
let marker: string;

beforeAll(() => {
  sandbox = mkdtempSync(join(tmpdir(), 'token-desk-setup-'));
  // Readable by the unprivileged user one test runs as.
  chmodSync(sandbox, 0o755);
  mkdirSync(join(sandbox, 'scripts'));
  copyFileSync(resolve('scripts/setup.mjs'), join(sandbox, 'scripts', 'setup.mjs'));
  writeFileSync(
    join(sandbox, 'package.json'),
    JSON.stringify({ name: 'setup-sandbox', version: '1.0.0', private: true }),
  );
  // A dependency's bins, first on PATH as npm arranges it for its scripts (outside the
  // sandbox's own node_modules, which the real npm install there may tidy).
  fakeBin = join(sandbox, 'dependency', 'node_modules', '.bin');
  mkdirSync(fakeBin, { recursive: true });
  const marks = join(sandbox, 'marks');
  mkdirSync(marks);
  chmodSync(marks, 0o777);
  marker = join(marks, 'ran');
  for (const name of FAKES) {
    const fake = join(fakeBin, name);
    writeFileSync(fake, `#!/bin/sh\necho "${name} $*" >> '${marker}'\nexit 0\n`);
    chmodSync(fake, 0o755);
  }
});
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

/** What the fakes recorded; empty when none of them ran. */
const fakesRun = () => (existsSync(marker) ? readFileSync(marker, 'utf8') : '');

/** The environment npm gives a lifecycle script: its bins first on PATH. */
function lifecycleEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${fakeBin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    ...extra,
  };
  delete env.TOKEN_DESK_SETUP_RETRY;
  for (const [name, value] of Object.entries(extra)) if (value === undefined) delete env[name];
  return env;
}

function run(args: string[], options: SpawnSyncOptions) {
  const result = spawnSync(process.execPath, args, {
    cwd: sandbox,
    encoding: 'utf8',
    timeout: 120_000,
    ...options,
  });
  return {
    status: result.status,
    output: `${String(result.stdout ?? '')}${String(result.stderr ?? '')}`,
  };
}

/** Calls setup.mjs's ensureDebianPackages from the sandbox copy; what it returned or threw. */
function ensurePackages(packages: string[], options: SpawnSyncOptions) {
  const module = join(sandbox, 'scripts', 'setup.mjs');
  return run(
    [
      '--input-type=module',
      '-e',
      `const { ensureDebianPackages } = await import(${JSON.stringify(module)});
       try { console.log('RESULT ' + JSON.stringify(ensureDebianPackages(${JSON.stringify(packages)}))) }
       catch (error) { console.log('ERROR ' + error.message) }`,
    ],
    options,
  );
}

/** The real npm's entry point, as npm itself names it in npm_execpath. */
function realNpmCli(): string {
  const fromEnv = process.env.npm_execpath;
  if (fromEnv && /npm-cli\.c?js$/.test(fromEnv)) return fromEnv;
  return realpathSync('/usr/bin/npm');
}

describe('setup.mjs never runs a command found through PATH', () => {
  beforeAll(() => {
    // These tests reach npm only once the app's Debian packages are found installed (as
    // `npm install` leaves them); otherwise the real apt-get would install them here.
    const query = spawnSync('/usr/bin/dpkg-query', ['-W', '-f=${Status}\\n', ...APP_PACKAGES], {
      encoding: 'utf8',
    });
    expect(query.stdout.trim().split('\n'), 'the app packages are installed').toEqual(
      APP_PACKAGES.map(() => 'install ok installed'),
    );
  });

  it.each([
    ['under npm (postinstall, npm_execpath set)', { npm_execpath: realNpmCli() }],
    ['run directly (no npm_execpath)', { npm_execpath: undefined }],
  ])(
    'postinstall, %s: dpkg-query and npm are the real ones',
    (_, extra: Record<string, string | undefined>) => {
      rmSync(marker, { force: true });
      const result = run(['scripts/setup.mjs', 'app'], { env: lifecycleEnv(extra) });
      expect(fakesRun()).toBe('');
      expect(result.status, result.output).toBe(0);
      // keytar is not in the sandbox, so setup ran npm install once (the real one, which
      // says what it did) and then says the keychain is unavailable.
      expect(result.output).toContain('building keytar now that libsecret-1-dev is installed');
      expect(result.output).toMatch(/up to date|added \d+ package/);
      expect(result.output).toContain('keychain unavailable');
    },
  );

  it('a user who may not install: dpkg-query and sudo are the real ones', () => {
    rmSync(marker, { force: true });
    // As an unprivileged user (nobody, when the tests run as root): setup asks sudo.
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const result = ensurePackages(['token-desk-no-such-package'], {
      env: lifecycleEnv({ HOME: sandbox }),
      ...asNobody,
    });
    expect(fakesRun()).toBe('');
    expect(result.output).toContain('RESULT ["token-desk-no-such-package"]');
  });

  it.runIf(process.getuid?.() === 0)('as root: apt-get is the real one', () => {
    rmSync(marker, { force: true });
    // The real apt-get, with empty sources, lists and cache: it finds no such package.
    const apt = join(sandbox, 'apt');
    for (const dir of ['lists/partial', 'cache/archives/partial', 'sources.list.d', 'parts'])
      mkdirSync(join(apt, dir), { recursive: true });
    writeFileSync(join(apt, 'sources.list'), '');
    writeFileSync(
      join(apt, 'apt.conf'),
      [
        `Dir::State::Lists "${apt}/lists";`,
        `Dir::Cache "${apt}/cache";`,
        `Dir::Etc::SourceList "${apt}/sources.list";`,
        `Dir::Etc::SourceParts "${apt}/sources.list.d";`,
        `Dir::Etc::Parts "${apt}/parts";`,
        'Debug::NoLocking "true";',
      ].join('\n'),
    );
    const result = ensurePackages(['token-desk-no-such-package'], {
      env: lifecycleEnv({ APT_CONFIG: join(apt, 'apt.conf') }),
    });
    expect(fakesRun()).toBe('');
    expect(result.output).toContain('Unable to locate package token-desk-no-such-package');
    expect(result.output).toMatch(/ERROR `\/usr\/bin\/apt-get install .*` failed \(exit 100\)/);
  });
});
