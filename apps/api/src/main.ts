import 'reflect-metadata';
import { loadConfig } from '#platform';
import { runService } from './service.js';

/**
 * Entry of a separately deployed API process (RUN_MODE=api, DATABASE_URL set; a projector process runs the
 * projections). `npm start` uses the CLI's `start` instead, which also prints a console link and a token.
 */
const config = loadConfig({ RUN_MODE: 'api', ...process.env });
const service = await runService(config);
service.runtime.logger.info({ url: service.server?.url }, 'API listening');
const stop = () => void service.stop().finally(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
