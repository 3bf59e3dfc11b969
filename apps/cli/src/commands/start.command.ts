import { parseArgs } from 'node:util';
import type { RunningService } from '#api';
import { type CliCommand, CliUsageError, EXIT, parseOrUsage } from './command.js';

const ADMIN_ASSOCIATION = 'default';
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** A repeated stop signal within this time is the same request (delivered twice), not an impatient second one. */
const REPEAT_GRACE_MS = 1_000;

async function printBanner(service: RunningService, consoleUrl: (base: string, token: string) => string): Promise<void> {
  const { config, server, runtime, infrastructure } = service;
  const lines = ['', `Association register is running (${config.runMode === 'single' ? 'single process: API + projector' : config.runMode}).`];
  const { host, port, database, dataDir } = infrastructure.database;
  lines.push(
    dataDir !== null
      ? `  Database:   embedded Postgres on ${host}:${port}, data in ${dataDir}`
      : `  Database:   "${database}" on ${host}:${port} (DATABASE_URL)`,
  );
  if (server) {
    const token = await runtime.tokens.issue({
      userId: 'console-admin',
      role: 'ADMIN',
      associationId: ADMIN_ASSOCIATION,
      name: 'Console administrator',
      ttlSeconds: config.auth.tokenTtlSeconds,
    });
    lines.push(
      `  Console:    ${consoleUrl(server.url, token)}`,
      `  GraphQL:    ${server.url}/graphql`,
      `  Health:     ${server.url}/health    Metrics: ${server.url}/metrics`,
      '',
      `  Admin token (role ADMIN, association "${ADMIN_ASSOCIATION}", valid ${config.auth.tokenTtl}):`,
      `  ${token}`,
      '',
      '  Send it as "Authorization: Bearer <token>". More tokens: npm run cli -- issue-token --role AUDITOR',
    );
  }
  lines.push('  Stop with Ctrl+C.', '');
  process.stdout.write(`${lines.join('\n')}\n`);
}

export const startCommand: CliCommand = {
  name: 'start',
  summary: 'Run the service (RUN_MODE single by default: embedded Postgres, migrations, projector and API).',
  usage: '[--port N]',
  options: [['--port N', 'HTTP port of the API (overrides PORT; 0 picks a free one).']],
  notes: [
    'Ctrl+C (SIGINT), SIGTERM or SIGHUP stops it in order: the HTTP server, the projector and background\n' +
      'jobs, the connections, then the embedded Postgres; exit code 0. Another signal a second or more later\n' +
      'ends it at once (exit code 130).',
  ],
  handlesSignals: true,
  async run(args) {
    const { values } = parseOrUsage(() => parseArgs({ args, options: { port: { type: 'string' } } }));
    if (values.port !== undefined && !(/^\d{1,5}$/.test(values.port) && Number(values.port) <= 65_535)) {
      throw new CliUsageError(`--port must be a port number from 0 to 65535 (got ${JSON.stringify(values.port)}).`);
    }

    // Signals count from the first moment: a Ctrl+C while starting stops the service as soon as it is up
    // (nothing half-started is left behind). Another one a while later ends the process at once; one right
    // after the first is the same request passed on by a wrapper (npm forwards the terminal's SIGINT).
    let requested: NodeJS.Signals | null = null;
    let requestedAt = 0;
    let wake: () => void = () => undefined;
    const onSignal = (signal: NodeJS.Signals) => {
      if (requested) {
        if (Date.now() - requestedAt < REPEAT_GRACE_MS) return;
        process.stderr.write(`\n${signal} again: exiting without waiting for the shutdown.\n`);
        process.exit(EXIT.interrupted);
      }
      requested = signal;
      requestedAt = Date.now();
      wake();
    };
    for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
    try {
      const { consoleUrl, runService } = await import('#api');
      const { loadConfig } = await import('#platform');
      const config = loadConfig(values.port !== undefined ? { ...process.env, PORT: values.port } : process.env);
      const service = await runService(config);
      if (!requested) await printBanner(service, consoleUrl);
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (requested) resolve();
      });
      const logger = service.runtime.logger;
      const started = Date.now();
      logger.info({ signal: requested }, 'stopping');
      try {
        await service.stop();
      } catch (error) {
        logger.error({ err: { message: error instanceof Error ? error.message : String(error) } }, 'could not stop cleanly');
        return EXIT.failed;
      }
      logger.info({ ms: Date.now() - started }, 'stopped');
      return EXIT.ok;
    } finally {
      for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
    }
  },
};
