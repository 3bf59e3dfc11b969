import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { PostgresEventStore } from '#eventstore';
import { CheckpointWaiter, createReadModelDataSource, RATING_CHANGES_PROJECTION, RatingChangeQueries, registerEntities, registerMigrations } from '#projections';
import { createTestDatabase, type TestDatabase } from '#testing';
import type { ApiRuntime } from '../runtime.js';
import { RatingChangeFeed } from './rating-change-feed.js';

describe('the live side of the rating change feed', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let store: PostgresEventStore;
  let waiter: CheckpointWaiter;
  let runtime: ApiRuntime;

  beforeAll(async () => {
    database = await createTestDatabase('rating_feed');
    dataSource = createReadModelDataSource({ url: database.url, entities: [...registerEntities], migrations: [...registerMigrations] });
    await dataSource.initialize();
    await dataSource.runMigrations();
    await dataSource.query(`INSERT INTO projection_checkpoints (name, version, position) VALUES ($1, 1, NULL)`, [RATING_CHANGES_PROJECTION]);
    store = new PostgresEventStore(database.url);
    await store.ensureSchema();
    waiter = new CheckpointWaiter({ dataSource });
    // The parts of the service's runtime the feed uses, real ones.
    runtime = { store, waiter, logger: pino({ level: 'silent' }) } as unknown as ApiRuntime;
  });

  afterAll(async () => {
    await waiter?.close();
    await store?.close();
    await dataSource?.destroy();
    await database?.drop();
  });

  it('ends a subscriber waiting for changes at once when it completes, and stops following', async () => {
    const feed = new RatingChangeFeed(new RatingChangeQueries(dataSource), runtime);
    const follower = feed.follow(null, { codes: null, associationId: null });
    const waiting = follower.next();
    await new Promise((resolve) => setImmediate(resolve));
    expect(feed.following).toBe(1);
    await follower.return!();
    // At once: well before the fallback read (5 s) would have woken it.
    const late = new Promise((resolve) => setTimeout(() => resolve('still waiting'), 1_000).unref());
    await expect(Promise.race([waiting, late])).resolves.toEqual({ value: undefined, done: true });
    expect(feed.following).toBe(0);
    await feed.onModuleDestroy();
  });

  it('ends a subscriber whose read fails with the error, and stops following it', async () => {
    const lost = createReadModelDataSource({ url: database.url, entities: [...registerEntities], migrations: [] });
    await lost.initialize();
    const feed = new RatingChangeFeed(new RatingChangeQueries(lost), runtime);
    const follower = feed.follow(null, { codes: null, associationId: null });
    await lost.destroy();
    await expect(follower.next()).rejects.toThrow();
    expect(feed.following).toBe(0);
    await expect(follower.next()).resolves.toEqual({ value: undefined, done: true });
    await feed.onModuleDestroy();
  });
});
