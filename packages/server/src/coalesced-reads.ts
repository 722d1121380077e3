/**
 * A read by keys that concurrent requests share: the keys asked for during one turn of the event
 * loop are read together, with one `readMany` call, when the turn ends (`setImmediate`), and each
 * caller gets the entries of its own keys. Under load many cart reads are in the same stage at
 * once (their previous statements' answers arrive in the same turn), so twenty reads cost a few
 * statements and service calls instead of twenty; alone, a read waits only for the turn to end.
 *
 * The read starts after every caller in its batch asked, so what it answers is never older than
 * what each caller's own read would have answered. Only for reads outside a transaction: the
 * batch runs in the first caller's async context.
 */
export function coalescedReader<K, V>(readMany: (keys: K[]) => Promise<Map<K, V>>): (keys: Iterable<K>) => Promise<Map<K, V>> {
  let open: { keys: Set<K>; read: Promise<Map<K, V>> } | undefined;
  return async (keys) => {
    const own = [...keys];
    if (own.length === 0) return new Map();
    let batch = open;
    if (!batch) {
      const asked = new Set<K>();
      const read = new Promise<Map<K, V>>((resolve, reject) => {
        setImmediate(() => {
          open = undefined;
          readMany([...asked]).then(resolve, reject);
        });
      });
      batch = { keys: asked, read };
      open = batch;
    }
    for (const key of own) batch.keys.add(key);
    const found = await batch.read;
    const mine = new Map<K, V>();
    for (const key of own) {
      const value = found.get(key);
      if (value !== undefined) mine.set(key, value);
    }
    return mine;
  };
}
