#!/usr/bin/env node
// The one set-up step behind the README's two commands and CI:
//   npm install / npm ci  → postinstall → `setup.mjs app`:  what the app needs
//   npm test              → pretest     → `setup.mjs test`: what the tests need
// On Debian and Ubuntu it installs missing system packages when it may (as root, or
// with sudo that needs no password); otherwise it prints the exact apt-get line.
// Idempotent: when everything is there it costs one dpkg-query.
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

// npm runs this script with every node_modules/.bin first on PATH, often as root, so a
// dependency's bin named apt-get, sudo, dpkg-query or npm would run in their place. The
// system's commands are found in the system's directories, and the children get the
// PATH root gets through Debian's sudo (secure_path), never the caller's.
const SYSTEM_DIRS = ['/usr/bin', '/bin', '/usr/sbin', '/sbin'];
const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const systemEnv = (extra = {}) => ({ ...process.env, PATH: SYSTEM_PATH, ...extra });

/** The absolute path of a system command (apt-get, dpkg-query, sudo), or null if absent. */
function systemCommand(name) {
  for (const dir of SYSTEM_DIRS) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return null;
}

/** Debian packages, by what needs them. */
export const DEBIAN_PACKAGES = {
  // keytar compiles against libsecret (its prebuilt binaries come from GitHub).
  app: ['libsecret-1-dev', 'pkg-config'],
  // A real Secret Service on a private bus (scripts/with-keyring.sh), the browser
  // Playwright drives (its own browser download cannot work without internet), and
  // PostgreSQL's server programs for the throwaway clusters of scripts/pg-cluster.mjs,
  // and nginx, the TLS-terminating reverse proxy the service is tested behind.
  test: ['dbus', 'dbus-x11', 'gnome-keyring', 'chromium', 'postgresql', 'nginx'],
};

export const KEYCHAIN_FIX = 'sudo apt-get install -y libsecret-1-dev && npm install';

const say = (line) => console.log(`token desk setup: ${line}`);

function isDebianLike() {
  if (process.platform !== 'linux' || !existsSync('/etc/os-release')) return false;
  const release = readFileSync('/etc/os-release', 'utf8');
  return /^ID(_LIKE)?=.*\b(debian|ubuntu)\b/m.test(release);
}

function missingPackages(packages) {
  const dpkgQuery = systemCommand('dpkg-query');
  if (dpkgQuery === null) return packages;
  const result = spawnSync(dpkgQuery, ['-W', '-f=${Package} ${Status}\\n', ...packages], {
    encoding: 'utf8',
    env: systemEnv(),
  });
  const installed = new Set(
    (result.stdout ?? '')
      .split('\n')
      .filter((line) => line.endsWith(' install ok installed'))
      .map((line) => line.split(' ')[0]),
  );
  return packages.filter((name) => !installed.has(name));
}

/** How to run apt-get here: directly as root, through sudo without a prompt, or not at all. */
function aptRunner() {
  if (process.getuid?.() === 0) return [];
  const sudo = systemCommand('sudo');
  if (sudo === null) return null;
  const allowed = spawnSync(sudo, ['-n', 'true'], { stdio: 'ignore', env: systemEnv() });
  return allowed.status === 0 ? [sudo, '-n'] : null;
}

function aptInstall(prefix, aptGet, packages) {
  const run = (args) => {
    const [command, ...rest] = [...prefix, aptGet, ...args];
    const result = spawnSync(command, rest, {
      encoding: 'utf8',
      env: systemEnv({ DEBIAN_FRONTEND: 'noninteractive' }),
    });
    if (result.status !== 0) {
      process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}`.slice(-4000));
      throw new Error(`\`${[command, ...rest].join(' ')}\` failed (exit ${result.status})`);
    }
  };
  say(`installing ${packages.join(' ')} with apt-get…`);
  const started = Date.now();
  run(['update', '-qq']);
  run(['install', '-y', '-qq', '--no-install-recommends', ...packages]);
  say(`installed them in ${Math.round((Date.now() - started) / 1000)} s.`);
}

/**
 * Installs what is missing of `packages` if it may. Returns the packages still
 * missing afterwards (empty when all is well).
 */
export function ensureDebianPackages(packages) {
  const missing = missingPackages(packages);
  if (missing.length === 0) return [];
  const aptGet = systemCommand('apt-get');
  const prefix = aptGet === null ? null : aptRunner();
  if (prefix === null) return missing;
  aptInstall(prefix, aptGet, missing);
  return missingPackages(packages);
}

/**
 * Why keytar cannot load, in words with the command that fixes it; null when it
 * loads. The app says the same (src/main/services/keychain-loader.ts).
 */
export function keychainProblem() {
  // In a child process: this one may have already failed to find keytar, and Node
  // caches what it found (or did not) when resolving a package.
  const probe = spawnSync(
    process.execPath,
    [
      '-e',
      `try { require('keytar') } catch (e) { process.stdout.write(JSON.stringify({ code: e.code, message: String(e.message) })) }`,
    ],
    { cwd: root, encoding: 'utf8' },
  );
  if (probe.status === 0 && probe.stdout === '') return null;
  let failure = { code: undefined, message: probe.stderr || `exit ${probe.status}` };
  try {
    failure = JSON.parse(probe.stdout);
  } catch {
    // the probe itself crashed (a native module can): keep its stderr
  }
  const cause =
    failure.code === 'MODULE_NOT_FOUND'
      ? `keytar, the keychain module, was not built when the dependencies were installed${
          isDebianLike() && missingPackages(['libsecret-1-dev']).length
            ? ' (libsecret-1-dev is missing)'
            : ''
        }`
      : `keytar, the keychain module, cannot load (${failure.message.split('\n')[0]})`;
  return `${cause}. On Debian or Ubuntu, fix it with: ${KEYCHAIN_FIX}`;
}

function otherPlatformAdvice(scope) {
  if (process.platform === 'darwin' || process.platform === 'win32') {
    return scope === 'app'
      ? null // keytar ships prebuilt binaries for these, and the OS keychain is always there
      : `the test suite runs on Debian or Ubuntu (it starts a private D-Bus and gnome-keyring, drives Debian's Chromium, and starts throwaway PostgreSQL clusters with Debian's postgresql). On ${process.platform === 'darwin' ? 'macOS' : 'Windows'}, run it in a Debian container or VM; \`npm start\` works here as it is.`;
  }
  return scope === 'app'
    ? 'this is not Debian or Ubuntu, so nothing was installed for you. The keychain needs the libsecret development files (Fedora: libsecret-devel, Arch: libsecret) and a C++ toolchain, then `npm install` again.'
    : 'this is not Debian or Ubuntu, so nothing was installed for you. The tests need dbus-run-session, gnome-keyring-daemon, dbus-send, a Chromium at /usr/bin/chromium, the PostgreSQL server programs (initdb and pg_ctl, found through `pg_config --bindir`), plus the libsecret development files.';
}

function npmDependenciesCurrent() {
  const hidden = `${root}/node_modules/.package-lock.json`;
  if (!existsSync(hidden)) return false;
  return statSync(hidden).mtimeMs >= statSync(`${root}/package-lock.json`).mtimeMs;
}

/**
 * How to run npm: the npm running this script (npm_execpath, under npm install / npm test),
 * else the npm installed with this node; never one found through PATH.
 */
function npmCommand() {
  const running = process.env.npm_execpath;
  if (running && /[\\/]npm-cli\.c?js$/.test(running) && existsSync(running)) {
    return [process.execPath, running];
  }
  const nodeDir = dirname(process.execPath);
  const cli = [
    join(nodeDir, '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'), // nodejs.org, nvm, NodeSource
    '/usr/share/nodejs/npm/bin/npm-cli.js', // Debian's npm package
  ].find((file) => existsSync(file));
  if (cli) return [process.execPath, cli];
  throw new Error(
    `npm was not found next to ${process.execPath}; run \`npm install\` yourself, then this again`,
  );
}

function npm(args) {
  const [command, ...rest] = npmCommand();
  // npm's own children (node-gyp, git) find node here, and nothing from node_modules/.bin.
  execFileSync(command, [...rest, ...args], {
    cwd: root,
    stdio: 'inherit',
    env: systemEnv({ PATH: `${dirname(process.execPath)}:${SYSTEM_PATH}` }),
  });
}

/** postinstall: the app's packages; a keychain that cannot be built never fails the install. */
function setUpApp() {
  if (!isDebianLike()) {
    const advice = otherPlatformAdvice('app');
    if (advice && keychainProblem()) say(advice);
    return 0;
  }
  const missing = ensureDebianPackages(DEBIAN_PACKAGES.app);
  if (missing.length) {
    say(`the OS keychain needs Debian packages that are not installed and cannot be installed
  without root. Token Desk still works, keeping sessions in memory only. To fix it, run:
    sudo apt-get install -y ${missing.join(' ')} && npm install`);
    return 0;
  }
  // keytar is optional: if it failed to build before libsecret was installed, npm
  // removed it. Installing again now builds it (once: the retry does not recurse).
  if (keychainProblem() && !process.env.TOKEN_DESK_SETUP_RETRY) {
    say('building keytar now that libsecret-1-dev is installed…');
    process.env.TOKEN_DESK_SETUP_RETRY = '1';
    npm(['install', '--no-save', '--no-audit', '--no-fund']);
  }
  const problem = keychainProblem();
  say(problem ? `keychain unavailable: ${problem}` : 'ready (keychain support built).');
  return 0;
}

/** pretest: everything `npm test` needs, or the exact line to run and a non-zero exit. */
function setUpTests() {
  if (!isDebianLike()) {
    say(otherPlatformAdvice('test'));
    return 1;
  }
  const packages = [...DEBIAN_PACKAGES.app, ...DEBIAN_PACKAGES.test];
  const missing = ensureDebianPackages(packages);
  if (missing.length) {
    say(`the tests need Debian packages that are not installed, and this user cannot
  install them (not root, and sudo needs a password). Run:
    sudo apt-get install -y ${missing.join(' ')}
  then \`npm test\` again.`);
    return 1;
  }
  if (!npmDependenciesCurrent() || keychainProblem()) {
    say('installing the npm dependencies…');
    npm(
      process.env.CI ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'],
    );
  }
  const problem = keychainProblem();
  if (problem) {
    say(`the tests run against the real keychain, and ${problem}`);
    return 1;
  }
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const scope = process.argv[2];
  if (scope !== 'app' && scope !== 'test') {
    console.error('usage: node scripts/setup.mjs app|test');
    process.exit(64);
  }
  try {
    process.exit(scope === 'app' ? setUpApp() : setUpTests());
  } catch (error) {
    // A failed apt-get or npm has already printed its own output; add one plain line.
    say(`stopped: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    process.exit(1);
  }
}
