/** The renderer's only way out: the typed bridge the preload exposes. */
import type { BridgeResult, TokenDeskBridge } from '../../../shared/ipc-contract';

declare global {
  interface Window {
    tokenDesk: TokenDeskBridge;
  }
}

export class DeskFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DeskFailure';
  }
}

/** Unwraps a bridge result; failures become a `DeskFailure` carrying the code and the sentence from main. */
export async function call<T>(result: Promise<BridgeResult<T>>): Promise<T> {
  let settled: BridgeResult<T>;
  try {
    settled = await result;
  } catch {
    throw new DeskFailure(
      'bridge_unavailable',
      'Token Desk could not reach its main process. Restart the app.',
    );
  }
  if (settled.ok) return settled.value;
  throw new DeskFailure(settled.error.code, settled.error.message);
}

export const desk = (): TokenDeskBridge => window.tokenDesk;

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : 'Something went wrong.';
}
