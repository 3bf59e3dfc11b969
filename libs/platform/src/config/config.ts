import { isAbsolute, join, resolve } from 'node:path';
import { parseDurationSeconds } from './duration.js';
import { resolveJwtSecret, type JwtSecretSource } from './jwt-secret.js';
import { type KeySource, parseKey, resolveKeyFile } from './privacy-keys.js';

export const RUN_MODES = ['single', 'api', 'projector'] as const;
export type RunMode = (typeof RUN_MODES)[number];

export const EVENT_STORE_KINDS = ['postgres', 'esdb'] as const;
export type EventStoreKind = (typeof EVENT_STORE_KINDS)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** Where Postgres comes from: a server the operator runs, or one this process starts itself. */
export type DatabaseConfig =
  | { readonly mode: 'external'; readonly url: string }
  | { readonly mode: 'embedded'; readonly dataDir: string; readonly port: number };

export type EventStoreConfig = { readonly kind: 'postgres' } | { readonly kind: 'esdb'; readonly url: string };

export interface AuthConfig {
  readonly jwtSecret: string;
  /** `env`: JWT_SECRET; `file`: read from an earlier start; `generated`: created by this start. */
  readonly jwtSecretSource: JwtSecretSource;
  /** True when this start created the secret (the banner says so; tokens issued before are void). */
  readonly jwtSecretGenerated: boolean;
  /** The file holding the secret when it did not come from JWT_SECRET. */
  readonly jwtSecretFile: string | undefined;
  readonly jwtIssuer: string;
  /** TOKEN_TTL as given, e.g. `12h`. */
  readonly tokenTtl: string;
  readonly tokenTtlSeconds: number;
}

/** The keys of personal data (docs/privacy.md): outside the database, in the environment or 0600 files of DATA_DIR. */
export interface PrivacyConfig {
  /** Wraps every person's data key (AES-256-GCM). */
  readonly masterKey: Buffer;
  readonly masterKeySource: KeySource;
  readonly masterKeyFile: string | undefined;
  /** Keys the hash of identity-card numbers (look-up, de-duplication) and of the personal fields of commands. */
  readonly identitySecret: Buffer;
  readonly identitySecretSource: KeySource;
  readonly identitySecretFile: string | undefined;
}

/** The signed seals of the event log (docs/audit.md): the Ed25519 key that signs them is kept outside the database. */
export interface SealConfig {
  /** The 32-byte Ed25519 seed. */
  readonly signingKey: Buffer;
  readonly signingKeySource: KeySource;
  readonly signingKeyFile: string | undefined;
  /** Seconds between runs of the seal job (0: not scheduled). */
  readonly intervalSeconds: number;
}

export interface AppConfig {
  readonly runMode: RunMode;
  readonly http: { readonly host: string; readonly port: number };
  /** Absolute path of DATA_DIR. */
  readonly dataDir: string;
  readonly database: DatabaseConfig;
  readonly eventStore: EventStoreConfig;
  readonly auth: AuthConfig;
  readonly privacy: PrivacyConfig;
  readonly seals: SealConfig;
  readonly logLevel: LogLevelName;
  readonly readYourWritesTimeoutMs: number;
  readonly projectionBatchSize: number;
  readonly graphql: { readonly maxDepth: number; readonly maxComplexity: number; readonly maxMutations: number };
  /** Requests per minute one client (a token; an address without one) may send to /graphql; 0: no limit. */
  readonly rateLimitPerMinute: number;
  /** Seconds between runs of the credit expiry job (0: not scheduled). */
  readonly creditExpiryIntervalSeconds: number;
}

export interface ConfigProblem {
  readonly variable: string;
  readonly message: string;
}

/** Thrown by `loadConfig` with every problem found, not just the first. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p.variable}: ${p.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  /** Base for relative paths (DATA_DIR, EMBEDDED_PG_DATA_DIR). Defaults to process.cwd(). */
  readonly cwd?: string;
}

export type Env = Readonly<Record<string, string | undefined>>;

const ESDB_SCHEMES = ['esdb:', 'esdb+discover:', 'kurrentdb:', 'kurrentdb+discover:', 'kdb:', 'kdb+discover:'];
const POSTGRES_SCHEMES = ['postgres:', 'postgresql:'];
const MIN_JWT_SECRET_LENGTH = 32;

/**
 * Reads and validates the configuration. Every bad variable is reported in one `ConfigError`. Defaults
 * give the single-process embedded mode. When JWT_SECRET is unset the secret is read from, or on first
 * start generated into, DATA_DIR/jwt-secret (mode 0600); nothing is written unless the rest is valid.
 */
export function loadConfig(env: Env = process.env, options: LoadConfigOptions = {}): AppConfig {
  const cwd = options.cwd ?? process.cwd();
  const problems: ConfigProblem[] = [];
  const read = new Reader(env, problems);

  const port = read.integer('PORT', 4000, 0, 65_535);
  const host = read.string('HOST', '127.0.0.1', (v) => (/\s/.test(v) ? 'must not contain spaces' : undefined));
  const dataDir = absolute(read.string('DATA_DIR', './data'), cwd);
  const runMode = read.oneOf('RUN_MODE', RUN_MODES, 'single');
  const eventStoreKind = read.oneOf('EVENT_STORE', EVENT_STORE_KINDS, 'postgres');
  const logLevel = read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info');

  const databaseUrl = read.optional('DATABASE_URL');
  if (databaseUrl !== undefined) checkUrl(problems, 'DATABASE_URL', databaseUrl, POSTGRES_SCHEMES);
  const embeddedDataDir = absolute(read.string('EMBEDDED_PG_DATA_DIR', join(dataDir, 'postgres')), cwd);
  const embeddedPort = read.integer('EMBEDDED_PG_PORT', 54_329, 1, 65_535);
  if (databaseUrl === undefined && runMode !== undefined && runMode !== 'single') {
    problems.push({
      variable: 'DATABASE_URL',
      message: `required when RUN_MODE=${runMode}: the embedded Postgres lives inside a single-process (RUN_MODE=single) server`,
    });
  }

  const eventStoreUrl = read.optional('EVENTSTORE_URL');
  if (eventStoreKind === 'esdb') {
    if (eventStoreUrl === undefined) {
      problems.push({ variable: 'EVENTSTORE_URL', message: 'required when EVENT_STORE=esdb (e.g. esdb://localhost:2113?tls=false)' });
    } else {
      checkUrl(problems, 'EVENTSTORE_URL', eventStoreUrl, ESDB_SCHEMES);
    }
  }

  const jwtSecretFromEnv = read.optional('JWT_SECRET');
  if (jwtSecretFromEnv !== undefined && jwtSecretFromEnv.length < MIN_JWT_SECRET_LENGTH) {
    problems.push({ variable: 'JWT_SECRET', message: `must be at least ${MIN_JWT_SECRET_LENGTH} characters (got ${jwtSecretFromEnv.length})` });
  }
  if (jwtSecretFromEnv === undefined && runMode === 'api') {
    problems.push({
      variable: 'JWT_SECRET',
      message: 'required when RUN_MODE=api: every API replica must verify tokens with the same secret',
    });
  }
  const masterKeyFromEnv = read.key('PERSONAL_DATA_MASTER_KEY');
  const identitySecretFromEnv = read.key('PERSON_IDENTITY_SECRET');
  if (runMode === 'api' || runMode === 'projector') {
    // The projector's jobs send commands too: keys of its own would seal data nobody else could open.
    for (const [variable, value] of [['PERSONAL_DATA_MASTER_KEY', masterKeyFromEnv], ['PERSON_IDENTITY_SECRET', identitySecretFromEnv]] as const) {
      if (value === undefined && read.optional(variable) === undefined) {
        problems.push({ variable, message: `required when RUN_MODE=${runMode}: every API replica and the projector must seal and look up personal data with the same key` });
      }
    }
  }
  const sealKeyFromEnv = read.key('SEAL_SIGNING_KEY');
  if ((runMode === 'api' || runMode === 'projector') && sealKeyFromEnv === undefined && read.optional('SEAL_SIGNING_KEY') === undefined) {
    // The projector seals, the API and the CLI show and check with its public key: a key of their own would sign seals
    // nobody else recognises.
    problems.push({ variable: 'SEAL_SIGNING_KEY', message: `required when RUN_MODE=${runMode}: the projector and every API replica must sign and check seals with the same key` });
  }
  const jwtIssuer = read.string('JWT_ISSUER', 'association-register');
  const tokenTtl = read.string('TOKEN_TTL', '12h');
  const tokenTtlSeconds = parseDurationSeconds(tokenTtl);
  if (tokenTtl !== undefined && tokenTtlSeconds === undefined) {
    problems.push({ variable: 'TOKEN_TTL', message: `must be a positive duration such as 90m, 12h or 7d, got "${tokenTtl}"` });
  }

  const readYourWritesTimeoutMs = read.integer('READ_YOUR_WRITES_TIMEOUT_MS', 5_000, 0, 600_000);
  const projectionBatchSize = read.integer('PROJECTION_BATCH_SIZE', 500, 1, 100_000);
  const maxDepth = read.integer('GRAPHQL_MAX_DEPTH', 10, 1, 100);
  const maxComplexity = read.integer('GRAPHQL_MAX_COMPLEXITY', 2_000, 1, 1_000_000);
  const maxMutations = read.integer('GRAPHQL_MAX_MUTATIONS', 50, 1, 1_000);
  const rateLimitPerMinute = read.integer('RATE_LIMIT_PER_MINUTE', 60_000, 0, 10_000_000);
  const creditExpiryInterval = read.string('CREDIT_EXPIRY_INTERVAL', '1h');
  const creditExpiryIntervalSeconds = creditExpiryInterval?.toLowerCase() === 'off' || creditExpiryInterval === '0' ? 0 : parseDurationSeconds(creditExpiryInterval);
  if (creditExpiryInterval !== undefined && creditExpiryIntervalSeconds === undefined) {
    problems.push({ variable: 'CREDIT_EXPIRY_INTERVAL', message: `must be a duration such as 15m, 1h or 1d, or off, got "${creditExpiryInterval}"` });
  }

  const sealInterval = read.string('SEAL_INTERVAL', '1h');
  const sealIntervalSeconds = sealInterval?.toLowerCase() === 'off' || sealInterval === '0' ? 0 : parseDurationSeconds(sealInterval);
  if (sealInterval !== undefined && sealIntervalSeconds === undefined) {
    problems.push({ variable: 'SEAL_INTERVAL', message: `must be a duration such as 15m, 1h or 1d, or off, got "${sealInterval}"` });
  }

  if (problems.length > 0) throw new ConfigError(problems);

  // Everything below is defined: a missing value would have been reported above.
  const jwtSecret =
    jwtSecretFromEnv !== undefined
      ? { secret: jwtSecretFromEnv, source: 'env' as const, file: undefined }
      : resolveJwtSecret(join(dataDir, 'jwt-secret'));
  const masterKey = masterKeyFromEnv ? { key: masterKeyFromEnv, source: 'env' as const, file: undefined } : resolveKeyFile(join(dataDir, 'keys', 'master.key'), 'master key', 'every personal value sealed under it would become unreadable');
  const identitySecret = identitySecretFromEnv
    ? { key: identitySecretFromEnv, source: 'env' as const, file: undefined }
    : resolveKeyFile(join(dataDir, 'keys', 'identity.key'), 'identity secret', 'no identity-card number could be looked up again');
  const sealKey = sealKeyFromEnv ? { key: sealKeyFromEnv, source: 'env' as const, file: undefined } : resolveKeyFile(join(dataDir, 'keys', 'seal.key'), 'seal signing key', 'seals signed so far could no longer be told from seals signed by anyone else');

  return {
    runMode: runMode!,
    http: { host: host!, port: port! },
    dataDir,
    database:
      databaseUrl !== undefined
        ? { mode: 'external', url: databaseUrl }
        : { mode: 'embedded', dataDir: embeddedDataDir, port: embeddedPort! },
    eventStore: eventStoreKind === 'esdb' ? { kind: 'esdb', url: eventStoreUrl! } : { kind: 'postgres' },
    auth: {
      jwtSecret: jwtSecret.secret,
      jwtSecretSource: jwtSecret.source,
      jwtSecretGenerated: jwtSecret.source === 'generated',
      jwtSecretFile: jwtSecret.file,
      jwtIssuer: jwtIssuer!,
      tokenTtl: tokenTtl!,
      tokenTtlSeconds: tokenTtlSeconds!,
    },
    privacy: {
      masterKey: masterKey.key,
      masterKeySource: masterKey.source,
      masterKeyFile: masterKey.file,
      identitySecret: identitySecret.key,
      identitySecretSource: identitySecret.source,
      identitySecretFile: identitySecret.file,
    },
    seals: { signingKey: sealKey.key, signingKeySource: sealKey.source, signingKeyFile: sealKey.file, intervalSeconds: sealIntervalSeconds! },
    logLevel: logLevel!,
    readYourWritesTimeoutMs: readYourWritesTimeoutMs!,
    projectionBatchSize: projectionBatchSize!,
    graphql: { maxDepth: maxDepth!, maxComplexity: maxComplexity!, maxMutations: maxMutations! },
    rateLimitPerMinute: rateLimitPerMinute!,
    creditExpiryIntervalSeconds: creditExpiryIntervalSeconds!,
  };
}

/** Reads variables, treating empty or blank values as unset, and records problems instead of throwing. */
class Reader {
  constructor(
    private readonly env: Env,
    private readonly problems: ConfigProblem[],
  ) {}

  /** A 32-byte key in base64; a value that is not one is a problem (never echoed: it is a secret). */
  key(name: string): Buffer | undefined {
    const value = this.optional(name);
    if (value === undefined) return undefined;
    const key = parseKey(value);
    if (!key) this.problems.push({ variable: name, message: 'must be base64 of exactly 32 bytes (e.g. `openssl rand -base64 32`)' });
    return key;
  }

  optional(name: string): string | undefined {
    const raw = this.env[name];
    if (raw === undefined) return undefined;
    const value = raw.trim();
    return value === '' ? undefined : value;
  }

  string(name: string, fallback: string, check?: (value: string) => string | undefined): string | undefined {
    const value = this.optional(name) ?? fallback;
    const problem = check?.(value);
    if (problem !== undefined) {
      this.problems.push({ variable: name, message: `${problem}, got "${value}"` });
      return undefined;
    }
    return value;
  }

  integer(name: string, fallback: number, min: number, max: number): number | undefined {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      this.problems.push({ variable: name, message: `must be an integer from ${min} to ${max}, got "${raw}"` });
      return undefined;
    }
    return value;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T | undefined {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const value = raw.toLowerCase();
    if (!(allowed as readonly string[]).includes(value)) {
      this.problems.push({ variable: name, message: `must be one of ${allowed.join(', ')}, got "${raw}"` });
      return undefined;
    }
    return value as T;
  }
}

function absolute(path: string | undefined, cwd: string): string {
  const value = path ?? '.';
  return isAbsolute(value) ? resolve(value) : resolve(cwd, value);
}

function checkUrl(problems: ConfigProblem[], variable: string, value: string, schemes: readonly string[]): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.push({ variable, message: `is not a valid URL (expected ${schemes.map((s) => `${s}//…`).join(' or ')})` });
    return;
  }
  if (!schemes.includes(url.protocol)) {
    problems.push({ variable, message: `must start with ${schemes.map((s) => `${s}//`).join(', ')}; got ${url.protocol}//…` });
  }
}
