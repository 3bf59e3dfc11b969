/**
 * Work serialised by key inside this process: the work given for one key runs one at a time, in the order it was
 * given; different keys run side by side. A failed piece of work does not hold up the next. Commands that all append
 * to one stream (a recommending channel's quota) go through one key, so this process never races itself on it and a
 * list's submissions take their slots in the order listed; other processes are met by the retries of a
 * ContentionPolicy.
 */
export class SerialQueues {
  /** The last piece of work given for each key that is still running or waiting. */
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Queues `work` behind what was given for `key` before (synchronously: call order is run order). */
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    // A tail never rejects (below), so the work runs once its predecessor settles, whatever its outcome.
    const result = (this.tails.get(key) ?? Promise.resolve()).then(work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with work running or waiting. */
  get busyKeys(): number {
    return this.tails.size;
  }
}
