/**
 * A start that fails must say so and end, never leave a process with no window
 * and no message. The words are decided here, without Electron.
 */

export type StartupErrorCode = 'renderer_missing' | 'invalid_service_url' | 'page_load_failed';

export class StartupError extends Error {
  constructor(
    readonly code: StartupErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StartupError';
  }
}

export const STARTUP_FAILURE_TITLE = 'Token Desk could not start';

/** The error box's text: our own sentence for a known cause, the error itself with a way out otherwise. */
export function describeStartupFailure(error: unknown): { title: string; message: string } {
  if (error instanceof StartupError) {
    return { title: STARTUP_FAILURE_TITLE, message: `${error.message} (${error.code})` };
  }
  const detail = error instanceof Error ? error.message : String(error);
  return {
    title: STARTUP_FAILURE_TITLE,
    message:
      `An unexpected error stopped Token Desk while it was starting: ${detail}\n\n` +
      'Start it again; if this keeps happening, reinstall Token Desk (or rebuild it with ' +
      '`npm run build`) and report this message. (startup_failed)',
  };
}

export interface StartupFailurePorts {
  /** Resolves once the app can show a dialog (on Linux an early box only reaches stderr). */
  whenReady(): Promise<unknown>;
  showErrorBox(title: string, message: string): void;
  exit(code: number): void;
  log(message: string, error: unknown): void;
}

export async function reportStartupFailure(
  error: unknown,
  ports: StartupFailurePorts,
): Promise<void> {
  const { title, message } = describeStartupFailure(error);
  ports.log(`${title}: ${message}`, error);
  try {
    await ports.whenReady();
    ports.showErrorBox(title, message);
  } finally {
    ports.exit(1);
  }
}
