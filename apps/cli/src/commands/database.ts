import { type AppConfig, type Infrastructure, reasonOf } from '#platform';
import { CliFailure } from './command.js';

/**
 * Opens the database exactly as `start` finds it from the same configuration: DATABASE_URL, or the embedded
 * cluster of the data folder (the one running there, on whatever port it listens, else started from the
 * folder for this command). Never another cluster that merely answers on the configured port.
 */
export async function openCliInfrastructure(config: AppConfig): Promise<Infrastructure> {
  const { createLogger, EmbeddedPostgresError, openInfrastructure } = await import('#platform');
  const logger = createLogger({ level: 'warn', service: 'register-cli' });
  try {
    return await openInfrastructure(config, logger, { shareRunningDatabase: true });
  } catch (error) {
    if (error instanceof EmbeddedPostgresError) throw new CliFailure(error.message);
    throw new CliFailure(`Could not open the database ${configuredDatabase(config)}: ${reasonOf(error)}`);
  }
}

/** The line every database command prints first: which database it used (never the password). */
export function databaseLine(infrastructure: Infrastructure): string {
  const { host, port, database, dataDir } = infrastructure.database;
  const where = `Database: "${database}" on ${host}:${port}`;
  const embedded = infrastructure.embeddedDatabase;
  if (!embedded || dataDir === null) return `${where} (DATABASE_URL)`;
  const how = embedded.origin === 'started' ? 'started for this command' : embedded.origin === 'adopted' ? 'taken over' : 'already running';
  return `${where}, embedded Postgres with data in ${dataDir} (${how})`;
}

/** The database as JSON output names it. */
export function databaseJson(infrastructure: Infrastructure): Record<string, unknown> {
  const { host, port, database, dataDir } = infrastructure.database;
  return {
    host,
    port,
    database,
    dataDir,
    embedded: infrastructure.embeddedDatabase?.origin ?? null,
  };
}

function configuredDatabase(config: AppConfig): string {
  if (config.database.mode === 'embedded') return `(embedded Postgres, data in ${config.database.dataDir})`;
  try {
    const url = new URL(config.database.url);
    return `"${decodeURIComponent(url.pathname.replace(/^\//, ''))}" on ${url.hostname}:${url.port || 5432} (DATABASE_URL)`;
  } catch {
    return '(DATABASE_URL)';
  }
}

