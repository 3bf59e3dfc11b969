import { afterAll, beforeAll } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../../testing/src/postgres.js';
import { createReadModelDataSource } from '../data-source.js';
import { registerEntities, registerMigrations } from '../registry.js';

/** A migrated, empty read-model database for a query spec, filled by the spec's own INSERTs. */
export function migratedReadModels(prefix: string): { readonly dataSource: () => DataSource } {
  let database: TestDatabase;
  let dataSource: DataSource;
  beforeAll(async () => {
    database = await createTestDatabase(prefix);
    dataSource = createReadModelDataSource({ url: database.url, entities: [...registerEntities], migrations: [...registerMigrations], poolSize: 2 });
    await dataSource.initialize();
    await dataSource.runMigrations();
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });
  return { dataSource: () => dataSource };
}

/** Columns every read-model row carries, for INSERTs that only care about the others. */
export const LAST_EVENT = `now(), 1, '00000000-0000-0000-0000-000000000000', '0'`;
