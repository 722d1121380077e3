import { AsyncResource } from 'node:async_hooks';
import type { PluginContext } from '@tokobapak/server';
import { driveCheckout } from './checkout-driver.js';
import type { SettlementView } from './checkout-store.js';
import type { OrderDatabase } from './database.js';
import type { OrderEvents } from './generated/manifest.js';

type Ctx = PluginContext<OrderDatabase, OrderEvents>;

/** Settles or releases a checkout as soon as its payment's outcome is recorded; the settling job stays the safety net. */
export interface PromptSettlement {
  /** Binds to the plugin's context (from `onStart`); until then `wake` does nothing. */
  start(ctx: Ctx): void;
  /**
   * Called once the transaction that decided the checkout has committed (`tx.afterCommit`), with the
   * checkout as that transaction left it: the settling begins at once and reads nothing first.
   */
  wake(checkout: SettlementView): void;
  /** Stops waking and waits for the settlements under way. */
  stop(): Promise<void>;
}

/**
 * Without this, a paid checkout waits for the settling job's next pass (up to its interval, a
 * second by default) before its stock is committed and its orders confirmed, and a shopper's app
 * waiting on the payment page waits as long. A failure here only logs: the job finds the checkout
 * on its next pass, and a process started twice under one key runs once.
 */
export function promptSettlement(): PromptSettlement {
  let launch: ((checkout: SettlementView) => void) | undefined;
  const running = new Set<Promise<void>>();
  return {
    start(ctx) {
      // Bound here, so that the settling runs in the plugin's own async context and not inside the
      // event consumer's transaction that calls `wake` (where starting a process is refused).
      launch = AsyncResource.bind((checkout: SettlementView) => {
        const task: Promise<void> = driveCheckout(ctx, checkout, checkout)
          .catch((error: unknown) => ctx.log.warn({ err: error, checkoutId: checkout.id }, 'settling a checkout at once failed; the settling job will'))
          .finally(() => running.delete(task));
        running.add(task);
      });
    },
    wake(checkout) {
      launch?.(checkout);
    },
    async stop() {
      launch = undefined;
      await Promise.allSettled([...running]);
    },
  };
}
