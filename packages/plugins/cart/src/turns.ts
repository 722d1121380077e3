/**
 * Work that takes turns per key within this process: each piece of work under a key starts once the
 * one queued before it under that key has ended (however it ended). Keys nobody waits on are
 * forgotten.
 */
export class Turns {
  /** The end of the last piece of work queued under each key (never rejects). */
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key);
    let ended!: () => void;
    const mine = new Promise<void>((resolve) => {
      ended = resolve;
    });
    const tail = before ? before.then(() => mine) : mine;
    this.tails.set(key, tail);
    try {
      await before;
      return await work();
    } finally {
      ended();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
