import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../testing/src/postgres.js';
import { arrayLiteral, loadRows, type Row, TableBuffer, type TableSpec, writeRows } from './bulk-rows.js';

const SPEC: TableSpec = {
  table: 'bulk_probe',
  key: ['group_id', 'item'],
  columns: { group_id: 'text', item: 'integer', label: 'text', amount: 'bigint', done: 'boolean', on_day: 'date', doc: 'jsonb' },
};

/** Text that an array literal must escape or quote: quotes, backslashes, braces, commas, the word NULL, blanks. */
const AWKWARD = ['say "hi"', 'C:\\dir\\file', '{a,b}', 'NULL', '', '  padded  ', 'line\nbreak\ttab', '北京市"建设"\\工程'];

describe('set-based writes', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase('bulk_rows');
    dataSource = new DataSource({ type: 'postgres', url: database.url });
    await dataSource.initialize();
    await dataSource.query(`CREATE TABLE bulk_probe (
      group_id text NOT NULL, item integer NOT NULL, label text, amount bigint, done boolean, on_day date, doc jsonb,
      PRIMARY KEY (group_id, item))`);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('writes every value as Postgres reads it back: awkward text, nulls, big numbers, booleans, dates, jsonb', async () => {
    const rows: Row[] = AWKWARD.map((label, i) => ({
      group_id: 'g1',
      item: i,
      label,
      amount: i === 0 ? '9007199254740993' : i * 100, // a bigint beyond 2^53 travels as text
      done: i % 2 === 0,
      on_day: i === 1 ? null : '2024-02-29',
      doc: JSON.stringify({ label, nested: { quote: '"', backslash: '\\' } }),
    }));
    rows.push({ group_id: 'g1', item: 99, label: null, amount: null, done: null, on_day: null, doc: null });
    await dataSource.transaction((tx) => writeRows(tx, SPEC, rows, 'insert'));

    const back = (await dataSource.query(
      `SELECT item, label, amount::text AS amount, done, on_day::text AS on_day, doc FROM bulk_probe ORDER BY item`,
    )) as { item: number; label: string | null; amount: string | null; done: boolean | null; on_day: string | null; doc: unknown }[];
    expect(back).toEqual(
      rows.map((r) => ({
        item: r.item,
        label: r.label,
        amount: r.amount === null ? null : String(r.amount),
        done: r.done,
        on_day: r.on_day,
        doc: r.doc === null ? null : JSON.parse(r.doc as string),
      })),
    );
  });

  it('insert leaves an existing key alone; upsert overwrites it', async () => {
    const row = (label: string): Row => ({ group_id: 'g2', item: 1, label, amount: 1, done: true, on_day: '2024-01-01', doc: '{}' });
    await dataSource.transaction((tx) => writeRows(tx, SPEC, [row('first')], 'insert'));
    await dataSource.transaction((tx) => writeRows(tx, SPEC, [row('second')], 'insert'));
    expect(await dataSource.query(`SELECT label FROM bulk_probe WHERE group_id = 'g2'`)).toEqual([{ label: 'first' }]);
    await dataSource.transaction((tx) => writeRows(tx, SPEC, [row('third')], 'upsert'));
    expect(await dataSource.query(`SELECT label FROM bulk_probe WHERE group_id = 'g2'`)).toEqual([{ label: 'third' }]);
  });

  it('loads rows by key or by a key prefix, as text, keyed by their primary key', async () => {
    const found = await dataSource.transaction((tx) => loadRows(tx, SPEC, [['g1'], ['absent']], ['group_id']));
    expect(found.size).toBe(AWKWARD.length + 1);
    expect(found.get(JSON.stringify(['g1', '0']))).toMatchObject({ label: 'say "hi"', amount: '9007199254740993', done: 'true' });
    const one = await dataSource.transaction((tx) => loadRows(tx, SPEC, [['g1', 2]]));
    expect([...one.values()].map((r) => r.label)).toEqual(['{a,b}']);
  });

  it('finds the rows of a key prefix among those loaded and those the batch adds', async () => {
    const buffer = await dataSource.transaction((tx) => TableBuffer.load(tx, SPEC, [['g1']], ['group_id']));
    expect(buffer.withPrefix(['g1']).map((r) => r.item)).toEqual(AWKWARD.map((_, i) => String(i)).concat('99'));
    expect(buffer.withPrefix(['g3'])).toEqual([]);
    buffer.insert({ group_id: 'g3', item: 1, label: 'added' });
    buffer.insert({ group_id: 'g1', item: 0, label: 'already there' }); // the key exists: not added
    expect(buffer.withPrefix(['g3']).map((r) => r.label)).toEqual(['added']);
    expect(buffer.withPrefix(['g1', 0]).map((r) => r.label)).toEqual(['say "hi"']);
    expect(buffer.withPrefix(['g1'])).toHaveLength(AWKWARD.length + 1);
  });

  it('builds array literals that quote every string and escape only quotes and backslashes', () => {
    expect(arrayLiteral([{ v: 'a"b' }, { v: 'c\\d' }, { v: null }, { v: 3 }, { v: false }, {}], 'v')).toBe('{"a\\"b","c\\\\d",NULL,3,false,NULL}');
  });
});
