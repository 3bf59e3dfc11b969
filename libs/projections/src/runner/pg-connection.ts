import pg from 'pg';
import type { DataSource } from 'typeorm';

/**
 * Connection settings for a dedicated session (advisory lock, LISTEN) to the database a read-model
 * DataSource points at. These sessions live outside the DataSource's pool: a pooled connection held for a
 * lock or a LISTEN would starve the pool as projections are added.
 */
export function sessionConfig(dataSource: DataSource, applicationName: string): pg.ClientConfig {
  const options = dataSource.options;
  if (options.type !== 'postgres') {
    throw new Error(`Read models need a postgres DataSource, got ${options.type}`);
  }
  return {
    ...(options.url ? { connectionString: options.url } : {}),
    ...(options.host ? { host: options.host } : {}),
    ...(options.port ? { port: options.port } : {}),
    ...(options.username ? { user: options.username } : {}),
    ...(options.password !== undefined ? { password: options.password as pg.ClientConfig['password'] } : {}),
    ...(options.database ? { database: options.database } : {}),
    ...(options.ssl !== undefined ? { ssl: options.ssl as pg.ClientConfig['ssl'] } : {}),
    application_name: applicationName,
    keepAlive: true,
    // A server that does not answer (rather than refusing) fails the attempt, which is then retried.
    connectionTimeoutMillis: SESSION_CONNECT_TIMEOUT_MS,
  };
}

/** How long opening a dedicated session may take. */
const SESSION_CONNECT_TIMEOUT_MS = 5_000;

/** Opens a dedicated session; errors after connecting are reported to `onLost` instead of crashing. */
export async function openSession(
  config: pg.ClientConfig,
  onLost: (error: Error | null) => void,
): Promise<pg.Client> {
  const client = new pg.Client(config);
  let lost = false;
  const lose = (error: Error | null) => {
    if (lost) return;
    lost = true;
    onLost(error);
  };
  client.on('error', (error) => lose(error));
  client.on('end', () => lose(null));
  try {
    await client.connect();
  } catch (error) {
    lost = true;
    await client.end().catch(() => undefined);
    throw error;
  }
  return client;
}

/** Rows of a TypeORM `query()` result (UPDATE/DELETE come back as [rows, affected]). */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
    return result[0] as T[];
  }
  return (result ?? []) as T[];
}

/** Quotes an SQL identifier. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** SQLSTATE of a pg error, also when TypeORM wrapped it in a QueryFailedError. */
export function pgErrorCode(error: unknown): string | undefined {
  const candidate = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = candidate?.code ?? candidate?.driverError?.code;
  return typeof code === 'string' ? code : undefined;
}

/** lock_not_available: lock_timeout expired (or NOWAIT). */
export const LOCK_NOT_AVAILABLE = '55P03';

const CONNECTION_LOSS_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const CONNECTION_LOSS_MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable|the database system is (starting up|shutting down|in recovery mode)/i;

/**
 * The database went away or cannot be reached (refused, reset, terminated, shutting down, starting up): nothing
 * the projection did. The runner waits for it to come back instead of counting a failure of the projection. The same
 * classes as `isConnectionFailure` in libs/platform, which sits above this layer and cannot be imported here.
 */
export function isConnectionLoss(error: unknown): boolean {
  for (let current = error as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown; errors?: unknown } | null, depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const code = typeof current.code === 'string' ? current.code : '';
    if (CONNECTION_LOSS_CODES.has(code) || code.startsWith('08') || ['57P01', '57P02', '57P03', '53300'].includes(code)) return true;
    if (typeof current.message === 'string' && CONNECTION_LOSS_MESSAGES.test(current.message)) return true;
    const first = Array.isArray(current.errors) ? (current.errors[0] as unknown) : undefined;
    current = (current.driverError ?? current.cause ?? first ?? null) as typeof current;
  }
  return false;
}
