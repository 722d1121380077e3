/**
 * Thrown by a consumer (or the runtime before it) for an event that can never be handled, such as a
 * payload that breaks its schema: the relay moves it to `tokobapak.dead_letters` at once instead of
 * retrying it, and goes on with the events behind it.
 */
export class PermanentEventFailure extends Error {
  /** Read by {@link isPermanentFailure}: a flag, not `instanceof`, so a second copy of this package is recognised too. */
  readonly permanent = true;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PermanentEventFailure';
  }
}

/** Whether a consumer's error says that retrying cannot help. */
export function isPermanentFailure(error: unknown): boolean {
  return error instanceof Error && (error as { permanent?: unknown }).permanent === true;
}
