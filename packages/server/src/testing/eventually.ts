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

/**
 * Polls a synchronous `condition` every few milliseconds until it holds; throws after `timeoutMs`
 * (default 5 s). For state a test's own callbacks set (a gate reached, a consumer called).
 *
 * @example
 * await waitUntil(() => mail.calls.length === 1);
 */
export async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
