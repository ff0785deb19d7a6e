#!/usr/bin/env node
// `npm start`: build, start the local token service if nothing answers at the
// configured URL, then launch the desktop app pointed at it.
// `npm run harness` (`--harness`): the same, but the e2e harness serves the app to a
// browser instead of Electron.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { keychainProblem } from './setup.mjs';

const serviceUrl = process.env.TOKEN_DESK_SERVICE_URL ?? 'http://127.0.0.1:4780';
const run = (args) => execFileSync(process.execPath, args, { stdio: 'inherit' });

const harness = process.argv.includes('--harness');
run(['node_modules/typescript/bin/tsc', '-p', 'tsconfig.server.json']);
run(['node_modules/electron-vite/bin/electron-vite.js', 'build']);
if (harness) run(['node_modules/typescript/bin/tsc', '-p', 'tsconfig.harness.json']);

const noKeychain = keychainProblem();
if (noKeychain)
  console.warn(`token desk: no OS keychain, so sessions stay in memory only. ${noKeychain}`);

async function answers(url) {
  try {
    return (await fetch(`${url}/v1/health`, { signal: AbortSignal.timeout(1500) })).ok;
  } catch {
    return false;
  }
}

let service = null;
if (!(await answers(serviceUrl))) {
  const { hostname, port } = new URL(serviceUrl);
  service = spawn(process.execPath, ['out/service/server/main.js'], {
    env: { ...process.env, HOST: hostname, PORT: port || '80' },
    stdio: 'inherit',
  });
  let exited = null;
  service.once('exit', (code) => (exited = code ?? 1));
  let up = false;
  for (let i = 0; i < 100 && exited === null && !(up = await answers(serviceUrl)); i++)
    await new Promise((r) => setTimeout(r, 100));
  if (!up) {
    // The service has said why (a data directory another service owns, a port in use…).
    console.error(`token desk: the local token service did not start at ${serviceUrl}.`);
    service.kill('SIGTERM');
    process.exit(1);
  }
  console.log(`token desk: started the local token service at ${serviceUrl}`);
} else {
  console.log(`token desk: using the token service already answering at ${serviceUrl}`);
}
const stopService = () => service?.kill('SIGTERM');
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopService();
    process.exit(130);
  });
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
  runFrontEnd(process.execPath, ['out/harness/tests/e2e/harness.js']);
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
