import Conf from 'conf';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A settings file on `conf` (what electron-store wraps) in `dir`, a new folder by default. */
export function confStore(dir = mkdtempSync(join(tmpdir(), 'token-desk-settings-'))) {
  return {
    dir,
    conf: new Conf({
      cwd: dir,
      configName: 'settings',
      projectName: 'token-desk',
      clearInvalidConfig: true,
    }),
  };
}
