/** A coded 4xx answer: the other service changed nothing. */
export function isRefusal(error: unknown): boolean {
  const status = (error as { status?: unknown })?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}
