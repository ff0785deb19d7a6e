import { buildForTests } from '../../scripts/build-for-tests.mjs';

/** Builds what the specs run: the renderer (and main/preload), the token service and the harness. */
export default function globalSetup(): void {
  buildForTests(['app', 'service', 'harness']);
}
