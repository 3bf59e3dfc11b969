/** Monotonic milliseconds, for rates and durations only (never stored, never a business time). */
export type MonotonicNow = () => number;

export const monotonicNow: MonotonicNow = () => performance.now();

/** Resolves after `ms`, or as soon as `signal` aborts (never rejects). */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Resolves when `signal` aborts. */
export function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

export interface BackoffOptions {
  /** First retry delay. Default 100 ms. */
  readonly initialDelayMs?: number;
  /** Cap of the exponential growth. Default 5 s. */
  readonly maxDelayMs?: number;
}

/** Delay before retry number `attempt` (1-based): initial × 2^(attempt-1), capped. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const initial = options.initialDelayMs ?? 100;
  const max = options.maxDelayMs ?? 5_000;
  return Math.min(max, initial * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
}
