import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../../testing/src/postgres.js';
import { createLogger } from './logger.js';

/** Collects the JSON lines a logger writes. */
function memory() {
  const lines: string[] = [];
  return { text: () => lines.join(''), write: (chunk: string) => void lines.push(chunk) };
}

async function rejection(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('errors in the log', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase('log_errors');
    dataSource = new DataSource({ type: 'postgres', url: database.url, poolSize: 2 });
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('keep the code and the head of a failing statement, never its bound parameters', async () => {
    const out = memory();
    const error = await rejection(dataSource.query('SELECT * FROM no_such_table WHERE name = $1', ['secret-name-1']));
    expect(error).toMatchObject({ parameters: ['secret-name-1'] });
    createLogger({ level: 'info', destination: out }).error({ err: error }, 'query failed');
    const line = JSON.parse(out.text()) as { err: Record<string, unknown> };
    expect(line.err).toMatchObject({
      type: 'QueryFailedError',
      code: '42P01',
      message: 'relation "no_such_table" does not exist',
      statement: 'SELECT * FROM no_such_table WHERE name = $1',
      cause: { code: '42P01' },
    });
    expect(out.text()).not.toContain('secret-name-1');
  });

  it('mask the values a data exception quotes back, and drop the row a constraint reports', async () => {
    const out = memory();
    const logger = createLogger({ level: 'info', destination: out });
    logger.error({ err: await rejection(dataSource.query('SELECT $1::uuid', ['secret-not-a-uuid'])) }, 'cast failed');
    await dataSource.query('CREATE TABLE checked (name text CHECK (name <> $$secret-refused$$))');
    logger.error({ err: await rejection(dataSource.query('INSERT INTO checked VALUES ($1)', ['secret-refused'])) }, 'insert failed');
    const [cast, insert] = out.text().trim().split('\n').map((l) => JSON.parse(l) as { err: { code: string; message: string } });
    expect(cast!.err).toMatchObject({ code: '22P02', message: 'invalid input syntax for type uuid: "…"' });
    expect(insert!.err).toMatchObject({ code: '23514', message: 'new row for relation "checked" violates check constraint "checked_name_check"', table: 'checked', constraint: 'checked_name_check' });
    expect(out.text()).not.toMatch(/secret-|Failing row|"detail"/);
  });

  it('never carry the pg client an idle connection error holds (its settings and cancel key)', async () => {
    const out = memory();
    const logger = createLogger({ level: 'info', destination: out });
    const pool = new pg.Pool({ connectionString: database.url, max: 1, application_name: 'idle-error-spec' });
    const failed = new Promise<Error>((resolve) => pool.once('error', resolve));
    const client = await pool.connect();
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    client.release();
    await dataSource.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    const error = await failed;
    expect(error).toHaveProperty('client');
    logger.warn({ err: error }, 'idle connection failed');
    await pool.end();
    expect(JSON.parse(out.text())).toMatchObject({ err: { code: '57P01', message: 'terminating connection due to administrator command' } });
    expect(out.text()).not.toMatch(/secretKey|processID|"client"|postgres:postgres|idle-error-spec/);
  });

  it('keep the stack of a fault in the program, and strings as they are', () => {
    const out = memory();
    const logger = createLogger({ level: 'info', destination: out });
    logger.error({ err: new TypeError('x is not a function') }, 'fault');
    logger.warn({ err: 'QueryFailedError: already described' }, 'described');
    const [fault, described] = out.text().trim().split('\n').map((l) => JSON.parse(l) as { err: unknown });
    expect(fault!.err).toMatchObject({ type: 'TypeError', message: 'x is not a function', stack: expect.stringMatching(/^TypeError: x is not a function\n\s+at /) });
    expect(described!.err).toBe('QueryFailedError: already described');
  });
});
