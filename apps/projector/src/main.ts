import 'reflect-metadata';
import { runService } from '#api';
import { loadConfig } from '#platform';

/** Entry of a separately deployed projector process: runs every projection, serves nothing. */
const config = loadConfig({ ...process.env, RUN_MODE: 'projector' });
const service = await runService(config);
service.runtime.logger.info('projector running');
const stop = () => void service.stop().finally(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
