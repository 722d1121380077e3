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

/** Runs `fn` marked as being inside a database transaction. */
export function insideTransaction<T>(scope: TransactionScope, fn: () => Promise<T>): Promise<T> {
  return scopes.run(scope, fn);
}

/** The transaction the current async context runs in, if any. */
export function openTransaction(): TransactionScope | undefined {
  return scopes.getStore();
}
