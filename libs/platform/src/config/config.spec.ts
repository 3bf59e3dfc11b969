import { describe, expect, it, beforeEach, afterEach } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFIG_VARIABLES, ConfigError, configVariablesMarkdown, loadConfig, type ConfigProblem } from './index.js';

const SECRET = 'x'.repeat(40);
const MASTER_KEY = Buffer.alloc(32, 7);
const SEAL_KEY = Buffer.alloc(32, 11);
const IDENTITY_SECRET = Buffer.alloc(32, 9);

function problemsOf(fn: () => unknown): readonly ConfigProblem[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  let cwd: string;
  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'register-config-'));
  });
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  describe('when nothing is set', () => {
    it('defaults to one local process with embedded Postgres and the Postgres event store', () => {
      const config = loadConfig({}, { cwd });
      expect(config.runMode).toBe('single');
      expect(config.http).toEqual({ host: '127.0.0.1', port: 4000 });
      expect(config.dataDir).toBe(join(cwd, 'data'));
      expect(config.database).toEqual({ mode: 'embedded', dataDir: join(cwd, 'data', 'postgres'), port: 54329 });
      expect(config.eventStore).toEqual({ kind: 'postgres' });
      expect(config.logLevel).toBe('info');
      expect(config.readYourWritesTimeoutMs).toBe(5000);
      expect(config.projectionBatchSize).toBe(500);
      expect(config.graphql).toEqual({ maxDepth: 10, maxComplexity: 2000, maxMutations: 50 });
      expect(config.rateLimitPerMinute).toBe(60_000);
      expect(config.creditExpiryIntervalSeconds).toBe(3600);
      expect(config.auth).toMatchObject({ jwtIssuer: 'association-register', tokenTtl: '12h', tokenTtlSeconds: 43_200 });
    });

    it('generates a JWT secret on first start, keeps it private and reuses it afterwards', () => {
      const first = loadConfig({}, { cwd });
      const file = join(cwd, 'data', 'jwt-secret');
      expect(first.auth).toMatchObject({ jwtSecretSource: 'generated', jwtSecretGenerated: true, jwtSecretFile: file });
      expect(first.auth.jwtSecret.length).toBeGreaterThanOrEqual(64);
      expect(readFileSync(file, 'utf8').trim()).toBe(first.auth.jwtSecret);
      expect(statSync(file).mode & 0o777).toBe(0o600);

      const second = loadConfig({}, { cwd });
      expect(second.auth).toMatchObject({ jwtSecretSource: 'file', jwtSecretGenerated: false });
      expect(second.auth.jwtSecret).toBe(first.auth.jwtSecret);
    });

    it('tightens the permissions of a secret file that was restored world-readable', () => {
      loadConfig({}, { cwd });
      const file = join(cwd, 'data', 'jwt-secret');
      chmodSync(file, 0o644);
      loadConfig({}, { cwd });
      expect(statSync(file).mode & 0o777).toBe(0o600);
    });

    it('keeps the personal-data keys in 0600 files of DATA_DIR/keys, the same on every start, and refuses a damaged one', () => {
      const first = loadConfig({}, { cwd });
      expect(first.privacy.masterKeySource).toBe('generated');
      expect(first.privacy.masterKey).toHaveLength(32);
      expect(first.privacy.masterKey.equals(first.privacy.identitySecret)).toBe(false);
      for (const name of ['master.key', 'identity.key']) expect(statSync(join(cwd, 'data', 'keys', name)).mode & 0o777).toBe(0o600);
      const again = loadConfig({}, { cwd });
      expect(again.privacy.masterKeySource).toBe('file');
      expect(again.privacy.masterKey.equals(first.privacy.masterKey)).toBe(true);
      writeFileSync(join(cwd, 'data', 'keys', 'master.key'), 'damaged\n');
      expect(() => loadConfig({}, { cwd })).toThrow(/does not hold a master key/);
    });

    it('keeps the seal signing key in a 0600 file of DATA_DIR/keys, the same on every start, and seals hourly by default', () => {
      const first = loadConfig({}, { cwd });
      expect(first.seals).toMatchObject({ signingKeySource: 'generated', signingKeyFile: join(cwd, 'data', 'keys', 'seal.key'), intervalSeconds: 3600 });
      expect(first.seals.signingKey).toHaveLength(32);
      expect(first.seals.signingKey.equals(first.privacy.masterKey)).toBe(false);
      expect(statSync(join(cwd, 'data', 'keys', 'seal.key')).mode & 0o777).toBe(0o600);
      const again = loadConfig({}, { cwd });
      expect(again.seals.signingKeySource).toBe('file');
      expect(again.seals.signingKey.equals(first.seals.signingKey)).toBe(true);
      writeFileSync(join(cwd, 'data', 'keys', 'seal.key'), 'damaged\n');
      expect(() => loadConfig({}, { cwd })).toThrow(/does not hold a seal signing key/);
    });

    it('refuses a secret file that has been truncated', () => {
      loadConfig({}, { cwd });
      writeFileSync(join(cwd, 'data', 'jwt-secret'), 'short\n');
      expect(() => loadConfig({}, { cwd })).toThrow(/shorter than 32 characters/);
    });
  });

  describe('when variables are set', () => {
    it('reads every one of them', () => {
      const config = loadConfig(
        {
          PORT: '8080',
          HOST: '0.0.0.0',
          DATA_DIR: '/var/lib/register',
          DATABASE_URL: 'postgres://register:pw@db:5432/register',
          EVENT_STORE: 'esdb',
          EVENTSTORE_URL: 'esdb://eventstore:2113?tls=false',
          RUN_MODE: 'api',
          JWT_SECRET: SECRET,
          JWT_ISSUER: 'guangdong-association',
          TOKEN_TTL: '90m',
          LOG_LEVEL: 'debug',
          READ_YOUR_WRITES_TIMEOUT_MS: '0',
          PROJECTION_BATCH_SIZE: '100',
          GRAPHQL_MAX_DEPTH: '7',
          GRAPHQL_MAX_COMPLEXITY: '500',
          GRAPHQL_MAX_MUTATIONS: '10',
          RATE_LIMIT_PER_MINUTE: '600',
          CREDIT_EXPIRY_INTERVAL: '15m',
          PERSONAL_DATA_MASTER_KEY: MASTER_KEY.toString('base64'),
          PERSON_IDENTITY_SECRET: IDENTITY_SECRET.toString('base64url'),
          SEAL_SIGNING_KEY: SEAL_KEY.toString('base64'),
          SEAL_INTERVAL: 'off',
        },
        { cwd },
      );
      expect(config).toEqual({
        runMode: 'api',
        http: { host: '0.0.0.0', port: 8080 },
        dataDir: '/var/lib/register',
        database: { mode: 'external', url: 'postgres://register:pw@db:5432/register' },
        eventStore: { kind: 'esdb', url: 'esdb://eventstore:2113?tls=false' },
        auth: {
          jwtSecret: SECRET,
          jwtSecretSource: 'env',
          jwtSecretGenerated: false,
          jwtSecretFile: undefined,
          jwtIssuer: 'guangdong-association',
          tokenTtl: '90m',
          tokenTtlSeconds: 5400,
        },
        privacy: {
          masterKey: MASTER_KEY,
          masterKeySource: 'env',
          masterKeyFile: undefined,
          identitySecret: IDENTITY_SECRET,
          identitySecretSource: 'env',
          identitySecretFile: undefined,
        },
        seals: { signingKey: SEAL_KEY, signingKeySource: 'env', signingKeyFile: undefined, intervalSeconds: 0 },
        logLevel: 'debug',
        readYourWritesTimeoutMs: 0,
        projectionBatchSize: 100,
        graphql: { maxDepth: 7, maxComplexity: 500, maxMutations: 10 },
        rateLimitPerMinute: 600,
        creditExpiryIntervalSeconds: 900,
      });
    });

    it('writes no secret file when JWT_SECRET is given', () => {
      loadConfig({ JWT_SECRET: SECRET }, { cwd });
      expect(existsSync(join(cwd, 'data', 'jwt-secret'))).toBe(false);
    });

    it('resolves relative data folders against the working directory', () => {
      const config = loadConfig({ DATA_DIR: 'state', EMBEDDED_PG_DATA_DIR: 'pg/../pgdata' }, { cwd });
      expect(config.dataDir).toBe(join(cwd, 'state'));
      expect(config.database).toMatchObject({ dataDir: join(cwd, 'pgdata') });
      expect(config.auth.jwtSecretFile).toBe(join(cwd, 'state', 'jwt-secret'));
    });

    it('turns the rate limit off with 0', () => {
      expect(loadConfig({ RATE_LIMIT_PER_MINUTE: '0' }, { cwd }).rateLimitPerMinute).toBe(0);
    });

    it('turns the credit expiry schedule off with off or 0', () => {
      expect(loadConfig({ CREDIT_EXPIRY_INTERVAL: 'off' }, { cwd }).creditExpiryIntervalSeconds).toBe(0);
      expect(loadConfig({ CREDIT_EXPIRY_INTERVAL: '0' }, { cwd }).creditExpiryIntervalSeconds).toBe(0);
    });

    it('treats empty values as unset', () => {
      const config = loadConfig({ PORT: '', DATABASE_URL: '  ', LOG_LEVEL: '' }, { cwd });
      expect(config.http.port).toBe(4000);
      expect(config.database.mode).toBe('embedded');
      expect(config.logLevel).toBe('info');
    });
  });

  describe('when variables are wrong', () => {
    it('lists every bad variable in one error instead of stopping at the first', () => {
      const problems = problemsOf(() =>
        loadConfig(
          {
            PORT: 'eighty',
            EMBEDDED_PG_PORT: '0',
            EVENT_STORE: 'mongo',
            RUN_MODE: 'both',
            TOKEN_TTL: 'forever',
            LOG_LEVEL: 'loud',
            READ_YOUR_WRITES_TIMEOUT_MS: '-1',
            PROJECTION_BATCH_SIZE: '0',
            GRAPHQL_MAX_DEPTH: '1.5',
            GRAPHQL_MAX_COMPLEXITY: '1e3',
            GRAPHQL_MAX_MUTATIONS: '0',
            RATE_LIMIT_PER_MINUTE: '-5',
            CREDIT_EXPIRY_INTERVAL: 'hourly',
          },
          { cwd },
        ),
      );
      expect(problems.map((p) => p.variable).sort()).toEqual(
        [
          'PORT',
          'EMBEDDED_PG_PORT',
          'EVENT_STORE',
          'RUN_MODE',
          'TOKEN_TTL',
          'LOG_LEVEL',
          'READ_YOUR_WRITES_TIMEOUT_MS',
          'PROJECTION_BATCH_SIZE',
          'GRAPHQL_MAX_DEPTH',
          'GRAPHQL_MAX_COMPLEXITY',
          'GRAPHQL_MAX_MUTATIONS',
          'RATE_LIMIT_PER_MINUTE',
          'CREDIT_EXPIRY_INTERVAL',
        ].sort(),
      );
      expect(() => loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud' }, { cwd })).toThrow(
        /Invalid configuration \(2 problems\):\n {2}- PORT: must be an integer from 0 to 65535, got "eighty"\n {2}- LOG_LEVEL: must be one of/,
      );
    });

    it('writes no secret file when the configuration is refused', () => {
      problemsOf(() => loadConfig({ PORT: '99999' }, { cwd }));
      expect(existsSync(join(cwd, 'data'))).toBe(false);
    });

    it('requires EVENTSTORE_URL for the EventStoreDB adapter', () => {
      expect(problemsOf(() => loadConfig({ EVENT_STORE: 'esdb' }, { cwd }))).toEqual([
        { variable: 'EVENTSTORE_URL', message: expect.stringContaining('required when EVENT_STORE=esdb') },
      ]);
    });

    it('refuses connection strings of the wrong kind without echoing their credentials', () => {
      const problems = problemsOf(() =>
        loadConfig(
          { DATABASE_URL: 'mysql://root:hunter2@db/register', EVENT_STORE: 'esdb', EVENTSTORE_URL: 'not a url' },
          { cwd },
        ),
      );
      expect(problems.map((p) => p.variable)).toEqual(['DATABASE_URL', 'EVENTSTORE_URL']);
      expect(JSON.stringify(problems)).not.toContain('hunter2');
    });

    it('accepts the KurrentDB connection-string schemes', () => {
      for (const url of ['kurrentdb://localhost:2113?tls=false', 'esdb+discover://cluster.local:2113', 'kdb://h:2113']) {
        expect(loadConfig({ EVENT_STORE: 'esdb', EVENTSTORE_URL: url }, { cwd }).eventStore).toEqual({ kind: 'esdb', url });
      }
    });

    it('refuses the split run modes without an external database', () => {
      expect(problemsOf(() => loadConfig({ RUN_MODE: 'projector' }, { cwd }))).toEqual([
        { variable: 'DATABASE_URL', message: expect.stringContaining('required when RUN_MODE=projector') },
        { variable: 'PERSONAL_DATA_MASTER_KEY', message: expect.stringContaining('required when RUN_MODE=projector') },
        { variable: 'PERSON_IDENTITY_SECRET', message: expect.stringContaining('required when RUN_MODE=projector') },
        { variable: 'SEAL_SIGNING_KEY', message: expect.stringContaining('required when RUN_MODE=projector') },
      ]);
    });

    it('refuses RUN_MODE=api without a shared JWT secret', () => {
      const problems = problemsOf(() => loadConfig({ RUN_MODE: 'api', DATABASE_URL: 'postgres://db/register' }, { cwd }));
      expect(problems).toEqual([
        { variable: 'JWT_SECRET', message: expect.stringContaining('required when RUN_MODE=api') },
        { variable: 'PERSONAL_DATA_MASTER_KEY', message: expect.stringContaining('required when RUN_MODE=api') },
        { variable: 'PERSON_IDENTITY_SECRET', message: expect.stringContaining('required when RUN_MODE=api') },
        { variable: 'SEAL_SIGNING_KEY', message: expect.stringContaining('required when RUN_MODE=api') },
      ]);
    });

    it('refuses a seal signing key that is not 32 bytes of base64, without printing it, and a bad seal interval', () => {
      const problems = problemsOf(() => loadConfig({ SEAL_SIGNING_KEY: 'c2VjcmV0LXNlZWQ=', SEAL_INTERVAL: 'hourly' }, { cwd }));
      expect(problems).toEqual([
        { variable: 'SEAL_SIGNING_KEY', message: 'must be base64 of exactly 32 bytes (e.g. `openssl rand -base64 32`)' },
        { variable: 'SEAL_INTERVAL', message: 'must be a duration such as 15m, 1h or 1d, or off, got "hourly"' },
      ]);
      expect(JSON.stringify(problems)).not.toContain('c2VjcmV0LXNlZWQ');
    });

    it('refuses a personal-data key that is not 32 bytes of base64, without printing it', () => {
      const problems = problemsOf(() => loadConfig({ PERSONAL_DATA_MASTER_KEY: 'not-a-key', PERSON_IDENTITY_SECRET: Buffer.alloc(16).toString('base64') }, { cwd }));
      expect(problems).toEqual([
        { variable: 'PERSONAL_DATA_MASTER_KEY', message: 'must be base64 of exactly 32 bytes (e.g. `openssl rand -base64 32`)' },
        { variable: 'PERSON_IDENTITY_SECRET', message: 'must be base64 of exactly 32 bytes (e.g. `openssl rand -base64 32`)' },
      ]);
    });

    it('refuses a short JWT secret without printing it', () => {
      const problems = problemsOf(() => loadConfig({ JWT_SECRET: 'secret123' }, { cwd }));
      expect(problems).toEqual([{ variable: 'JWT_SECRET', message: 'must be at least 32 characters (got 9)' }]);
    });

    it('refuses a zero token lifetime', () => {
      expect(problemsOf(() => loadConfig({ TOKEN_TTL: '0h' }, { cwd })).map((p) => p.variable)).toEqual(['TOKEN_TTL']);
    });
  });
});

describe('CONFIG_VARIABLES', () => {
  it('documents every variable loadConfig reads, once', () => {
    const names = CONFIG_VARIABLES.map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
    const source = readFileSync(new URL('./config.ts', import.meta.url), 'utf8');
    const read = [...source.matchAll(/read\.\w+\('([A-Z_]+)'/g)].map((m) => m[1]);
    expect([...new Set(read)].sort()).toEqual([...names].sort());
  });

  it('renders as a Markdown table for the README', () => {
    const table = configVariablesMarkdown();
    expect(table.split('\n')).toHaveLength(CONFIG_VARIABLES.length + 2);
    expect(table).toContain('| `PORT` | `4000` |');
  });
});
