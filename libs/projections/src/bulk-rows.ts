import type { EntityManager } from 'typeorm';

/**
 * Set-based writes for projections: load the rows a batch touches in one statement per table, apply the
 * batch's events to them in memory (in order, with the same guards the per-event SQL would apply), then write
 * every changed row back in one statement per table. A batch of thousands of events costs a handful of
 * statements instead of several per event; the same code runs live and in a rebuild, so both produce the same
 * rows.
 *
 * Values travel as text (loaded with `::text`, written through `unnest($n::<type>[])`), so Postgres does the
 * parsing both ways and nothing is lost to JavaScript's types (dates, bigints, jsonb). Each column goes as one
 * array literal built here in a single pass (`arrayLiteral`), cheaper than pg's per-element encoding. (Rows as
 * one JSON document read by `json_to_recordset` cost the client about as little, but raised Postgres's CPU in a
 * rebuild by 10–20%.)
 */

/** A read-model table as the bulk writer sees it: unqualified name (rebuilds redirect it), key, column types. */
export interface TableSpec {
  readonly table: string;
  readonly key: readonly string[];
  /** Column name → SQL type (as used in `$n::<type>[]`). */
  readonly columns: Readonly<Record<string, string>>;
}

export type Value = string | number | boolean | null;
export type Row = Record<string, Value>;

const ROWS_PER_STATEMENT = 5_000;

/** The map key of a row with these key values (as text: loaded rows hold text, events hold numbers). */
export function rowKey(values: readonly Value[]): string {
  return JSON.stringify(values.map((v) => (v === null ? null : String(v))));
}

/**
 * The rows of `spec.table` whose `by` columns (default: the key) match one of `keys`, every column as text,
 * by `rowKey` of their primary key. `by` must lead an index (the key, or a prefix of it): each key is one
 * probe of that index.
 */
export async function loadRows(
  tx: EntityManager,
  spec: TableSpec,
  keys: readonly (readonly Value[])[],
  by: readonly string[] = spec.key,
): Promise<Map<string, Row>> {
  const found = new Map<string, Row>();
  const unique = [...new Map(keys.map((k) => [rowKey(k), k])).values()];
  if (unique.length === 0) return found;
  const columns = Object.keys(spec.columns);
  for (let from = 0; from < unique.length; from += ROWS_PER_STATEMENT) {
    const chunk = unique.slice(from, from + ROWS_PER_STATEMENT);
    const params = by.map((_, i) => chunk.map((k) => k[i] ?? null));
    // A LATERAL subquery kept from being flattened (OFFSET 0) probes the index once per key. A plain join lets
    // the planner hash the whole table instead whenever the key list is long next to the table (the usual case
    // in a rebuild, whose fresh tables also have no statistics yet): a full scan per batch, quadratic overall.
    const rows = (await tx.query(
      `SELECT ${columns.map((c) => `t.${c}::text AS ${c}`).join(', ')}
         FROM unnest(${by.map((k, i) => `$${i + 1}::${spec.columns[k]}[]`).join(', ')}) AS k(${by.join(', ')})
        CROSS JOIN LATERAL (
          SELECT * FROM ${spec.table} t WHERE ${by.map((k) => `t.${k} = k.${k}`).join(' AND ')} OFFSET 0
        ) t`,
      params,
    )) as Row[];
    for (const row of rows) found.set(rowKey(spec.key.map((k) => row[k] ?? null)), row);
  }
  return found;
}

/**
 * Writes rows (each key at most once): `insert` adds new rows and leaves existing keys alone (ON CONFLICT DO
 * NOTHING); `upsert` also overwrites every non-key column of existing rows.
 */
export async function writeRows(tx: EntityManager, spec: TableSpec, rows: readonly Row[], mode: 'insert' | 'upsert'): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(spec.columns);
  const others = columns.filter((c) => !spec.key.includes(c));
  const conflict =
    mode === 'insert' || others.length === 0
      ? 'DO NOTHING'
      : `DO UPDATE SET ${others.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`;
  const text = `INSERT INTO ${spec.table} (${columns.join(', ')})
     SELECT * FROM unnest(${columns.map((c, i) => `$${i + 1}::${spec.columns[c]}[]`).join(', ')})
     ON CONFLICT (${spec.key.join(', ')}) ${conflict}`;
  for (let from = 0; from < rows.length; from += ROWS_PER_STATEMENT) {
    const chunk = from === 0 && rows.length <= ROWS_PER_STATEMENT ? rows : rows.slice(from, from + ROWS_PER_STATEMENT);
    await tx.query(text, columns.map((c) => arrayLiteral(chunk, c)));
  }
}

const ARRAY_ELEMENT_SPECIALS = /["\\]/g;

/**
 * The Postgres array literal of one column of `rows`: every non-null element quoted, `"` and `\` escaped, NULL
 * for null. Numbers and booleans are written as JavaScript prints them, which their SQL types accept.
 */
export function arrayLiteral(rows: readonly Row[], column: string): string {
  let literal = '{';
  for (let i = 0; i < rows.length; i++) {
    if (i > 0) literal += ',';
    const value = rows[i]![column];
    if (value === null || value === undefined) literal += 'NULL';
    else if (typeof value === 'string') literal += `"${value.replace(ARRAY_ELEMENT_SPECIALS, '\\$&')}"`;
    else literal += String(value);
  }
  return `${literal}}`;
}

/**
 * The rows of one table during a batch: those loaded up front, those the batch created or changed, and which
 * of them to write back.
 */
export class TableBuffer {
  private readonly rows: Map<string, Row>;
  private readonly dirty = new Set<string>();
  private readonly created = new Set<string>();
  /** Rows grouped by their first n key columns (n → groups), built on first use and kept up to date by insert. */
  private readonly byPrefix = new Map<number, Map<string, Row[]>>();

  constructor(
    readonly spec: TableSpec,
    loaded: Map<string, Row> = new Map(),
  ) {
    this.rows = loaded;
  }

  static async load(
    tx: EntityManager,
    spec: TableSpec,
    keys: readonly (readonly Value[])[],
    by: readonly string[] = spec.key,
  ): Promise<TableBuffer> {
    return new TableBuffer(spec, await loadRows(tx, spec, keys, by));
  }

  get(key: readonly Value[]): Row | undefined {
    return this.rows.get(rowKey(key));
  }

  /**
   * INSERT … ON CONFLICT DO NOTHING: adds the row unless its key is already there (loaded or added). Keys the
   * batch only inserts need not be loaded (the flush's DO NOTHING keeps a row already in the table); keys a
   * later event of the batch reads or changes must be.
   */
  insert(row: Row): boolean {
    const key = rowKey(this.spec.key.map((k) => row[k] ?? null));
    if (this.rows.has(key)) return false;
    this.rows.set(key, row);
    this.created.add(key);
    this.dirty.add(key);
    for (const [length, groups] of this.byPrefix) groupRow(groups, this.prefixKey(row, length), row);
    return true;
  }

  /**
   * The rows (loaded and added, in that order) whose first key columns equal `prefix`: e.g. every history row
   * of one subject, for the events that read its earlier rows.
   */
  withPrefix(prefix: readonly Value[]): readonly Row[] {
    let groups = this.byPrefix.get(prefix.length);
    if (!groups) {
      groups = new Map();
      for (const row of this.rows.values()) groupRow(groups, this.prefixKey(row, prefix.length), row);
      this.byPrefix.set(prefix.length, groups);
    }
    return groups.get(rowKey(prefix)) ?? [];
  }

  private prefixKey(row: Row, length: number): string {
    return rowKey(this.spec.key.slice(0, length).map((k) => row[k] ?? null));
  }

  /** Marks a row (obtained from `get`) as changed. */
  changed(row: Row): void {
    this.dirty.add(rowKey(this.spec.key.map((k) => row[k] ?? null)));
  }

  /** All rows (loaded and added), for look-ups that are not by key. */
  values(): IterableIterator<Row> {
    return this.rows.values();
  }

  /** Writes the changed rows back: rows the batch added with DO NOTHING, the others overwritten. */
  async flush(tx: EntityManager): Promise<void> {
    const inserted: Row[] = [];
    const updated: Row[] = [];
    for (const key of this.dirty) {
      const row = this.rows.get(key)!;
      // A row created in this batch may have changed again since: it is still new to the table.
      (this.created.has(key) ? inserted : updated).push(row);
    }
    await writeRows(tx, this.spec, inserted, 'insert');
    await writeRows(tx, this.spec, updated, 'upsert');
    this.dirty.clear();
    this.created.clear();
  }
}

function groupRow(groups: Map<string, Row[]>, key: string, row: Row): void {
  const group = groups.get(key);
  if (group) group.push(row);
  else groups.set(key, [row]);
}

/** `a < b` for stored positions (fixed-width text, compared as the SQL guards compare them). */
export function positionBefore(stored: Value, position: string): boolean {
  return typeof stored === 'string' && stored < position;
}
