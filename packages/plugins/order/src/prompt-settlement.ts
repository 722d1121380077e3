import { AsyncResource } from 'node:async_hooks';
import { type PluginContext, queryTemplate } from '@tokobapak/server';
import { driveCheckout } from './checkout-driver.js';
import { GIVEN_UP, SETTLEMENT_COLUMNS, type SettlementView } from './checkout-store.js';
import type { OrderDatabase } from './database.js';
import type { OrderEvents } from './generated/manifest.js';

type Ctx = PluginContext<OrderDatabase, OrderEvents>;

/** Settles or releases a checkout as soon as its payment's outcome is recorded; the settling job stays the safety net. */
export interface PromptSettlement {
  /** Binds to the plugin's context (from `onStart`); until then `wake` does nothing. */
  start(ctx: Ctx): void;
  /**
   * Called inside the transaction that decided the checkout: the settling begins once that
   * transaction has ended (committed, or rolled back, in which case nothing is decided and
   * nothing happens).
   */
  wake(checkoutId: string): void;
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
  let launch: ((checkoutId: string) => void) | undefined;
  const running = new Set<Promise<void>>();
  return {
    start(ctx) {
      // Bound here, so that the settling runs in the plugin's own async context and not inside the
      // event consumer's transaction that calls `wake` (where starting a process is refused).
      launch = AsyncResource.bind((checkoutId: string) => {
        const task: Promise<void> = settleWhenDecided(ctx, checkoutId)
          .catch((error: unknown) => ctx.log.warn({ err: error, checkoutId }, 'settling a checkout at once failed; the settling job will'))
          .finally(() => running.delete(task));
        running.add(task);
      });
    },
    wake(checkoutId) {
      launch?.(checkoutId);
    },
    async stop() {
      launch = undefined;
      await Promise.allSettled([...running]);
    },
  };
}

/** The decided checkout, read with a share lock; compiled once (every paid checkout runs it). */
const settlingRead = queryTemplate<OrderDatabase, { id: string }, SettlementView>({
  name: 'order_checkout_settling',
  build: (db, p) => db.selectFrom('checkouts').select(SETTLEMENT_COLUMNS).where('id', '=', p.id).forShare(),
});

async function settleWhenDecided(ctx: Ctx, checkoutId: string): Promise<void> {
  // The deciding transaction holds the row until it ends: a locking read waits for that and sees
  // its outcome (on PGlite, the one connection is busy until then, with the same effect).
  const [checkout] = await settlingRead.execute(ctx.db, { id: checkoutId });
  if (!checkout) return;
  const unfinished = (checkout.status === 'paid' && !checkout.settled_at) || (GIVEN_UP.includes(checkout.status) && !checkout.released_at);
  if (unfinished) await driveCheckout(ctx, checkout, checkout);
}
