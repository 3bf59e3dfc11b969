import type { EntityManager } from 'typeorm';
import { describeError } from '../logger.js';
import { ident, rowsOf } from '../pg-connection.js';
import type { TablesShape } from '../table-shape.js';

/**
 * An index or unique constraint of a projection that declares `rebuildIndexesAfterReplay`: dropped from its
 * shadow table when the shadow is made, built again (`ddl`, with its live name) once the replay is done.
 */
export interface DeferredObject {
  readonly table: string;
  /** As `readShape` lists it: a unique constraint is a constraint, any other index an index. */
  readonly kind: 'index' | 'constraint';
  readonly name: string;
  readonly ddl: string;
}

/**
 * Drops the shadow tables' indexes and unique constraints other than primary keys (and those a foreign key or
 * an exclusion depends on) and returns what builds them again: a projection that reads and conflicts only
 * through primary keys replays faster without them, and building each once over the finished table costs a
 * fraction of maintaining it row by row. Runs with the catalog search path, so the definitions are qualified.
 */
export async function dropDeferrable(tx: EntityManager, schema: string, tables: readonly string[]): Promise<DeferredObject[]> {
  const shadow = ident(schema);
  const rows = rowsOf<{ table_name: string; index_name: string; index_def: string; conname: string | null; con_def: string | null }>(
    await tx.query(
      `SELECT c.relname AS table_name, ic.relname AS index_name, pg_get_indexdef(i.indexrelid) AS index_def,
              con.conname, pg_get_constraintdef(con.oid) AS con_def
         FROM pg_index i
         JOIN pg_class ic ON ic.oid = i.indexrelid
         JOIN pg_class c ON c.oid = i.indrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = c.oid AND con.contype IN ('p', 'u', 'x')
        WHERE n.nspname = $1 AND c.relname = ANY($2::text[]) AND NOT i.indisprimary
          AND con.contype IS DISTINCT FROM 'x'
          AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = i.indexrelid)
        ORDER BY 1, 2`,
      [schema, [...tables]],
    ),
  );
  const deferred: DeferredObject[] = [];
  for (const row of rows) {
    const table = `${shadow}.${ident(row.table_name)}`;
    if (row.conname) {
      deferred.push({ table: row.table_name, kind: 'constraint', name: row.conname, ddl: `ALTER TABLE ${table} ADD CONSTRAINT ${ident(row.conname)} ${row.con_def}` });
      await tx.query(`ALTER TABLE ${table} DROP CONSTRAINT ${ident(row.conname)}`);
    } else {
      deferred.push({ table: row.table_name, kind: 'index', name: row.index_name, ddl: row.index_def });
      await tx.query(`DROP INDEX ${shadow}.${ident(row.index_name)}`);
    }
  }
  return deferred;
}

/** A shape without the objects a rebuild has deferred (what its shadow tables look like during the replay). */
export function withoutDeferred(shape: TablesShape, deferred: readonly DeferredObject[]): TablesShape {
  const skipped = new Set(deferred.map((d) => `${d.table}\u0000${d.kind}\u0000${d.name}`));
  return { ...shape, objects: shape.objects.filter((o) => !skipped.has(`${o.table}\u0000${o.kind}\u0000${o.name}`)) };
}

/** Builds what the replay left out of a projection's shadow tables, in the caller's transaction. */
export async function buildDeferred(tx: EntityManager, projection: string, deferred: readonly DeferredObject[]): Promise<void> {
  // Sorting the whole table at once is what makes the build cheap: give it room (this transaction only).
  await tx.query(`SET LOCAL maintenance_work_mem = '256MB'`);
  for (const object of deferred) {
    try {
      await tx.query(object.ddl);
    } catch (error) {
      throw new Error(`Rebuild of ${projection}: building ${object.kind} ${object.name} on ${object.table} failed: ${describeError(error)}`, {
        cause: error,
      });
    }
  }
}
