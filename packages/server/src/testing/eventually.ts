/**
 * Calls `check` until it stops throwing and returns what it returned; after `timeoutMs` (default
 * 10 s) the last failure is thrown. For what happens asynchronously, such as event delivery.
 *
 * @example
 * await eventually(async () => expect(await client.user.getMe()).toMatchObject({ status: 'active' }));
 */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
