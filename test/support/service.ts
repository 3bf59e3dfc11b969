import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiHost } from '#api';
import type { Role } from '#domain/shared';
import { PostgresEventStore } from '#eventstore';
import { type Clock, createLogger, type Logger, loadConfig, migrate, openInfrastructure, runService, type RunningService } from '#platform';
import { registerProjections } from '#projections';
import { createTestDatabase, GraphQLClient, type TestDatabase } from '#testing';
import type pg from 'pg';

export interface TestService {
  readonly url: string;
  readonly service: RunningService;
  readonly database: TestDatabase;
  /** A connection pool to the service's database, for assertions on what was (not) written. */
  readonly pool: pg.Pool;
  token(role: Role, claims?: { associationId?: string; enterpriseCode?: string; userId?: string }): Promise<string>;
  /** A GraphQL client carrying a fresh token for the role (issued on first request). */
  client(role: Role, claims?: { associationId?: string; enterpriseCode?: string; userId?: string }): GraphQLClient;
  /** Waits until every projection has applied everything the store holds now. */
  settled(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface StartTestServiceOptions {
  readonly clock?: Clock;
  readonly env?: Record<string, string>;
  /** Where the service logs; default errors only, to stdout. */
  readonly logger?: Logger;
}

/**
 * The whole service as `npm start` runs it (single process: migrations, projector, API over real HTTP),
 * on a fresh database of the shared test cluster and a free port.
 */
export async function startTestService(options: StartTestServiceOptions = {}): Promise<TestService> {
  const database = await createTestDatabase('e2e');
  const dataDir = await mkdtemp(join(tmpdir(), 'register-e2e-'));
  const config = loadConfig({
    DATABASE_URL: database.url,
    RUN_MODE: 'single',
    DATA_DIR: dataDir,
    JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-0123456789',
    // Outside the database, as in production: fresh keys for every test service.
    PERSONAL_DATA_MASTER_KEY: randomBytes(32).toString('base64'),
    PERSON_IDENTITY_SECRET: randomBytes(32).toString('base64'),
    SEAL_SIGNING_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'error',
    HOST: '127.0.0.1',
    PORT: '0',
    ...options.env,
  });
  const logger = options.logger ?? createLogger({ level: 'error', service: 'register-test' });
  if (config.runMode !== 'single') {
    // As an operator runs a split deployment: `migrate` once, then the api and projector processes.
    const infrastructure = await openInfrastructure(config, logger);
    try {
      await migrate(infrastructure);
    } finally {
      await infrastructure.close();
    }
  }
  const service = await runService(config, apiHost({ host: '127.0.0.1', port: 0 }), { clock: options.clock, logger });
  const url = service.host.url!;
  const token: TestService['token'] = (role, claims = {}) =>
    service.runtime.tokens.issue({
      userId: claims.userId ?? `${role.toLowerCase()}-test`,
      role,
      associationId: claims.associationId ?? (role === 'ADMIN' || role === 'MEMBER' ? 'assoc-test' : null),
      enterpriseCode: claims.enterpriseCode ?? null,
      ttlSeconds: 3600,
    });
  return {
    url,
    service,
    database,
    pool: service.infrastructure.pool,
    token,
    client(role, claims) {
      return new LazyTokenClient(url, () => token(role, claims));
    },
    async settled(timeoutMs = 30_000) {
      // Not headPosition: an unrelated open transaction (a projection's batch) can hold it below an event the
      // test has just appended, and the wait would end before that event is applied.
      const store = service.runtime.store;
      const head = store instanceof PostgresEventStore ? await store.lastCommittedPosition() : await store.headPosition();
      if (head === null) return;
      if (!(await service.runtime.waiter.waitFor(head, registerProjections.map((p) => p.name), timeoutMs))) {
        throw new Error(`The projections did not reach ${head} within ${timeoutMs} ms.`);
      }
    },
    async stop() {
      await service.stop();
      await database.drop();
    },
  };
}

/** Issues its token on first use, so `client(role)` can be called synchronously. */
class LazyTokenClient extends GraphQLClient {
  private issued: Promise<string> | null = null;

  constructor(
    baseUrl: string,
    private readonly issue: () => Promise<string>,
  ) {
    super(baseUrl);
  }

  override async request<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}) {
    this.issued ??= this.issue();
    return new GraphQLClient(this.baseUrl, await this.issued).request<T>(query, variables);
  }
}
