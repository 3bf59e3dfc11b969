import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase } from '../../testing/src/postgres.js';
import type { TestDatabase } from '../../testing/src/postgres.js';
import { createReadModelDataSource, READ_MODEL_MIGRATIONS_TABLE } from './data-source.js';
import { readModelMigrations } from './migrations/index.js';
import { readModelEntities } from './read-models/index.js';
import { ProjectionCheckpoint } from './read-models/projection-checkpoint.entity.js';

describe('the read-model database', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('read_models');
  });

  afterAll(async () => {
    await database.drop();
  });

  it('changes its schema only through the listed migrations, the checkpoint table first', async () => {
    const dataSource = createReadModelDataSource({
      url: database.url,
      entities: readModelEntities,
      migrations: readModelMigrations,
    });
    expect(dataSource.options).toMatchObject({ synchronize: false, migrationsRun: false });
    await dataSource.initialize();
    try {
      const tables = async () =>
        (
          (await dataSource.query(
            `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
          )) as { table_name: string }[]
        ).map((row) => row.table_name);
      expect(await tables()).toEqual([]);

      const ran = await dataSource.runMigrations();
      expect(ran.map((m) => m.name)[0]).toBe('CreateProjectionCheckpoints1795219200000');
      expect(await tables()).toEqual(['projection_checkpoints', READ_MODEL_MIGRATIONS_TABLE, 'register_store_format']);
      // The entity matches the migration: nothing left for a schema diff to do.
      expect((await dataSource.driver.createSchemaBuilder().log()).upQueries).toEqual([]);

      const repository = dataSource.getRepository(ProjectionCheckpoint);
      await repository.insert({ name: 'member_directory', version: 1, position: null });
      expect(await repository.findOneByOrFail({ name: 'member_directory' })).toMatchObject({
        version: 1,
        position: null,
        eventsApplied: '0',
        status: 'new',
        lastError: null,
      });
      await expect(
        dataSource.query(`UPDATE projection_checkpoints SET status = 'sleeping' WHERE name = 'member_directory'`),
      ).rejects.toThrow(/CHK_projection_checkpoints_status/);
    } finally {
      await dataSource.destroy();
    }
  });
});
