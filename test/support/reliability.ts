// Shared by the reliability specs (test/reliability): a client that keeps the status and headers of every answer,
// a steady stream of enterprise commands and queries that retries what the service asks it to retry, and the
// checks that follow a fault: every acknowledged command written exactly once, chains intact, read models equal
// to a rebuild.
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { withCheckCharacter } from '#domain/shared';
import { misfitOf } from '#domain/streams';
import { type ChainVerification, type EventStore, PostgresEventStore, postgresEventLog } from '#eventstore';
import { createReadModelDataSource, rebuildProjections, registerEntities, registerMigrations, registerProjections } from '#projections';

const { Pool } = pg;

/** Scenario sizes: the CI size by default, the large one with RELIABILITY_SIZE=large. */
export const LARGE = process.env.RELIABILITY_SIZE === 'large';

export interface Answer {
  /** HTTP status; 0 when no answer came (connection refused or reset). */
  readonly status: number;
  readonly retryAfter: string | null;
  readonly codes: readonly string[];
  readonly data: Record<string, unknown> | null;
  readonly text: string;
}

export async function post(url: string, token: string, query: string, variables: Record<string, unknown> = {}): Promise<Answer> {
  try {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    let body: { data?: Record<string, unknown> | null; errors?: { extensions?: { code?: string } }[] } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // not JSON: kept as text for the report
    }
    return {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      codes: (body.errors ?? []).map((e) => e.extensions?.code ?? 'NO_CODE'),
      data: body.data ?? null,
      text,
    };
  } catch (error) {
    return { status: 0, retryAfter: null, codes: [], data: null, text: error instanceof Error ? error.message : String(error) };
  }
}

/** An answer the service asked to have retried: 503, Retry-After, and only UNAVAILABLE errors. */
export function isRetryable(answer: Answer): boolean {
  return answer.status === 503 && answer.retryAfter !== null && /^\d+$/.test(answer.retryAfter) && answer.codes.length > 0 && answer.codes.every((c) => c === 'UNAVAILABLE');
}

export function enterpriseCode(run: number, i: number): string {
  return withCheckCharacter(`9142${String(run).padStart(5, '0')}RL${String(i).padStart(6, '0')}`);
}

const REGISTER = `mutation($input: RegisterEnterpriseInput!) { registerEnterprise(input: $input) { commandId revision duplicate readModelCurrent } }`;
const UPDATE = `mutation($input: UpdateEnterpriseProfileInput!) { updateEnterpriseProfile(input: $input) { commandId revision duplicate } }`;
const LIST = `{ enterprises(first: 20) { edges { node { code name } } } }`;
const ONE = `query($code: String!) { enterprise(code: $code) { code name revision } }`;

/** A command the load sent, under its own command id, until it was acknowledged. */
export interface SentCommand {
  readonly commandId: string;
  readonly kind: 'register' | 'update';
  readonly code: string;
  /** Events the command writes. */
  readonly events: number;
  attempts: number;
  acknowledged: boolean;
  /** When it was acknowledged (ms since the epoch). */
  acknowledgedAt?: number;
}

export interface LoadReport {
  readonly commands: number;
  readonly acknowledged: number;
  readonly queries: number;
  /** Answers asked to be retried (503 + Retry-After + UNAVAILABLE), commands and queries. */
  readonly retried: number;
  /** Every other failed answer, with what it was (must stay empty). */
  readonly violations: readonly string[];
}

export interface LoadOptions {
  readonly url: string;
  readonly token: string;
  /** Distinguishes the codes of one run from another's in the same database. */
  readonly run: number;
  readonly commandWorkers: number;
  readonly queryWorkers: number;
  /** Pause before sending a retried command again (shorter than Retry-After, so the test sees the recovery). */
  readonly retryPauseMs?: number;
  /** A transport failure (no answer) is expected while the service itself is down (killed): retried too. */
  readonly retryWithoutAnswer?: boolean;
}

/**
 * A steady stream of commands (register an enterprise, then change its name) and queries, each worker one
 * request at a time. A command is sent under one command id until acknowledged; answers asked to be retried are
 * counted, any other failure is a violation. `stop` lets every worker finish the command it is on.
 */
export class SteadyLoad {
  readonly sent: SentCommand[] = [];
  private queries = 0;
  private retried = 0;
  private readonly violations: string[] = [];
  private stopping = false;
  private workers: Promise<void>[] = [];
  private next = 0;
  /** Codes whose registration was acknowledged, for queries. */
  private readonly registered: string[] = [];

  constructor(private readonly options: LoadOptions) {}

  start(): void {
    for (let w = 0; w < this.options.commandWorkers; w++) this.workers.push(this.commandWorker());
    for (let w = 0; w < this.options.queryWorkers; w++) this.workers.push(this.queryWorker());
  }

  /** Stops sending new requests and waits (up to `timeoutMs`) for every command under way to be acknowledged. */
  async stop(timeoutMs = 60_000): Promise<LoadReport> {
    this.stopping = true;
    const deadline = new AbortController();
    const all = Promise.all(this.workers);
    const timedOut = await Promise.race([all.then(() => false), delay(timeoutMs, true, { signal: deadline.signal }).catch(() => false)]);
    deadline.abort();
    if (timedOut) this.violations.push(`commands still unacknowledged after ${timeoutMs} ms`);
    return this.report();
  }

  report(): LoadReport {
    return {
      commands: this.sent.length,
      acknowledged: this.sent.filter((c) => c.acknowledged).length,
      queries: this.queries,
      retried: this.retried,
      violations: [...this.violations],
    };
  }

  private judge(answer: Answer, what: string): 'ok' | 'retry' | 'violation' {
    if (answer.status === 200 && answer.codes.length === 0) return 'ok';
    if (isRetryable(answer) || (answer.status === 0 && this.options.retryWithoutAnswer)) {
      this.retried += 1;
      return 'retry';
    }
    if (this.violations.length < 20) this.violations.push(`${what}: HTTP ${answer.status}, Retry-After ${answer.retryAfter ?? 'none'}, codes ${answer.codes.join(',') || 'none'}: ${answer.text.slice(0, 300)}`);
    return 'violation';
  }

  private async commandWorker(): Promise<void> {
    // Each worker changes only enterprises it registered itself: two workers never race on one stream.
    const own: string[] = [];
    while (!this.stopping) {
      const i = this.next++;
      const updating = i % 3 === 2 && own.length > 0;
      const code = updating ? own[i % own.length]! : enterpriseCode(this.options.run, i);
      const command: SentCommand = { commandId: randomUUID(), kind: updating ? 'update' : 'register', code, events: 1, attempts: 0, acknowledged: false };
      this.sent.push(command);
      const [query, input] = updating
        ? [UPDATE, { commandId: command.commandId, code, name: `可靠性测试更名${i}建设有限公司`, reason: '更名' }]
        : [REGISTER, { commandId: command.commandId, code, name: `可靠性测试${i}建设有限公司`, legalRepresentative: '王五', regionCode: '420100', ownership: 'PRIVATE' }];
      for (;;) {
        command.attempts += 1;
        const answer = await post(this.options.url, this.options.token, query, { input });
        const verdict = this.judge(answer, `${command.kind} ${code}`);
        if (verdict === 'ok') {
          command.acknowledged = true;
          command.acknowledgedAt = Date.now();
          if (!updating) {
            own.push(code);
            // Queried by code only once the read model was said to hold it: an acknowledgement after the bounded
            // wait ran out (readModelCurrent false, e.g. while the projector reconnects after the outage) promises
            // the write, not yet the read (ADR 0006).
            const payload = answer.data?.registerEnterprise as { readModelCurrent?: boolean } | undefined;
            if (payload?.readModelCurrent === true) this.registered.push(code);
          }
          break;
        }
        if (verdict === 'violation') break;
        await delay(this.options.retryPauseMs ?? 200);
      }
    }
  }

  private async queryWorker(): Promise<void> {
    for (let i = 0; !this.stopping; i++) {
      const known = this.registered[i % Math.max(1, this.registered.length)];
      const answer = known && i % 2 === 1 ? await post(this.options.url, this.options.token, ONE, { code: known }) : await post(this.options.url, this.options.token, LIST);
      this.queries += 1;
      if (this.judge(answer, 'query') !== 'ok') await delay(this.options.retryPauseMs ?? 200);
      else await delay(20);
    }
  }
}

/**
 * What the store holds for the commands sent: each acknowledged command's events exactly once (by command id),
 * and no event of a command id that was never acknowledged. Returns the problems found (none: empty).
 */
export async function partialWrites(pool: pg.Pool, sent: readonly SentCommand[]): Promise<string[]> {
  const { rows } = await pool.query<{ command_id: string; events: number; distinct_ids: number }>(
    `SELECT metadata->>'commandId' AS command_id, count(*)::int AS events, count(DISTINCT event_id)::int AS distinct_ids
       FROM es_events GROUP BY 1`,
  );
  const stored = new Map(rows.map((r) => [r.command_id, r]));
  const problems: string[] = [];
  for (const command of sent) {
    const found = stored.get(command.commandId);
    if (command.acknowledged && (!found || found.events !== command.events || found.distinct_ids !== command.events)) {
      problems.push(`${command.kind} ${command.code} (${command.commandId}) acknowledged but stored ${found?.events ?? 0} times`);
    }
    if (!command.acknowledged && found) problems.push(`${command.kind} ${command.code} (${command.commandId}) never acknowledged but stored`);
  }
  return problems;
}

/** The hash chains of every stream, as `verify-chain` checks them. */
export function verifyChains(store: EventStore): Promise<ChainVerification> {
  return store.verifyAll({ misfit: misfitOf });
}

/** Every read-model table of every projection: its row count and a digest of its rows in a fixed order. */
export async function readModelChecksums(pool: pg.Pool): Promise<Record<string, string>> {
  const checksums: Record<string, string> = {};
  for (const table of registerProjections.flatMap((p) => p.tables).sort()) {
    const { rows } = await pool.query<{ n: number; digest: string }>(
      `SELECT count(*)::int AS n, md5(coalesce(string_agg(md5(t::text), '' ORDER BY md5(t::text)), '')) AS digest FROM public.${table} t`,
    );
    checksums[table] = `${rows[0]!.n} rows, ${rows[0]!.digest}`;
  }
  return checksums;
}

/** Writes a scenario's measurements to stderr when RELIABILITY_REPORT is set (docs/reliability.md quotes them). */
export function report(scenario: string, measured: Record<string, unknown>): void {
  if (process.env.RELIABILITY_REPORT) process.stderr.write(`reliability ${scenario}: ${JSON.stringify(measured)}\n`);
}

/** The test's own connections to a service's database: a pool, the event store and the read models (for rebuilds). */
export interface DatabaseHandles {
  readonly pool: pg.Pool;
  readonly store: PostgresEventStore;
  readonly dataSource: DataSource;
  close(): Promise<void>;
}

export async function openDatabase(url: string): Promise<DatabaseHandles> {
  const pool = new Pool({ connectionString: url, max: 4 });
  pool.on('error', () => undefined);
  const store = new PostgresEventStore({ pool });
  const dataSource = createReadModelDataSource({ url, entities: registerEntities, migrations: registerMigrations, poolSize: 4, applicationName: 'reliability-test' });
  await dataSource.initialize();
  return {
    pool,
    store,
    dataSource,
    async close() {
      await store.close();
      await dataSource.destroy();
      await pool.end();
    },
  };
}

/** Rebuilds every projection from the store (as `rebuild-projections` does), beside the running service. */
export async function rebuildAll(database: DatabaseHandles): Promise<void> {
  await rebuildProjections({ store: database.store, dataSource: database.dataSource, eventLog: postgresEventLog, projections: registerProjections });
}

/** Resolves once every projection's checkpoint is at the store's last committed event. */
export async function caughtUp(pool: pg.Pool, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await pool.query<{ behind: number }>(
      `WITH head AS (
         SELECT lpad(transaction_id::text, 20, '0') || ':' || lpad(global_position::text, 20, '0') AS position
           FROM es_events ORDER BY transaction_id DESC, global_position DESC LIMIT 1)
       SELECT count(*)::int AS behind FROM projection_checkpoints c, head
        WHERE c.name = ANY($1) AND (c.position IS NULL OR c.position < head.position)`,
      [registerProjections.map((p) => p.name)],
    );
    const { rows: known } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM projection_checkpoints WHERE name = ANY($1)`, [registerProjections.map((p) => p.name)]);
    if (rows[0]!.behind === 0 && known[0]!.n === registerProjections.length) return;
    if (Date.now() > deadline) throw new Error(`projections still behind after ${timeoutMs} ms`);
    await delay(50);
  }
}

/** The store's last committed event's position (null when empty), in the projections' checkpoint format. */
export async function headPosition(pool: pg.Pool): Promise<string | null> {
  const { rows } = await pool.query<{ position: string }>(
    `SELECT lpad(transaction_id::text, 20, '0') || ':' || lpad(global_position::text, 20, '0') AS position
       FROM es_events ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
  );
  return rows[0]?.position ?? null;
}

/** Resolves with the time it took until the projection's stored checkpoint reached `position`. */
export async function checkpointReaches(pool: pg.Pool, projection: string, position: string | null, timeoutMs = 60_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    const { rows } = await pool.query<{ position: string | null }>('SELECT position FROM projection_checkpoints WHERE name = $1', [projection]).catch(() => ({ rows: [] }));
    if (position === null || (rows[0]?.position ?? '') >= position) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`${projection} did not reach ${position} within ${timeoutMs} ms`);
    await delay(20);
  }
}
