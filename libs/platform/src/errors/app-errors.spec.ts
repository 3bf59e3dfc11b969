import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../testing/src/postgres.js';
import { isConnectionFailure } from './app-errors.js';

/** What a real Postgres answers, sorted into "the server is gone, retry" and "the statement is wrong". */
describe('isConnectionFailure', () => {
  let database: TestDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    database = await createTestDatabase('app_errors');
    pool = new pg.Pool({ connectionString: database.url, max: 2 });
  });

  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  const failureOf = (run: () => Promise<unknown>) => run().then(() => { throw new Error('expected the statement to fail'); }, (error: unknown) => error);

  it('does not take a bind with the wrong number of parameters (SQLSTATE 08P01) for a lost connection', async () => {
    const error = await failureOf(() => pool.query({ name: 'two-params', text: 'SELECT $1::int + $2::int AS sum', values: [1, 2, 3] }));
    expect((error as { code?: string }).code).toBe('08P01');
    expect(isConnectionFailure(error)).toBe(false);
  });

  it('does not take an SQL error for one, and takes a refused connection and a terminated backend for one', async () => {
    expect(isConnectionFailure(await failureOf(() => pool.query('SELECT * FROM no_such_table')))).toBe(false);
    const unreachable = new pg.Client({ host: '127.0.0.1', port: 1, connectionTimeoutMillis: 2_000 });
    expect(isConnectionFailure(await failureOf(() => unreachable.connect()))).toBe(true);
    const victim = new pg.Client({ connectionString: database.url });
    await victim.connect();
    victim.on('error', () => undefined);
    const { rows } = await victim.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    await pool.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    expect(isConnectionFailure(await failureOf(() => victim.query('SELECT 1')))).toBe(true);
    await victim.end().catch(() => undefined);
  });
});
