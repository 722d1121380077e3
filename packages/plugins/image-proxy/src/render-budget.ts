import { imageProxyErrors } from './errors.js';

/** Seconds a client is asked to wait (`Retry-After`) when the render queue is full. */
export const RENDER_RETRY_AFTER_SECONDS = 1;

/**
 * The process's cap on image decoding: at most `concurrency` decodes at once, and at most
 * `pixelBudget` original pixels being decoded at once (a decode's memory grows with its original's
 * pixel area, not with its file size: an 845 KB progressive JPEG of 12000×12000 decodes to 432 MB),
 * with a bounded queue in front.
 */
export interface RenderBudget {
  /**
   * Runs `render` once a slot and `pixels` of the pixel budget are free (a render larger than the
   * whole budget runs alone). Throws `IMAGE_RENDER_QUEUE_FULL` (503, `Retry-After`) at once,
   * without queueing, when `concurrency` renders run and `queueLimit` more already wait.
   */
  run<T>(render: () => Promise<T>, pixels?: number): Promise<T>;
  /** Renders running and waiting now, and the original pixels the running ones decode. */
  stats(): { active: number; waiting: number; pixels: number };
}

interface Waiter {
  pixels: number;
  start: () => void;
}

/** A {@link RenderBudget} of `concurrency` slots, `pixelBudget` pixels and `queueLimit` places to wait. */
export function createRenderBudget(concurrency: number, queueLimit: number, pixelBudget = Number.POSITIVE_INFINITY): RenderBudget {
  const queue: Waiter[] = [];
  let active = 0;
  let activePixels = 0;

  const fits = (pixels: number) => active < concurrency && (active === 0 || activePixels + pixels <= pixelBudget);
  // First come, first served: a large render at the head is not overtaken by small ones forever.
  const admit = () => {
    while (queue.length > 0 && fits((queue[0] as Waiter).pixels)) (queue.shift() as Waiter).start();
  };

  return {
    run(render, pixels = 0) {
      if (active + queue.length >= concurrency + queueLimit) {
        throw imageProxyErrors.IMAGE_RENDER_QUEUE_FULL({
          detail: `${active} variants are being rendered and ${queue.length} more are waiting; retry in ${RENDER_RETRY_AFTER_SECONDS} s`,
          headers: { 'retry-after': String(RENDER_RETRY_AFTER_SECONDS) },
        });
      }
      return new Promise((resolve, reject) => {
        queue.push({
          pixels,
          start: () => {
            active += 1;
            activePixels += pixels;
            Promise.resolve()
              .then(render)
              .then(resolve, reject)
              .finally(() => {
                active -= 1;
                activePixels -= pixels;
                admit();
              });
          },
        });
        admit();
      });
    },
    stats: () => ({ active, waiting: queue.length, pixels: activePixels }),
  };
}
