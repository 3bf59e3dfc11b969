import { setTimeout as sleep } from 'node:timers/promises';
import { ConflictError } from '#platform';

/**
 * How a command on a stream many writers append to (a channel's quota, ADR 0012) is retried when another writer
 * appended first: decided again from a fresh load after a jittered wait, up to `attempts` times in all, then CONFLICT.
 */
export interface ContentionPolicy {
  /** Decisions and appends in all, the first included. */
  readonly attempts: number;
  /** The ceiling of the first wait; each later ceiling doubles, up to `maxDelayMs`. Each wait is uniform below it. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export interface ContentionTiming {
  readonly wait: (ms: number) => Promise<unknown>;
  /** A number in [0, 1). */
  readonly random: () => number;
}

const REAL_TIMING: ContentionTiming = { wait: (ms) => sleep(ms), random: Math.random };

/** The wait before attempt `attempt + 1` (attempt counts from 1): full jitter below an exponential ceiling. */
export function contentionDelayMs(policy: ContentionPolicy, attempt: number, random: () => number): number {
  return random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
}

/**
 * Runs `attempt` (one load, decide and append) until it is not beaten by a concurrent writer. Only a concurrent
 * append is retried: a refusal, a reused command id or a failure answers at once. Every retry re-reads the streams,
 * so the command's id still answers a re-send with its first outcome, and a quota filled meanwhile refuses it.
 */
export async function retryOnContention<T>(policy: ContentionPolicy, attempt: () => Promise<T>, timing: ContentionTiming = REAL_TIMING): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ConflictError) || error.reason !== 'concurrent_modification') throw error;
      if (n >= policy.attempts) throw new ConflictError(error.message.replace(/\(\d+ attempts?\)/, `(${n} attempts)`), error.reason, error.commandId);
      await timing.wait(contentionDelayMs(policy, n, timing.random));
    }
  }
}
