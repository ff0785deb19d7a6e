/** An error the user caused or can fix; crosses the bridge with its code and message. */
export class DeskError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DeskError';
  }
}
