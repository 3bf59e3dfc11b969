import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../testing/src/postgres.js';
import { auditTableSpecs } from './audit/audit.projection.js';
import type { TableSpec } from './bulk-rows.js';
import { creditTableSpecs } from './credit/credit.projection.js';
import { ratingChangeTableSpecs } from './credit/rating-changes.projection.js';
import { createReadModelDataSource } from './data-source.js';
import { duesTableSpecs } from './dues/dues.projection.js';
import { enterpriseTableSpecs } from './enterprise/enterprise.projection.js';
import { personsTableSpecs } from './persons/persons.projection.js';
import { membershipTableSpecs } from './membership/membership.projection.js';
import { expertsTableSpecs } from './experts/experts.projection.js';
import { awardsTableSpecs } from './awards/awards.projection.js';
import { registerEntities, registerMigrations, registerProjections } from './registry.js';
import { rankingsTableSpecs } from './rankings/rankings.projection.js';

/**
 * The table specs are the one description of the read-model tables besides their migrations (ADR 0004). The
 * set-based writers list every column of the tables they write: a column a migration adds but the spec
 * leaves out would never be written (new rows would take its default, rebuilt rows would lose it). This holds
 * each spec to the table the migrations create, names and types.
 */
const specs: readonly TableSpec[] = [...auditTableSpecs, ...enterpriseTableSpecs, ...membershipTableSpecs, ...duesTableSpecs, ...creditTableSpecs, ...personsTableSpecs, ...ratingChangeTableSpecs, ...expertsTableSpecs, ...rankingsTableSpecs, ...awardsTableSpecs];

describe('set-based table specs', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase('table_specs');
    dataSource = createReadModelDataSource({ url: database.url, entities: [...registerEntities], migrations: [...registerMigrations] });
    await dataSource.initialize();
    await dataSource.runMigrations();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('describes every table of every projection exactly once', () => {
    const described = specs.map((spec) => spec.table).sort();
    expect(described).toEqual(registerProjections.flatMap((projection) => projection.tables).sort());
  });

  it.each(specs.map((spec) => [spec.table, spec] as const))('%s: the spec names every column with its type, and its key is the primary key', async (_table, spec) => {
    const columns = (await dataSource.query(
      `SELECT a.attname AS name, a.atttypid::regtype::text AS type
         FROM pg_attribute a
        WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attname`,
      [spec.table],
    )) as { name: string; type: string }[];
    const declared = (await dataSource.query(
      `SELECT c.name, c.type::regtype::text AS type FROM jsonb_each_text($1::jsonb) AS c(name, type) ORDER BY c.name`,
      [JSON.stringify(spec.columns)],
    )) as { name: string; type: string }[];
    expect(declared).toEqual(columns);

    const [primaryKey] = (await dataSource.query(
      `SELECT array_agg(a.attname::text ORDER BY k.ord) AS key
         FROM pg_index i
         CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
        WHERE i.indrelid = $1::regclass AND i.indisprimary`,
      [spec.table],
    )) as { key: string[] }[];
    expect([...(primaryKey?.key ?? [])].sort()).toEqual([...spec.key].sort());
  });
});
