export {
  loadConfig,
  ConfigError,
  RUN_MODES,
  EVENT_STORE_KINDS,
  LOG_LEVELS,
  type AppConfig,
  type AuthConfig,
  type ConfigProblem,
  type DatabaseConfig,
  type Env,
  type EventStoreConfig,
  type EventStoreKind,
  type LoadConfigOptions,
  type LogLevelName,
  type RunMode,
} from './config.js';
export { CONFIG_VARIABLES, configVariablesMarkdown, type ConfigVariable } from './config.variables.js';
export { parseDurationSeconds } from './duration.js';
export { resolveJwtSecret, type JwtSecretSource, type ResolvedJwtSecret } from './jwt-secret.js';
