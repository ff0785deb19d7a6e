/**
 * Main's handlers for CI hand-off against real parts: the token service over HTTP,
 * the local GitHub and GitLab on 127.0.0.1, the real keychain inside
 * scripts/with-keyring.sh (an in-memory one outside it), settings on `conf`.
 */
import Conf from 'conf';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeDesk, type Runtime } from '../../../src/main/compose.js';
import { invokeChannel } from '../../../src/main/ipc/invoke-channel.js';
import { startService, type RunningService } from '../server/service-harness.js';
import { MemoryClipboard } from '../../../src/harness/stand-ins.js';
import { RecordingConfirm } from '../../../src/harness/stand-ins.js';
import { testKeychain } from './test-keychain.js';
import { startFakeGitHub, type FakeGitHub } from '../ci-providers/github/fake-github.js';
import { startFakeGitLab, type FakeGitLab } from '../ci-providers/gitlab/fake-gitlab.js';
import { realTimers, type Keychain } from '../../../src/main/ports.js';

export { inKeyring } from './test-keychain.js';

export const MAINTAINER = 40;
export const OWNER = 50;
export const DEVELOPER = 30;

export interface CiWorld {
  service: RunningService;
  github: FakeGitHub;
  gitlab: FakeGitLab;
  settingsDir: string;
  keychain: Keychain;
  /** Main's native questions (a new provider host…): yes unless a test says otherwise. */
  confirm: RecordingConfirm;
  /** A fresh main process (as after a restart) on the same settings and keychain; `extra` adds ports. */
  launch(
    extra?: Pick<Runtime, 'externalLinks' | 'openProvider' | 'confirm' | 'fetch' | 'prompt'>,
  ): ReturnType<typeof composeDesk>;
  /** Every file under the settings directory, concatenated. */
  settingsText(): string;
  close(): Promise<void>;
}

export async function startCiWorld(): Promise<CiWorld> {
  const service = await startService();
  // Any host but github.com is GitHub Enterprise Server to the client: /api/v3.
  const github = await startFakeGitHub({ enterprise: true });
  const gitlab = await startFakeGitLab();
  const settingsDir = mkdtempSync(join(tmpdir(), 'token-desk-ci-'));
  const keychain: Keychain = testKeychain();
  const clipboard = new MemoryClipboard();
  const confirm = new RecordingConfirm();
  return {
    service,
    github,
    gitlab,
    settingsDir,
    keychain,
    confirm,
    launch(extra = {}) {
      const store = new Conf({
        cwd: settingsDir,
        configName: 'settings',
        projectName: 'token-desk',
      });
      return composeDesk({ keychain, store, clipboard, timers: realTimers, confirm, ...extra });
    },
    settingsText() {
      const walk = (dir: string): string[] =>
        readdirSync(dir).flatMap((entry) => {
          const path = join(dir, entry);
          return statSync(path).isDirectory() ? walk(path) : [readFileSync(path, 'utf8')];
        });
      return walk(settingsDir).join('\n');
    },
    async close() {
      await Promise.all([service.stop(), github.close(), gitlab.close()]);
    },
  };
}

/** The places a person sees in the rotate confirmation, as the window passes them on. */
export async function placeIdsOf(
  desk: ReturnType<typeof composeDesk>['handlers'],
  tokenId: string,
): Promise<string[]> {
  const listed = (await invokeChannel(desk, 'destinations:list', { tokenId }, quiet)) as {
    ok: boolean;
    value?: Array<{ id: string }>;
  };
  if (!listed.ok) throw new Error(`destinations:list failed: ${JSON.stringify(listed)}`);
  return listed.value!.map((place) => place.id);
}

const quiet = { error: () => {} };

/** Signs a new Token Desk user up through the handlers. */
export async function signUp(
  desk: ReturnType<typeof composeDesk>['handlers'],
  world: CiWorld,
  email: string,
) {
  return desk['session:sign-up']({
    serviceUrl: world.service.baseUrl,
    email,
    password: 'ci desk password 1',
  });
}
