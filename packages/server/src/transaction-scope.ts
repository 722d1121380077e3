import { AsyncLocalStorage } from 'node:async_hooks';

/** Where a database transaction is open: who opened it, for the error message. */
export interface TransactionScope {
  /** The plugin whose transaction it is. */
  service: string;
  /** `ctx.transaction` or the event consumer that is handling an event. */
  opener: string;
}

// Follows the async work started inside a transaction callback, whatever awaits it goes through.
const scopes = new AsyncLocalStorage<TransactionScope>();

// Transaction callbacks running now. On Node 20 an enabled AsyncLocalStorage makes every promise the
// process creates run an async hook that copies the store along (several per cent of a cart read,
// docs/performance.md), so it is enabled only while some transaction callback runs: outside them
// no work can be inside a transaction, and `getStore()` answers undefined.
let open = 0;

/** Runs `fn` marked as being inside a database transaction. */
export async function insideTransaction<T>(scope: TransactionScope, fn: () => Promise<T>): Promise<T> {
  open += 1;
  try {
    return await scopes.run(scope, fn);
  } finally {
    open -= 1;
    if (open === 0) scopes.disable();
  }
}

/** The transaction the current async context runs in, if any. */
export function openTransaction(): TransactionScope | undefined {
  return scopes.getStore();
}
