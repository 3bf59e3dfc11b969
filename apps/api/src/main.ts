#!/usr/bin/env node
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { describeFailure, EXIT, listenForStop, loadConfig, runService, type RunningService } from '#platform';
import { consoleUrl } from './console/index.js';
import { apiHost } from './server.js';

/**
 * The service: `npm start` (`node dist/apps/api/src/main.js [--port N]`). RUN_MODE single (the default: embedded
 * Postgres, migrations, projector, background jobs and the API in one process) or api (DATABASE_URL set; a
 * projector process runs the projections). Prints where the console is and a token to use it.
 */
const ADMIN_ASSOCIATION = 'default';
const USAGE = 'Usage: npm start [-- --port N]\n  --port N  HTTP port of the API (overrides PORT; 0 picks a free one).\n';

async function printBanner(service: RunningService): Promise<void> {
  const { config, host, runtime, infrastructure } = service;
  const lines = ['', `Association register is running (${config.runMode === 'single' ? 'single process: API + projector' : config.runMode}).`];
  const { host: dbHost, port, database, dataDir } = infrastructure.database;
  lines.push(
    dataDir !== null
      ? `  Database:   embedded Postgres on ${dbHost}:${port}, data in ${dataDir}`
      : `  Database:   "${database}" on ${dbHost}:${port} (DATABASE_URL)`,
  );
  const { masterKeySource, masterKeyFile } = config.privacy;
  lines.push(
    masterKeySource === 'env'
      ? '  Keys:       personal data sealed under PERSONAL_DATA_MASTER_KEY'
      : `  Keys:       personal data sealed under ${masterKeyFile}${masterKeySource === 'generated' ? ' (new)' : ''}: keep a copy apart from database backups (docs/privacy.md)`,
  );
  const token = await runtime.tokens.issue({
    userId: 'console-admin',
    role: 'ADMIN',
    associationId: ADMIN_ASSOCIATION,
    name: 'Console administrator',
    ttlSeconds: config.auth.tokenTtlSeconds,
  });
  lines.push(
    `  Console:    ${consoleUrl(host.url!, token)}`,
    `  GraphQL:    ${host.url}/graphql`,
    `  Health:     ${host.url}/health    Metrics: ${host.url}/metrics`,
    '',
    `  Admin token (role ADMIN, association "${ADMIN_ASSOCIATION}", valid ${config.auth.tokenTtl}):`,
    `  ${token}`,
    '',
    '  Send it as "Authorization: Bearer <token>". More tokens: npm run cli -- issue-token --role AUDITOR',
    '  Stop with Ctrl+C.',
    '',
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Ctrl+C (SIGINT), SIGTERM or SIGHUP stops it in order: the HTTP server and background jobs, the projector, the connections, then the embedded Postgres. */
async function main(args: string[]): Promise<number> {
  let port: string | undefined;
  try {
    ({ port } = parseArgs({ args, options: { port: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }).values as { port?: string });
    if (args.includes('--help') || args.includes('-h')) {
      process.stdout.write(USAGE);
      return EXIT.ok;
    }
  } catch (error) {
    process.stderr.write(`start: ${(error as Error).message.replace(/\. To specify a positional.*$/s, '.')}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (port !== undefined && !(/^\d{1,5}$/.test(port) && Number(port) <= 65_535)) {
    process.stderr.write(`start: --port must be a port number from 0 to 65535 (got ${JSON.stringify(port)}).\n\n${USAGE}`);
    return EXIT.usage;
  }
  const stop = listenForStop();
  try {
    const config = loadConfig({ RUN_MODE: 'single', ...process.env, ...(port !== undefined ? { PORT: port } : {}) });
    if (config.runMode === 'projector') {
      process.stderr.write('start: RUN_MODE=projector serves no API; run node dist/apps/projector/src/main.js for a projector process.\n');
      return EXIT.usage;
    }
    const service = await runService(config, apiHost());
    if (!stop.signal) await printBanner(service);
    const signal = await stop.requested;
    const logger = service.runtime.logger;
    const started = Date.now();
    logger.info({ signal }, 'stopping');
    try {
      await service.stop();
    } catch (error) {
      logger.error({ err: { message: error instanceof Error ? error.message : String(error) } }, 'could not stop cleanly');
      return EXIT.failed;
    }
    logger.info({ ms: Date.now() - started }, 'stopped');
    return EXIT.ok;
  } catch (error) {
    process.stderr.write(`${describeFailure('start', error)}\n`);
    return EXIT.failed;
  } finally {
    stop.release();
  }
}

process.exit(await main(process.argv.slice(2)));
