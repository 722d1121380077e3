import pLimit from 'p-limit';
import { imageProxyErrors } from './errors.js';

/** Seconds a client is asked to wait (`Retry-After`) when the render queue is full. */
export const RENDER_RETRY_AFTER_SECONDS = 1;

/** The process's cap on concurrent renders, with a bounded queue in front of it. */
export interface RenderBudget {
  /**
   * Runs `render` once a slot is free. Throws `IMAGE_RENDER_QUEUE_FULL` (503, `Retry-After`) at
   * once, without queueing, when `concurrency` renders run and `queueLimit` more already wait.
   */
  run<T>(render: () => Promise<T>): Promise<T>;
  /** Renders running and waiting now. */
  stats(): { active: number; waiting: number };
}

/** A {@link RenderBudget} of `concurrency` slots and `queueLimit` places to wait. */
export function createRenderBudget(concurrency: number, queueLimit: number): RenderBudget {
  const limit = pLimit(concurrency);
  return {
    run(render) {
      // p-limit counts a call as pending from the moment it is made until a slot takes it, so the
      // sum is every render admitted and not finished, with no window between the check and the call.
      if (limit.activeCount + limit.pendingCount >= concurrency + queueLimit) {
        throw imageProxyErrors.IMAGE_RENDER_QUEUE_FULL({
          detail: `${concurrency} variants are being rendered and ${queueLimit} more are waiting; retry in ${RENDER_RETRY_AFTER_SECONDS} s`,
          headers: { 'retry-after': String(RENDER_RETRY_AFTER_SECONDS) },
        });
      }
      return limit(render);
    },
    stats: () => ({ active: limit.activeCount, waiting: limit.pendingCount }),
  };
}
