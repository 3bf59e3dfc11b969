export { createLogger, REDACTED_PATHS, type CreateLoggerOptions, type Logger } from './logger.js';
export { NestPinoLogger } from './nest-logger.js';
export { LOGGER, LoggingModule } from './logging.module.js';
