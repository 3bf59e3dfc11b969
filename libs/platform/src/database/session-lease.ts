import type { DataSource } from 'typeorm';

/** A Postgres session advisory lock in its two-key form: a class (e.g. one per job) and a key within it. */
export interface SessionLeaseKey {
  readonly lockClass: number;
  readonly key: number;
}

/**
 * Runs `work` while holding the session advisory lock on a connection of its own, or returns null at once when
 * another session holds it: two processes running the same job never run it at once. A session lock outside any
 * transaction holds back no snapshot, so the event store's gap-safe reads and the projections go on meanwhile.
 */
export async function withSessionLease<T>(dataSource: DataSource, lease: SessionLeaseKey, work: () => Promise<T>): Promise<T | null> {
  const session = dataSource.createQueryRunner();
  await session.connect();
  try {
    const [row] = (await session.query(`SELECT pg_try_advisory_lock($1, $2) AS locked`, [lease.lockClass, lease.key])) as { locked: boolean }[];
    if (!row?.locked) return null;
    try {
      return await work();
    } finally {
      await session.query(`SELECT pg_advisory_unlock($1, $2)`, [lease.lockClass, lease.key]);
    }
  } finally {
    await session.release();
  }
}
