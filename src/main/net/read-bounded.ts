/**
 * Reading an answer from outside without trusting its size: a body past the limit is
 * not read on (a declared length past it is not read at all), and a body cut off
 * mid-way is said, not half-used. Every client main has (our service, npm, GitHub)
 * reads through this.
 */

export const TOO_LARGE = Symbol('too large');
export const CUT_OFF = Symbol('cut off');

/** The body as text; TOO_LARGE once it passes `limit` bytes (the rest is not read). */
export async function readBounded(
  response: Response,
  limit: number,
): Promise<string | typeof TOO_LARGE | typeof CUT_OFF> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel().catch(() => {});
    return TOO_LARGE;
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => {});
        return TOO_LARGE;
      }
      chunks.push(value);
    }
  } catch {
    // A connection cut mid-body, or the timeout: whatever arrived is not a whole answer.
    return CUT_OFF;
  }
  return Buffer.concat(chunks).toString('utf8');
}
