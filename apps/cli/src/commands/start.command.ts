import { parseArgs } from 'node:util';
import { consoleUrl, runService, type RunningService } from '#api';
import { loadConfig } from '#platform';
import type { CliCommand } from './command.js';

const ADMIN_ASSOCIATION = 'default';

async function printBanner(service: RunningService): Promise<void> {
  const { config, server, runtime } = service;
  const lines = ['', `Association register is running (${config.runMode === 'single' ? 'single process: API + projector' : config.runMode}).`];
  lines.push(
    config.database.mode === 'embedded'
      ? `  Database:   embedded Postgres, data in ${config.database.dataDir}`
      : '  Database:   external Postgres (DATABASE_URL)',
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
  async run(args) {
    const { values } = parseArgs({ args, options: { port: { type: 'string' } } });
    const config = loadConfig(values.port ? { ...process.env, PORT: values.port } : process.env);
    const service = await runService(config);
    await printBanner(service);
    await new Promise<void>((resolve) => {
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        service.runtime.logger.info({ signal }, 'stopping');
        service.stop().then(resolve, (error: unknown) => {
          service.runtime.logger.error({ err: error }, 'error while stopping');
          resolve();
        });
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
    return 0;
  },
};
