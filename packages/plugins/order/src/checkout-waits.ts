import type { OrderComponents } from '@tokobapak/sdk';

type Checkout = OrderComponents['schemas']['Checkout'];

/**
 * How often a waiting read looks at its checkout again though nothing woke it: the checkout may be
 * settled by another server process on the same database, whose wake-up this process never hears.
 */
export const RECHECK_MS = 500;

/** Reads waiting for a checkout to finish, by checkout id. */
const waiting = new Map<string, Set<() => void>>();

/**
 * Whether a checkout has come to rest: its payment decided and what follows from it done (the
 * orders confirmed, or cancelled). Until then a shopper's app has something to wait for.
 */
export function isFinished(checkout: Checkout): boolean {
  if (checkout.status === 'paid') return checkout.orders.every((order) => order.status !== 'pending_payment');
  if (checkout.status === 'processing' || checkout.status === 'awaiting_payment') return false;
  return checkout.orders.every((order) => order.status === 'cancelled');
}

/**
 * Wakes the reads waiting for this checkout, which read it again. Called once its settling or
 * releasing has run, successfully or not (a read that finds it unfinished waits on). The waiting
 * reads are the process's own, whichever server instance in it settled the checkout: a wake is only a
 * cue to read again, so one that reaches a read of another instance costs one read.
 */
export function wakeCheckoutReads(checkoutId: string): void {
  const wakers = waiting.get(checkoutId);
  if (!wakers) return;
  waiting.delete(checkoutId);
  for (const wake of wakers) wake();
}

/** Resolves when the checkout is woken, after `ms`, or when `signal` aborts, whichever comes first. */
function nextWake(checkoutId: string, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    let wakers = waiting.get(checkoutId);
    if (!wakers) {
      wakers = new Set();
      waiting.set(checkoutId, wakers);
    }
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      const set = waiting.get(checkoutId);
      if (set?.delete(done) && set.size === 0) waiting.delete(checkoutId);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    wakers.add(done);
  });
}

/**
 * The checkout once it is finished, or as it stands after `seconds`: `read` answers it, and is
 * asked again each time this process settles it and every {@link RECHECK_MS} besides. `signal`
 * (the server closing) ends the wait at once.
 */
export async function readWhenFinished(checkoutId: string, seconds: number, signal: AbortSignal, read: () => Promise<Checkout>): Promise<Checkout> {
  let checkout = await read();
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const left = deadline - Date.now();
    if (isFinished(checkout) || left <= 0 || signal.aborted) return checkout;
    await nextWake(checkoutId, Math.min(left, RECHECK_MS), signal);
    checkout = await read();
  }
}
