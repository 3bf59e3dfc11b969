export { createLogger, REDACTED_PATHS, type CreateLoggerOptions, type Logger } from './logger.js';
export { serializeError, type SerializedError } from './error-serializer.js';
export { NestPinoLogger } from './nest-logger.js';
export { LOGGER, LoggingModule } from './logging.module.js';
