import type { Queryable } from './checkpoints.js';
import { rowsOf } from './pg-connection.js';

/*
 * The shape of a projection's tables as the catalog describes it, with the schema name taken out, so the live
 * tables (public) and their shadow copies (rebuild_<name>) can be compared and their index and constraint
 * names matched by definition.
 *
 * Every query here expects `search_path` to be `pg_catalog` only (see `CATALOG_SEARCH_PATH`), so that the
 * catalog's deparsed definitions always qualify relations and never depend on what happens to be visible.
 */

export const CATALOG_SEARCH_PATH = 'SET LOCAL search_path TO pg_catalog';

/** An index or a constraint, named, with a definition free of its own name and of the schema. */
export interface NamedObject {
  readonly table: string;
  readonly kind: 'index' | 'constraint';
  readonly name: string;
  readonly signature: string;
}

export interface TablesShape {
  /** Per table, its columns (name, type, nullability, default, identity, generated, collation), in order. */
  readonly columns: Readonly<Record<string, string>>;
  readonly objects: readonly NamedObject[];
}

export async function readShape(q: Queryable, schema: string, tables: readonly string[]): Promise<TablesShape> {
  const columnRows = rowsOf<{ table_name: string; columns: string }>(
    await q.query(
      `SELECT c.relname AS table_name,
              json_agg(json_build_array(a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                         pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, co.collname)
                       ORDER BY a.attnum)::text AS columns
         FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> 0
        WHERE n.nspname = $1 AND c.relname = ANY($2::text[]) AND c.relkind IN ('r', 'p')
        GROUP BY c.relname`,
      [schema, [...tables]],
    ),
  );
  const indexRows = rowsOf<{
    table_name: string;
    index_name: string;
    constraint_name: string | null;
    constraint_def: string | null;
    contype: string | null;
    body: string;
  }>(
    await q.query(
      `SELECT c.relname AS table_name, ic.relname AS index_name, con.conname AS constraint_name, con.contype::text,
              pg_get_constraintdef(con.oid) AS constraint_def,
              CASE WHEN starts_with(d.def, d.prefix) THEN substr(d.def, length(d.prefix) + 1) ELSE d.def END AS body
         FROM pg_index i
         JOIN pg_class ic ON ic.oid = i.indexrelid
         JOIN pg_class c ON c.oid = i.indrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = c.oid
                                   AND con.contype IN ('p', 'u', 'x')
        CROSS JOIN LATERAL (
          SELECT pg_get_indexdef(i.indexrelid) AS def,
                 'CREATE ' || CASE WHEN i.indisunique THEN 'UNIQUE ' ELSE '' END || 'INDEX '
                   || quote_ident(ic.relname) || ' ON ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname)
                   || ' ' AS prefix
        ) d
        WHERE n.nspname = $1 AND c.relname = ANY($2::text[])`,
      [schema, [...tables]],
    ),
  );
  const constraintRows = rowsOf<{ table_name: string; conname: string; contype: string; def: string }>(
    await q.query(
      `SELECT c.relname AS table_name, con.conname, con.contype::text,
              replace(pg_get_constraintdef(con.oid), 'REFERENCES ' || quote_ident($1) || '.', 'REFERENCES ') AS def
         FROM pg_constraint con
         JOIN pg_class c ON c.oid = con.conrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname = ANY($2::text[]) AND con.contype NOT IN ('p', 'u', 'x')`,
      [schema, [...tables]],
    ),
  );

  const columns: Record<string, string> = {};
  for (const row of columnRows) columns[row.table_name] = row.columns;
  const objects: NamedObject[] = [
    ...indexRows.map((row): NamedObject =>
      row.constraint_name
        ? {
            table: row.table_name,
            kind: 'constraint',
            name: row.constraint_name,
            signature: `${row.contype}|${row.constraint_def}|${row.body}`,
          }
        : { table: row.table_name, kind: 'index', name: row.index_name, signature: row.body },
    ),
    ...constraintRows.map(
      (row): NamedObject => ({
        table: row.table_name,
        kind: 'constraint',
        name: row.conname,
        signature: `${row.contype}|${row.def}`,
      }),
    ),
  ];
  objects.sort(compareObjects);
  return { columns, objects };
}

function compareObjects(a: NamedObject, b: NamedObject): number {
  const left = `${a.table}\u0000${a.kind}\u0000${a.signature}\u0000${a.name}`;
  const right = `${b.table}\u0000${b.kind}\u0000${b.signature}\u0000${b.name}`;
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Differences between two shapes, as readable lines (empty: identical, names included). */
export function shapeDifferences(live: TablesShape, shadow: TablesShape): string[] {
  const differences: string[] = [];
  const tables = new Set([...Object.keys(live.columns), ...Object.keys(shadow.columns)]);
  for (const table of tables) {
    if (live.columns[table] !== shadow.columns[table]) differences.push(`columns of ${table} differ`);
  }
  const key = (o: NamedObject) => `${o.table} ${o.kind} ${o.name}: ${o.signature}`;
  const liveKeys = new Set(live.objects.map(key));
  const shadowKeys = new Set(shadow.objects.map(key));
  for (const k of liveKeys) if (!shadowKeys.has(k)) differences.push(`missing in the rebuild: ${k}`);
  for (const k of shadowKeys) if (!liveKeys.has(k)) differences.push(`only in the rebuild: ${k}`);
  return differences;
}

export interface Rename {
  readonly table: string;
  readonly kind: 'index' | 'constraint';
  readonly from: string;
  readonly to: string;
}

/**
 * Pairs each shadow index/constraint with the live one of the same definition (per table; several of the
 * same definition pair up in name order) and lists the renames that give the shadow the live names.
 */
export function renamesToLiveNames(live: TablesShape, shadow: TablesShape): Rename[] {
  const group = (objects: readonly NamedObject[]) => {
    const groups = new Map<string, string[]>();
    for (const o of objects) {
      const k = `${o.table}\u0000${o.kind}\u0000${o.signature}`;
      const names = groups.get(k) ?? [];
      names.push(o.name);
      groups.set(k, names);
    }
    for (const names of groups.values()) names.sort();
    return groups;
  };
  const liveGroups = group(live.objects);
  const shadowGroups = group(shadow.objects);
  const renames: Rename[] = [];
  for (const [k, shadowNames] of shadowGroups) {
    const liveNames = liveGroups.get(k) ?? [];
    const [table, kind, signature] = k.split('\u0000') as [string, 'index' | 'constraint', string];
    if (liveNames.length !== shadowNames.length) {
      throw new Error(
        `Cannot match ${kind} "${signature}" on ${table}: ${liveNames.length} live, ${shadowNames.length} copied`,
      );
    }
    shadowNames.forEach((from, i) => {
      const to = liveNames[i] as string;
      if (from !== to) renames.push({ table, kind, from, to });
    });
  }
  return renames;
}
