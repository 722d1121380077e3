import type { OrderComponents } from '@tokobapak/sdk';

type Checkout = OrderComponents['schemas']['Checkout'];

/**
 * When a waiting read looks at its checkout again though nothing woke it: the checkout may be
 * settled by another server process on the same database, whose wake-up this process never hears.
 * First after half a second, then twice as long each time up to 4 s: an outcome that comes soon
 * after paying is seen soon, and a checkout waiting minutes for its QRIS scan costs a read every 4 s
 * per held request, not two a second.
 */
export const FIRST_RECHECK_MS = 500;
export const LONGEST_RECHECK_MS = 4_000;

/**
 * How many reads one customer may hold at once in this process; more are answered at once, as if
 * without `waitSeconds`. A payment page needs one or two; the cap keeps one caller from making the
 * server hold (and re-read) without bound.
 */
export const HELD_READS_PER_CUSTOMER = 10;

/** Reads waiting for a checkout to finish, by checkout id: each is woken with the checkout as it was left, or with nothing (read it again). */
const waiting = new Map<string, Set<(settled?: Checkout) => void>>();
/** How many reads each customer holds now. */
const heldBy = new Map<string, number>();

/**
 * Whether a checkout has come to rest: its payment decided and what follows from it done (the
 * orders confirmed, or cancelled). Until then a shopper's app has something to wait for.
 */
export function isFinished(checkout: Checkout): boolean {
  if (checkout.status === 'paid') return checkout.orders.every((order) => order.status !== 'pending_payment');
  if (checkout.status === 'processing' || checkout.status === 'awaiting_payment') return false;
  return checkout.orders.every((order) => order.status === 'cancelled');
}

/** Whether a read in this process is waiting for this checkout: its settling then answers it (see `confirmOrders`). */
export function isAwaited(checkoutId: string): boolean {
  return waiting.has(checkoutId);
}

/**
 * Wakes the reads waiting for this checkout. Called once its settling or releasing has run,
 * successfully or not: with the checkout as a successful settling committed it (`settled`), which
 * the reads answer, or without, and they read it again (a read that finds it unfinished waits on).
 * The waiting reads are the process's own, whichever server instance in it settled the checkout: a
 * wake without the checkout is only a cue to read again, so one that reaches a read of another
 * instance costs one read.
 */
export function wakeCheckoutReads(checkoutId: string, settled?: Checkout): void {
  const wakers = waiting.get(checkoutId);
  if (!wakers) return;
  waiting.delete(checkoutId);
  for (const wake of wakers) wake(settled);
}

/** Resolves when the checkout is woken (with it, if the waker had it), after `ms`, or when `signal` aborts, whichever comes first. */
function nextWake(checkoutId: string, ms: number, signal: AbortSignal): Promise<Checkout | undefined> {
  return new Promise((resolve) => {
    let wakers = waiting.get(checkoutId);
    if (!wakers) {
      wakers = new Set();
      waiting.set(checkoutId, wakers);
    }
    const done = (settled?: Checkout) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', aborted);
      const set = waiting.get(checkoutId);
      if (set?.delete(done) && set.size === 0) waiting.delete(checkoutId);
      resolve(settled);
    };
    const aborted = () => done();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', aborted, { once: true });
    wakers.add(done);
  });
}

/**
 * The customer's checkout once it is finished, or as it stands after `seconds`: `read` answers it,
 * and is asked again each time this process settles it and at the rechecks besides. `signal` (the
 * server closing) ends the wait at once, and a customer already holding
 * {@link HELD_READS_PER_CUSTOMER} reads gets the checkout as it stands.
 */
export async function readWhenFinished(
  customerId: string,
  checkoutId: string,
  seconds: number,
  signal: AbortSignal,
  read: () => Promise<Checkout>,
): Promise<Checkout> {
  let checkout = await read();
  if (isFinished(checkout) || signal.aborted || (heldBy.get(customerId) ?? 0) >= HELD_READS_PER_CUSTOMER) return checkout;
  heldBy.set(customerId, (heldBy.get(customerId) ?? 0) + 1);
  try {
    const deadline = Date.now() + seconds * 1000;
    let recheck = FIRST_RECHECK_MS;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0 || signal.aborted) return checkout;
      const settled = await nextWake(checkoutId, Math.min(left, recheck), signal);
      recheck = Math.min(recheck * 2, LONGEST_RECHECK_MS);
      // The checkout as its settling committed it is what a read would answer now; this read already found it the customer's.
      checkout = settled && isFinished(settled) ? settled : await read();
      if (isFinished(checkout)) return checkout;
    }
  } finally {
    const held = (heldBy.get(customerId) ?? 1) - 1;
    if (held === 0) heldBy.delete(customerId);
    else heldBy.set(customerId, held);
  }
}
