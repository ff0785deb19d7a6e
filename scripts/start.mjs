#!/usr/bin/env node
// `npm start`: build, start the local token service if nothing answers at the
// configured URL, then launch the desktop app pointed at it.
// `npm run harness` (`--harness`): the same, but the e2e harness serves the app to a
// browser instead of Electron.
//
// The app sends the password typed into it, and then session and token secrets, to this
// URL, and any local user can listen on a loopback port first. So a service already
// answering at the default URL is used only if it proves it was started by this user:
// `npm start` keeps a per-user identity key in a file only the user can read, gives it to
// the service it starts (TOKEN_DESK_IDENTITY_KEY), and asks whatever answers for an HMAC
// of a random challenge (src/server/features/health/routes.ts). Anything else there is refused.
import { execFileSync, spawn } from 'node:child_process';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import envPaths from 'env-paths';
import { keychainProblem } from './setup.mjs';

export const DEFAULT_PORT = 4780;

/** The oldest Node the build tools run on (`engines` in package.json). */
export const NODE_NEEDED = [20, 19];
/** The oldest Node Electron 45's installer supports. */
export const NODE_FOR_ELECTRON = [22, 12];

const atLeast = (version, [major, minor]) => {
  const [have, haveMinor] = version.split('.').map(Number);
  return have > major || (have === major && haveMinor >= minor);
};

/**
 * What to tell someone running `npm start` on `version` (process.versions.node):
 * an error (too old to build), a note (too old for the Electron window), or nothing.
 */
export function nodeVersionAdvice(version, { harness = false } = {}) {
  if (!atLeast(version, NODE_NEEDED))
    return {
      error: `token desk: this is Node.js ${version}; Token Desk needs ${NODE_NEEDED.join('.')} or later to build, and ${NODE_FOR_ELECTRON.join('.')} or later to open its window. Install Node.js ${NODE_FOR_ELECTRON.join('.')} or later, then run npm install and npm start again.`,
    };
  if (!harness && !atLeast(version, NODE_FOR_ELECTRON))
    return {
      note: `token desk: this is Node.js ${version}: enough to build and run the service and \`npm run harness\`, but Electron's installer wants ${NODE_FOR_ELECTRON.join('.')} or later; if the window does not open, use Node.js ${NODE_FOR_ELECTRON.join('.')} or later.`,
    };
  return {};
}
const KEY_PATTERN = /^[0-9a-f]{64}$/;

/** Where `npm start` keeps the identity key: the per-user data directory (XDG_DATA_HOME). */
export function identityKeyFile() {
  return join(envPaths('token-desk', { suffix: '' }).data, 'service-identity.key');
}

/**
 * The identity key in `file` (64 hex digits), created (0600, exclusively) if missing.
 * Refuses a file that is not a regular file of this user's that only this user can read.
 */
export function loadIdentityKey(file) {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  try {
    const fd = openSync(file, 'wx', 0o600);
    try {
      writeSync(fd, `${randomBytes(32).toString('hex')}\n`);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
  }
  let fd;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (error) {
    throw new Error(
      `${file} cannot be read (${error.code}); it must be a file of yours, not a link. Delete it and run npm start again.`,
      { cause: error },
    );
  }
  try {
    const stat = fstatSync(fd);
    const uid = process.getuid?.();
    // POSIX modes and owners only; on Windows the per-user data directory's ACL decides.
    const exposed = uid !== undefined && (stat.uid !== uid || (stat.mode & 0o077) !== 0);
    if (!stat.isFile() || exposed) {
      throw new Error(
        `${file} must be a file that only you can read (mode 600); it is not, so it may be known to others. Delete it and run npm start again.`,
      );
    }
    const key = readFileSync(fd, 'utf8').trim();
    if (!KEY_PATTERN.test(key)) {
      throw new Error(
        `${file} does not hold a Token Desk identity key. Delete it and run npm start again.`,
      );
    }
    return key;
  } finally {
    closeSync(fd);
  }
}

/**
 * What the service computes for a challenge (src/server/features/health/routes.ts): bound to the
 * port it was asked on, so a listener on this port cannot pass on the answer of a real
 * service elsewhere.
 */
function identityProof(key, port, challenge) {
  return createHmac('sha256', Buffer.from(key, 'hex'))
    .update(`token-desk identity v1\n${port}\n${challenge}`)
    .digest();
}

/**
 * Who answers at `url`: 'none' (nothing answers), 'ours' (a Token Desk service that
 * knows `key`), or 'other' (something answers, but cannot prove that).
 */
export async function identify(url, key) {
  const challenge = randomBytes(32).toString('hex');
  let response;
  try {
    response = await fetch(`${url}/v1/health`, {
      headers: { 'x-token-desk-challenge': challenge },
      redirect: 'manual',
      signal: AbortSignal.timeout(1500),
    });
    await response.body?.cancel();
  } catch {
    return 'none';
  }
  const parsed = new URL(url);
  const port = Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80));
  const proof = response.headers.get('x-token-desk-proof') ?? '';
  if (!KEY_PATTERN.test(proof)) return 'other';
  return timingSafeEqual(Buffer.from(proof, 'hex'), identityProof(key, port, challenge))
    ? 'ours'
    : 'other';
}

/** TOKEN_DESK_SERVICE_URL: a service the person names; unset or empty, npm start's own. */
export function namedServiceUrl(raw) {
  if (raw === undefined || raw.trim() === '') return null;
  let url;
  try {
    url = new URL(raw.trim());
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    throw new Error(
      `TOKEN_DESK_SERVICE_URL must be the token service's http or https address, such as http://127.0.0.1:4780, not "${raw}".`,
    );
  return raw.trim();
}

/** TOKEN_DESK_PORT: the local service's port when TOKEN_DESK_SERVICE_URL is not set. */
export function startPort(raw) {
  if (raw === undefined || raw === '') return DEFAULT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`TOKEN_DESK_PORT must be a port number from 1 to 65535, not "${raw}".`);
  return port;
}

export function somethingElseMessage(url) {
  const { host } = new URL(url);
  return (
    `token desk: something else is listening on ${host} (not a Token Desk service started ` +
    'by you); stop it or set TOKEN_DESK_SERVICE_URL. Nothing was sent to it: the app would ' +
    'send it your password.'
  );
}

/**
 * Starts the built service at `url` with the identity key and waits until it proves
 * itself: the child and 'ours', or null and what answers there instead ('none' when
 * the service failed to start and nothing answers; it has said why).
 */
export async function startOwnService(url, key) {
  const { hostname, port } = new URL(url);
  const service = spawn(process.execPath, ['out/service/server/main.js'], {
    env: { ...process.env, HOST: hostname, PORT: port || '80', TOKEN_DESK_IDENTITY_KEY: key },
    stdio: 'inherit',
  });
  let exited = null;
  service.once('exit', (code) => (exited = code ?? 1));
  for (let i = 0; i < 100 && exited === null; i++) {
    if ((await identify(url, key)) === 'ours') return { service, found: 'ours' };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (exited === null) service.kill('SIGTERM');
  return { service: null, found: await identify(url, key) };
}

async function main() {
  const harness = process.argv.includes('--harness');
  const advice = nodeVersionAdvice(process.versions.node, { harness });
  if (advice.error) {
    console.error(advice.error);
    process.exit(1);
  }
  if (advice.note) console.warn(advice.note);
  let named;
  let serviceUrl;
  let key;
  try {
    named = namedServiceUrl(process.env.TOKEN_DESK_SERVICE_URL);
    serviceUrl = named ?? `http://127.0.0.1:${startPort(process.env.TOKEN_DESK_PORT)}`;
    key = loadIdentityKey(identityKeyFile());
  } catch (error) {
    console.error(`token desk: ${error.message}`);
    process.exit(1);
  }
  // Before spending time on the build: is the default port held by something else?
  if (!named && (await identify(serviceUrl, key)) === 'other') {
    console.error(somethingElseMessage(serviceUrl));
    process.exit(1);
  }

  const run = (args) => execFileSync(process.execPath, args, { stdio: 'inherit' });
  run(['node_modules/typescript/bin/tsc', '-p', 'tsconfig.server.json']);
  run(['node_modules/electron-vite/bin/electron-vite.js', 'build']);
  if (harness) run(['node_modules/typescript/bin/tsc', '-p', 'tsconfig.harness.json']);

  const noKeychain = keychainProblem();
  if (noKeychain)
    console.warn(`token desk: no OS keychain, so sessions stay in memory only. ${noKeychain}`);

  // Asked again after the build, right before the app is pointed at it.
  const found = await identify(serviceUrl, key);
  let service = null;
  if (found === 'none') {
    const started = await startOwnService(serviceUrl, key);
    if (!started.service) {
      // The service has said why (a data directory another service owns, a port in use…).
      console.error(
        started.found === 'other'
          ? somethingElseMessage(serviceUrl)
          : `token desk: the local token service did not start at ${serviceUrl}.`,
      );
      process.exit(1);
    }
    service = started.service;
    console.log(`token desk: started the local token service at ${serviceUrl}`);
  } else if (found === 'ours') {
    console.log(
      `token desk: using the token service already answering at ${serviceUrl} (one you started)`,
    );
  } else if (named) {
    // A URL the person named themselves: theirs to choose, but say what was not checked.
    console.log(
      `token desk: using the token service at ${serviceUrl} (TOKEN_DESK_SERVICE_URL; not one npm start started, so not verified)`,
    );
  } else {
    console.error(somethingElseMessage(serviceUrl));
    process.exit(1);
  }
  const stopService = () => service?.kill('SIGTERM');
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      stopService();
      process.exit(130);
    });
  }

  /** Runs the app's front end (Electron, or the harness), stopping the service when it exits. */
  function runFrontEnd(command, args) {
    const child = spawn(command, args, {
      stdio: 'inherit',
      env: { ...process.env, TOKEN_DESK_SERVICE_URL: serviceUrl },
    });
    child.on('exit', (code) => {
      stopService();
      process.exit(code ?? 0);
    });
  }

  const electron = harness ? null : electronBinary();
  if (harness) {
    // It prints the URL (with its per-run key) to open in a browser.
    runFrontEnd(process.execPath, ['out/harness/src/harness/main.js']);
  } else if (electron) {
    runFrontEnd(electron, ['.']);
  } else {
    console.error(`
token desk: the Electron binary is not installed and could not be downloaded (the
electron package fetches it from GitHub on first use, and this machine cannot reach
it). The token service is running at ${serviceUrl}, and everything but the Electron
window can be used and tested without it: \`npm run harness\` serves the same app in
a browser with the same main-process code behind it, and \`npm test\` runs every
test. On a machine with internet access, \`npm start\` downloads Electron and opens
the window. Press Ctrl+C to stop the service.`);
    if (!service) process.exit(1);
  }
}

/** The Electron binary, downloading it on first use as the electron package does; null if that fails. */
function electronBinary() {
  const dir = join('node_modules', 'electron');
  const binary = () => {
    const pathFile = join(dir, 'path.txt');
    const file = existsSync(pathFile) && join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
    return file && existsSync(file) ? file : null;
  };
  if (binary()) return binary();
  console.log('token desk: Electron is not installed yet; trying to download it…');
  try {
    execFileSync(process.execPath, [join(dir, 'install.js')], {
      stdio: ['ignore', 'inherit', 'ignore'],
      timeout: 120_000,
    });
  } catch {
    return null;
  }
  return binary();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
