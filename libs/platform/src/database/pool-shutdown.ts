import type pg from 'pg';
import type { DataSource } from 'typeorm';

/**
 * Ends a pool and waits until each of its connections has closed. `pool.end()` resolves as soon as it has
 * asked every client to end, before their sockets close: a server stopped right after could still end
 * those sessions itself, and each would report "terminating connection due to administrator command".
 */
export async function endPool(pool: pg.Pool, timeoutMs = 5_000): Promise<void> {
  const closed = allRemoved(pool, timeoutMs);
  await pool.end();
  await closed;
}

/** Destroys a TypeORM data source on Postgres and waits for its pool's connections to close, like `endPool`. */
export async function destroyDataSource(dataSource: DataSource, timeoutMs = 5_000): Promise<void> {
  if (!dataSource.isInitialized) return;
  const master = (dataSource.driver as unknown as { master?: pg.Pool }).master;
  const closed = master ? allRemoved(master, timeoutMs) : Promise.resolve();
  await dataSource.destroy();
  await closed;
}

/** Resolves once the pool has emitted `remove` (after a client's connection closed) for every client it holds now. */
function allRemoved(pool: pg.Pool, timeoutMs: number): Promise<void> {
  let open = pool.totalCount;
  if (open === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    timer.unref();
    function onRemove() {
      if (--open <= 0) done();
    }
    function done() {
      clearTimeout(timer);
      pool.off('remove', onRemove);
      resolve();
    }
    pool.on('remove', onRemove);
  });
}
