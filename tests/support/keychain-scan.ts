/**
 * Every entry of a keychain service, for the tests' scans of what is at rest. keytar's
 * findCredentials can crash its whole process (SIGSEGV: node-keytar#477, libsecret
 * handed a null value) when another process deletes an item between libsecret's search
 * and its read of that item's value, which test files running side by side do. So the
 * scan runs in a child process, and again if that one died.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SCAN = `require('keytar').findCredentials(process.argv[1]).then(
  (found) => process.stdout.write(JSON.stringify(found)),
  (error) => { process.stderr.write(String(error && error.message)); process.exit(2); },
)`;
const ATTEMPTS = 3;

export async function findCredentials(
  service: string,
): Promise<Array<{ account: string; password: string }>> {
  let failure: unknown;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    try {
      const { stdout } = await run(process.execPath, ['-e', SCAN, service], {
        env: process.env,
        maxBuffer: 64 * 1024 * 1024,
      });
      return JSON.parse(stdout) as Array<{ account: string; password: string }>;
    } catch (error) {
      failure = error;
    }
  }
  throw failure;
}
